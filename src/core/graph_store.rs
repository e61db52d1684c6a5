//! The resolved graph in the store: what the resolver reads, the packed `links` rows it
//! writes, PageRank, and what the graph loads.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{params, Connection};

use crate::core::error::{Error, Result};
use crate::core::graph::is_test_parts;
use crate::core::lang::{Import, ImportName, Language, Relation, SymbolKind, NAME_SEPARATORS};
use crate::core::resolve::{Confidence, Dst, FileIn, InheritIn, Link, LinkKind, NodeIn};
use crate::core::store::{db_err, decode_accesses, decode_bindings, decode_calls};

fn corrupt(path: &Path, what: &str) -> Error {
    Error::Corrupt {
        path: path.to_path_buf(),
        detail: what.to_string(),
    }
}

/// Everything the resolver needs, per file, in path order. `prefix` gives a file's
/// qualified-name prefix (Go import path, Rust module path).
pub fn resolve_input(
    conn: &Connection,
    path: &Path,
    prefix: &dyn Fn(Language, &str) -> String,
) -> Result<Vec<FileIn>> {
    let e = db_err(path);
    let mut files: Vec<FileIn> = Vec::new();
    let mut pos: HashMap<i64, usize> = HashMap::new();
    {
        let mut st = conn
            .prepare("SELECT id, path, language FROM files ORDER BY path")
            .map_err(&e)?;
        let mut rows = st.query([]).map_err(&e)?;
        while let Some(r) = rows.next().map_err(&e)? {
            let id: i64 = r.get(0).map_err(&e)?;
            let p: String = r.get(1).map_err(&e)?;
            let lang: String = r.get(2).map_err(&e)?;
            let language =
                Language::from_name(&lang).ok_or_else(|| corrupt(path, "unknown language"))?;
            pos.insert(id, files.len());
            files.push(FileIn {
                id,
                prefix: prefix(language, &p),
                path: p,
                language,
                nodes: Vec::new(),
                calls: Vec::new(),
                imports: Vec::new(),
                inherits: Vec::new(),
                bindings: Vec::new(),
                accesses: Vec::new(),
            });
        }
    }
    {
        let mut st = conn
            .prepare(
                "SELECT file_id, id, parent_id, kind, name, qualified_name, parent_name,
                        CASE WHEN signature LIKE 'func (%' THEN signature ELSE '' END,
                        parameters, return_type, start_line,
                        (kind = 'method' AND (decorators LIKE '%property%'
                            OR signature LIKE 'get %' OR signature LIKE 'static get %')),
                        end_line, complexity, nesting,
                        CASE WHEN decorators LIKE '%test%' THEN decorators ELSE '[]' END,
                        CASE WHEN kind = 'method' AND (receiver GLOB '[*&[(a-z]*' OR length(receiver) <= 2)
                             THEN receiver END
                 FROM nodes ORDER BY file_id, id",
            )
            .map_err(&e)?;
        let mut rows = st.query([]).map_err(&e)?;
        while let Some(r) = rows.next().map_err(&e)? {
            let fid: i64 = r.get(0).map_err(&e)?;
            let Some(&i) = pos.get(&fid) else { continue };
            let kind: String = r.get(3).map_err(&e)?;
            let kind = SymbolKind::parse(&kind).ok_or_else(|| corrupt(path, "unknown kind"))?;
            let params: String = r.get(8).map_err(&e)?;
            let name: String = r.get(4).map_err(&e)?;
            let qualified_name: String = r.get(5).map_err(&e)?;
            let decorators: String = r.get(15).map_err(&e)?;
            let decorators: Vec<String> = if decorators == "[]" {
                Vec::new()
            } else {
                serde_json::from_str(&decorators).unwrap_or_default()
            };
            let f = &files[i];
            let test = is_test_parts(
                kind,
                f.language,
                &f.path,
                &name,
                &qualified_name,
                &decorators,
            );
            let impl_type: Option<String> = if f.language == Language::Rust {
                r.get(16).map_err(&e)?
            } else {
                None
            };
            files[i].nodes.push(NodeIn {
                id: r.get(1).map_err(&e)?,
                parent_id: r.get(2).map_err(&e)?,
                kind,
                name,
                qualified_name,
                parent_name: r.get(6).map_err(&e)?,
                signature: r.get(7).map_err(&e)?,
                return_type: r.get(9).map_err(&e)?,
                line: r.get(10).map_err(&e)?,
                end_line: r.get(12).map_err(&e)?,
                complexity: r.get(13).map_err(&e)?,
                nesting: r.get(14).map_err(&e)?,
                test,
                property: r.get(11).map_err(&e)?,
                parameters: serde_json::from_str(&params).unwrap_or_default(),
                impl_type,
            });
        }
    }
    {
        let mut st = conn
            .prepare("SELECT file_id, data, bindings, accesses FROM calls")
            .map_err(&e)?;
        let mut rows = st.query([]).map_err(&e)?;
        while let Some(r) = rows.next().map_err(&e)? {
            let fid: i64 = r.get(0).map_err(&e)?;
            let Some(&i) = pos.get(&fid) else { continue };
            let data: Vec<u8> = r.get(1).map_err(&e)?;
            files[i].calls =
                decode_calls(&data).ok_or_else(|| corrupt(path, "undecodable call sites"))?;
            let b: Option<Vec<u8>> = r.get(2).map_err(&e)?;
            if let Some(b) = b {
                files[i].bindings =
                    decode_bindings(&b).ok_or_else(|| corrupt(path, "undecodable bindings"))?;
            }
            let a: Option<Vec<u8>> = r.get(3).map_err(&e)?;
            if let Some(a) = a {
                files[i].accesses =
                    decode_accesses(&a).ok_or_else(|| corrupt(path, "undecodable accesses"))?;
            }
        }
    }
    {
        let mut st = conn
            .prepare(
                "SELECT file_id, kind, target, name, alias, detail, line, src_id
                 FROM edges ORDER BY file_id, seq",
            )
            .map_err(&e)?;
        let mut rows = st.query([]).map_err(&e)?;
        while let Some(r) = rows.next().map_err(&e)? {
            let fid: i64 = r.get(0).map_err(&e)?;
            let Some(&i) = pos.get(&fid) else { continue };
            let kind: String = r.get(1).map_err(&e)?;
            let target: String = r.get(2).map_err(&e)?;
            let line: u32 = r.get(6).map_err(&e)?;
            if kind == "import" {
                let detail: Option<String> = r.get(5).map_err(&e)?;
                let names: Vec<ImportName> = detail
                    .and_then(|d| serde_json::from_str(&d).ok())
                    .unwrap_or_default();
                files[i].imports.push(Import {
                    module: target,
                    names,
                    alias: r.get(4).map_err(&e)?,
                    line,
                });
            } else {
                let relation = match kind.as_str() {
                    "extends" => Relation::Extends,
                    "implements" => Relation::Implements,
                    "embeds" => Relation::Embeds,
                    _ => continue,
                };
                files[i].inherits.push(InheritIn {
                    src_id: r.get(7).map_err(&e)?,
                    child: r
                        .get::<_, Option<String>>(3)
                        .map_err(&e)?
                        .unwrap_or_default(),
                    base: target,
                    relation,
                    line,
                });
            }
        }
    }
    Ok(files)
}

pub fn write_blob(conn: &Connection, path: &Path, key: &str, data: &[u8]) -> Result<()> {
    conn.execute(
        "INSERT INTO blobs(key, data) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET data = excluded.data",
        params![key, data],
    )
    .map_err(db_err(path))?;
    Ok(())
}

/// A symbol's details, loaded for the symbols an answer shows.
#[derive(Debug, Clone)]
pub struct GraphNode {
    pub id: i64,
    pub kind: SymbolKind,
    pub name: String,
    pub qualified_name: String,
    pub file: String,
    pub language: Language,
    pub line: u32,
    pub end_line: u32,
    pub decorators: Vec<String>,
}

/// The whole resolved graph in one blob (`blobs.graph`), written by every resolution
/// and read by `impact` and `graph` in one go, so that loading a million edges costs
/// one row read and a linear decode instead of a query per file:
///
/// `LXG2`, u32 symbols, their ids (i64), ranks (f32) and facts (16 bytes: file index,
/// line, end line as u32, complexity u16, nesting u8, flags u8), u32 files and their paths,
/// u32 externals and their names (u32 length + bytes), u32 edges of 17 bytes each:
/// source, target (u32 node numbers: symbols first, then one node per file for its
/// module-level code, then the externals), line, file index (u32; `u32::MAX` for
/// `contains`), and `kind << 4 | confidence`. All little-endian.
pub struct GraphBlob {
    pub ids: Vec<i64>,
    pub ranks: Vec<f32>,
    pub facts: Vec<SymbolFacts>,
    pub files: Vec<String>,
    pub externals: Vec<String>,
    pub edges: Vec<BlobEdge>,
}

/// What whole-graph analyses (`hotspots`) need of every symbol, kept in the graph blob
/// so that they read no table: 16 bytes each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SymbolFacts {
    /// Index into the blob's file paths.
    pub file: u32,
    pub line: u32,
    pub end_line: u32,
    /// Cyclomatic complexity (`u16::MAX`: not measured, as for types).
    pub complexity: u16,
    pub nesting: u8,
    /// [`FACT_TEST`], [`FACT_CALLABLE`].
    pub flags: u8,
}

pub const FACT_TEST: u8 = 1;
pub const FACT_CALLABLE: u8 = 2;

impl SymbolFacts {
    pub fn complexity(&self) -> Option<u32> {
        (self.complexity != u16::MAX).then_some(u32::from(self.complexity))
    }
    pub fn is_test(&self) -> bool {
        self.flags & FACT_TEST != 0
    }
    pub fn is_callable(&self) -> bool {
        self.flags & FACT_CALLABLE != 0
    }
}

/// A symbol as the graph blob stores it.
#[derive(Debug, Clone, Copy)]
pub struct BlobSymbol {
    pub id: i64,
    pub parent: Option<i64>,
    pub facts: SymbolFacts,
}

#[derive(Debug, Clone, Copy)]
pub struct BlobEdge {
    pub src: u32,
    pub dst: u32,
    pub line: u32,
    pub file: u32,
    pub kind: LinkKind,
    pub confidence: Confidence,
}

const GRAPH_MAGIC: &[u8; 4] = b"LXG2";

/// Build the blob from what resolution produced. `symbols` is in id order, their
/// `facts.file` indexes `files`, which is (file id, path); `ranks` is per symbol id.
pub fn encode_graph(
    symbols: &[BlobSymbol],
    files: &[(i64, String)],
    links: &[(i64, Vec<Link>)],
    ranks: &[(i64, f32)],
) -> Vec<u8> {
    let index: HashMap<i64, u32> = symbols
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i as u32))
        .collect();
    let file_index: HashMap<i64, u32> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.0, i as u32))
        .collect();
    let rank: HashMap<i64, f32> = ranks.iter().copied().collect();
    let n_sym = symbols.len() as u32;
    let n_files = files.len() as u32;
    let mut externals: Vec<&str> = Vec::new();
    let mut ext_index: HashMap<&str, u32> = HashMap::new();
    let mut edges: Vec<BlobEdge> = Vec::new();
    for s in symbols {
        if let Some(p) = s.parent.and_then(|p| index.get(&p)) {
            edges.push(BlobEdge {
                src: *p,
                dst: index[&s.id],
                line: s.facts.line,
                file: u32::MAX,
                kind: LinkKind::Contains,
                confidence: Confidence::Exact,
            });
        }
    }
    for (fid, ls) in links {
        let Some(&fi) = file_index.get(fid) else {
            continue;
        };
        for l in ls {
            let src = match l.src {
                Some(s) => match index.get(&s) {
                    Some(&s) => s,
                    None => continue,
                },
                None => n_sym + fi,
            };
            let dst = match &l.dst {
                Dst::Node(d) => match index.get(d) {
                    Some(&d) => d,
                    None => continue,
                },
                Dst::File(d) => match file_index.get(d) {
                    Some(&d) => n_sym + d,
                    None => continue,
                },
                Dst::External(name) => {
                    let next = externals.len() as u32;
                    let e = *ext_index.entry(name.as_str()).or_insert(next);
                    if e == next {
                        externals.push(name.as_str());
                    }
                    n_sym + n_files + e
                }
            };
            edges.push(BlobEdge {
                src,
                dst,
                line: l.line,
                file: fi,
                kind: l.kind,
                confidence: l.confidence,
            });
        }
    }
    let mut out = Vec::with_capacity(16 + symbols.len() * 26 + edges.len() * 17);
    out.extend_from_slice(GRAPH_MAGIC);
    out.extend_from_slice(&n_sym.to_le_bytes());
    for s in symbols {
        out.extend_from_slice(&s.id.to_le_bytes());
    }
    for s in symbols {
        out.extend_from_slice(&rank.get(&s.id).copied().unwrap_or(0.0).to_le_bytes());
    }
    for s in symbols {
        let f = &s.facts;
        out.extend_from_slice(&f.file.to_le_bytes());
        out.extend_from_slice(&f.line.to_le_bytes());
        out.extend_from_slice(&f.end_line.to_le_bytes());
        out.extend_from_slice(&f.complexity.to_le_bytes());
        out.push(f.nesting);
        out.push(f.flags);
    }
    let strings = |list: &mut dyn Iterator<Item = &str>, n: usize, out: &mut Vec<u8>| {
        out.extend_from_slice(&(n as u32).to_le_bytes());
        for x in list {
            out.extend_from_slice(&(x.len() as u32).to_le_bytes());
            out.extend_from_slice(x.as_bytes());
        }
    };
    strings(
        &mut files.iter().map(|f| f.1.as_str()),
        files.len(),
        &mut out,
    );
    strings(&mut externals.iter().copied(), externals.len(), &mut out);
    out.extend_from_slice(&(edges.len() as u32).to_le_bytes());
    for e in &edges {
        out.extend_from_slice(&e.src.to_le_bytes());
        out.extend_from_slice(&e.dst.to_le_bytes());
        out.extend_from_slice(&e.line.to_le_bytes());
        out.extend_from_slice(&e.file.to_le_bytes());
        out.push(((e.kind as u8) << 4) | e.confidence as u8);
    }
    out
}

/// The inverse of [`encode_graph`]; `None` for bytes it did not write.
pub fn decode_graph(data: &[u8]) -> Option<GraphBlob> {
    let mut d = data.strip_prefix(GRAPH_MAGIC)?;
    fn take<'a>(d: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        let (a, b) = (d.get(..n)?, d.get(n..)?);
        *d = b;
        Some(a)
    }
    fn u32_(d: &mut &[u8]) -> Option<u32> {
        Some(u32::from_le_bytes(take(d, 4)?.try_into().ok()?))
    }
    let n_sym = u32_(&mut d)? as usize;
    let Ranks { ids, ranks } = Ranks::decode(take(&mut d, n_sym.checked_mul(12)?)?);
    let facts: Vec<SymbolFacts> = take(&mut d, n_sym.checked_mul(16)?)?
        .chunks_exact(16)
        .map(|c| {
            let w = |i: usize| u32::from_le_bytes(c[i..i + 4].try_into().expect("4 bytes"));
            SymbolFacts {
                file: w(0),
                line: w(4),
                end_line: w(8),
                complexity: u16::from_le_bytes([c[12], c[13]]),
                nesting: c[14],
                flags: c[15],
            }
        })
        .collect();
    let strings = |d: &mut &[u8]| -> Option<Vec<String>> {
        let n = u32_(d)? as usize;
        let mut v = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            let len = u32_(d)? as usize;
            v.push(String::from_utf8(take(d, len)?.to_vec()).ok()?);
        }
        Some(v)
    };
    let files = strings(&mut d)?;
    let externals = strings(&mut d)?;
    let n_edges = u32_(&mut d)? as usize;
    let raw = take(&mut d, n_edges.checked_mul(17)?)?;
    if !d.is_empty() {
        return None;
    }
    let total = (n_sym + files.len() + externals.len()) as u32;
    let mut edges = Vec::with_capacity(n_edges);
    for c in raw.chunks_exact(17) {
        let w = |i: usize| u32::from_le_bytes(c[i..i + 4].try_into().expect("4 bytes"));
        let e = BlobEdge {
            src: w(0),
            dst: w(4),
            line: w(8),
            file: w(12),
            kind: LinkKind::from_u8(c[16] >> 4)?,
            confidence: Confidence::from_u8(c[16] & 0x0f)?,
        };
        if e.src >= total || e.dst >= total {
            return None;
        }
        edges.push(e);
    }
    if facts.iter().any(|f| f.file as usize >= files.len()) {
        return None;
    }
    Some(GraphBlob {
        ids,
        ranks,
        facts,
        files,
        externals,
        edges,
    })
}

/// The PageRank of every symbol (scaled so that the average is 1.0) from the head of
/// the graph blob, read alone (incremental blob I/O: the edges are not read).
pub fn read_ranks(conn: &Connection, path: &Path) -> Result<Option<Ranks>> {
    use std::io::Read;
    let e = db_err(path);
    let rowid: Option<i64> = conn
        .query_row("SELECT rowid FROM blobs WHERE key = 'graph'", [], |r| {
            r.get(0)
        })
        .map(Some)
        .or_else(|err| match err {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            other => Err(other),
        })
        .map_err(&e)?;
    let Some(rowid) = rowid else {
        return Ok(None);
    };
    let mut blob = conn
        .blob_open(rusqlite::DatabaseName::Main, "blobs", "data", rowid, true)
        .map_err(&e)?;
    let bad = |_| corrupt(path, "undecodable graph");
    let mut head = [0u8; 8];
    blob.read_exact(&mut head).map_err(bad)?;
    if &head[..4] != GRAPH_MAGIC {
        return Err(corrupt(path, "undecodable graph"));
    }
    let n = u32::from_le_bytes(head[4..8].try_into().expect("4 bytes")) as usize;
    let mut data = vec![0u8; n * 12];
    blob.read_exact(&mut data).map_err(bad)?;
    Ok(Some(Ranks::decode(&data)))
}

/// PageRank by symbol id (ids sorted, as the graph blob keeps them).
pub struct Ranks {
    ids: Vec<i64>,
    ranks: Vec<f32>,
}

impl Ranks {
    /// The blob's ids (n i64) then ranks (n f32), n = `data.len() / 12`.
    fn decode(data: &[u8]) -> Ranks {
        let (ids, ranks) = data.split_at(data.len() / 12 * 8);
        Ranks {
            ids: ids
                .chunks_exact(8)
                .map(|c| i64::from_le_bytes(c.try_into().expect("8 bytes")))
                .collect(),
            ranks: ranks
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")))
                .collect(),
        }
    }

    /// The centrality of a symbol (1.0 = average), if the graph has it.
    pub fn get(&self, id: i64) -> Option<f64> {
        let i = self.ids.binary_search(&id).ok()?;
        Some(f64::from(self.ranks[i]))
    }
}

pub fn read_blob(conn: &Connection, path: &Path, key: &str) -> Result<Option<Vec<u8>>> {
    conn.query_row("SELECT data FROM blobs WHERE key = ?1", [key], |r| r.get(0))
        .map(Some)
        .or_else(|err| match err {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            other => Err(other),
        })
        .map_err(db_err(path))
}

const DETAIL_COLUMNS: &str = "n.id, n.kind, n.name, n.qualified_name, f.path, f.language,
    n.start_line, n.end_line, n.decorators";

fn detail_from_row(path: &Path, r: &rusqlite::Row) -> Result<GraphNode> {
    let e = db_err(path);
    let kind: String = r.get(1).map_err(&e)?;
    let lang: String = r.get(5).map_err(&e)?;
    let decorators: String = r.get(8).map_err(&e)?;
    Ok(GraphNode {
        id: r.get(0).map_err(&e)?,
        kind: SymbolKind::parse(&kind).ok_or_else(|| corrupt(path, "unknown kind"))?,
        name: r.get(2).map_err(&e)?,
        qualified_name: r.get(3).map_err(&e)?,
        file: r.get(4).map_err(&e)?,
        language: Language::from_name(&lang).ok_or_else(|| corrupt(path, "unknown language"))?,
        line: r.get(6).map_err(&e)?,
        end_line: r.get(7).map_err(&e)?,
        decorators: if decorators == "[]" {
            Vec::new()
        } else {
            serde_json::from_str(&decorators).unwrap_or_default()
        },
    })
}

/// Details of the given symbols (all of them when `ids` is `None`).
pub fn details(conn: &Connection, path: &Path, ids: Option<&[i64]>) -> Result<Vec<GraphNode>> {
    let e = db_err(path);
    let mut out = Vec::new();
    let base = format!("SELECT {DETAIL_COLUMNS} FROM nodes n JOIN files f ON f.id = n.file_id");
    let mut run = |sql: &str| -> Result<()> {
        let mut st = conn.prepare(sql).map_err(&e)?;
        let mut rows = st.query([]).map_err(&e)?;
        while let Some(r) = rows.next().map_err(&e)? {
            out.push(detail_from_row(path, r)?);
        }
        Ok(())
    };
    match ids {
        None => run(&format!("{base} ORDER BY n.id"))?,
        Some(ids) => {
            for chunk in ids.chunks(900) {
                let list: Vec<String> = chunk.iter().map(|i| i.to_string()).collect();
                run(&format!("{base} WHERE n.id IN ({})", list.join(",")))?;
            }
        }
    }
    Ok(out)
}

/// What `context` needs to cut a symbol's code out of its file.
#[derive(Debug, Clone)]
pub struct SourceSpan {
    pub node: GraphNode,
    pub parent: Option<i64>,
    pub start_byte: usize,
    pub end_byte: usize,
    pub signature: String,
    pub doc: Option<String>,
    /// BLAKE3 of the file when it was indexed.
    pub file_hash: Vec<u8>,
}

/// The spans of these symbols.
pub fn source_spans(conn: &Connection, path: &Path, ids: &[i64]) -> Result<Vec<SourceSpan>> {
    let e = db_err(path);
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(900) {
        let list: Vec<String> = chunk.iter().map(|i| i.to_string()).collect();
        let sql = format!(
            "SELECT {DETAIL_COLUMNS}, n.parent_id, n.start_byte, n.end_byte, n.signature, n.doc,
                    f.hash
             FROM nodes n JOIN files f ON f.id = n.file_id WHERE n.id IN ({})",
            list.join(",")
        );
        let mut st = conn.prepare(&sql).map_err(&e)?;
        let mut rows = st.query([]).map_err(&e)?;
        while let Some(r) = rows.next().map_err(&e)? {
            let start: i64 = r.get(10).map_err(&e)?;
            let end: i64 = r.get(11).map_err(&e)?;
            out.push(SourceSpan {
                node: detail_from_row(path, r)?,
                parent: r.get(9).map_err(&e)?,
                start_byte: start.max(0) as usize,
                end_byte: end.max(start).max(0) as usize,
                signature: r.get(12).map_err(&e)?,
                doc: r.get(13).map_err(&e)?,
                file_hash: r.get(14).map_err(&e)?,
            });
        }
    }
    Ok(out)
}

/// Ids of the symbols named `name` (the last segment of what the user typed).
pub fn ids_named(conn: &Connection, path: &Path, name: &str) -> Result<Vec<(i64, String)>> {
    let e = db_err(path);
    let mut st = conn
        .prepare_cached("SELECT id, qualified_name FROM nodes WHERE name = ?1 ORDER BY id")
        .map_err(&e)?;
    let rows = st
        .query_map([name], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(&e)?;
    rows.collect::<Result<_, _>>().map_err(&e)
}

/// Ids of the symbols with this exact qualified name. A symbol's name is the whole of its
/// qualified name or what follows one of its `NAME_SEPARATORS`, so the look-up goes
/// through the index on `name`, with each such tail of `qname` as a candidate name.
pub fn ids_qualified(conn: &Connection, path: &Path, qname: &str) -> Result<Vec<i64>> {
    let e = db_err(path);
    let mut st = conn
        .prepare_cached("SELECT id FROM nodes WHERE name = ?1 AND qualified_name = ?2 ORDER BY id")
        .map_err(&e)?;
    let mut ids = Vec::new();
    let tails = qname
        .char_indices()
        .filter(|(_, c)| NAME_SEPARATORS.contains(c))
        .map(|(i, _)| &qname[i + 1..])
        .chain(std::iter::once(qname))
        .filter(|t| !t.is_empty());
    for name in tails {
        let rows = st.query_map([name, qname], |r| r.get(0)).map_err(&e)?;
        for id in rows {
            ids.push(id.map_err(&e)?);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// (id, start line, end line) of every symbol of a file; `None` when the file is not
/// indexed.
pub fn spans_in_file(
    conn: &Connection,
    path: &Path,
    file: &str,
) -> Result<Option<Vec<(i64, u32, u32)>>> {
    let e = db_err(path);
    let known: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM files WHERE path = ?1)",
            [file],
            |r| r.get(0),
        )
        .map_err(&e)?;
    if !known {
        return Ok(None);
    }
    let mut st = conn
        .prepare_cached(
            "SELECT n.id, n.start_line, n.end_line FROM nodes n JOIN files f ON f.id = n.file_id
             WHERE f.path = ?1 ORDER BY n.id",
        )
        .map_err(&e)?;
    let rows = st
        .query_map([file], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(&e)?;
    Ok(Some(rows.collect::<Result<_, _>>().map_err(&e)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An exact qualified name is found through the name index whatever separators the
    /// name itself holds, and only an exact match is.
    #[test]
    fn qualified_names_are_found_exactly_through_their_names() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE nodes (id INTEGER PRIMARY KEY, name TEXT, qualified_name TEXT);
             CREATE INDEX nodes_name ON nodes(name);
             INSERT INTO nodes VALUES
               (1, 'add', 'shop/cart.py::Cart.add'),
               (2, 'add', 'shop/cart.py::add'),
               (3, '[Symbol.asyncIterator]', 'src/page.ts::Page.[Symbol.asyncIterator]'),
               (4, 'run', 'crate::a::run'),
               (5, 'main', 'main'),
               (6, 'add', 'shop/cart.py::Cart.add');",
        )
        .unwrap();
        let find = |q: &str| ids_qualified(&conn, Path::new("t.db"), q).unwrap();
        assert_eq!(find("shop/cart.py::Cart.add"), [1, 6]);
        assert_eq!(find("shop/cart.py::add"), [2]);
        assert_eq!(find("src/page.ts::Page.[Symbol.asyncIterator]"), [3]);
        assert_eq!(find("crate::a::run"), [4]);
        assert_eq!(find("main"), [5]);
        assert!(
            find("Cart.add").is_empty(),
            "a tail is not the qualified name"
        );
        assert!(find("cart.py::Cart.add").is_empty());
        assert!(find("").is_empty());
    }

    #[test]
    fn the_graph_blob_survives_packing() {
        let links = vec![
            Link {
                src: Some(7),
                dst: Dst::Node(123_456),
                kind: LinkKind::Calls,
                confidence: Confidence::Import,
                line: 40,
            },
            Link {
                src: None,
                dst: Dst::External("os.path.join".into()),
                kind: LinkKind::Calls,
                confidence: Confidence::Unresolved,
                line: 1,
            },
            Link {
                src: Some(0),
                dst: Dst::Node(1),
                kind: LinkKind::Implements,
                confidence: Confidence::Exact,
                line: 300_000,
            },
            Link {
                src: None,
                dst: Dst::File(3),
                kind: LinkKind::Imports,
                confidence: Confidence::Import,
                line: 2,
            },
        ];
        let sym = |id, parent, line, flags| BlobSymbol {
            id,
            parent,
            facts: SymbolFacts {
                file: 0,
                line,
                end_line: line + 3,
                complexity: if flags == FACT_CALLABLE { 4 } else { u16::MAX },
                nesting: 1,
                flags,
            },
        };
        let blob = encode_graph(
            &[sym(7, None, 1, 0), sym(9, Some(7), 2, FACT_CALLABLE)],
            &[(1, "a.py".into())],
            &[(1, links.clone())],
            &[(7, 2.0), (9, 0.5)],
        );
        let g = decode_graph(&blob).unwrap();
        assert_eq!(g.ids, [7, 9]);
        assert_eq!(g.ranks, [2.0, 0.5]);
        assert_eq!(g.facts[1], sym(9, Some(7), 2, FACT_CALLABLE).facts);
        assert_eq!(g.facts[0].complexity(), None);
        assert_eq!(g.facts[1].complexity(), Some(4));
        assert_eq!(g.files, ["a.py"]);
        assert_eq!(g.externals, ["os.path.join"]);
        // contains 7 -> 9, and module-level code of a.py (node 2) -> the external (node
        // 3); the links from or to symbols the graph does not have are dropped.
        assert_eq!(g.edges.len(), 2);
        assert_eq!((g.edges[0].src, g.edges[0].dst), (0, 1));
        assert_eq!(g.edges[0].kind, LinkKind::Contains);
        assert_eq!((g.edges[1].src, g.edges[1].dst, g.edges[1].file), (2, 3, 0));
        assert!(decode_graph(&blob[..blob.len() - 1]).is_none());
        assert!(decode_graph(b"XXXX").is_none());
    }
}

//! The resolved graph in the store: what the resolver reads, the packed `links` rows it
//! writes, PageRank, and what the graph loads.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{params, Connection};

use crate::core::error::{Error, Result};
use crate::core::lang::{Import, ImportName, Language, Relation, SymbolKind};
use crate::core::resolve::{Confidence, Dst, FileIn, InheritIn, Link, LinkKind, NodeIn};
use crate::core::store::{db_err, decode_bindings, decode_calls, get_varint, put_varint};

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
            });
        }
    }
    {
        let mut st = conn
            .prepare(
                "SELECT file_id, id, parent_id, kind, name, qualified_name, parent_name,
                        CASE WHEN signature LIKE 'func (%' THEN signature ELSE '' END,
                        parameters, return_type
                 FROM nodes ORDER BY file_id, id",
            )
            .map_err(&e)?;
        let mut rows = st.query([]).map_err(&e)?;
        while let Some(r) = rows.next().map_err(&e)? {
            let fid: i64 = r.get(0).map_err(&e)?;
            let Some(&i) = pos.get(&fid) else { continue };
            let kind: String = r.get(3).map_err(&e)?;
            let params: String = r.get(8).map_err(&e)?;
            files[i].nodes.push(NodeIn {
                id: r.get(1).map_err(&e)?,
                parent_id: r.get(2).map_err(&e)?,
                kind: SymbolKind::parse(&kind).ok_or_else(|| corrupt(path, "unknown kind"))?,
                name: r.get(4).map_err(&e)?,
                qualified_name: r.get(5).map_err(&e)?,
                parent_name: r.get(6).map_err(&e)?,
                signature: r.get(7).map_err(&e)?,
                return_type: r.get(9).map_err(&e)?,
                parameters: serde_json::from_str(&params).unwrap_or_default(),
            });
        }
    }
    {
        let mut st = conn
            .prepare("SELECT file_id, data, bindings FROM calls")
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

/// Pack a file's links: per link, varint(src id + 1, or 0 for module level),
/// byte(kind << 4 | confidence), varint(line), then the destination: varint(2 * node id)
/// or varint(2 * name length + 1) and the placeholder's bytes.
pub fn encode_links(links: &[Link]) -> Vec<u8> {
    let mut out = Vec::with_capacity(links.len() * 8);
    for l in links {
        put_varint(&mut out, l.src.map_or(0, |s| s as u64 + 1));
        out.push(((l.kind as u8) << 4) | l.confidence as u8);
        put_varint(&mut out, u64::from(l.line));
        match &l.dst {
            Dst::Node(id) => put_varint(&mut out, (*id as u64) << 1),
            Dst::External(name) => {
                put_varint(&mut out, ((name.len() as u64) << 1) | 1);
                out.extend_from_slice(name.as_bytes());
            }
        }
    }
    out
}

/// The inverse of [`encode_links`]; `None` for bytes it did not write.
pub fn decode_links(mut data: &[u8]) -> Option<Vec<Link>> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let src = get_varint(&mut data)?;
        let (&kc, rest) = data.split_first()?;
        data = rest;
        let kind = LinkKind::from_u8(kc >> 4)?;
        let confidence = Confidence::from_u8(kc & 0x0f)?;
        let line = u32::try_from(get_varint(&mut data)?).ok()?;
        let d = get_varint(&mut data)?;
        let dst = if d & 1 == 0 {
            Dst::Node(i64::try_from(d >> 1).ok()?)
        } else {
            let len = usize::try_from(d >> 1).ok()?;
            let (name, rest) = (data.get(..len)?, data.get(len..)?);
            data = rest;
            Dst::External(String::from_utf8(name.to_vec()).ok()?)
        };
        out.push(Link {
            src: src.checked_sub(1).map(|s| s as i64),
            dst,
            kind,
            confidence,
            line,
        });
    }
    Some(out)
}

/// Replace every file's links.
pub fn write_links(conn: &Connection, path: &Path, links: &[(i64, Vec<Link>)]) -> Result<()> {
    let e = db_err(path);
    conn.execute("DELETE FROM links", []).map_err(&e)?;
    let mut st = conn
        .prepare_cached("INSERT INTO links(file_id, data) VALUES (?1, ?2)")
        .map_err(&e)?;
    for (fid, l) in links {
        if !l.is_empty() {
            st.execute(params![fid, encode_links(l)]).map_err(&e)?;
        }
    }
    Ok(())
}

/// Pack PageRank: per node in id order, varint(id delta) and the rank as f32.
pub fn encode_ranks(ranks: &[(i64, f32)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ranks.len() * 6);
    let mut prev = 0i64;
    for &(id, r) in ranks {
        put_varint(&mut out, (id - prev) as u64);
        prev = id;
        out.extend_from_slice(&r.to_le_bytes());
    }
    out
}

pub fn decode_ranks(mut data: &[u8]) -> Option<HashMap<i64, f32>> {
    let mut out = HashMap::new();
    let mut prev = 0i64;
    while !data.is_empty() {
        prev += i64::try_from(get_varint(&mut data)?).ok()?;
        let (b, rest) = (data.get(..4)?, data.get(4..)?);
        data = rest;
        out.insert(prev, f32::from_le_bytes(b.try_into().ok()?));
    }
    Some(out)
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

/// A symbol as the graph holds it.
#[derive(Debug, Clone)]
pub struct GraphNode {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: SymbolKind,
    pub name: String,
    pub qualified_name: String,
    pub file: String,
    pub language: Language,
    pub line: u32,
    pub end_line: u32,
    pub decorators: Vec<String>,
}

/// What the graph is built from.
pub struct GraphInput {
    pub nodes: Vec<GraphNode>,
    /// (file path, links from that file).
    pub links: Vec<(String, Vec<Link>)>,
    pub ranks: HashMap<i64, f32>,
}

pub fn load_graph(conn: &Connection, path: &Path, with_ranks: bool) -> Result<GraphInput> {
    let e = db_err(path);
    let mut nodes = Vec::new();
    {
        let mut st = conn
            .prepare(
                "SELECT n.id, n.parent_id, n.kind, n.name, n.qualified_name, f.path, f.language,
                        n.start_line, n.end_line, n.decorators
                 FROM nodes n JOIN files f ON f.id = n.file_id ORDER BY n.id",
            )
            .map_err(&e)?;
        let mut rows = st.query([]).map_err(&e)?;
        while let Some(r) = rows.next().map_err(&e)? {
            let kind: String = r.get(2).map_err(&e)?;
            let lang: String = r.get(6).map_err(&e)?;
            let decorators: String = r.get(9).map_err(&e)?;
            nodes.push(GraphNode {
                id: r.get(0).map_err(&e)?,
                parent_id: r.get(1).map_err(&e)?,
                kind: SymbolKind::parse(&kind).ok_or_else(|| corrupt(path, "unknown kind"))?,
                name: r.get(3).map_err(&e)?,
                qualified_name: r.get(4).map_err(&e)?,
                file: r.get(5).map_err(&e)?,
                language: Language::from_name(&lang)
                    .ok_or_else(|| corrupt(path, "unknown language"))?,
                line: r.get(7).map_err(&e)?,
                end_line: r.get(8).map_err(&e)?,
                decorators: if decorators == "[]" {
                    Vec::new()
                } else {
                    serde_json::from_str(&decorators).unwrap_or_default()
                },
            });
        }
    }
    let mut links = Vec::new();
    {
        let mut st = conn
            .prepare("SELECT f.path, l.data FROM links l JOIN files f ON f.id = l.file_id")
            .map_err(&e)?;
        let mut rows = st.query([]).map_err(&e)?;
        while let Some(r) = rows.next().map_err(&e)? {
            let p: String = r.get(0).map_err(&e)?;
            let data: Vec<u8> = r.get(1).map_err(&e)?;
            let l = decode_links(&data).ok_or_else(|| corrupt(path, "undecodable links"))?;
            links.push((p, l));
        }
    }
    let mut ranks = HashMap::new();
    if with_ranks {
        let data: Option<Vec<u8>> = conn
            .query_row("SELECT data FROM blobs WHERE key = 'ranks'", [], |r| {
                r.get(0)
            })
            .map(Some)
            .or_else(|err| match err {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                other => Err(other),
            })
            .map_err(&e)?;
        if let Some(d) = data {
            ranks = decode_ranks(&d).ok_or_else(|| corrupt(path, "undecodable ranks"))?;
        }
    }
    Ok(GraphInput {
        nodes,
        links,
        ranks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_ranks_survive_packing() {
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
        ];
        assert_eq!(decode_links(&encode_links(&links)).unwrap(), links);
        assert!(decode_links(&[0x80]).is_none());
        let ranks = vec![(1, 0.5f32), (5, 0.25), (900, 1e-6)];
        let back = decode_ranks(&encode_ranks(&ranks)).unwrap();
        assert_eq!(back.len(), 3);
        assert_eq!(back[&900], 1e-6);
    }
}

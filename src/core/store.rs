//! Store: the SQLite database in `.leindex/index.db` (rusqlite, bundled SQLite, WAL).
//!
//! Tables: `meta` (schema version, tool version, last run), `files`, `nodes` (symbols),
//! `edges` (call sites, imports and inheritance as written; resolution fills `dst_id`
//! later), and `fts` (FTS5 over names, split identifiers, signatures and docs).
//!
//! Invariants:
//! - an index run is one transaction: a run that fails or is interrupted leaves the
//!   previous index as it was;
//! - a full build writes a new database beside the old one and renames it into place
//!   only when complete;
//! - a node id is stable across re-index while its file is unchanged (unchanged files'
//!   rows are never touched);
//! - a database that is not ours, is corrupt, or is newer than this binary is never
//!   written to.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction};
use serde::Serialize;

use crate::core::error::{Error, Result};
use crate::core::lang::{
    Access, Binding, CallSite, FileExtract, ImportName, Language, Param, SymbolWords,
};
use crate::core::walk::INDEX_DIR;

/// Version of the table layout. Bump it with every change to the schema.
pub const SCHEMA_VERSION: i64 = 6;
/// `PRAGMA application_id` of a leindex database ("LEIX").
const APPLICATION_ID: i64 = 0x4c45_4958;
pub const DB_FILE: &str = "index.db";

const SCHEMA: &str = r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    language TEXT NOT NULL,
    hash BLOB NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    parse_errors INTEGER NOT NULL,
    lossy_utf8 INTEGER NOT NULL,
    symbols INTEGER NOT NULL,
    call_sites INTEGER NOT NULL,
    imports INTEGER NOT NULL,
    doc TEXT
);
CREATE TABLE nodes (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL,
    parent_id INTEGER,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    qualified_name TEXT NOT NULL,
    parent_name TEXT,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    start_byte INTEGER NOT NULL,
    end_byte INTEGER NOT NULL,
    signature TEXT NOT NULL,
    parameters TEXT NOT NULL,
    return_type TEXT,
    receiver TEXT,
    doc TEXT,
    decorators TEXT NOT NULL,
    complexity INTEGER,
    nesting INTEGER,
    body_hash BLOB NOT NULL
);
-- The raw call sites of a file, packed (see `encode_calls`): one row per file instead of
-- one per call keeps a full build's writes small (a medium corpus has ~900k call sites).
-- `bindings`: the file's typed names (see `encode_bindings`); `accesses`: fields read and
-- written through a method's receiver (see `encode_accesses`).
CREATE TABLE calls (
    file_id INTEGER PRIMARY KEY, data BLOB NOT NULL, bindings BLOB, accesses BLOB
);
-- Imports and inheritance as written, clustered by file so a file's rows are replaced
-- cheaply. kind: import | extends | implements | embeds. dst_id is NULL until resolved.
CREATE TABLE edges (
    file_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    src_id INTEGER,
    dst_id INTEGER,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    name TEXT,
    alias TEXT,
    detail TEXT,
    line INTEGER NOT NULL,
    PRIMARY KEY (file_id, seq)
) WITHOUT ROWID;
-- Derived data kept whole: `graph` = the resolved graph with PageRank
-- (`graph_store::encode_graph`), rewritten by every resolution.
CREATE TABLE blobs (key TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE VIRTUAL TABLE fts USING fts5(
    name, words, signature, doc,
    content='', contentless_delete=1, detail=full, tokenize='unicode61'
);
"#;

/// How FTS5 merges its segments. Each flush of its in-memory hash (about every 1 MB of
/// tokens) writes a segment, and by default every 4 segments of a level are merged into
/// one of the next: on the large corpus (1.46M symbols, about 55M tokens) a token was
/// rewritten about four times. Merging 16 at a time (and forcing a merge only at 64)
/// rewrites it about twice: the FTS inserts of that corpus, alone on one thread, took
/// 5.1 s instead of 7.2 s, the writer thread of a full build 14.1 s instead of 17.0 s
/// CPU, with the same index size and query times (`benches/corpus.rs`; note on issue 2).
/// The settings are stored in the table (`fts_config`) and hold for later runs too,
/// where each run adds one small segment.
const FTS_MERGE: &str = r#"
INSERT INTO fts(fts, rank) VALUES ('automerge', 16);
INSERT INTO fts(fts, rank) VALUES ('crisismerge', 64);
"#;

/// Secondary indexes. A full build creates `nodes_file` up front (its keys arrive in
/// order, so keeping it costs little) and `nodes_name` late, by one sort
/// (`Writer::create_name_indexes`): kept up to date row by row from the start, its random
/// inserts (and those of a `qualified_name` index, since dropped) missed the page cache
/// once the index outgrew it (measured on the large corpus, about 1.5M symbols: 114.9 s
/// -> 103.6 s CPU, 63.6 s -> 58.1 s wall for the whole build). "Late" is when 7/8 of the
/// files are written, not at the very end: the sort (0.9 s on the large corpus) then runs
/// while the other threads still parse; the last eighth of the rows is indexed as it is
/// written.
///
/// There is no index on `qualified_name`: a symbol's name always ends its qualified name,
/// after a `.`, `:` or `/` (a test holds every language to it), so an exact look-up goes
/// through `nodes_name` (`graph_store::ids_qualified`). That index cost 0.8 s of sorting
/// and 120 MB on the large corpus.
const INDEXES_UP_FRONT: &str = r#"
CREATE INDEX IF NOT EXISTS nodes_file ON nodes(file_id);
"#;
const INDEXES_AT_END: &str = r#"
CREATE INDEX IF NOT EXISTS nodes_name ON nodes(name);
"#;

pub(crate) fn db_err(path: &Path) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| classify(path, e)
}

/// Turn SQLite's "not a database" / "corrupt" into `Error::Corrupt`.
fn classify(path: &Path, e: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode;
    if let rusqlite::Error::SqliteFailure(f, ref msg) = e {
        if matches!(f.code, ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) {
            return Error::Corrupt {
                path: path.to_path_buf(),
                detail: msg.clone().unwrap_or_else(|| f.to_string()),
            };
        }
    }
    Error::Database {
        path: path.to_path_buf(),
        source: e,
    }
}

pub fn db_path(root: &Path) -> PathBuf {
    root.join(INDEX_DIR).join(DB_FILE)
}

/// Find the index root: `start` or the nearest parent with `.leindex/index.db`.
pub fn locate_root(start: &Path) -> Result<PathBuf> {
    let start = start
        .canonicalize()
        .map_err(|_| Error::PathNotFound(start.to_path_buf()))?;
    let mut dir = Some(start.as_path());
    while let Some(d) = dir {
        if db_path(d).is_file() {
            return Ok(d.to_path_buf());
        }
        dir = d.parent();
    }
    Err(Error::NoIndex(start))
}

/// A row of `files` as the indexer needs it to decide what changed.
#[derive(Debug, Clone)]
pub struct FileRow {
    pub id: i64,
    pub hash: Vec<u8>,
    pub size: u64,
    pub mtime_ns: i64,
}

/// An open, validated index.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Open the index at `root` for reading and incremental updates. Fails with a typed
    /// error, without writing anything, when the file is missing, corrupt, foreign or
    /// of another schema version.
    pub fn open(root: &Path) -> Result<Store> {
        let path = db_path(root);
        if !path.is_file() {
            return Err(Error::NoIndex(root.to_path_buf()));
        }
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(db_err(&path))?;
        let store = Store { conn, path };
        store.validate()?;
        store
            .conn
            .execute_batch("PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = OFF;")
            .map_err(db_err(&store.path))?;
        Ok(store)
    }

    fn validate(&self) -> Result<()> {
        let app_id: i64 = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(db_err(&self.path))?;
        if app_id != APPLICATION_ID {
            return Err(Error::Foreign(self.path.clone()));
        }
        let version: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_err(&self.path))?;
        let found: i64 = version
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| Error::Corrupt {
                path: self.path.clone(),
                detail: "no schema version recorded".into(),
            })?;
        if found > SCHEMA_VERSION {
            return Err(Error::SchemaTooNew {
                path: self.path.clone(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        if found < SCHEMA_VERSION {
            // Everything in the index is derived from the files, so the migration from
            // an older schema is a full rebuild, which `leindex index` does on this
            // error; read-only commands say to run it. (5 -> 6: the FTS table keeps
            // positions, `detail=full`, without which FTS5's bm25() scores every row 0.)
            return Err(Error::SchemaTooOld {
                path: self.path.clone(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(())
    }

    /// Create a new, empty database at `path` (which must not exist), tuned for a bulk
    /// build: the caller renames it into place when the build is complete.
    pub fn create(path: &Path) -> Result<Store> {
        let conn = Connection::open(path).map_err(db_err(path))?;
        conn.execute_batch(&format!(
            "PRAGMA page_size = 8192;
             PRAGMA application_id = {APPLICATION_ID};
             PRAGMA journal_mode = OFF;
             PRAGMA synchronous = OFF;
             PRAGMA locking_mode = EXCLUSIVE;
             PRAGMA cache_size = -65536;
             {SCHEMA}
             {FTS_MERGE}
             {INDEXES_UP_FRONT}"
        ))
        .map_err(db_err(path))?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.set_meta("schema_version", &SCHEMA_VERSION.to_string())?;
        store.set_meta("tool_version", env!("CARGO_PKG_VERSION"))?;
        store.set_meta("model_id", "none")?;
        Ok(store)
    }

    /// Finish a bulk build: the name indexes if the writer has not made them yet (a build
    /// of fewer than 8 files never reaches its 7/8 mark), then WAL mode for later readers
    /// and writers.
    pub fn finish_build(self) -> Result<()> {
        self.conn
            .execute_batch(&format!(
                "{INDEXES_AT_END}
                 PRAGMA locking_mode = NORMAL;
                 PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;"
            ))
            .map_err(db_err(&self.path))?;
        self.conn.close().map_err(|(_, e)| classify(&self.path, e))
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO meta(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map_err(db_err(&self.path))?;
        Ok(())
    }

    pub fn meta(&self) -> Result<HashMap<String, String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT key, value FROM meta")
            .map_err(db_err(&self.path))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(db_err(&self.path))?;
        rows.collect::<Result<_, _>>().map_err(db_err(&self.path))
    }

    /// Every indexed file, by path.
    pub fn file_rows(&self) -> Result<HashMap<String, FileRow>> {
        let mut stmt = self
            .conn
            .prepare("SELECT path, id, hash, size, mtime_ns FROM files")
            .map_err(db_err(&self.path))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    FileRow {
                        id: r.get(1)?,
                        hash: r.get(2)?,
                        size: r.get::<_, i64>(3)? as u64,
                        mtime_ns: r.get(4)?,
                    },
                ))
            })
            .map_err(db_err(&self.path))?;
        rows.collect::<Result<_, _>>().map_err(db_err(&self.path))
    }

    /// Mark the resolved graph out of date, so the next reader resolves again.
    pub fn mark_graph_stale(&self) -> Result<()> {
        self.set_meta("graph_stale", "1")
    }

    /// The resolved graph with PageRank (the structure; symbol details are loaded for
    /// what an answer shows, see `impact::load_details`).
    pub fn graph(&self) -> Result<crate::core::graph::Graph> {
        use crate::core::graph_store::{decode_graph, read_blob};
        let corrupt = |detail: &str| Error::Corrupt {
            path: self.path.clone(),
            detail: detail.to_string(),
        };
        let data = read_blob(&self.conn, &self.path, "graph")?
            .ok_or_else(|| corrupt("the resolved graph is missing"))?;
        let blob = decode_graph(&data).ok_or_else(|| corrupt("undecodable graph"))?;
        Ok(crate::core::graph::Graph::from_blob(blob))
    }

    /// Details of every symbol (for exporting the whole graph).
    pub fn all_symbol_details(&self) -> Result<Vec<crate::core::graph_store::GraphNode>> {
        crate::core::graph_store::details(&self.conn, &self.path, None)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn db_file(&self) -> &Path {
        &self.path
    }

    /// Start the run's single transaction.
    pub fn writer(&mut self) -> Result<Writer<'_>> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db_err(&path))?;
        Ok(Writer { tx, path })
    }
}

/// What a file's row records besides its extract.
pub struct FileInfo<'a> {
    pub rel_path: &'a str,
    pub language: Language,
    pub hash: &'a [u8; 32],
    pub size: u64,
    pub mtime_ns: i64,
    pub lossy_utf8: bool,
}

/// The writer of one index run: everything it does is one transaction, committed by
/// [`Writer::commit`] and rolled back if dropped.
pub struct Writer<'c> {
    tx: Transaction<'c>,
    path: PathBuf,
}

impl Writer<'_> {
    /// Delete a file and everything extracted from it.
    pub fn remove_file(&self, file_id: i64) -> Result<()> {
        let e = db_err(&self.path);
        self.tx
            .prepare_cached(
                "DELETE FROM fts WHERE rowid IN (SELECT id FROM nodes WHERE file_id = ?1)",
            )
            .and_then(|mut s| s.execute([file_id]))
            .map_err(&e)?;
        for sql in [
            "DELETE FROM nodes WHERE file_id = ?1",
            "DELETE FROM calls WHERE file_id = ?1",
            "DELETE FROM edges WHERE file_id = ?1",
            "DELETE FROM files WHERE id = ?1",
        ] {
            self.tx
                .prepare_cached(sql)
                .and_then(|mut s| s.execute([file_id]))
                .map_err(&e)?;
        }
        Ok(())
    }

    /// Insert a file and its extract; returns (symbols, call sites) written.
    pub fn insert_file(&self, info: &FileInfo, x: &FileExtract) -> Result<(usize, usize)> {
        let e = db_err(&self.path);
        let mut files = self
            .tx
            .prepare_cached(
                "INSERT INTO files(path, language, hash, size, mtime_ns, parse_errors, lossy_utf8,
                    symbols, call_sites, imports, doc)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .map_err(&e)?;
        files
            .execute(params![
                info.rel_path,
                info.language.name(),
                &info.hash[..],
                info.size as i64,
                info.mtime_ns,
                x.parse_errors,
                info.lossy_utf8,
                x.symbols.len() as i64,
                x.calls.len() as i64,
                x.imports.len() as i64,
                x.doc
            ])
            .map_err(&e)?;
        let file_id = self.tx.last_insert_rowid();

        let mut nodes = self
            .tx
            .prepare_cached(
                "INSERT INTO nodes(file_id, parent_id, kind, name, qualified_name, parent_name,
                    start_line, end_line, start_byte, end_byte, signature, parameters,
                    return_type, receiver, doc, decorators, complexity, nesting, body_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
            )
            .map_err(&e)?;
        let mut fts = self
            .tx
            .prepare_cached(
                "INSERT INTO fts(rowid, name, words, signature, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .map_err(&e)?;
        let mut ids = Vec::with_capacity(x.symbols.len());
        let mut symbol_words = SymbolWords::default();
        let mut words = String::new();
        for s in &x.symbols {
            let parent_id = s.parent.map(|p| ids[p]);
            nodes
                .execute(params![
                    file_id,
                    parent_id,
                    s.kind.as_str(),
                    s.name,
                    s.qualified_name,
                    s.parent_name,
                    s.start_line,
                    s.end_line,
                    s.start_byte,
                    s.end_byte,
                    s.signature,
                    json_params(&s.parameters),
                    s.return_type,
                    s.receiver,
                    s.doc,
                    json_strings(&s.decorators),
                    s.complexity,
                    s.nesting,
                    &s.body_hash[..],
                ])
                .map_err(&e)?;
            let id = self.tx.last_insert_rowid();
            ids.push(id);
            words.clear();
            symbol_words.push(&mut words, &s.qualified_name, &s.name);
            fts.execute(params![id, s.name, words, s.signature, s.doc])
                .map_err(&e)?;
        }

        let mut edges = self
            .tx
            .prepare_cached(
                "INSERT INTO edges(file_id, seq, src_id, kind, target, name, alias, detail, line)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .map_err(&e)?;
        let mut seq = 0i64;
        let mut next = || {
            seq += 1;
            seq
        };
        self.tx
            .prepare_cached(
                "INSERT INTO calls(file_id, data, bindings, accesses) VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut st| {
                st.execute(params![
                    file_id,
                    encode_calls(&x.calls),
                    encode_bindings(&x.bindings),
                    encode_accesses(&x.accesses)
                ])
            })
            .map_err(&e)?;
        for i in &x.imports {
            edges
                .execute(params![
                    file_id,
                    next(),
                    None::<i64>,
                    "import",
                    i.module,
                    None::<String>,
                    i.alias,
                    serde_json::to_string(&i.names).expect("names serialize"),
                    i.line
                ])
                .map_err(&e)?;
        }
        for h in &x.inherits {
            let src = h.symbol_index.map(|i| ids[i]);
            edges
                .execute(params![
                    file_id,
                    next(),
                    src,
                    h.relation.as_str(),
                    h.base,
                    h.symbol,
                    None::<String>,
                    None::<String>,
                    h.line
                ])
                .map_err(&e)?;
        }
        Ok((x.symbols.len(), x.calls.len()))
    }

    /// Create the name indexes a full build leaves out of its bulk insert (see
    /// `INDEXES_UP_FRONT`); a no-op where they exist.
    pub fn create_name_indexes(&self) -> Result<()> {
        self.tx
            .execute_batch(INDEXES_AT_END)
            .map_err(db_err(&self.path))
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO meta(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map_err(db_err(&self.path))?;
        Ok(())
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.tx
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub fn commit(self) -> Result<()> {
        let path = self.path;
        self.tx.commit().map_err(db_err(&path))
    }
}

/// Pack call sites: per call, varint(symbol position + 1, or 0 at module level),
/// varint(line), varint(callee length), callee bytes. Symbol positions index the file's
/// symbols in insertion (= id) order.
pub fn encode_calls(calls: &[CallSite]) -> Vec<u8> {
    let mut out = Vec::with_capacity(calls.len() * 24);
    for c in calls {
        put_varint(&mut out, c.symbol.map_or(0, |i| i as u64 + 1));
        put_varint(&mut out, u64::from(c.line));
        put_str(&mut out, &c.callee);
    }
    out
}

/// The inverse of [`encode_calls`]; `None` for bytes it did not write.
pub fn decode_calls(mut data: &[u8]) -> Option<Vec<CallSite>> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let symbol = get_varint(&mut data)?;
        let line = u32::try_from(get_varint(&mut data)?).ok()?;
        out.push(CallSite {
            symbol: symbol.checked_sub(1).map(|i| i as usize),
            callee: get_str(&mut data)?,
            line,
        });
    }
    Some(out)
}

/// Pack field accesses: per access, varint(symbol position + 1, or 0),
/// varint(line * 2 + write), then object and field as varint(length) and bytes.
pub fn encode_accesses(a: &[Access]) -> Vec<u8> {
    let mut out = Vec::with_capacity(a.len() * 12);
    for x in a {
        put_varint(&mut out, x.symbol.map_or(0, |i| i as u64 + 1));
        put_varint(&mut out, (u64::from(x.line) << 1) | u64::from(x.write));
        put_str(&mut out, &x.object);
        put_str(&mut out, &x.field);
    }
    out
}

/// The inverse of [`encode_accesses`]; `None` for bytes it did not write.
pub fn decode_accesses(mut data: &[u8]) -> Option<Vec<Access>> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let symbol = get_varint(&mut data)?.checked_sub(1).map(|i| i as usize);
        let lw = get_varint(&mut data)?;
        out.push(Access {
            symbol,
            object: get_str(&mut data)?,
            field: get_str(&mut data)?,
            write: lw & 1 == 1,
            line: u32::try_from(lw >> 1).ok()?,
        });
    }
    Some(out)
}

/// Pack typed names: per binding, varint(symbol position + 1, or 0), then the name and
/// the value, each as varint(length) and bytes.
pub fn encode_bindings(b: &[Binding]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len() * 16);
    for x in b {
        put_varint(&mut out, x.symbol.map_or(0, |i| i as u64 + 1));
        put_str(&mut out, &x.name);
        put_str(&mut out, &x.value);
    }
    out
}

/// The inverse of [`encode_bindings`]; `None` for bytes it did not write.
pub fn decode_bindings(mut data: &[u8]) -> Option<Vec<Binding>> {
    let mut out = Vec::new();
    while !data.is_empty() {
        out.push(Binding {
            symbol: get_varint(&mut data)?.checked_sub(1).map(|i| i as usize),
            name: get_str(&mut data)?,
            value: get_str(&mut data)?,
        });
    }
    Some(out)
}

/// varint(length) and the bytes.
fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn get_str(data: &mut &[u8]) -> Option<String> {
    let len = usize::try_from(get_varint(data)?).ok()?;
    let (bytes, rest) = (data.get(..len)?, data.get(len..)?);
    *data = rest;
    String::from_utf8(bytes.to_vec()).ok()
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(data: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = data.split_first()?;
        *data = rest;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

fn json_params(p: &[Param]) -> String {
    serde_json::to_string(p).expect("params serialize")
}

fn json_strings(s: &[String]) -> String {
    serde_json::to_string(s).expect("strings serialize")
}

// -------------------------------------------------------------------------- queries

/// A symbol as the JSON contract gives it (docs/json.md).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SymbolRecord {
    pub id: i64,
    pub qualified_name: String,
    pub name: String,
    pub kind: String,
    pub language: String,
    pub file: String,
    pub line: u32,
    pub end_line: u32,
    pub start_byte: u32,
    pub end_byte: u32,
    pub parent: Option<String>,
    pub signature: String,
    pub parameters: Vec<Param>,
    pub return_type: Option<String>,
    pub receiver: Option<String>,
    pub doc: Option<String>,
    pub decorators: Vec<String>,
    pub complexity: Option<u32>,
    pub nesting: Option<u32>,
    pub loc: u32,
}

/// Filters of `leindex symbols`; `None` means no filter.
#[derive(Debug, Default, Clone)]
pub struct SymbolFilter {
    pub kinds: Vec<String>,
    /// Language families (`typescript` includes tsx).
    pub languages: Vec<String>,
    pub path: Option<globset::GlobMatcher>,
    pub path_prefix: Option<String>,
    pub name: Option<String>,
    pub file: Option<String>,
}

impl SymbolFilter {
    /// Does a symbol pass the kind, language and path filters?
    pub fn matches(&self, s: &SymbolRecord) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&s.kind))
            && self.matches_file(&s.language, &s.file)
    }

    /// Does a file of this language and path pass the language and path filters?
    pub fn matches_file(&self, language: &str, path: &str) -> bool {
        let lang_ok = self.languages.is_empty()
            || self
                .languages
                .iter()
                .any(|l| l == language || (l == "typescript" && language == "tsx"));
        lang_ok
            && self.path.as_ref().is_none_or(|g| g.is_match(path))
            && self
                .path_prefix
                .as_ref()
                .is_none_or(|p| path.starts_with(p.as_str()))
    }
}

const SYMBOL_COLUMNS: &str = "n.id, n.qualified_name, n.name, n.kind, f.language, f.path,
    n.start_line, n.end_line, n.start_byte, n.end_byte, n.parent_name, n.signature,
    n.parameters, n.return_type, n.receiver, n.doc, n.decorators, n.complexity, n.nesting";

fn symbol_from_row(r: &rusqlite::Row) -> rusqlite::Result<SymbolRecord> {
    let params: String = r.get(12)?;
    let decorators: String = r.get(16)?;
    let line: u32 = r.get(6)?;
    let end_line: u32 = r.get(7)?;
    Ok(SymbolRecord {
        id: r.get(0)?,
        qualified_name: r.get(1)?,
        name: r.get(2)?,
        kind: r.get(3)?,
        language: r.get(4)?,
        file: r.get(5)?,
        line,
        end_line,
        start_byte: r.get(8)?,
        end_byte: r.get(9)?,
        parent: r.get(10)?,
        signature: r.get(11)?,
        parameters: serde_json::from_str(&params).unwrap_or_default(),
        return_type: r.get(13)?,
        receiver: r.get(14)?,
        doc: r.get(15)?,
        decorators: serde_json::from_str(&decorators).unwrap_or_default(),
        complexity: r.get(17)?,
        nesting: r.get(18)?,
        loc: end_line - line + 1,
    })
}

/// One call site as stored.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CallRecord {
    pub callee: String,
    pub name: String,
    pub receiver: Option<String>,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ImportRecord {
    pub module: String,
    pub names: Vec<ImportName>,
    pub alias: Option<String>,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct InheritRecord {
    pub symbol: String,
    pub base: String,
    pub relation: String,
    pub line: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutlineSymbol {
    #[serde(flatten)]
    pub symbol: SymbolRecord,
    pub calls: Vec<CallRecord>,
}

/// Everything stored about one file.
#[derive(Debug, Clone, Serialize)]
pub struct Outline {
    pub file: String,
    pub language: String,
    pub parse_errors: u32,
    pub lossy_utf8: bool,
    pub doc: Option<String>,
    pub symbols: Vec<OutlineSymbol>,
    pub module_calls: Vec<CallRecord>,
    pub imports: Vec<ImportRecord>,
    pub inherits: Vec<InheritRecord>,
}

/// Per-language counts for `leindex status`.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageCount {
    pub language: String,
    pub files: u64,
    pub symbols: u64,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub root: String,
    pub index_path: String,
    pub index_bytes: u64,
    /// The layout version of the index database (the document's own `schema_version` is
    /// the JSON layout's).
    #[serde(rename = "index_schema_version")]
    pub schema_version: i64,
    pub tool_version: String,
    pub model_id: String,
    pub last_run_unix: Option<i64>,
    pub last_run_ms: Option<u64>,
    pub files: u64,
    pub symbols: u64,
    pub call_sites: u64,
    pub imports: u64,
    pub files_with_parse_errors: u64,
    /// True when the resolved graph is current; false when the next `impact`/`graph`
    /// will resolve first (after an index run, or a resolver of another version).
    pub graph_resolved: bool,
    pub languages: Vec<LanguageCount>,
}

impl Store {
    pub fn symbols(&self, f: &SymbolFilter) -> Result<Vec<SymbolRecord>> {
        let mut sql = format!(
            "SELECT {SYMBOL_COLUMNS} FROM nodes n JOIN files f ON f.id = n.file_id WHERE 1=1"
        );
        let mut args: Vec<String> = Vec::new();
        let mut in_list = |col: &str, vals: &[String], sql: &mut String| {
            if !vals.is_empty() {
                let marks: Vec<String> = vals
                    .iter()
                    .map(|v| {
                        args.push(v.clone());
                        format!("?{}", args.len())
                    })
                    .collect();
                sql.push_str(&format!(" AND {col} IN ({})", marks.join(",")));
            }
        };
        in_list("n.kind", &f.kinds, &mut sql);
        let mut langs = f.languages.clone();
        if langs.iter().any(|l| l == "typescript") {
            langs.push("tsx".into());
        }
        in_list("f.language", &langs, &mut sql);
        if let Some(file) = &f.file {
            args.push(file.clone());
            sql.push_str(&format!(" AND f.path = ?{}", args.len()));
        }
        if let Some(prefix) = &f.path_prefix {
            args.push(format!(
                "{}%",
                prefix.replace('%', "\\%").replace('_', "\\_")
            ));
            sql.push_str(&format!(" AND f.path LIKE ?{} ESCAPE '\\'", args.len()));
        }
        if let Some(name) = &f.name {
            args.push(format!(
                "%{}%",
                name.replace('%', "\\%").replace('_', "\\_")
            ));
            sql.push_str(&format!(
                " AND (n.name LIKE ?{0} ESCAPE '\\' OR n.qualified_name LIKE ?{0} ESCAPE '\\')",
                args.len()
            ));
        }
        sql.push_str(" ORDER BY f.path, n.start_byte, n.id");
        let e = db_err(&self.path);
        let mut stmt = self.conn.prepare(&sql).map_err(&e)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), symbol_from_row)
            .map_err(&e)?;
        let mut out = Vec::new();
        for r in rows {
            let r = r.map_err(&e)?;
            if f.path.as_ref().is_none_or(|g| g.is_match(&r.file)) {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// The symbols with these ids (in no particular order).
    pub fn symbols_by_id(&self, ids: &[i64]) -> Result<Vec<SymbolRecord>> {
        let e = db_err(&self.path);
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(900) {
            let list: Vec<String> = chunk.iter().map(|i| i.to_string()).collect();
            let sql = format!(
                "SELECT {SYMBOL_COLUMNS} FROM nodes n JOIN files f ON f.id = n.file_id
                 WHERE n.id IN ({})",
                list.join(",")
            );
            let mut stmt = self.conn.prepare(&sql).map_err(&e)?;
            let rows = stmt.query_map([], symbol_from_row).map_err(&e)?;
            for r in rows {
                out.push(r.map_err(&e)?);
            }
        }
        Ok(out)
    }

    pub fn outline(&self, rel_path: &str) -> Result<Outline> {
        let e = db_err(&self.path);
        let file: Option<(i64, String, u32, bool, Option<String>)> = self
            .conn
            .query_row(
                "SELECT id, language, parse_errors, lossy_utf8, doc FROM files WHERE path = ?1",
                [rel_path],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()
            .map_err(&e)?;
        let Some((file_id, language, parse_errors, lossy_utf8, doc)) = file else {
            return Err(Error::FileNotIndexed(rel_path.to_string()));
        };
        let symbols = self.symbols(&SymbolFilter {
            file: Some(rel_path.to_string()),
            ..Default::default()
        })?;
        let mut by_id: HashMap<i64, usize> = HashMap::new();
        let mut out_symbols: Vec<OutlineSymbol> = symbols
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                by_id.insert(s.id, i);
                OutlineSymbol {
                    symbol: s,
                    calls: Vec::new(),
                }
            })
            .collect();
        let mut by_position: Vec<usize> = (0..out_symbols.len()).collect();
        by_position.sort_by_key(|&i| out_symbols[i].symbol.id);
        let mut module_calls = Vec::new();
        let data: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT data FROM calls WHERE file_id = ?1",
                [file_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(&e)?;
        let calls =
            decode_calls(data.as_deref().unwrap_or_default()).ok_or_else(|| Error::Corrupt {
                path: self.path.clone(),
                detail: format!("undecodable call sites for {rel_path}"),
            })?;
        for c in calls {
            let (receiver, name) = c.split();
            let call = CallRecord {
                name: name.to_string(),
                receiver: receiver.map(str::to_string),
                callee: c.callee.clone(),
                line: c.line,
            };
            // Positions count the file's symbols in insertion order, which is id order.
            match c.symbol.and_then(|i| by_position.get(i)) {
                Some(&at) => out_symbols[at].calls.push(call),
                None => module_calls.push(call),
            }
        }
        let mut imports = Vec::new();
        let mut inherits = Vec::new();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT src_id, kind, target, name, alias, detail, line
                 FROM edges WHERE file_id = ?1 ORDER BY seq",
            )
            .map_err(&e)?;
        let mut rows = stmt.query([file_id]).map_err(&e)?;
        while let Some(r) = rows.next().map_err(&e)? {
            let kind: String = r.get(1).map_err(&e)?;
            let target: String = r.get(2).map_err(&e)?;
            let name: Option<String> = r.get(3).map_err(&e)?;
            let line: u32 = r.get(6).map_err(&e)?;
            match kind.as_str() {
                "import" => {
                    let detail: Option<String> = r.get(5).map_err(&e)?;
                    imports.push(ImportRecord {
                        module: target,
                        names: detail
                            .and_then(|d| serde_json::from_str(&d).ok())
                            .unwrap_or_default(),
                        alias: r.get(4).map_err(&e)?,
                        line,
                    });
                }
                relation => inherits.push(InheritRecord {
                    symbol: name.unwrap_or_default(),
                    base: target,
                    relation: relation.to_string(),
                    line,
                }),
            }
        }
        Ok(Outline {
            file: rel_path.to_string(),
            language,
            parse_errors,
            lossy_utf8,
            doc,
            symbols: out_symbols,
            module_calls,
            imports,
            inherits,
        })
    }

    pub fn status(&self, root: &Path) -> Result<Status> {
        let e = db_err(&self.path);
        let meta = self.meta()?;
        let count = |sql: &str| -> Result<u64> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| n as u64)
                .map_err(db_err(&self.path))
        };
        let mut stmt = self
            .conn
            .prepare(
                "SELECT language, COUNT(*), SUM(size), SUM(symbols)
                 FROM files GROUP BY language ORDER BY language",
            )
            .map_err(&e)?;
        let languages = stmt
            .query_map([], |r| {
                Ok(LanguageCount {
                    language: r.get(0)?,
                    files: r.get::<_, i64>(1)? as u64,
                    bytes: r.get::<_, i64>(2)? as u64,
                    symbols: r.get::<_, i64>(3)? as u64,
                })
            })
            .map_err(&e)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(&e)?;
        let index_bytes = ["", "-wal", "-shm"]
            .iter()
            .filter_map(|s| {
                let mut p = self.path.clone().into_os_string();
                p.push(s);
                std::fs::metadata(PathBuf::from(p)).ok().map(|m| m.len())
            })
            .sum::<u64>()
            + std::fs::metadata(self.path.with_file_name(crate::core::vectors::FILE))
                .map(|m| m.len())
                .unwrap_or(0);
        Ok(Status {
            root: root.display().to_string(),
            index_path: self.path.display().to_string(),
            index_bytes,
            schema_version: SCHEMA_VERSION,
            tool_version: meta.get("tool_version").cloned().unwrap_or_default(),
            model_id: meta
                .get("model_id")
                .cloned()
                .unwrap_or_else(|| "none".into()),
            last_run_unix: meta.get("last_run_unix").and_then(|v| v.parse().ok()),
            last_run_ms: meta.get("last_run_ms").and_then(|v| v.parse().ok()),
            files: count("SELECT COUNT(*) FROM files")?,
            symbols: count("SELECT COALESCE(SUM(symbols), 0) FROM files")?,
            call_sites: count("SELECT COALESCE(SUM(call_sites), 0) FROM files")?,
            imports: count("SELECT COALESCE(SUM(imports), 0) FROM files")?,
            files_with_parse_errors: count("SELECT COUNT(*) FROM files WHERE parse_errors > 0")?,
            graph_resolved: meta.get("graph_stale").map(String::as_str) == Some("0")
                && meta.get("resolve_version")
                    == Some(&crate::core::resolve::RESOLVE_VERSION.to_string()),
            languages,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_and_accesses_survive_packing() {
        let b = vec![
            Binding {
                symbol: Some(3),
                name: "self.repo".into(),
                value: "=Repo".into(),
            },
            Binding {
                symbol: None,
                name: "log".into(),
                value: "=logging.getLogger".into(),
            },
        ];
        assert_eq!(decode_bindings(&encode_bindings(&b)).unwrap(), b);
        let a = vec![Access {
            symbol: Some(0),
            object: "self".into(),
            field: "items".into(),
            write: true,
            line: 70_000,
        }];
        assert_eq!(decode_accesses(&encode_accesses(&a)).unwrap(), a);
        assert!(decode_bindings(&[1, 5, b'a']).is_none());
        assert!(decode_accesses(&[1]).is_none());
    }

    /// A new index merges FTS5 segments 16 at a time, and says so in the table itself,
    /// so that later runs merge the same way.
    #[test]
    fn a_new_index_keeps_its_fts_merge_settings() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("index.db")).unwrap();
        let setting = |k: &str| -> i64 {
            store
                .conn
                .query_row("SELECT v FROM fts_config WHERE k = ?1", [k], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(setting("automerge"), 16);
        assert_eq!(setting("crisismerge"), 64);
    }

    #[test]
    fn call_sites_survive_packing() {
        let calls = vec![
            CallSite {
                symbol: None,
                callee: "logging.getLogger".into(),
                line: 3,
            },
            CallSite {
                symbol: Some(0),
                callee: "self.repo.save".into(),
                line: 70_000,
            },
            CallSite {
                symbol: Some(300),
                callee: "é::ü!".into(),
                line: 1,
            },
        ];
        assert_eq!(decode_calls(&encode_calls(&calls)).unwrap(), calls);
        assert_eq!(decode_calls(&[]).unwrap(), vec![]);
        // Truncated data is refused, not misread.
        let packed = encode_calls(&calls);
        assert!(decode_calls(&packed[..packed.len() - 1]).is_none());
    }
}

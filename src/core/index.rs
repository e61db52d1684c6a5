//! Index: one run of the pipeline, walk -> read + hash -> parse + extract -> store.
//!
//! One thread per core reads, hashes and parses files, handed out in path order; this
//! thread, one of them, writes the results in path order (and parses when nothing is
//! ready to write), so node ids come out the same on every run whatever the thread count.
//! A file whose BLAKE3 hash matches the stored one is not parsed again; a
//! changed file replaces its own rows; a file that disappeared (or became binary,
//! too large or unreadable) loses its rows.
//!
//! Change detection, as git does it: a file whose size and modification time equal the
//! stored ones is unchanged without being read, unless its time is not safely older than
//! the previous run's start ("racily clean": it may have been written again within the
//! same clock tick), in which case it is read and its hash decides.
//!
//! A first build, a `--rebuild`, or a rebuild forced by an older schema writes a fresh
//! database beside the current one and renames it into place at the end; an incremental
//! run is one transaction. Either way an interrupted or failed run leaves the previous
//! index usable.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use crate::core::error::{Error, Result};
use crate::core::graph;
use crate::core::graph_store;
use crate::core::graph_store::{BlobSymbol, SymbolFacts, FACT_CALLABLE, FACT_TEST};
use crate::core::lang::{
    parse_and_extract, FileContext, FileExtract, KeepFreedMemory, EXTRACT_VERSION,
};
use crate::core::resolve::{Confidence, LinkKind, Universe, RESOLVE_VERSION};
use crate::core::store::{self, FileInfo, FileRow, Store};
use crate::core::walk::{self, Candidate, Manifests, SkipReason, Skipped, INDEX_DIR};

/// Default cap on the size of an indexed file.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1024 * 1024;
/// Bytes of source (each file counted as at least `MIN_CHARGE`) that helpers may have
/// taken and not yet seen written; bounds memory. A count of files was a poor bound: while
/// the writing thread sorted the name indexes (1.8 s on the large corpus, then two of
/// them) a helper went through 2,048 small files, and then idled.
const IN_FLIGHT_BYTES: u64 = 32 << 20;
const MIN_CHARGE: u64 = 4096;
/// How much of a file is checked for NUL bytes to call it binary.
const BINARY_SNIFF: usize = 8192;

#[derive(Debug, Clone)]
pub struct IndexOptions {
    pub max_file_size: u64,
    pub rebuild: bool,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            rebuild: false,
        }
    }
}

/// Receives progress; core never draws anything itself.
pub trait Progress: Sync {
    fn start(&self, _total: u64) {}
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
}

/// Progress that goes nowhere.
pub struct NoProgress;
impl Progress for NoProgress {}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FileCounts {
    pub new: u64,
    pub changed: u64,
    pub unchanged: u64,
    pub removed: u64,
    pub skipped: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LanguageSummary {
    pub files: u64,
    pub symbols: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SkippedFile {
    pub path: String,
    pub reason: String,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexSummary {
    pub root: String,
    pub full_build: bool,
    pub files: FileCounts,
    /// Files and symbols per language in the index after the run.
    pub languages: BTreeMap<String, LanguageSummary>,
    /// Totals in the index after the run.
    pub symbols: u64,
    pub call_sites: u64,
    /// Symbols and call sites written by this run (new and changed files).
    pub symbols_written: u64,
    pub call_sites_written: u64,
    pub files_with_parse_errors: u64,
    /// Files with invalid UTF-8, indexed with replacement characters in their text.
    pub lossy_utf8: Vec<String>,
    pub skipped: Vec<SkippedFile>,
    pub elapsed_ms: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ResolutionSummary {
    /// Call edges by confidence (`exact`, `import`, `dynamic`, `name`, `unresolved`).
    pub calls: BTreeMap<String, u64>,
    pub inherits: u64,
    pub implements: u64,
    /// File -> imported file edges (modules of the repository only).
    pub imports: u64,
    /// Method -> field of its own type edges (`reads` and `writes`).
    pub field_accesses: u64,
    pub elapsed_ms: u64,
}

enum Outcome {
    Unchanged,
    Parsed {
        extract: FileExtract,
        hash: [u8; 32],
        lossy: bool,
    },
    Skipped(SkipReason),
}

/// Check that `path` is a directory and return it canonicalized.
pub fn resolve_root(path: &Path) -> Result<PathBuf> {
    let meta = std::fs::metadata(path).map_err(|_| Error::PathNotFound(path.to_path_buf()))?;
    if !meta.is_dir() {
        return Err(Error::NotADirectory(path.to_path_buf()));
    }
    path.canonicalize()
        .map_err(|_| Error::PathNotFound(path.to_path_buf()))
}

/// Build or update the index of `root`.
pub fn run(root: &Path, opts: &IndexOptions, progress: &dyn Progress) -> Result<IndexSummary> {
    let started = Instant::now();
    let _memory = KeepFreedMemory::start();
    let started_ns = unix_ns();
    let root = resolve_root(root)?;
    let dir = root.join(INDEX_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| Error::Io {
        path: dir.clone(),
        source: e,
    })?;
    let ignore_file = dir.join(".gitignore");
    if !ignore_file.exists() {
        std::fs::write(
            &ignore_file,
            "# Created by leindex: the index is not source.\n*\n",
        )
        .map_err(|e| Error::Io {
            path: ignore_file.clone(),
            source: e,
        })?;
    }

    let existing = if opts.rebuild {
        None
    } else {
        match Store::open(&root) {
            Ok(s) => {
                let current = s.meta()?.get("extract_version").cloned();
                (current.as_deref() == Some(&EXTRACT_VERSION.to_string())).then_some(s)
            }
            Err(Error::NoIndex(_)) | Err(Error::SchemaTooOld { .. }) => None,
            Err(e) => return Err(e),
        }
    };

    let walked = walk::walk(&root, opts.max_file_size);
    progress.start(walked.files.len() as u64);
    let mut summary = IndexSummary {
        root: root.display().to_string(),
        full_build: existing.is_none(),
        files: FileCounts::default(),
        languages: BTreeMap::new(),
        symbols: 0,
        call_sites: 0,
        symbols_written: 0,
        call_sites_written: 0,
        files_with_parse_errors: 0,
        lossy_utf8: Vec::new(),
        skipped: Vec::new(),
        elapsed_ms: 0,
    };
    for s in &walked.skipped {
        note_skip(&mut summary, s);
    }

    let store = match existing {
        Some(mut store) => {
            let old = store.file_rows()?;
            let cutoff = store
                .meta()?
                .get("last_run_start_ns")
                .and_then(|v| v.parse::<i64>().ok())
                .map_or(i64::MIN, |t| t - RACY_WINDOW_NS);
            let writer = store.writer()?;
            let run = RunInput {
                full_build: false,
                files: &walked.files,
                manifests: &walked.manifests,
                old: &old,
                racy_cutoff_ns: cutoff,
                opts,
                progress,
            };
            write_all(&writer, run, &mut summary)?;
            // Resolution is global (one file can change what names mean in others) and
            // costs seconds on large repositories: an index run marks the graph stale,
            // and the first command that reads it resolves (`ensure_linked`).
            let f = &summary.files;
            if f.new + f.changed + f.removed > 0 {
                writer.set_meta(GRAPH_STALE, "1")?;
                writer.set_meta(crate::core::vectors::VECTORS_STALE, "1")?;
            }
            finish_meta(&writer, started, started_ns)?;
            writer.commit()?;
            store
        }
        None => {
            let tmp = dir.join(format!(
                "{}.building-{}",
                store::DB_FILE,
                std::process::id()
            ));
            remove_stale_builds(&dir);
            let result = (|| {
                let mut store = Store::create(&tmp)?;
                let writer = store.writer()?;
                let none = HashMap::new();
                let run = RunInput {
                    full_build: true,
                    files: &walked.files,
                    manifests: &walked.manifests,
                    old: &none,
                    racy_cutoff_ns: 0,
                    opts,
                    progress,
                };
                write_all(&writer, run, &mut summary)?;
                // Resolution runs on first use (`ensure_linked`), as after incremental runs.
                writer.set_meta(GRAPH_STALE, "1")?;
                writer.set_meta(crate::core::vectors::VECTORS_STALE, "1")?;
                finish_meta(&writer, started, started_ns)?;
                writer.commit()?;
                store.finish_build()?;
                replace_index(&root, &tmp)
            })();
            if result.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            result?;
            Store::open(&root)?
        }
    };
    progress.finish();

    let status = store.status(&root)?;
    summary.symbols = status.symbols;
    summary.call_sites = status.call_sites;
    summary.files_with_parse_errors = status.files_with_parse_errors;
    for l in status.languages {
        summary.languages.insert(
            l.language,
            LanguageSummary {
                files: l.files,
                symbols: l.symbols,
            },
        );
    }
    summary.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(summary)
}

/// Resolve every call site and inheritance fact, store the edges and PageRank, and
/// mark the graph current.
fn link(writer: &store::Writer, manifests: &Manifests) -> Result<ResolutionSummary> {
    let t = Instant::now();
    let trace = std::env::var_os("LEINDEX_TRACE").is_some();
    let lap = |what: &str| {
        if trace {
            eprintln!("[trace] {what}: {} ms", t.elapsed().as_millis());
        }
    };
    let prefix = |lang, path: &str| walk::name_prefix(manifests, lang, path);
    let input = graph_store::resolve_input(writer.conn(), writer.path(), &prefix)?;
    lap("loaded");
    // Go methods and Rust impl items are declared outside their type: their parent is
    // the type their qualified parent name names.
    let types: HashMap<&str, i64> = input
        .iter()
        .flat_map(|f| f.nodes.iter())
        .filter(|n| n.kind.is_type())
        .map(|n| (n.qualified_name.as_str(), n.id))
        .collect();
    let mut symbols: Vec<BlobSymbol> = input
        .iter()
        .enumerate()
        .flat_map(|(fi, f)| {
            let types = &types;
            f.nodes.iter().map(move |n| {
                let parent = n.parent_id.or_else(|| {
                    let p = n.parent_name.as_deref()?;
                    types.get(p).copied().filter(|&t| t != n.id)
                });
                let mut flags = 0;
                if n.test {
                    flags |= FACT_TEST;
                }
                if n.kind.is_callable() {
                    flags |= FACT_CALLABLE;
                }
                BlobSymbol {
                    id: n.id,
                    parent,
                    facts: SymbolFacts {
                        file: fi as u32,
                        line: n.line,
                        end_line: n.end_line,
                        complexity: n
                            .complexity
                            .map_or(u16::MAX, |c| c.min(u32::from(u16::MAX) - 1) as u16),
                        nesting: n.nesting.unwrap_or(0).min(255) as u8,
                        flags,
                    },
                }
            })
        })
        .collect();
    drop(types);
    symbols.sort_unstable_by_key(|s| s.id);
    let node_ids: Vec<i64> = symbols.iter().map(|s| s.id).collect();
    let files: Vec<(i64, String)> = input.iter().map(|f| (f.id, f.path.clone())).collect();
    let universe = Universe::build(input).with_ts_configs(manifests.ts_configs.clone());
    lap("universe");
    let resolved = universe.resolve_all();
    lap("resolved");
    drop(universe);
    let mut out = ResolutionSummary::default();
    for c in Confidence::ALL {
        out.calls.insert(c.as_str().to_string(), 0);
    }
    for (_, links) in &resolved.links {
        for l in links {
            match l.kind {
                LinkKind::Calls => *out.calls.entry(l.confidence.as_str().into()).or_default() += 1,
                LinkKind::Inherits => out.inherits += 1,
                LinkKind::Implements => out.implements += 1,
                LinkKind::Imports => out.imports += 1,
                LinkKind::Reads | LinkKind::Writes => out.field_accesses += 1,
                LinkKind::Contains => {}
            }
        }
    }
    let ranks = graph::pagerank(&node_ids, &resolved.links);
    lap("pagerank");
    let blob = graph_store::encode_graph(&symbols, &files, &resolved.links, &ranks);
    graph_store::write_blob(writer.conn(), writer.path(), "graph", &blob)?;
    lap("graph blob");
    writer.set_meta(GRAPH_STALE, "0")?;
    writer.set_meta(RESOLVED_BY, &RESOLVE_VERSION.to_string())?;
    out.elapsed_ms = t.elapsed().as_millis() as u64;
    Ok(out)
}

/// Meta key: "1" when files changed since the graph was last resolved.
const GRAPH_STALE: &str = "graph_stale";
/// Meta key: the `RESOLVE_VERSION` of the resolver that made the stored graph.
const RESOLVED_BY: &str = "resolve_version";

/// Is the stored graph resolved from the files as indexed, by this resolver?
pub fn graph_is_current(store: &Store) -> Result<bool> {
    let meta = store.meta()?;
    let current = RESOLVE_VERSION.to_string();
    Ok(meta.get(GRAPH_STALE).is_some_and(|v| v == "0") && meta.get(RESOLVED_BY) == Some(&current))
}

/// Bring the resolved graph up to date if an incremental run left it stale: the
/// commands that read the graph call this first. Returns the resolution summary when
/// it resolved.
pub fn ensure_linked(root: &Path, store: &mut Store) -> Result<Option<ResolutionSummary>> {
    if graph_is_current(store)? {
        return Ok(None);
    }
    let walked = walk::walk(root, DEFAULT_MAX_FILE_SIZE);
    let writer = store.writer()?;
    let summary = link(&writer, &walked.manifests)?;
    writer.commit()?;
    Ok(Some(summary))
}

fn note_skip(summary: &mut IndexSummary, s: &Skipped) {
    summary.files.skipped += 1;
    summary.skipped.push(SkippedFile {
        path: s.rel_path.clone(),
        reason: s.reason.label().to_string(),
        detail: s.reason.to_string(),
    });
}

fn unix_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}

fn finish_meta(writer: &store::Writer, started: Instant, started_ns: i64) -> Result<()> {
    writer.set_meta("last_run_unix", &(started_ns / 1_000_000_000).to_string())?;
    writer.set_meta("last_run_start_ns", &started_ns.to_string())?;
    writer.set_meta("last_run_ms", &started.elapsed().as_millis().to_string())?;
    writer.set_meta("extract_version", &EXTRACT_VERSION.to_string())?;
    writer.set_meta("tool_version", env!("CARGO_PKG_VERSION"))
}

/// A stored mtime within this many nanoseconds of the previous run's start is "racy".
const RACY_WINDOW_NS: i64 = 2_000_000_000;

fn process(
    c: &Candidate,
    m: &Manifests,
    old: Option<&FileRow>,
    max_size: u64,
    racy_cutoff_ns: i64,
) -> Outcome {
    if old.is_some_and(|o| {
        o.size == c.size && o.mtime_ns == c.mtime_ns && c.mtime_ns < racy_cutoff_ns
    }) {
        return Outcome::Unchanged;
    }
    let bytes = match std::fs::read(&c.abs_path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Outcome::Skipped(SkipReason::Vanished)
        }
        Err(e) => return Outcome::Skipped(SkipReason::Unreadable(e.to_string())),
    };
    if bytes.len() as u64 > max_size {
        return Outcome::Skipped(SkipReason::TooLarge {
            size: bytes.len() as u64,
            limit: max_size,
        });
    }
    if bytes[..bytes.len().min(BINARY_SNIFF)].contains(&0) {
        return Outcome::Skipped(SkipReason::Binary);
    }
    let hash = *blake3::hash(&bytes).as_bytes();
    if old.is_some_and(|o| o.hash == hash) {
        return Outcome::Unchanged;
    }
    let ctx = FileContext {
        rel_path: c.rel_path.clone(),
        prefix: walk::name_prefix(m, c.language, &c.rel_path),
    };
    let extract = parse_and_extract(c.language, &ctx, &bytes);
    // Extraction checked the text once: invalid UTF-8 is indexed with replacement
    // characters and reported.
    let lossy = extract.lossy_utf8;
    Outcome::Parsed {
        extract,
        hash,
        lossy,
    }
}

/// What one run reads: the walk, the stored state, and how to decide what changed.
struct RunInput<'r> {
    /// A full build into a fresh database (which creates its name indexes late).
    full_build: bool,
    files: &'r [Candidate],
    manifests: &'r Manifests,
    old: &'r HashMap<String, FileRow>,
    racy_cutoff_ns: i64,
    opts: &'r IndexOptions,
    progress: &'r dyn Progress,
}

fn write_all(writer: &store::Writer, run: RunInput, summary: &mut IndexSummary) -> Result<()> {
    let RunInput {
        full_build,
        files,
        manifests,
        old,
        racy_cutoff_ns,
        opts,
        progress,
    } = run;
    // Files are handed out in path order, one at a time, to whichever thread is free, so
    // one slow file never idles another thread.
    let claim = std::sync::atomic::AtomicUsize::new(0);
    let take = || {
        let i = claim.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        (i < files.len()).then_some(i)
    };
    let work = |i: usize| {
        let c = &files[i];
        let o = process(
            c,
            manifests,
            old.get(&c.rel_path),
            opts.max_file_size,
            racy_cutoff_ns,
        );
        progress.advance(1);
        o
    };
    // One thread per core: the helpers only parse; this thread writes whatever is next
    // in path order and, when nothing is, parses too. A dedicated writer thread on top
    // of a parser per core (3 threads on 2 cores) cost ~2,000 context switches a second
    // and the CPU time that goes with them: large corpus 52.8 s -> 48.0 s, medium
    // 9.3-9.7 s -> 8.9 s (ARCHITECTURE.md, "An index run").
    let helpers = rayon::current_num_threads().max(1) - 1;
    let budget = Budget::new(IN_FLIGHT_BYTES);
    let charge = |i: usize| files[i].size.max(MIN_CHARGE);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Outcome)>();
    std::thread::scope(|scope| -> Result<()> {
        // However this thread leaves the scope, helpers waiting for budget are let go.
        let _release = budget.stop_on_drop();
        for _ in 0..helpers {
            let tx = tx.clone();
            let (take, work, budget, charge) = (&take, &work, &budget, &charge);
            scope.spawn(move || {
                while budget.wait_for_room() {
                    let Some(i) = take() else { break };
                    budget.add(charge(i));
                    // Fails only when the writer gave up: stop parsing.
                    if tx.send((i, work(i))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let rx = rx;
        // Write in path order: results that arrive early wait in `pending`.
        let mut pending: BTreeMap<usize, Outcome> = BTreeMap::new();
        let mut next = 0;
        // A full build sorts its name indexes once 7/8 of the files are written, while
        // the other threads still parse (see `store::INDEXES_UP_FRONT`).
        let index_at = full_build.then_some(files.len() - files.len() / 8);
        while next < files.len() {
            pending.extend(rx.try_iter());
            if !pending.contains_key(&next) {
                // Nothing to write yet: parse a file here, or wait for the helpers.
                if let Some(i) = take() {
                    budget.add(charge(i));
                    pending.insert(i, work(i));
                } else if let Ok((i, o)) = rx.recv() {
                    pending.insert(i, o);
                } else {
                    // Every helper is gone and the next file never came: one panicked,
                    // and leaving the scope raises its panic here.
                    break;
                }
                continue;
            }
            while let Some(outcome) = pending.remove(&next) {
                if Some(next) == index_at {
                    writer.create_name_indexes()?;
                }
                let c = &files[next];
                write_one(writer, c, old.get(&c.rel_path), outcome, summary)?;
                budget.sub(charge(next));
                next += 1;
            }
        }
        // (After a helper's panic the loop stops short; leaving the scope raises it.)
        debug_assert!(next < files.len() || pending.is_empty());
        Ok(())
    })?;
    // Files that are no longer walked (deleted, now ignored, or skipped by the walk).
    let walked: std::collections::HashSet<&str> =
        files.iter().map(|c| c.rel_path.as_str()).collect();
    let mut gone: Vec<(&String, &FileRow)> = old
        .iter()
        .filter(|(p, _)| !walked.contains(p.as_str()))
        .collect();
    gone.sort_by_key(|(p, _)| *p);
    for (_, row) in gone {
        writer.remove_file(row.id)?;
        summary.files.removed += 1;
    }
    Ok(())
}

/// Source bytes taken and not yet written, shared by the threads of `write_all`: helpers
/// wait while it is at or over the limit; the writing thread, which lowers it, never waits.
struct Budget {
    limit: u64,
    /// Bytes in flight, and whether the writing thread has left (every wait ends).
    state: std::sync::Mutex<(u64, bool)>,
    lowered: std::sync::Condvar,
}

impl Budget {
    fn new(limit: u64) -> Budget {
        Budget {
            limit,
            state: std::sync::Mutex::new((0, false)),
            lowered: std::sync::Condvar::new(),
        }
    }

    fn add(&self, n: u64) {
        self.lock().0 += n;
    }

    fn sub(&self, n: u64) {
        let mut s = self.lock();
        let was_full = s.0 >= self.limit;
        s.0 = s.0.saturating_sub(n);
        let room = s.0 < self.limit;
        drop(s);
        // Waiters wait only while it is full: wake them when it stops being full.
        if was_full && room {
            self.lowered.notify_all();
        }
    }

    /// Wait until the bytes in flight are below the limit; false once stopped.
    fn wait_for_room(&self) -> bool {
        let mut s = self.lock();
        while s.0 >= self.limit && !s.1 {
            s = self.lowered.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        !s.1
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (u64, bool)> {
        // The state stays consistent whoever panicked holding it: a number and a flag.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A guard that stops the budget (every wait returns false) when dropped.
    fn stop_on_drop(&self) -> impl Drop + '_ {
        struct Stop<'b>(&'b Budget);
        impl Drop for Stop<'_> {
            fn drop(&mut self) {
                self.0.lock().1 = true;
                self.0.lowered.notify_all();
            }
        }
        Stop(self)
    }
}

/// Write one file's outcome: its rows, or the removal of its old rows.
fn write_one(
    writer: &store::Writer,
    c: &Candidate,
    prev: Option<&FileRow>,
    outcome: Outcome,
    summary: &mut IndexSummary,
) -> Result<()> {
    match outcome {
        Outcome::Unchanged => summary.files.unchanged += 1,
        Outcome::Parsed {
            extract,
            hash,
            lossy,
        } => {
            if let Some(p) = prev {
                writer.remove_file(p.id)?;
                summary.files.changed += 1;
            } else {
                summary.files.new += 1;
            }
            if lossy {
                summary.lossy_utf8.push(c.rel_path.clone());
            }
            let info = FileInfo {
                rel_path: &c.rel_path,
                language: c.language,
                hash: &hash,
                size: c.size,
                mtime_ns: c.mtime_ns,
                lossy_utf8: lossy,
            };
            let (syms, calls) = writer.insert_file(&info, &extract)?;
            summary.symbols_written += syms as u64;
            summary.call_sites_written += calls as u64;
        }
        Outcome::Skipped(reason) => {
            if let Some(p) = prev {
                writer.remove_file(p.id)?;
                summary.files.removed += 1;
            }
            note_skip(
                summary,
                &Skipped {
                    rel_path: c.rel_path.clone(),
                    reason,
                },
            );
        }
    }
    Ok(())
}

fn remove_stale_builds(dir: &Path) {
    let prefix = format!("{}.building-", store::DB_FILE);
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// Move a finished build into place. The old database's write-ahead log must not
/// outlive it (SQLite would apply it to the new file), so the old index is opened and
/// closed once, which checkpoints and removes its WAL, and leftovers are deleted.
fn replace_index(root: &Path, built: &Path) -> Result<()> {
    let target = store::db_path(root);
    if target.exists() {
        if let Ok(old) = rusqlite::Connection::open(&target) {
            let _ = old.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
            let _ = old.close();
        }
    }
    for suffix in ["-wal", "-shm"] {
        let mut p = target.clone().into_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    std::fs::rename(built, &target).map_err(|e| Error::Io {
        path: target.clone(),
        source: e,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::lang::Language;

    fn candidate(dir: &Path, name: &str) -> Candidate {
        Candidate {
            rel_path: name.to_string(),
            abs_path: dir.join(name),
            language: Language::Python,
            size: 0,
            mtime_ns: 0,
        }
    }

    /// A full build leaves the name indexes out of its bulk insert and adds them late
    /// (while writing, or at the end when there are too few files): either way they
    /// exist when the build is done.
    #[test]
    fn a_full_build_ends_with_every_index() {
        for files in [0, 1, 20] {
            let dir = tempfile::tempdir().unwrap();
            for i in 0..files {
                std::fs::write(
                    dir.path().join(format!("m{i:02}.py")),
                    format!("def f{i}():\n    return {i}\n"),
                )
                .unwrap();
            }
            run(dir.path(), &IndexOptions::default(), &NoProgress).unwrap();
            let conn = rusqlite::Connection::open(store::db_path(dir.path())).unwrap();
            let mut st = conn
                .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'nodes_%' ORDER BY name")
                .unwrap();
            let names: Vec<String> = st
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<std::result::Result<_, _>>()
                .unwrap();
            assert_eq!(names, ["nodes_file", "nodes_name"], "{files} files");
            let n: i64 = conn
                .query_row(
                    "SELECT COUNT(*) FROM nodes INDEXED BY nodes_name WHERE name > ''",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(n, files as i64, "{files} files");
        }
    }

    /// A helper over budget waits until the writing thread lowers it, and is let go
    /// (told to stop) when the writing thread leaves, whatever the budget.
    #[test]
    fn the_budget_holds_helpers_back_until_written_or_stopped() {
        let budget = Budget::new(50);
        budget.add(100);
        std::thread::scope(|s| {
            let waiter = s.spawn(|| budget.wait_for_room());
            std::thread::sleep(std::time::Duration::from_millis(50));
            assert!(!waiter.is_finished(), "a helper over budget went on");
            budget.sub(30);
            std::thread::sleep(std::time::Duration::from_millis(50));
            assert!(
                !waiter.is_finished(),
                "still over budget (70 of 50), yet it went on"
            );
            budget.sub(30);
            assert!(waiter.join().unwrap(), "lowered below the limit: go on");
        });
        budget.add(100);
        std::thread::scope(|s| {
            let waiter = s.spawn(|| budget.wait_for_room());
            drop(budget.stop_on_drop());
            assert!(!waiter.join().unwrap(), "stopped: the helper stops too");
        });
        assert!(!budget.wait_for_room(), "a stopped budget stays stopped");
    }

    #[test]
    fn a_file_that_vanished_after_the_walk_is_skipped_as_vanished() {
        let dir = tempfile::tempdir().unwrap();
        let c = candidate(dir.path(), "gone.py");
        let out = process(&c, &Manifests::default(), None, DEFAULT_MAX_FILE_SIZE, 0);
        assert!(matches!(out, Outcome::Skipped(SkipReason::Vanished)));
    }

    #[test]
    fn a_file_that_cannot_be_read_is_skipped_as_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where a file was expected: read fails with "Is a directory".
        std::fs::create_dir(dir.path().join("odd.py")).unwrap();
        let c = candidate(dir.path(), "odd.py");
        let out = process(&c, &Manifests::default(), None, DEFAULT_MAX_FILE_SIZE, 0);
        assert!(matches!(out, Outcome::Skipped(SkipReason::Unreadable(_))));
    }

    #[test]
    fn a_file_that_grew_past_the_cap_after_the_walk_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("big.py"), vec![b'#'; 100]).unwrap();
        let c = candidate(dir.path(), "big.py");
        let out = process(&c, &Manifests::default(), None, 10, 0);
        assert!(matches!(
            out,
            Outcome::Skipped(SkipReason::TooLarge {
                size: 100,
                limit: 10
            })
        ));
    }

    #[test]
    fn same_size_and_mtime_before_the_racy_window_is_unchanged_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        // The file does not exist: only the stat data decides.
        let mut c = candidate(dir.path(), "absent.py");
        c.size = 10;
        c.mtime_ns = 1_000;
        let old = FileRow {
            id: 1,
            hash: vec![0; 32],
            size: 10,
            mtime_ns: 1_000,
        };
        let fresh = process(
            &c,
            &Manifests::default(),
            Some(&old),
            DEFAULT_MAX_FILE_SIZE,
            2_000,
        );
        assert!(matches!(fresh, Outcome::Unchanged));
        // Inside the racy window the file is read (and here found missing).
        let racy = process(
            &c,
            &Manifests::default(),
            Some(&old),
            DEFAULT_MAX_FILE_SIZE,
            500,
        );
        assert!(matches!(racy, Outcome::Skipped(SkipReason::Vanished)));
    }
}

//! One module per subcommand: parse flags into options, call core, render the answer
//! as a table or JSON. Nothing here touches SQL or tree-sitter.
pub mod context;
pub mod graph;
pub mod hotspots;
pub mod impact;
pub mod index;
pub mod outline;
pub mod search;
pub mod status;
pub mod symbols;

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

/// Version of every `--json` document's layout (docs/json.md).
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// Options shared by the commands that read an index.
#[derive(Debug, Args, Clone)]
pub struct QueryArgs {
    /// Repository root holding `.leindex/` [default: the nearest folder at or above the
    /// current one that has an index]
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Print JSON (a stable, documented schema) instead of a table
    #[arg(long)]
    pub json: bool,
}

impl QueryArgs {
    pub fn open(&self) -> anyhow::Result<(PathBuf, leindex::core::store::Store)> {
        let start = match &self.root {
            Some(r) => {
                if !r.exists() {
                    return Err(leindex::core::Error::PathNotFound(r.clone()).into());
                }
                r.clone()
            }
            None => std::env::current_dir()?,
        };
        let root = leindex::core::store::locate_root(&start)?;
        let store = leindex::core::store::Store::open(&root)?;
        Ok((root, store))
    }
}

impl QueryArgs {
    /// Open the index and its resolved graph, resolving first if an incremental index
    /// run left the graph stale (a note goes to stderr, as it can take seconds).
    pub fn open_graph(
        &self,
    ) -> anyhow::Result<(
        PathBuf,
        leindex::core::store::Store,
        leindex::core::graph::Graph,
    )> {
        let (root, mut store) = self.open()?;
        let t = std::time::Instant::now();
        if let Some(s) = leindex::core::index::ensure_linked(&root, &mut store)? {
            if t.elapsed().as_millis() > 500 {
                eprintln!(
                    "resolved the graph after the last index run ({:.1}s)",
                    s.elapsed_ms as f64 / 1000.0
                );
            }
        }
        let graph = store.graph()?;
        Ok((root, store, graph))
    }
}

/// Write to stdout; a closed pipe (`leindex symbols | head`) ends quietly.
pub fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// Serialize `value` as a JSON document with `schema_version` first.
pub fn emit_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut v = serde_json::to_value(value)?;
    let mut doc = serde_json::Map::new();
    doc.insert("schema_version".into(), JSON_SCHEMA_VERSION.into());
    if let serde_json::Value::Object(m) = &mut v {
        doc.extend(std::mem::take(m));
    }
    let mut s = serde_json::to_string_pretty(&serde_json::Value::Object(doc))?;
    s.push('\n');
    emit(&s)
}

pub fn table() -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_BORDERS_ONLY)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    t
}

pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

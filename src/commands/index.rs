//! `leindex index [PATH]`: build or update the index.
use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use leindex::core::embed::{self, Embedder};
use leindex::core::index::{self, IndexOptions, IndexSummary, Progress};
use leindex::core::vectors;

use super::{emit, emit_json, table};

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Repository root to index
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Parse every file again, ignoring what the index holds
    #[arg(long)]
    pub rebuild: bool,
    /// Skip files larger than this many bytes
    #[arg(long, value_name = "BYTES", default_value_t = index::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Print nothing but errors (and the JSON summary with --json)
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,
    /// Do not embed symbols for semantic search now (the first `leindex search` that
    /// needs them does)
    #[arg(long)]
    pub no_embed: bool,
}

/// What the embedding step of a run did.
#[derive(serde::Serialize)]
struct EmbedSummary {
    model: String,
    /// Symbols with a vector after the run.
    symbols: usize,
    /// Symbols embedded by this run (new or changed since the vectors were built).
    embedded: usize,
    /// Vectors kept from before (same body, same model).
    reused: usize,
    /// The model of the vectors replaced, when another model made them.
    #[serde(skip_serializing_if = "Option::is_none")]
    replaced_model: Option<String>,
    elapsed_ms: u64,
}

#[derive(serde::Serialize)]
struct Summary<'a> {
    #[serde(flatten)]
    index: &'a IndexSummary,
    /// Absent with `--no-embed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    embeddings: Option<EmbedSummary>,
}

/// Embed what the run added or changed (the vectors of unchanged symbols are kept).
fn embed(path: &std::path::Path) -> anyhow::Result<EmbedSummary> {
    let t = std::time::Instant::now();
    let root = leindex::core::store::locate_root(path)?;
    let mut store = leindex::core::store::Store::open(&root)?;
    let model = embed::default_model()?;
    let (_, report) = vectors::ensure_vectors(&mut store, &root, &model)?;
    Ok(EmbedSummary {
        model: model.model_id().to_string(),
        symbols: report.stats.symbols,
        embedded: report.stats.embedded,
        reused: report.stats.reused,
        replaced_model: report.replaced_model,
        elapsed_ms: t.elapsed().as_millis() as u64,
    })
}

struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn start(&self, total: u64) {
        self.0.set_length(total);
    }
    fn advance(&self, n: u64) {
        self.0.inc(n);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

pub fn run(args: IndexArgs) -> anyhow::Result<()> {
    let opts = IndexOptions {
        max_file_size: args.max_file_size,
        rebuild: args.rebuild,
    };
    let show_bar = !args.quiet && !args.json && std::io::stderr().is_terminal();
    let summary = if show_bar {
        let bar = indicatif::ProgressBar::new(0).with_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} indexing {bar:30} {pos}/{len} files  {per_sec}  eta {eta}",
            )
            .expect("valid template"),
        );
        index::run(&args.path, &opts, &Bar(bar))?
    } else {
        index::run(&args.path, &opts, &index::NoProgress)?
    };
    if !args.quiet || args.json {
        for f in &summary.lossy_utf8 {
            eprintln!("warning: {f}: invalid UTF-8, indexed with replacement characters");
        }
    }
    let embeddings = if args.no_embed {
        None
    } else {
        let spinner = show_bar.then(|| {
            let s = indicatif::ProgressBar::new_spinner().with_message("embedding symbols");
            s.enable_steady_tick(std::time::Duration::from_millis(120));
            s
        });
        let e = embed(&args.path);
        if let Some(s) = spinner {
            s.finish_and_clear();
        }
        let e = e?;
        if let (Some(old), false) = (&e.replaced_model, args.quiet) {
            eprintln!(
                "the embedding model changed ({old} -> {}): every symbol was embedded again",
                e.model
            );
        }
        Some(e)
    };
    let s = Summary {
        index: &summary,
        embeddings,
    };
    if args.json {
        emit_json(&s)
    } else if args.quiet {
        Ok(())
    } else {
        emit(&render(&s))
    }
}

fn render(all: &Summary) -> String {
    let s = all.index;
    let mut t = table();
    t.set_header(["language", "files", "symbols"]);
    for (lang, l) in &s.languages {
        t.add_row([lang.clone(), l.files.to_string(), l.symbols.to_string()]);
    }
    let files: u64 = s.languages.values().map(|l| l.files).sum();
    t.add_row([
        "total".to_string(),
        files.to_string(),
        s.symbols.to_string(),
    ]);
    let f = &s.files;
    let mut out = format!("{t}\n");
    out.push_str(&format!(
        "{} {} new, {} changed, {} unchanged, {} removed, {} skipped; {} call sites; {} files with syntax errors; {:.2}s\n",
        if s.full_build { "built:" } else { "updated:" },
        f.new,
        f.changed,
        f.unchanged,
        f.removed,
        f.skipped,
        s.call_sites,
        s.files_with_parse_errors,
        s.elapsed_ms as f64 / 1000.0
    ));
    if let Some(e) = &all.embeddings {
        out.push_str(&format!(
            "embeddings ({}): {} symbols embedded, {} kept; {:.2}s\n",
            e.model,
            e.embedded,
            e.reused,
            e.elapsed_ms as f64 / 1000.0
        ));
    }
    const SHOWN: usize = 10;
    for sk in s.skipped.iter().take(SHOWN) {
        out.push_str(&format!("skipped {}: {}\n", sk.path, sk.detail));
    }
    if s.skipped.len() > SHOWN {
        out.push_str(&format!(
            "... and {} more skipped (see --json)\n",
            s.skipped.len() - SHOWN
        ));
    }
    out
}

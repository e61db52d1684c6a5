//! `leindex index [PATH]`: build or update the index.
use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use leindex::core::index::{self, IndexOptions, IndexSummary, Progress};

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
    if args.json {
        emit_json(&summary)
    } else if args.quiet {
        Ok(())
    } else {
        emit(&render(&summary))
    }
}

fn render(s: &IndexSummary) -> String {
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

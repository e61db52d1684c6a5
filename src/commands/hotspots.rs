//! `leindex hotspots`: code that is complex, central, churning and untested at once.
use clap::Args;

use leindex::core::hotspots::{self, HotspotOptions, HotspotReport};
use leindex::core::store::SymbolFilter;

use super::symbols::{parse_lang, path_filter};
use super::{emit, emit_json, table, QueryArgs};

#[derive(Debug, Args)]
#[command(after_help = "\
score = C x K x H x T, where C = ln(1 + cyclomatic) x (1 + 0.25 x nesting), \
K = 1 + ln(1 + callers) + ln(1 + centrality), H = 1 + ln(1 + commits in the window) \
(1 without git history), T = 1.5 when no test reaches the symbol, else 1. With --by file: \
complexity and centrality are summed over the file's functions, callers come from other \
files, churn counts commits touching the file, and T = 1 + 0.5 x the share of its functions \
that no test reaches. Tests are not ranked.

Examples:
  leindex hotspots
  leindex hotspots --by file --lang go --limit 10
  leindex hotspots --since 6.months --path 'src/**' --json")]
pub struct HotspotsArgs {
    /// Rank symbols (functions and methods) or whole files
    #[arg(long, value_enum, default_value = "symbol")]
    pub by: By,
    /// Churn window: commits since this date, in any form git accepts
    #[arg(long, default_value = "1 year ago", value_name = "DATE")]
    pub since: String,
    /// Do not read git history (churn is left out of the score)
    #[arg(long)]
    pub no_git: bool,
    /// Only these languages (python, typescript, tsx, javascript, go, rust)
    #[arg(long, value_delimiter = ',', value_parser = parse_lang)]
    pub lang: Vec<String>,
    /// Only files matching this glob or, without glob characters, under this path prefix
    #[arg(long, value_name = "GLOB")]
    pub path: Option<String>,
    /// Show this many (0: all)
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[command(flatten)]
    pub query: QueryArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum By {
    Symbol,
    File,
}

pub fn run(a: HotspotsArgs) -> anyhow::Result<()> {
    let (root, store, graph) = a.query.open_graph()?;
    let mut filter = SymbolFilter {
        languages: a.lang.clone(),
        ..Default::default()
    };
    path_filter(&a.path, &mut filter)?;
    let opts = HotspotOptions {
        by_file: matches!(a.by, By::File),
        since: (!a.no_git).then(|| a.since.clone()),
        filter,
        limit: if a.limit == 0 { usize::MAX } else { a.limit },
    };
    let report = hotspots::hotspots(&store, &root, &graph, &opts)?;
    if a.query.json {
        emit_json(&report)
    } else {
        emit(&render(&report))
    }
}

fn render(r: &HotspotReport) -> String {
    let mut t = table();
    let what = if r.by == "file" { "file" } else { "symbol" };
    t.set_header(vec![
        "rank",
        what,
        "location",
        "complexity",
        "callers",
        "centrality",
        "churn",
        "tested",
        "score",
    ]);
    for h in &r.items {
        let tested = match (h.tested_functions, h.functions) {
            (Some(n), Some(m)) => format!("{n}/{m}"),
            _ => if h.tested { "yes" } else { "no" }.to_string(),
        };
        t.add_row(vec![
            h.rank.to_string(),
            h.qualified_name.clone(),
            format!("{}:{}", h.file, h.line),
            format!("{} (nest {})", h.complexity, h.nesting),
            h.callers.to_string(),
            format!("{:.2}", h.centrality),
            h.churn.map_or("-".into(), |c| c.to_string()),
            tested,
            format!("{:.1}", h.score),
        ]);
    }
    let churn = match (&r.since, r.commits) {
        (Some(s), Some(n)) => format!("churn: {n} commits since {s}"),
        _ => "churn: no git history read".into(),
    };
    format!(
        "{t}\n{} of {} {}s; {churn}\n",
        r.items.len(),
        r.candidates,
        what
    )
}

//! `leindex impact`: what is affected if a symbol (or what changed since a revision)
//! changes.
use clap::{Args, ValueEnum};

use leindex::core::graph::{ImpactDirection, ImpactOptions};
use leindex::core::impact::{self, ImpactItem, ImpactReport};
use leindex::core::resolve::Confidence;

use super::{emit, emit_json, table, QueryArgs};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Direction {
    /// Callers, subclasses and implementors: who may break if the target changes
    Up,
    /// Callees and bases: what the target depends on
    Down,
    /// Both
    Both,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MinConfidence {
    /// Only edges the code states directly (same file/package, self/this)
    Exact,
    /// ... and edges found through imports
    Import,
    /// ... and interface/trait/override dispatch
    Dynamic,
    /// ... and name-only matches (receiver of unknown type)
    Name,
    /// ... and edges to unresolved placeholders
    Unresolved,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Json,
    /// Graphviz DOT of the impacted subgraph
    Dot,
}

#[derive(Debug, Args)]
#[command(after_help = "\
SYMBOL is a qualified name (shop/cart.py::Cart.add, shop::cart::Cart::add), a bare or partly \
qualified name (add, Cart.add), FILE:LINE (the innermost symbol there), or an external \
placeholder (requests.get).

Exit codes: 0 answered (also when nothing is affected), 6 symbol not found, 7 ambiguous \
name (candidates listed; use --all or a qualified name), 8 more than --fail-above symbols \
affected, 1 git failed (--since), 3 no index, 4 index unusable.

Examples:
  leindex impact Cart.add
  leindex impact shop/cart.py:42 --direction both --depth 2
  leindex impact --since origin/main --json
  leindex impact save --all --min-confidence import --fail-above 20
  leindex impact Cart.add --format dot | dot -Tsvg > impact.svg")]
pub struct ImpactArgs {
    /// What to analyse (see below); not needed with --since
    #[arg(required_unless_present = "since", conflicts_with = "since")]
    pub symbol: Option<String>,
    /// Analyse every symbol whose lines changed between REV and the working tree (git)
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
    /// Which way to walk
    #[arg(long, value_enum, default_value = "up")]
    pub direction: Direction,
    /// Stop after N edges from a target [default: unlimited]
    #[arg(long, value_name = "N")]
    pub depth: Option<u32>,
    /// Ignore edges weaker than this
    #[arg(long, value_enum, default_value = "name")]
    pub min_confidence: MinConfidence,
    /// When SYMBOL matches several symbols, analyse them all
    #[arg(long)]
    pub all: bool,
    /// Exit with code 8 when more than N symbols are affected (a CI gate)
    #[arg(long, value_name = "N")]
    pub fail_above: Option<usize>,
    /// Output format (--json is the same as --format json)
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    #[command(flatten)]
    pub query: QueryArgs,
}

/// `--fail-above` was exceeded.
#[derive(Debug)]
pub struct FailAbove {
    pub affected: usize,
    pub limit: usize,
}

impl std::fmt::Display for FailAbove {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} symbols affected, more than --fail-above {}",
            self.affected, self.limit
        )
    }
}

impl std::error::Error for FailAbove {}

pub fn run(a: ImpactArgs) -> anyhow::Result<()> {
    let (root, store, mut graph) = a.query.open_graph()?;
    let opts = ImpactOptions {
        direction: match a.direction {
            Direction::Up => ImpactDirection::Up,
            Direction::Down => ImpactDirection::Down,
            Direction::Both => ImpactDirection::Both,
        },
        max_depth: a.depth,
        // The flag's values are the confidences' JSON names.
        min_confidence: a
            .min_confidence
            .to_possible_value()
            .and_then(|v| Confidence::parse(v.get_name()))
            .expect("every --min-confidence value names a confidence"),
    };
    let (targets, without) = match (&a.symbol, &a.since) {
        (Some(s), _) => (
            impact::find_targets(&store, &mut graph, s, a.all)?,
            Vec::new(),
        ),
        (None, Some(rev)) => {
            let c = impact::changed_since(&store, &graph, &root, rev)?;
            (c.symbols, c.files_without_symbols)
        }
        (None, None) => unreachable!("clap requires SYMBOL or --since"),
    };
    let mut report = impact::impact(&store, &mut graph, &targets, &opts)?;
    report.changed_files_without_symbols = without;
    let format = if a.query.json { Format::Json } else { a.format };
    match format {
        Format::Json => emit_json(&report)?,
        Format::Dot => emit(&impact::to_dot(&graph, &report, opts.min_confidence))?,
        Format::Table => emit(&render(&report, a.since.as_deref()))?,
    }
    if let Some(limit) = a.fail_above {
        if report.summary.affected > limit {
            return Err(FailAbove {
                affected: report.summary.affected,
                limit,
            }
            .into());
        }
    }
    Ok(())
}

fn location(i: &ImpactItem) -> String {
    match (&i.file, i.line) {
        (Some(f), Some(l)) => format!("{f}:{l}"),
        (Some(f), None) => f.clone(),
        _ if i.kind == "variable" => "(field or module variable)".into(),
        _ => "(outside the repository)".into(),
    }
}

fn render(r: &ImpactReport, since: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(rev) = since {
        out.push_str(&format!(
            "Changed since {rev}: {} symbol(s)\n",
            r.targets.len()
        ));
    }
    for t in &r.targets {
        out.push_str(&format!(
            "Target: {} ({}, {})\n",
            t.qualified_name,
            t.kind,
            location(t)
        ));
    }
    for f in &r.changed_files_without_symbols {
        out.push_str(&format!("Changed outside any symbol: {f}\n"));
    }
    if r.affected.is_empty() {
        out.push_str(&format!(
            "\nNothing affected (direction {}, min confidence {}).\n",
            r.direction, r.min_confidence
        ));
    } else {
        let mut t = table();
        t.set_header(vec![
            "depth",
            "dir",
            "symbol",
            "kind",
            "location",
            "confidence",
            "via",
        ]);
        for a in &r.affected {
            let via = if a.path.len() > 2 {
                format!(
                    "{} ({} hops)",
                    a.via.as_deref().unwrap_or(""),
                    a.path.len() - 1
                )
            } else {
                a.via.clone().unwrap_or_default()
            };
            t.add_row(vec![
                a.depth.to_string(),
                a.direction.clone().unwrap_or_default(),
                format!(
                    "{}{}",
                    a.qualified_name,
                    if a.is_test { "  [test]" } else { "" }
                ),
                a.kind.clone(),
                location(a),
                a.confidence.clone(),
                via,
            ]);
        }
        out.push('\n');
        out.push_str(&t.to_string());
        out.push('\n');
    }
    if !r.files.is_empty() {
        out.push_str(&format!("\nFiles ({}):\n", r.files.len()));
        for f in &r.files {
            out.push_str(&format!("  {f}\n"));
        }
    }
    if !r.tests.is_empty() {
        out.push_str(&format!("\nTests to run ({}):\n", r.tests.len()));
        for t in &r.tests {
            out.push_str(&format!("  {} ({})\n", t.qualified_name, location(t)));
        }
    }
    let s = &r.summary;
    out.push_str(&format!(
        "\nRisk: {} ({} affected, max depth {}, {} files, {} tests, max centrality {:.2})\n",
        s.risk, s.affected, s.max_depth, s.files, s.tests, s.max_centrality
    ));
    let c = &r.completeness;
    if c.complete {
        out.push_str("Completeness: every edge walked was resolved exactly or through imports.\n");
    } else {
        out.push_str(&format!(
            "Completeness: {} unresolved call site(s) name an affected symbol (possible missed callers); {} dynamic-dispatch and {} name-only edge(s) walked.\n",
            c.unresolved_call_sites, c.dynamic_edges, c.name_only_edges
        ));
    }
    out
}

//! `leindex context`: the code needed to understand or change some symbols, within a
//! token budget, as markdown or JSON.
use clap::{Args, ValueEnum};

use leindex::core::context::{self, ContextOptions, Seed, Strategy};
use leindex::core::impact;
use leindex::core::search;
use leindex::core::tokens::{Tokenizer, TokenizerKind};
use leindex::core::Error;

use super::{emit, emit_json, QueryArgs};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TokenizerArg {
    /// cl100k_base (GPT-4, GPT-3.5)
    Cl100k,
    /// o200k_base (GPT-4o and later)
    O200k,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExpandArg {
    /// Strongest pull first: relation, distance, centrality and size (see the README)
    Gravity,
    /// Plain breadth-first order, every symbol whole (a baseline, for comparison)
    Bfs,
}

#[derive(Debug, Args)]
#[command(after_help = "\
TARGET is a symbol, written as for `leindex impact` (a qualified name, a bare or partly \
qualified name, FILE:LINE), or a natural-language query (anything with a space, anything \
that names no symbol, or every TARGET with --search): its best lexical search hits are \
the seeds.

The output is markdown: for each piece, its qualified name, file and lines, whether it is \
the whole body or the signature and doc comment, why it is included, then the code. \
Definitions come before their users. The whole document, title included, is at most \
--budget tokens of the chosen tokenizer.

Exit codes: 0 ok, 6 nothing matches a TARGET, 7 a name matches several symbols (use a \
qualified name or --all), 3 no index, 4 index unusable.

Examples:
  leindex context Cart.add --budget 2000
  leindex context shop/cart.py:42 --json
  leindex context \"apply the discount coupon\" --budget 8000 > prompt.md")]
pub struct ContextArgs {
    /// Symbols or queries to build the context for
    #[arg(required = true, value_name = "TARGET")]
    pub targets: Vec<String>,
    /// Most tokens the output may take (at least 64)
    #[arg(long, default_value_t = 4000, value_parser = clap::value_parser!(u64).range(64..))]
    pub budget: u64,
    /// Tokenizer that counts the budget
    #[arg(long, value_enum, default_value = "cl100k")]
    pub tokenizer: TokenizerArg,
    /// How to expand from the seeds
    #[arg(long, value_enum, default_value = "gravity")]
    pub expand: ExpandArg,
    /// Treat every TARGET as a search query, even a symbol's name
    #[arg(long)]
    pub search: bool,
    /// Search hits used as seeds per query
    #[arg(long, default_value_t = 3, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=50))]
    pub hits: u64,
    /// When a name matches several symbols, start from all of them
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub query: QueryArgs,
}

pub fn run(a: ContextArgs) -> anyhow::Result<()> {
    let kind = match a.tokenizer {
        TokenizerArg::Cl100k => TokenizerKind::Cl100k,
        TokenizerArg::O200k => TokenizerKind::O200k,
    };
    // The tokenizer's tables take a while to load: load them while the graph loads.
    let tokenizer = std::thread::spawn(move || Tokenizer::load(kind));
    let (root, store, mut graph) = a.query.open_graph()?;
    let mut seeds: Vec<Seed> = Vec::new();
    for t in &a.targets {
        let as_symbol = !a.search && !t.trim().contains(char::is_whitespace);
        let found = if as_symbol {
            match impact::find_targets(&store, &mut graph, t, a.all) {
                Ok(nodes) => Some(nodes),
                Err(Error::SymbolNotFound(_)) => None,
                Err(e) => return Err(e.into()),
            }
        } else {
            None
        };
        match found {
            Some(nodes) => seeds.extend(nodes.into_iter().map(|node| Seed {
                node,
                weight: 1.0,
                why: "target".into(),
            })),
            None => {
                let hits = search::lexical(&store, t, a.hits as usize)?;
                let nodes: Vec<_> = hits.iter().filter_map(|h| graph.node_of_id(h.id)).collect();
                if nodes.is_empty() {
                    return Err(Error::NoMatch(t.clone()).into());
                }
                impact::load_details(&store, &mut graph, &nodes)?;
                seeds.extend(nodes.into_iter().enumerate().map(|(k, node)| Seed {
                    node,
                    weight: 1.0 / (1.0 + 0.25 * k as f64),
                    why: format!("search hit {} for \"{}\"", k + 1, t.trim()),
                }));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    seeds.retain(|s| seen.insert(s.node));
    for s in &seeds {
        if graph.symbol_id(s.node).is_none() {
            eprintln!(
                "note: {} is outside the repository (no code to show): the context is the code that uses it",
                graph.label(s.node)
            );
        }
    }
    let tok = tokenizer
        .join()
        .map_err(|_| anyhow::anyhow!("the tokenizer failed to load"))??;
    let strategy = match a.expand {
        ExpandArg::Gravity => Strategy::Gravity,
        ExpandArg::Bfs => Strategy::Bfs,
    };
    let report = context::build(
        &store,
        &root,
        &graph,
        &seeds,
        a.targets.clone(),
        ContextOptions {
            budget: a.budget as usize,
            strategy,
        },
        &tok,
    )?;
    for s in &report.skipped {
        eprintln!("warning: left out {}: {}", s.qualified_name, s.reason);
    }
    if a.query.json {
        emit_json(&report)
    } else {
        emit(&context::render_markdown(&report))
    }
}

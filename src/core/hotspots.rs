//! `hotspots`: code that is complex, central, churning and untested at once.
//!
//! The score multiplies four factors, so that a symbol must be high on several at once
//! to rank high (a complex function nobody calls, or a hub that is trivial, stays low):
//!
//! ```text
//! C = ln(1 + cyclomatic) * (1 + 0.25 * nesting)          complexity
//! K = 1 + ln(1 + callers) + ln(1 + centrality)           centrality (callers, PageRank)
//! H = 1 + ln(1 + commits)                                churn (1 without git history)
//! T = 1.5 when no test reaches the symbol, else 1        test reach
//! score = C * K * H * T
//! ```
//!
//! Churn times complexity is the hotspot of code-maat and CodeScene (Tornhill, *Your
//! Code as a Crime Scene*); callers and PageRank over the dependence graph stand for
//! how far a defect spreads (Zimmermann and Nagappan, "Predicting defects using
//! network analysis on dependency graphs", ICSE 2008). Logarithms keep one extreme
//! (a 300-caller utility, a 2000-commit file) from drowning the other factors. A test
//! reaches a symbol when a test function calls it, directly or through other symbols.
//! Tests themselves are not ranked.

use std::collections::{HashMap, VecDeque};
use std::path::Path;

use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use serde::Serialize;

use crate::core::churn::{self, Churn};
use crate::core::error::Result;
use crate::core::graph::{is_test_file, is_test_symbol, GNode, Graph};
use crate::core::graph_store::{callables, Callable};
use crate::core::resolve::{Confidence, LinkKind};
use crate::core::store::{Store, SymbolFilter};

type Nx = NodeIndex<u32>;

#[derive(Debug, Clone)]
pub struct HotspotOptions {
    pub by_file: bool,
    /// Git's `--since` for churn; `None` skips git.
    pub since: Option<String>,
    /// Languages and paths (its other fields are not used).
    pub filter: SymbolFilter,
    pub limit: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hotspot {
    pub rank: usize,
    /// The symbol (with `--by file`, the file's path).
    pub qualified_name: String,
    pub name: String,
    pub kind: String,
    pub language: String,
    pub file: String,
    pub line: u32,
    pub end_line: u32,
    /// Cyclomatic complexity (with `--by file`, the sum over the file's functions).
    pub complexity: u32,
    /// Deepest nesting of control structures.
    pub nesting: u32,
    /// Distinct symbols or files that call it (with `--by file`, from other files).
    pub callers: u32,
    /// PageRank, 1.0 = average (with `--by file`, the sum over its symbols).
    pub centrality: f64,
    /// Commits that touched its lines in the window; `null` without git history.
    pub churn: Option<u32>,
    /// Does a test reach it? (with `--by file`: any of its functions).
    pub tested: bool,
    /// Functions of the file that a test reaches (`--by file` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tested_functions: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub functions: Option<u32>,
    pub score: f64,
}

#[derive(Debug, Serialize)]
pub struct HotspotReport {
    pub by: &'static str,
    /// The churn window, when git history was read.
    pub since: Option<String>,
    /// Commits in the window (`null` without git history).
    pub commits: Option<usize>,
    /// Candidates after the filters, before `--limit`.
    pub candidates: usize,
    pub items: Vec<Hotspot>,
}

/// The score of the module documentation.
pub fn score(
    cyclomatic: u32,
    nesting: u32,
    callers: u32,
    centrality: f64,
    churn: Option<u32>,
    untested: f64,
) -> f64 {
    let c = (1.0 + f64::from(cyclomatic)).ln() * (1.0 + 0.25 * f64::from(nesting));
    let k = 1.0 + (1.0 + f64::from(callers)).ln() + (1.0 + centrality.max(0.0)).ln();
    let h = 1.0 + churn.map_or(0.0, |n| (1.0 + f64::from(n)).ln());
    let t = 1.0 + 0.5 * untested;
    c * k * h * t
}

/// Nodes a test reaches: from every test function and the module code of test files,
/// along calls (all but unresolved ones).
fn tested(graph: &Graph, tests: &[Nx]) -> Vec<bool> {
    let mut seen = vec![false; petgraph::visit::NodeIndexable::node_bound(&graph.g)];
    let mut queue: VecDeque<Nx> = tests.iter().copied().collect();
    for t in tests {
        seen[t.index()] = true;
    }
    while let Some(n) = queue.pop_front() {
        for e in graph.g.edges_directed(n, Direction::Outgoing) {
            let w = e.weight();
            if w.kind == LinkKind::Calls && w.confidence != Confidence::Unresolved {
                let m = e.target();
                if !seen[m.index()] {
                    seen[m.index()] = true;
                    queue.push_back(m);
                }
            }
        }
    }
    seen
}

/// Distinct callers of a node (symbols or files' module code).
fn callers(graph: &Graph, n: Nx) -> u32 {
    let mut v: Vec<Nx> = graph
        .g
        .edges_directed(n, Direction::Incoming)
        .filter(|e| {
            e.weight().kind == LinkKind::Calls && e.weight().confidence != Confidence::Unresolved
        })
        .map(|e| e.source())
        .collect();
    v.sort_unstable();
    v.dedup();
    v.len() as u32
}

pub fn hotspots(
    store: &Store,
    root: &Path,
    graph: &Graph,
    opts: &HotspotOptions,
) -> Result<HotspotReport> {
    // Git runs while the index is read.
    let since = opts.since.clone();
    let root_buf = root.to_path_buf();
    let history = std::thread::spawn(move || match since {
        Some(s) => churn::churn(&root_buf, &s),
        None => Ok(None),
    });
    let all: Vec<Callable> = callables(store.conn(), store.db_file())?;
    let mut node_file: HashMap<Nx, &str> = HashMap::with_capacity(all.len());
    let mut tests: Vec<Nx> = Vec::new();
    for c in &all {
        if let Some(n) = graph.node_of_id(c.node.id) {
            node_file.insert(n, c.node.file.as_str());
            if is_test_symbol(&c.node) {
                tests.push(n);
            }
        }
    }
    tests.extend(
        graph
            .g
            .node_indices()
            .filter(|&n| matches!(graph.g[n], GNode::File(_)) && graph.is_test(n)),
    );
    let reached = tested(graph, &tests);
    let churn: Option<Churn> = history
        .join()
        .map_err(|_| crate::core::Error::Internal("reading git history failed".into()))??;
    let keep = |c: &Callable| {
        opts.filter
            .matches_file(c.node.language.name(), &c.node.file)
            && !is_test_symbol(&c.node)
            && !is_test_file(&c.node.file)
    };
    let mut items: Vec<Hotspot> = Vec::new();
    if !opts.by_file {
        for c in all.iter().filter(|c| keep(c)) {
            let Some(n) = graph.node_of_id(c.node.id) else {
                continue;
            };
            let s = &c.node;
            let ch = churn.as_ref().map(|h| h.lines(&s.file, s.line, s.end_line));
            let k = callers(graph, n);
            let cent = graph.centrality(s.id);
            let t = reached[n.index()];
            items.push(Hotspot {
                rank: 0,
                qualified_name: s.qualified_name.clone(),
                name: s.name.clone(),
                kind: s.kind.as_str().to_string(),
                language: s.language.name().to_string(),
                file: s.file.clone(),
                line: s.line,
                end_line: s.end_line,
                complexity: c.complexity,
                nesting: c.nesting,
                callers: k,
                centrality: cent,
                churn: ch,
                tested: t,
                tested_functions: None,
                functions: None,
                score: score(
                    c.complexity,
                    c.nesting,
                    k,
                    cent,
                    ch,
                    if t { 0.0 } else { 1.0 },
                ),
            });
        }
    } else {
        let mut by_file: HashMap<&str, Vec<&Callable>> = HashMap::new();
        for c in all.iter().filter(|c| keep(c)) {
            by_file.entry(c.node.file.as_str()).or_default().push(c);
        }
        for (file, cs) in by_file {
            let nodes: Vec<Nx> = cs
                .iter()
                .filter_map(|c| graph.node_of_id(c.node.id))
                .collect();
            let complexity: u32 = cs.iter().map(|c| c.complexity).sum();
            let nesting = cs.iter().map(|c| c.nesting).max().unwrap_or(0);
            let mut from: Vec<Nx> = Vec::new();
            for &n in &nodes {
                for e in graph.g.edges_directed(n, Direction::Incoming) {
                    let w = e.weight();
                    let s = e.source();
                    let outside = match graph.g[s] {
                        GNode::Symbol(_) => node_file.get(&s).is_none_or(|f| *f != file),
                        _ => true,
                    };
                    if w.kind == LinkKind::Calls
                        && w.confidence != Confidence::Unresolved
                        && outside
                    {
                        from.push(s);
                    }
                }
            }
            from.sort_unstable();
            from.dedup();
            let cent: f64 = cs.iter().map(|c| graph.centrality(c.node.id)).sum();
            let tested_n = nodes.iter().filter(|n| reached[n.index()]).count() as u32;
            let total = cs.len() as u32;
            let ch = churn.as_ref().map(|h| h.file(file));
            let untested = 1.0 - f64::from(tested_n) / f64::from(total.max(1));
            let first = cs[0];
            items.push(Hotspot {
                rank: 0,
                qualified_name: file.to_string(),
                name: file.rsplit('/').next().unwrap_or(file).to_string(),
                kind: "file".into(),
                language: first.node.language.name().to_string(),
                file: file.to_string(),
                line: 1,
                end_line: cs.iter().map(|c| c.node.end_line).max().unwrap_or(1),
                complexity,
                nesting,
                callers: from.len() as u32,
                centrality: cent,
                churn: ch,
                tested: tested_n > 0,
                tested_functions: Some(tested_n),
                functions: Some(total),
                score: score(complexity, nesting, from.len() as u32, cent, ch, untested),
            });
        }
    }
    items.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.file.cmp(&b.file))
            .then(a.line.cmp(&b.line))
    });
    let candidates = items.len();
    items.truncate(opts.limit);
    for (i, it) in items.iter_mut().enumerate() {
        it.rank = i + 1;
    }
    Ok(HotspotReport {
        by: if opts.by_file { "file" } else { "symbol" },
        since: churn.as_ref().and(opts.since.clone()),
        commits: churn.as_ref().map(|c| c.commits),
        candidates,
        items,
    })
}

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
use crate::core::graph::{is_test_file, GNode, Graph};
use crate::core::graph_store::{self, GraphNode, SymbolFacts};
use crate::core::lang::Language;
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

/// One candidate before the top ones get their names.
struct Scored {
    node: Option<Nx>,
    /// The file (index into the graph's paths).
    file: u32,
    line: u32,
    end_line: u32,
    complexity: u32,
    nesting: u32,
    callers: u32,
    centrality: f64,
    churn: Option<u32>,
    tested: u32,
    functions: u32,
    score: f64,
}

pub fn hotspots(
    store: &Store,
    root: &Path,
    graph: &Graph,
    opts: &HotspotOptions,
) -> Result<HotspotReport> {
    // Git runs while the graph is walked.
    let since = opts.since.clone();
    let root_buf = root.to_path_buf();
    let history = std::thread::spawn(move || match since {
        Some(s) => churn::churn(&root_buf, &s),
        None => Ok(None),
    });
    // Tests: test functions and the module code of test files.
    let tests: Vec<Nx> = graph
        .g
        .node_indices()
        .filter(|&n| match graph.g[n] {
            GNode::Symbol(_) => graph.facts(n).is_some_and(|f| f.is_test()),
            GNode::File(_) => graph.is_test(n),
            GNode::External(_) => false,
        })
        .collect();
    let reached = tested(graph, &tests);
    // Candidates: measured functions and methods outside tests, through the filters.
    let mut lang_ok: HashMap<u32, bool> = HashMap::new();
    let mut cands: Vec<(Nx, &SymbolFacts, u32)> = Vec::new();
    for n in graph.g.node_indices() {
        let Some(f) = graph.facts(n) else { continue };
        let Some(c) = f.complexity() else { continue };
        if !f.is_callable() || f.is_test() {
            continue;
        }
        let ok = *lang_ok.entry(f.file).or_insert_with(|| {
            let path = graph.file_path(f.file);
            let lang = Language::from_path(Path::new(path)).map_or("", |l| l.name());
            !is_test_file(path) && opts.filter.matches_file(lang, path)
        });
        if ok {
            cands.push((n, f, c));
        }
    }
    let churn: Option<Churn> = history
        .join()
        .map_err(|_| crate::core::Error::Internal("reading git history failed".into()))??;
    let mut sources: Vec<Nx> = Vec::new();
    let callers = |n: Nx, exclude_file: Option<u32>, out: &mut Vec<Nx>| {
        for e in graph.g.edges_directed(n, Direction::Incoming) {
            let w = e.weight();
            if w.kind != LinkKind::Calls || w.confidence == Confidence::Unresolved {
                continue;
            }
            let s = e.source();
            let file_of_caller = match graph.g[s] {
                GNode::File(f) => Some(f),
                _ => graph.facts(s).map(|f| f.file),
            };
            if exclude_file.is_some() && file_of_caller == exclude_file {
                continue;
            }
            out.push(s);
        }
    };
    let mut scored: Vec<Scored> = Vec::new();
    if !opts.by_file {
        for &(n, f, c) in &cands {
            sources.clear();
            callers(n, None, &mut sources);
            sources.sort_unstable();
            sources.dedup();
            let path = graph.file_path(f.file);
            let ch = churn.as_ref().map(|h| h.lines(path, f.line, f.end_line));
            let k = sources.len() as u32;
            let cent = graph.rank_of(n);
            let t = reached[n.index()];
            let nesting = u32::from(f.nesting);
            scored.push(Scored {
                node: Some(n),
                file: f.file,
                line: f.line,
                end_line: f.end_line,
                complexity: c,
                nesting,
                callers: k,
                centrality: cent,
                churn: ch,
                tested: u32::from(t),
                functions: 1,
                score: score(c, nesting, k, cent, ch, if t { 0.0 } else { 1.0 }),
            });
        }
    } else {
        let mut by_file: HashMap<u32, Vec<(Nx, &SymbolFacts, u32)>> = HashMap::new();
        for &(n, f, c) in &cands {
            by_file.entry(f.file).or_default().push((n, f, c));
        }
        for (file, cs) in by_file {
            sources.clear();
            for &(n, _, _) in &cs {
                callers(n, Some(file), &mut sources);
            }
            sources.sort_unstable();
            sources.dedup();
            let complexity: u32 = cs.iter().map(|c| c.2).sum();
            let nesting = cs.iter().map(|c| u32::from(c.1.nesting)).max().unwrap_or(0);
            let cent: f64 = cs.iter().map(|c| graph.rank_of(c.0)).sum();
            let tested_n = cs.iter().filter(|c| reached[c.0.index()]).count() as u32;
            let total = cs.len() as u32;
            let ch = churn.as_ref().map(|h| h.file(graph.file_path(file)));
            let untested = 1.0 - f64::from(tested_n) / f64::from(total.max(1));
            let k = sources.len() as u32;
            scored.push(Scored {
                node: None,
                file,
                line: 1,
                end_line: cs.iter().map(|c| c.1.end_line).max().unwrap_or(1),
                complexity,
                nesting,
                callers: k,
                centrality: cent,
                churn: ch,
                tested: tested_n,
                functions: total,
                score: score(complexity, nesting, k, cent, ch, untested),
            });
        }
    }
    let candidates = scored.len();
    let cmp = |a: &Scored, b: &Scored| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| graph.file_path(a.file).cmp(graph.file_path(b.file)))
            .then(a.line.cmp(&b.line))
    };
    if scored.len() > opts.limit && opts.limit > 0 {
        scored.select_nth_unstable_by(opts.limit - 1, cmp);
    }
    scored.truncate(opts.limit);
    scored.sort_by(cmp);
    // Names for the ones shown.
    let ids: Vec<i64> = scored
        .iter()
        .filter_map(|s| s.node.and_then(|n| graph.symbol_id(n)))
        .collect();
    let details: HashMap<i64, GraphNode> =
        graph_store::details(store.conn(), store.db_file(), Some(&ids))?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
    let mut items = Vec::with_capacity(scored.len());
    for (i, s) in scored.into_iter().enumerate() {
        let path = graph.file_path(s.file).to_string();
        let language = Language::from_path(Path::new(&path))
            .map_or("", |l| l.name())
            .to_string();
        let (qualified_name, name, kind) = match s
            .node
            .and_then(|n| graph.symbol_id(n))
            .and_then(|id| details.get(&id))
        {
            Some(d) => (
                d.qualified_name.clone(),
                d.name.clone(),
                d.kind.as_str().to_string(),
            ),
            None => (
                path.clone(),
                path.rsplit('/').next().unwrap_or(&path).to_string(),
                "file".to_string(),
            ),
        };
        items.push(Hotspot {
            rank: i + 1,
            qualified_name,
            name,
            kind,
            language,
            file: path,
            line: s.line,
            end_line: s.end_line,
            complexity: s.complexity,
            nesting: s.nesting,
            callers: s.callers,
            centrality: s.centrality,
            churn: s.churn,
            tested: s.tested > 0,
            tested_functions: opts.by_file.then_some(s.tested),
            functions: opts.by_file.then_some(s.functions),
            score: s.score,
        });
    }
    Ok(HotspotReport {
        by: if opts.by_file { "file" } else { "symbol" },
        since: churn.as_ref().and(opts.since.clone()),
        commits: churn.as_ref().map(|c| c.commits),
        candidates,
        items,
    })
}

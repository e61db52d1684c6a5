//! `impact`: which symbols a query names, which changed since a git revision, and the
//! report of what a change to them affects.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use serde::Serialize;

use crate::core::churn;
use crate::core::error::{Error, Result};
use crate::core::graph::{GNode, Graph, ImpactDirection, ImpactOptions};
use crate::core::graph_store;
use crate::core::lang::Language;
use crate::core::resolve::family;
use crate::core::resolve::Confidence;
use crate::core::resolve::LinkKind;
use crate::core::store::Store;

type Nx = NodeIndex<u32>;

/// The nodes `query` names: `FILE:LINE` (the innermost symbol there), a qualified name,
/// a bare or partly qualified name (`add`, `Cart.add`, `cart::Cart::add`), or the name
/// of an external placeholder (`requests.get`). Several matches are an error unless
/// `all`.
pub fn find_targets(store: &Store, graph: &mut Graph, query: &str, all: bool) -> Result<Vec<Nx>> {
    let (conn, path) = (store.conn(), store.db_file());
    let query = query.trim();
    if let Some((file, line)) = query.rsplit_once(':') {
        if let Ok(line) = line.parse::<u32>() {
            let file = file.trim_start_matches("./");
            if let Some(spans) = graph_store::spans_in_file(conn, path, file)? {
                return match innermost(&spans, line).and_then(|id| graph.node_of_id(id)) {
                    Some(n) => Ok(vec![n]),
                    None => Err(Error::SymbolNotFound(query.to_string())),
                };
            }
        }
    }
    let mut ids = graph_store::ids_qualified(conn, path, query)?;
    if ids.is_empty() {
        // The last segment is the name; what precedes it must end the qualified name.
        let a = query.rfind('.').map_or(0, |i| i + 1);
        let b = query.rfind("::").map_or(0, |i| i + 2);
        let c = query.rfind('/').map_or(0, |i| i + 1);
        let name = &query[a.max(b).max(c)..];
        ids = graph_store::ids_named(conn, path, name)?
            .into_iter()
            .filter(|(_, q)| {
                name == query
                    || (q.len() > query.len()
                        && q.ends_with(query)
                        && matches!(q.as_bytes()[q.len() - query.len() - 1], b':' | b'.' | b'/'))
            })
            .map(|(id, _)| id)
            .collect();
    }
    let mut found: Vec<Nx> = ids.iter().filter_map(|&id| graph.node_of_id(id)).collect();
    if found.is_empty() {
        if let Some(n) = graph.external(query) {
            found.push(n);
        }
    }
    load_details(store, graph, &found)?;
    match found.len() {
        0 => Err(Error::SymbolNotFound(query.to_string())),
        1 => Ok(found),
        _ if all => Ok(found),
        _ => {
            let mut candidates: Vec<String> = found
                .iter()
                .map(|&n| match graph.symbol(n) {
                    Some(s) => format!(
                        "  {} ({} {}:{})",
                        s.qualified_name,
                        s.kind.as_str(),
                        s.file,
                        s.line
                    ),
                    None => format!("  {}", graph.label(n)),
                })
                .collect();
            candidates.sort();
            Err(Error::Ambiguous {
                query: query.to_string(),
                candidates,
            })
        }
    }
}

/// The innermost of `spans` (id, start, end) holding `line`.
fn innermost(spans: &[(i64, u32, u32)], line: u32) -> Option<i64> {
    spans
        .iter()
        .filter(|s| s.1 <= line && line <= s.2)
        .min_by_key(|s| (s.2 - s.1, std::cmp::Reverse(s.1)))
        .map(|s| s.0)
}

/// Load the details of these nodes' symbols that the graph does not have yet.
pub fn load_details(store: &Store, graph: &mut Graph, nodes: &[Nx]) -> Result<()> {
    let missing = graph.missing_details(nodes);
    if !missing.is_empty() {
        let d = graph_store::details(store.conn(), store.db_file(), Some(&missing))?;
        graph.add_details(d);
    }
    Ok(())
}

/// What changed between `rev` and the working tree, per git.
pub struct Changes {
    pub symbols: Vec<Nx>,
    /// Changed files (relative to the root) with no indexed symbol on a changed line.
    pub files_without_symbols: Vec<String>,
}

/// The symbols whose lines changed between `rev` and the working tree (untracked files
/// count as changed in full). Paths are relative to `root`.
pub fn changed_since(store: &Store, graph: &Graph, root: &Path, rev: &str) -> Result<Changes> {
    let git = |args: &[&str]| churn::git(root, args);
    let diff = git(&[
        "diff",
        "--no-color",
        "--no-ext-diff",
        "--relative",
        "--unified=0",
        rev,
        "--",
    ])?;
    let mut lines: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
    for f in churn::parse_patches(&diff).into_iter().flatten() {
        let Some(file) = f.new else { continue };
        for h in &f.hunks {
            let (a, b) = h.touched();
            lines.entry(file.clone()).or_default().push((a, b - 1));
        }
    }
    // NUL-separated: paths come unquoted.
    let untracked = git(&["ls-files", "-z", "--others", "--exclude-standard"])?;
    for f in untracked.split('\0').filter(|f| !f.is_empty()) {
        lines.entry(f.to_string()).or_default().push((1, u32::MAX));
    }
    let mut symbols = BTreeSet::new();
    let mut without = Vec::new();
    let mut files: Vec<&String> = lines.keys().collect();
    files.sort();
    for file in files {
        let Some(spans) = graph_store::spans_in_file(store.conn(), store.db_file(), file)? else {
            continue;
        };
        let mut any = false;
        for &(a, b) in &lines[file] {
            // Every symbol overlapping the range; keep the innermost ones.
            let hit: Vec<&(i64, u32, u32)> =
                spans.iter().filter(|s| s.1 <= b && a <= s.2).collect();
            for s in &hit {
                // A container is not changed itself when the change lies inside one member.
                let has_inner = hit.iter().any(|o| {
                    o.0 != s.0
                        && s.1 <= o.1
                        && o.2 <= s.2
                        && (o.1, o.2) != (s.1, s.2)
                        && o.1 <= a
                        && b <= o.2
                });
                if !has_inner {
                    if let Some(n) = graph.node_of_id(s.0) {
                        symbols.insert(n);
                        any = true;
                    }
                }
            }
        }
        if !any && !spans.is_empty() {
            without.push(file.clone());
        }
    }
    Ok(Changes {
        symbols: symbols.into_iter().collect(),
        files_without_symbols: without,
    })
}

/// One node of an impact report (targets and affected symbols alike).
#[derive(Debug, Clone, Serialize)]
pub struct ImpactItem {
    pub qualified_name: String,
    pub name: String,
    /// A symbol kind, or `file` (a file's module-level code), or `external`.
    pub kind: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub end_line: Option<u32>,
    pub depth: u32,
    pub confidence: String,
    /// The kind of the edge that reached it (`calls`, `inherits`, `implements`).
    pub via: Option<String>,
    /// `up` (depends on a target) or `down` (a target depends on it).
    pub direction: Option<String>,
    /// Qualified names from a target to this node.
    pub path: Vec<String>,
    pub is_test: bool,
    /// PageRank scaled so that the average node has 1.0.
    pub centrality: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskSummary {
    pub affected: usize,
    pub max_depth: u32,
    pub files: usize,
    pub tests: usize,
    pub max_centrality: f64,
    /// `high` (more than 50 symbols, or one 20x as central as the average), `medium`
    /// (more than 10, or 5x), else `low`.
    pub risk: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Completeness {
    /// Call sites left unresolved whose called name is the name of a target or of an
    /// affected symbol: callers the graph may be missing.
    pub unresolved_call_sites: usize,
    /// Edges walked that were dynamic dispatch (interface/trait/override).
    pub dynamic_edges: usize,
    /// Edges walked that matched by name only.
    pub name_only_edges: usize,
    /// True when none of the above: the answer is exactly what the code says.
    pub complete: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImpactReport {
    pub targets: Vec<ImpactItem>,
    pub direction: String,
    pub max_depth: Option<u32>,
    pub min_confidence: String,
    pub affected: Vec<ImpactItem>,
    pub files: Vec<String>,
    pub tests: Vec<ImpactItem>,
    pub summary: RiskSummary,
    pub completeness: Completeness,
    /// `--since`: changed files where no indexed symbol covers a changed line.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changed_files_without_symbols: Vec<String>,
    /// Every node in the report, for `--format dot` (not serialized).
    #[serde(skip)]
    pub nodes: Vec<Nx>,
}

fn dir_str(d: ImpactDirection) -> &'static str {
    match d {
        ImpactDirection::Up => "up",
        ImpactDirection::Down => "down",
        ImpactDirection::Both => "both",
    }
}

fn item(graph: &Graph, n: Nx) -> ImpactItem {
    let blank =
        |qualified_name: String, name: String, kind: &str, file: Option<String>| ImpactItem {
            qualified_name,
            name,
            kind: kind.to_string(),
            file,
            line: None,
            end_line: None,
            depth: 0,
            confidence: Confidence::Exact.as_str().to_string(),
            via: None,
            direction: None,
            path: Vec::new(),
            is_test: graph.is_test(n),
            centrality: 0.0,
        };
    match graph.g[n] {
        GNode::Symbol(_) => match graph.symbol(n) {
            Some(s) => ImpactItem {
                line: Some(s.line),
                end_line: Some(s.end_line),
                centrality: round3(graph.centrality(s.id)),
                ..blank(
                    s.qualified_name.clone(),
                    s.name.clone(),
                    s.kind.as_str(),
                    Some(s.file.clone()),
                )
            },
            None => blank(graph.label(n), graph.label(n), "symbol", None),
        },
        GNode::File(_) => {
            let f = graph.label(n);
            let name = f.rsplit('/').next().unwrap_or(&f).to_string();
            blank(f.clone(), name, "file", Some(f))
        }
        GNode::External(_) => {
            let name = graph.label(n);
            // What is only read or written (a field, a module-level variable that is
            // not a symbol) is data of the repository, not something outside it.
            let data = graph
                .g
                .edges_directed(n, Direction::Incoming)
                .any(|e| matches!(e.weight().kind, LinkKind::Reads | LinkKind::Writes));
            blank(
                name.clone(),
                last_segment(&name).to_string(),
                if data { "variable" } else { "external" },
                None,
            )
        }
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn last_segment(s: &str) -> &str {
    let a = s.rfind('.').map_or(0, |i| i + 1);
    let b = s.rfind("::").map_or(0, |i| i + 2);
    &s[a.max(b)..]
}

/// Walk the graph from `targets` and report (loading the details of what it shows).
pub fn impact(
    store: &Store,
    graph: &mut Graph,
    targets: &[Nx],
    opts: &ImpactOptions,
) -> Result<ImpactReport> {
    let members = graph.with_descendants(targets);
    load_details(store, graph, &members)?;
    let walk = graph.impact(targets, opts);
    let reached: Vec<Nx> = walk.reached.iter().map(|r| r.node).collect();
    load_details(store, graph, &reached)?;
    let graph = &*graph;
    let mut affected: Vec<ImpactItem> = walk
        .reached
        .iter()
        .map(|r| {
            let mut it = item(graph, r.node);
            it.depth = r.depth;
            it.confidence = r.confidence.as_str().to_string();
            it.via = Some(r.via.as_str().to_string());
            it.direction = Some(dir_str(r.direction).to_string());
            it.path = r.path.iter().map(|&p| graph.label(p)).collect();
            it
        })
        .collect();
    affected.sort_by(|a, b| {
        (
            a.direction.as_deref(),
            a.depth,
            &a.file,
            a.line,
            &a.qualified_name,
        )
            .cmp(&(
                b.direction.as_deref(),
                b.depth,
                &b.file,
                b.line,
                &b.qualified_name,
            ))
    });
    let target_items: Vec<ImpactItem> = targets.iter().map(|&t| item(graph, t)).collect();
    let up: Vec<&ImpactItem> = affected
        .iter()
        .filter(|a| a.direction.as_deref() == Some("up"))
        .collect();
    let mut files: BTreeSet<String> = target_items.iter().filter_map(|t| t.file.clone()).collect();
    files.extend(up.iter().filter_map(|a| a.file.clone()));
    let mut tests: Vec<ImpactItem> = target_items
        .iter()
        .filter(|t| t.is_test)
        .cloned()
        .chain(up.iter().filter(|a| a.is_test).map(|a| (*a).clone()))
        .collect();
    tests.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    tests.dedup_by(|a, b| a.qualified_name == b.qualified_name && a.file == b.file);

    // Callers we may be missing: unresolved call sites naming a target or affected symbol.
    let mut names: HashSet<&str> = target_items.iter().map(|t| t.name.as_str()).collect();
    if opts.direction != ImpactDirection::Down {
        names.extend(up.iter().map(|a| a.name.as_str()));
    }
    // Only call sites in the targets' language family can call them.
    let families: HashSet<u8> = targets
        .iter()
        .filter_map(|&t| graph.symbol(t))
        .map(|s| family(s.language))
        .collect();
    let same_family = |file: Option<&str>| {
        families.is_empty()
            || file
                .and_then(|f| Language::from_path(Path::new(f)))
                .is_some_and(|l| families.contains(&family(l)))
    };
    let mut unresolved = 0;
    if opts.direction != ImpactDirection::Down {
        for (name, n) in graph.externals() {
            if names.contains(last_segment(name)) {
                unresolved += graph
                    .g
                    .edges_directed(n, Direction::Incoming)
                    .filter(|e| {
                        e.weight().confidence == Confidence::Unresolved
                            && same_family(graph.file_of_edge(e.id()))
                    })
                    .count();
            }
        }
    }
    let counted: Vec<&ImpactItem> = affected.iter().filter(|a| a.kind != "external").collect();
    let max_centrality = counted.iter().map(|a| a.centrality).fold(0.0, f64::max);
    let n = counted.len();
    let risk = if n > 50 || max_centrality >= 20.0 {
        "high"
    } else if n > 10 || max_centrality >= 5.0 {
        "medium"
    } else {
        "low"
    };
    let mut nodes: Vec<Nx> = targets.to_vec();
    nodes.extend(walk.reached.iter().map(|r| r.node));
    Ok(ImpactReport {
        summary: RiskSummary {
            affected: n,
            max_depth: affected.iter().map(|a| a.depth).max().unwrap_or(0),
            files: files.len(),
            tests: tests.len(),
            max_centrality,
            risk: risk.to_string(),
        },
        completeness: Completeness {
            unresolved_call_sites: unresolved,
            dynamic_edges: walk.dynamic_edges,
            name_only_edges: walk.name_only_edges,
            complete: unresolved == 0 && walk.dynamic_edges == 0 && walk.name_only_edges == 0,
        },
        targets: target_items,
        direction: dir_str(opts.direction).to_string(),
        max_depth: opts.max_depth,
        min_confidence: opts.min_confidence.as_str().to_string(),
        affected,
        files: files.into_iter().collect(),
        tests,
        changed_files_without_symbols: Vec::new(),
        nodes,
    })
}

/// The report's subgraph as Graphviz DOT: targets boxed, edges labelled by kind and
/// confidence, tests green, externals dashed.
pub fn to_dot(graph: &Graph, report: &ImpactReport, min_confidence: Confidence) -> String {
    let set: HashSet<Nx> = report.nodes.iter().copied().collect();
    let targets: HashSet<Nx> = report.nodes[..report.targets.len()]
        .iter()
        .copied()
        .collect();
    let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut out =
        String::from("digraph impact {\n  rankdir=LR;\n  node [shape=ellipse, fontsize=10];\n");
    let mut ordered: Vec<Nx> = set.iter().copied().collect();
    ordered.sort();
    for &n in &ordered {
        let mut attrs = vec![format!("label={}", q(&graph.label(n)))];
        if targets.contains(&n) {
            attrs.push("shape=box".into());
            attrs.push("style=bold".into());
        }
        if graph.is_test(n) {
            attrs.push("color=darkgreen".into());
        }
        if matches!(graph.g[n], GNode::External(_)) {
            attrs.push("style=dashed".into());
        }
        out.push_str(&format!("  n{} [{}];\n", n.index(), attrs.join(", ")));
    }
    let mut edges: Vec<(usize, usize, String)> = Vec::new();
    for &n in &ordered {
        for e in graph.g.edges_directed(n, Direction::Outgoing) {
            let w = e.weight();
            if !set.contains(&e.target())
                || w.kind == LinkKind::Contains
                || w.confidence < min_confidence
            {
                continue;
            }
            edges.push((
                n.index(),
                e.target().index(),
                format!("{} ({})", w.kind.as_str(), w.confidence.as_str()),
            ));
        }
    }
    edges.sort();
    edges.dedup();
    for (a, b, label) in edges {
        out.push_str(&format!(
            "  n{a} -> n{b} [label={}, fontsize=8];\n",
            q(&label)
        ));
    }
    out.push_str("}\n");
    out
}

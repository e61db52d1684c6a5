//! The program dependence graph: symbols, module-level code of files and external
//! placeholders as nodes; resolved calls, inheritance and containment as edges
//! (petgraph `StableGraph`, `u32` indices). Built from the store, used by `impact` and
//! `graph`, and ranked with PageRank at the end of every index run.

use std::collections::{HashMap, HashSet, VecDeque};

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableGraph};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use crate::core::graph_store::{GraphBlob, GraphNode, SymbolFacts};
use crate::core::lang::{Language, SymbolKind};
use crate::core::resolve::{Confidence, Dst, Link, LinkKind};

/// A node of the graph.
#[derive(Debug, Clone, Copy)]
pub enum GNode {
    /// A symbol (index into the graph's symbol ids).
    Symbol(u32),
    /// The module-level code of a file (index into the file paths).
    File(u32),
    /// A callee outside the repository or that could not be resolved (index into the
    /// placeholder names).
    External(u32),
}

#[derive(Debug, Clone, Copy)]
pub struct GEdge {
    pub kind: LinkKind,
    pub confidence: Confidence,
    pub line: u32,
    /// Index of the file of the call site in the file paths (`u32::MAX`: none).
    pub file: u32,
}

/// The resolved graph. Its structure loads in one piece (`graph_store::decode_graph`);
/// the details of symbols (names, files, spans) are loaded for what an answer shows
/// ([`Graph::add_details`]).
pub struct Graph {
    pub g: StableGraph<GNode, GEdge, petgraph::Directed, u32>,
    ids: Vec<i64>,
    ranks: Vec<f32>,
    facts: Vec<SymbolFacts>,
    files: Vec<String>,
    externals: Vec<String>,
    by_id: HashMap<i64, NodeIndex<u32>>,
    ext_nodes: Vec<NodeIndex<u32>>,
    details: HashMap<i64, GraphNode>,
}

impl Graph {
    pub fn from_blob(b: GraphBlob) -> Graph {
        let n_sym = b.ids.len();
        let n_files = b.files.len();
        let mut g = StableGraph::with_capacity(n_sym + b.externals.len(), b.edges.len());
        let mut by_id = HashMap::with_capacity(n_sym);
        for (i, &id) in b.ids.iter().enumerate() {
            by_id.insert(id, g.add_node(GNode::Symbol(i as u32)));
        }
        let ext_nodes: Vec<NodeIndex<u32>> = (0..b.externals.len())
            .map(|i| g.add_node(GNode::External(i as u32)))
            .collect();
        let mut file_nodes: Vec<Option<NodeIndex<u32>>> = vec![None; n_files];
        let sym_nodes: Vec<NodeIndex<u32>> = (0..n_sym).map(NodeIndex::new).collect();
        let mut node = |g: &mut StableGraph<GNode, GEdge, petgraph::Directed, u32>, x: u32| {
            let x = x as usize;
            if x < n_sym {
                sym_nodes[x]
            } else if x < n_sym + n_files {
                *file_nodes[x - n_sym]
                    .get_or_insert_with(|| g.add_node(GNode::File((x - n_sym) as u32)))
            } else {
                ext_nodes[x - n_sym - n_files]
            }
        };
        for e in &b.edges {
            let (s, d) = (node(&mut g, e.src), node(&mut g, e.dst));
            g.add_edge(
                s,
                d,
                GEdge {
                    kind: e.kind,
                    confidence: e.confidence,
                    line: e.line,
                    file: e.file,
                },
            );
        }
        Graph {
            g,
            ids: b.ids,
            ranks: b.ranks,
            facts: b.facts,
            files: b.files,
            externals: b.externals,
            by_id,
            ext_nodes,
            details: HashMap::new(),
        }
    }

    /// Make the details of these symbols available to [`Graph::symbol`] and friends.
    pub fn add_details(&mut self, nodes: Vec<GraphNode>) {
        for n in nodes {
            self.details.insert(n.id, n);
        }
    }

    /// The targets and everything they contain (members, nested definitions).
    pub fn with_descendants(&self, targets: &[NodeIndex<u32>]) -> Vec<NodeIndex<u32>> {
        let mut out: Vec<NodeIndex<u32>> = targets.to_vec();
        let mut i = 0;
        while i < out.len() {
            let n = out[i];
            for e in self.g.edges_directed(n, Direction::Outgoing) {
                if e.weight().kind == LinkKind::Contains && !out.contains(&e.target()) {
                    out.push(e.target());
                }
            }
            i += 1;
        }
        out
    }

    /// Symbol ids of these nodes whose details are not loaded yet.
    pub fn missing_details(&self, nodes: &[NodeIndex<u32>]) -> Vec<i64> {
        let mut v: Vec<i64> = nodes
            .iter()
            .filter_map(|&n| self.symbol_id(n))
            .filter(|id| !self.details.contains_key(id))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    pub fn symbol_count(&self) -> usize {
        self.ids.len()
    }

    pub fn symbol_ids(&self) -> &[i64] {
        &self.ids
    }

    pub fn node_of_id(&self, id: i64) -> Option<NodeIndex<u32>> {
        self.by_id.get(&id).copied()
    }

    pub fn symbol_id(&self, n: NodeIndex<u32>) -> Option<i64> {
        match self.g.node_weight(n)? {
            GNode::Symbol(i) => Some(self.ids[*i as usize]),
            _ => None,
        }
    }

    /// The node of an external placeholder, by name.
    pub fn external(&self, name: &str) -> Option<NodeIndex<u32>> {
        self.externals
            .iter()
            .position(|e| e == name)
            .map(|i| self.ext_nodes[i])
    }

    pub fn externals(&self) -> impl Iterator<Item = (&str, NodeIndex<u32>)> {
        self.externals
            .iter()
            .zip(&self.ext_nodes)
            .map(|(k, v)| (k.as_str(), *v))
    }

    pub fn file_of_edge(&self, e: EdgeIndex<u32>) -> Option<&str> {
        let i = self.g.edge_weight(e)?.file;
        self.files.get(i as usize).map(String::as_str)
    }

    /// A symbol's details (loaded with [`Graph::add_details`]).
    pub fn symbol(&self, n: NodeIndex<u32>) -> Option<&GraphNode> {
        self.details.get(&self.symbol_id(n)?)
    }

    /// Qualified name of any node (a file's module code is its path).
    pub fn label(&self, n: NodeIndex<u32>) -> String {
        match self.g[n] {
            GNode::Symbol(i) => match self.details.get(&self.ids[i as usize]) {
                Some(s) => s.qualified_name.clone(),
                None => format!("#{}", self.ids[i as usize]),
            },
            GNode::File(f) => self.files[f as usize].clone(),
            GNode::External(x) => self.externals[x as usize].clone(),
        }
    }

    /// The facts of a symbol node (file, lines, complexity, test, callable).
    pub fn facts(&self, n: NodeIndex<u32>) -> Option<&SymbolFacts> {
        match self.g.node_weight(n)? {
            GNode::Symbol(i) => self.facts.get(*i as usize),
            _ => None,
        }
    }

    /// A file path of the graph, by index (as in [`SymbolFacts::file`]).
    pub fn file_path(&self, i: u32) -> &str {
        &self.files[i as usize]
    }

    /// PageRank of a symbol node (1.0 = average).
    pub fn rank_of(&self, n: NodeIndex<u32>) -> f64 {
        match self.g.node_weight(n) {
            Some(GNode::Symbol(i)) => self.ranks.get(*i as usize).map_or(0.0, |r| f64::from(*r)),
            _ => 0.0,
        }
    }

    pub fn edge_count(&self) -> usize {
        self.g.edge_count()
    }

    /// Centrality of a symbol: its PageRank scaled so that the average symbol has 1.0.
    pub fn centrality(&self, id: i64) -> f64 {
        self.node_of_id(id).map_or(0.0, |n| self.rank_of(n))
    }
}

/// PageRank over resolved calls, inheritance and implementation edges (damping 0.85, at
/// most 30 iterations, stopping when the total change is below 1e-7). Nodes are the
/// symbols, each file's module-level code and each external placeholder; rank flows
/// from caller to callee, so what many important things use ranks high. Returned per
/// symbol id, scaled so that the average symbol has 1.0.
pub fn pagerank(symbol_ids: &[i64], links: &[(i64, Vec<Link>)]) -> Vec<(i64, f32)> {
    let mut index: HashMap<i64, u32> = HashMap::with_capacity(symbol_ids.len());
    for (i, &id) in symbol_ids.iter().enumerate() {
        index.insert(id, i as u32);
    }
    let mut n = symbol_ids.len() as u32;
    let mut externals: HashMap<&str, u32> = HashMap::new();
    let mut edges: Vec<(u32, u32)> = Vec::new();
    for (_, ls) in links {
        let mut file_node = None;
        for l in ls {
            if l.kind == LinkKind::Contains {
                continue;
            }
            let s = match l.src.and_then(|s| index.get(&s).copied()) {
                Some(s) => s,
                None => *file_node.get_or_insert_with(|| {
                    n += 1;
                    n - 1
                }),
            };
            let d = match &l.dst {
                Dst::Node(id) => match index.get(id) {
                    Some(&d) => d,
                    None => continue,
                },
                Dst::File(_) => continue,
                Dst::External(name) => *externals.entry(name.as_str()).or_insert_with(|| {
                    n += 1;
                    n - 1
                }),
            };
            if s != d {
                edges.push((s, d));
            }
        }
    }
    let n = n as usize;
    if n == 0 {
        return Vec::new();
    }
    let mut out_deg = vec![0u32; n];
    for &(s, _) in &edges {
        out_deg[s as usize] += 1;
    }
    let d = 0.85f64;
    let count = n as f64;
    let mut rank = vec![1.0 / count; n];
    let mut next = vec![0.0f64; n];
    for _ in 0..30 {
        let dangling: f64 = (0..n).filter(|&i| out_deg[i] == 0).map(|i| rank[i]).sum();
        let base = (1.0 - d) / count + d * dangling / count;
        next.iter_mut().for_each(|x| *x = base);
        for &(s, t) in &edges {
            next[t as usize] += d * rank[s as usize] / f64::from(out_deg[s as usize]);
        }
        let delta: f64 = rank.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
        std::mem::swap(&mut rank, &mut next);
        if delta < 1e-7 {
            break;
        }
    }
    let symbols = symbol_ids.len().max(1) as f64;
    let total: f64 = rank[..symbol_ids.len()]
        .iter()
        .sum::<f64>()
        .max(f64::MIN_POSITIVE);
    let mut out: Vec<(i64, f32)> = symbol_ids
        .iter()
        .enumerate()
        .map(|(i, &id)| (id, (rank[i] / total * symbols) as f32))
        .collect();
    out.sort_unstable_by_key(|p| p.0);
    out
}

/// Which way `impact` walks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImpactDirection {
    /// Callers, subclasses, implementors: what may break if the target changes.
    Up,
    /// Callees and bases: what the target depends on.
    Down,
    Both,
}

#[derive(Debug, Clone)]
pub struct ImpactOptions {
    pub direction: ImpactDirection,
    pub max_depth: Option<u32>,
    pub min_confidence: Confidence,
}

/// One node reached by an impact walk.
#[derive(Debug, Clone)]
pub struct Reached {
    pub node: NodeIndex<u32>,
    pub depth: u32,
    /// The weakest confidence on the path that reached it.
    pub confidence: Confidence,
    /// The kind of the last edge on that path.
    pub via: LinkKind,
    /// `up` or `down`.
    pub direction: ImpactDirection,
    /// Nodes from a target to this one, inclusive.
    pub path: Vec<NodeIndex<u32>>,
}

/// The result of an impact walk.
pub struct ImpactWalk {
    pub reached: Vec<Reached>,
    /// Edges walked that were dynamic dispatch or name-only matches.
    pub dynamic_edges: usize,
    pub name_only_edges: usize,
}

impl Graph {
    /// Breadth-first from `targets` (members of a type count as targets too), shortest
    /// paths first; cycles are visited once.
    pub fn impact(&self, targets: &[NodeIndex<u32>], opts: &ImpactOptions) -> ImpactWalk {
        let mut seeds: Vec<NodeIndex<u32>> = Vec::new();
        for &t in targets {
            seeds.push(t);
            // A type changes with its members: their callers are affected too.
            let mut stack = vec![t];
            while let Some(n) = stack.pop() {
                for e in self.g.edges_directed(n, Direction::Outgoing) {
                    if e.weight().kind == LinkKind::Contains && !seeds.contains(&e.target()) {
                        let is_type = self
                            .symbol(n)
                            .is_some_and(|s| s.kind.is_type_like() || s.kind == SymbolKind::Module);
                        if is_type {
                            seeds.push(e.target());
                            stack.push(e.target());
                        }
                    }
                }
            }
        }
        let mut walk = ImpactWalk {
            reached: Vec::new(),
            dynamic_edges: 0,
            name_only_edges: 0,
        };
        let dirs: &[ImpactDirection] = match opts.direction {
            ImpactDirection::Both => &[ImpactDirection::Up, ImpactDirection::Down],
            d => match d {
                ImpactDirection::Up => &[ImpactDirection::Up],
                _ => &[ImpactDirection::Down],
            },
        };
        for &dir in dirs {
            let mut seen: HashSet<NodeIndex<u32>> = seeds.iter().copied().collect();
            let mut prev: HashMap<NodeIndex<u32>, NodeIndex<u32>> = HashMap::new();
            let mut queue: VecDeque<(NodeIndex<u32>, u32, Confidence)> =
                seeds.iter().map(|&s| (s, 0, Confidence::Exact)).collect();
            while let Some((n, depth, conf)) = queue.pop_front() {
                if opts.max_depth.is_some_and(|m| depth >= m) {
                    continue;
                }
                let gdir = match dir {
                    ImpactDirection::Up => Direction::Incoming,
                    _ => Direction::Outgoing,
                };
                for e in self.g.edges_directed(n, gdir) {
                    let w = e.weight();
                    // Imports relate files, not symbols: they are in the graph (for
                    // export), not in what a change to a symbol reaches.
                    if matches!(w.kind, LinkKind::Contains | LinkKind::Imports)
                        || w.confidence < opts.min_confidence
                    {
                        continue;
                    }
                    let other = match dir {
                        ImpactDirection::Up => e.source(),
                        _ => e.target(),
                    };
                    match w.confidence {
                        Confidence::Dynamic => walk.dynamic_edges += 1,
                        Confidence::Name => walk.name_only_edges += 1,
                        _ => {}
                    }
                    if !seen.insert(other) {
                        continue;
                    }
                    prev.insert(other, n);
                    let c = conf.min(w.confidence);
                    let mut path = vec![other];
                    let mut cur = other;
                    while let Some(&p) = prev.get(&cur) {
                        path.push(p);
                        cur = p;
                    }
                    path.reverse();
                    walk.reached.push(Reached {
                        node: other,
                        depth: depth + 1,
                        confidence: c,
                        via: w.kind,
                        direction: dir,
                        path,
                    });
                    // Externals are leaves: walking on through them would join unrelated
                    // callers of the same library function.
                    if !matches!(self.g[other], GNode::External(_)) {
                        queue.push_back((other, depth + 1, c));
                    }
                }
            }
        }
        walk
    }

    /// Is this node a test (by each language's conventions)? Needs the details of a
    /// symbol.
    pub fn is_test(&self, n: NodeIndex<u32>) -> bool {
        match self.g[n] {
            GNode::Symbol(_) => self.symbol(n).is_some_and(is_test_symbol),
            GNode::File(f) => is_test_file(&self.files[f as usize]),
            GNode::External(_) => false,
        }
    }
}

/// A test file by name: `test_*.py`, `*_test.py`, `*_test.go`, `*.test.ts`,
/// `*.spec.js`, files under `__tests__/`, `tests/` (Python and Rust integration tests).
pub fn is_test_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let in_dir = |d: &str| path.starts_with(&format!("{d}/")) || path.contains(&format!("/{d}/"));
    if name.ends_with("_test.go") {
        return true;
    }
    if let Some(stem) = name.strip_suffix(".py") {
        return stem.starts_with("test_")
            || stem.ends_with("_test")
            || in_dir("tests")
            || in_dir("test");
    }
    if name.ends_with(".rs") {
        return in_dir("tests");
    }
    let ecma = [".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts"];
    if ecma.iter().any(|e| name.ends_with(e)) {
        return [".test.", ".spec."].iter().any(|m| name.contains(m)) || in_dir("__tests__");
    }
    false
}

/// A test function by each language's conventions.
pub fn is_test_symbol(s: &GraphNode) -> bool {
    is_test_parts(
        s.kind,
        s.language,
        &s.file,
        &s.name,
        &s.qualified_name,
        &s.decorators,
    )
}

/// [`is_test_symbol`] from the parts it looks at.
pub fn is_test_parts(
    kind: SymbolKind,
    language: Language,
    file: &str,
    name: &str,
    qualified_name: &str,
    decorators: &[String],
) -> bool {
    if !kind.is_callable() {
        return false;
    }
    match language {
        Language::Python => {
            is_test_file(file) && (name.starts_with("test") || qualified_name.contains("::Test"))
        }
        Language::Go => {
            file.ends_with("_test.go")
                && ["Test", "Benchmark", "Example", "Fuzz"]
                    .iter()
                    .any(|p| name.starts_with(p))
        }
        Language::Rust => {
            decorators.iter().any(|d| {
                // Attributes are stored without `#[...]` (`test`, `tokio::test`).
                let d: String = d.chars().filter(|c| !c.is_whitespace()).collect();
                let d = d.trim_start_matches("#[").trim_end_matches(']');
                d == "test"
                    || d.ends_with("::test")
                    || d.starts_with("test_case")
                    || d.starts_with("rstest")
                    || d.starts_with("proptest")
            }) || (is_test_file(file) && kind == SymbolKind::Function)
        }
        _ => is_test_file(file),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(lang: Language, file: &str, name: &str, decorators: &[&str]) -> GraphNode {
        GraphNode {
            id: 1,
            kind: SymbolKind::Function,
            name: name.into(),
            qualified_name: name.into(),
            file: file.into(),
            language: lang,
            line: 1,
            end_line: 2,
            decorators: decorators.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn tests_are_found_by_each_languages_conventions() {
        for f in [
            "tests/test_x.py",
            "pkg/x_test.py",
            "a/b_test.go",
            "src/a.test.ts",
            "src/a.spec.jsx",
            "src/__tests__/a.ts",
            "tests/it.rs",
        ] {
            assert!(is_test_file(f), "{f}");
        }
        for f in [
            "pkg/x.py",
            "a/b.go",
            "src/a.ts",
            "src/lib.rs",
            "src/testing.ts",
        ] {
            assert!(!is_test_file(f), "{f}");
        }
        assert!(is_test_symbol(&node(
            Language::Python,
            "tests/test_x.py",
            "test_a",
            &[]
        )));
        assert!(!is_test_symbol(&node(
            Language::Python,
            "tests/test_x.py",
            "helper",
            &[]
        )));
        assert!(!is_test_symbol(&node(
            Language::Python,
            "pkg/x.py",
            "test_a",
            &[]
        )));
        assert!(is_test_symbol(&node(
            Language::Go,
            "a/b_test.go",
            "TestAdd",
            &[]
        )));
        assert!(!is_test_symbol(&node(
            Language::Go,
            "a/b.go",
            "TestAdd",
            &[]
        )));
        assert!(is_test_symbol(&node(
            Language::Rust,
            "src/lib.rs",
            "adds",
            &["test"]
        )));
        assert!(is_test_symbol(&node(
            Language::Rust,
            "src/lib.rs",
            "adds",
            &["tokio::test"]
        )));
        assert!(!is_test_symbol(&node(
            Language::Rust,
            "src/lib.rs",
            "adds",
            &["inline"]
        )));
        assert!(is_test_symbol(&node(
            Language::TypeScript,
            "src/a.test.ts",
            "helper",
            &[]
        )));
    }
}

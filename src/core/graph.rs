//! The program dependence graph: symbols, module-level code of files and external
//! placeholders as nodes; resolved calls, inheritance and containment as edges
//! (petgraph `StableGraph`, `u32` indices). Built from the store, used by `impact` and
//! `graph`, and ranked with PageRank at the end of every index run.

use std::collections::{HashMap, HashSet, VecDeque};

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableGraph};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use crate::core::graph_store::{GraphInput, GraphNode};
use crate::core::lang::{Language, SymbolKind};
use crate::core::resolve::{Confidence, Dst, Link, LinkKind};

/// A node of the graph.
#[derive(Debug, Clone)]
pub enum GNode {
    /// A symbol (index into [`Graph::symbols`]).
    Symbol(usize),
    /// The module-level code of a file (calls outside any function).
    File(String),
    /// A callee outside the repository or that could not be resolved, by name.
    External(String),
}

#[derive(Debug, Clone, Copy)]
pub struct GEdge {
    pub kind: LinkKind,
    pub confidence: Confidence,
    pub line: u32,
    /// Index of the file of the call site in `Graph::file_names` (u32::MAX: none).
    pub file: u32,
}

pub struct Graph {
    pub g: StableGraph<GNode, GEdge, petgraph::Directed, u32>,
    pub symbols: Vec<GraphNode>,
    pub ranks: HashMap<i64, f32>,
    by_id: HashMap<i64, NodeIndex<u32>>,
    files: HashMap<String, NodeIndex<u32>>,
    externals: HashMap<String, NodeIndex<u32>>,
    file_names: Vec<String>,
}

impl Graph {
    pub fn build(input: GraphInput) -> Graph {
        let mut g = StableGraph::with_capacity(input.nodes.len(), input.nodes.len() * 4);
        let mut by_id = HashMap::with_capacity(input.nodes.len());
        for (i, n) in input.nodes.iter().enumerate() {
            by_id.insert(n.id, g.add_node(GNode::Symbol(i)));
        }
        for n in &input.nodes {
            if let Some(p) = n.parent_id.and_then(|p| by_id.get(&p)) {
                g.add_edge(
                    *p,
                    by_id[&n.id],
                    GEdge {
                        kind: LinkKind::Contains,
                        confidence: Confidence::Exact,
                        line: n.line,
                        file: u32::MAX,
                    },
                );
            }
        }
        let mut graph = Graph {
            g,
            symbols: input.nodes,
            ranks: input.ranks,
            by_id,
            files: HashMap::new(),
            externals: HashMap::new(),
            file_names: Vec::new(),
        };
        let edges: usize = input.links.iter().map(|(_, l)| l.len()).sum();
        graph.g.reserve_edges(edges);
        for (file, links) in input.links {
            let fi = graph.file_names.len() as u32;
            graph.file_names.push(file.clone());
            for l in links {
                let src = match l.src {
                    Some(id) => match graph.by_id.get(&id) {
                        Some(&n) => n,
                        None => continue,
                    },
                    None => graph.file_node(&file),
                };
                let dst = match &l.dst {
                    Dst::Node(id) => match graph.by_id.get(id) {
                        Some(&n) => n,
                        None => continue,
                    },
                    Dst::External(name) => graph.external_node(name),
                };
                graph.g.add_edge(
                    src,
                    dst,
                    GEdge {
                        kind: l.kind,
                        confidence: l.confidence,
                        line: l.line,
                        file: fi,
                    },
                );
            }
        }
        graph
    }

    fn file_node(&mut self, file: &str) -> NodeIndex<u32> {
        if let Some(&n) = self.files.get(file) {
            return n;
        }
        let n = self.g.add_node(GNode::File(file.to_string()));
        self.files.insert(file.to_string(), n);
        n
    }

    fn external_node(&mut self, name: &str) -> NodeIndex<u32> {
        if let Some(&n) = self.externals.get(name) {
            return n;
        }
        let n = self.g.add_node(GNode::External(name.to_string()));
        self.externals.insert(name.to_string(), n);
        n
    }

    pub fn node_of_id(&self, id: i64) -> Option<NodeIndex<u32>> {
        self.by_id.get(&id).copied()
    }

    pub fn external(&self, name: &str) -> Option<NodeIndex<u32>> {
        self.externals.get(name).copied()
    }

    pub fn externals(&self) -> impl Iterator<Item = (&str, NodeIndex<u32>)> {
        self.externals.iter().map(|(k, v)| (k.as_str(), *v))
    }

    pub fn file_of_edge(&self, e: EdgeIndex<u32>) -> Option<&str> {
        let i = self.g.edge_weight(e)?.file;
        self.file_names.get(i as usize).map(String::as_str)
    }

    pub fn symbol(&self, n: NodeIndex<u32>) -> Option<&GraphNode> {
        match &self.g[n] {
            GNode::Symbol(i) => Some(&self.symbols[*i]),
            _ => None,
        }
    }

    /// Qualified name of any node (a file's module code is its path).
    pub fn label(&self, n: NodeIndex<u32>) -> &str {
        match &self.g[n] {
            GNode::Symbol(i) => &self.symbols[*i].qualified_name,
            GNode::File(f) => f,
            GNode::External(s) => s,
        }
    }

    pub fn edge_count(&self) -> usize {
        self.g.edge_count()
    }

    /// Centrality of a symbol: its PageRank scaled so that the average symbol has 1.0.
    pub fn centrality(&self, id: i64) -> f64 {
        self.ranks.get(&id).map_or(0.0, |&r| f64::from(r))
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
                    if w.kind == LinkKind::Contains || w.confidence < opts.min_confidence {
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

    /// Is this node a test (by each language's conventions)?
    pub fn is_test(&self, n: NodeIndex<u32>) -> bool {
        match &self.g[n] {
            GNode::Symbol(i) => is_test_symbol(&self.symbols[*i]),
            GNode::File(f) => is_test_file(f),
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
    if !s.kind.is_callable() {
        return false;
    }
    match s.language {
        Language::Python => {
            is_test_file(&s.file)
                && (s.name.starts_with("test") || s.qualified_name.contains("::Test"))
        }
        Language::Go => {
            s.file.ends_with("_test.go")
                && ["Test", "Benchmark", "Example", "Fuzz"]
                    .iter()
                    .any(|p| s.name.starts_with(p))
        }
        Language::Rust => {
            s.decorators.iter().any(|d| {
                let d = d.replace(' ', "");
                d == "#[test]"
                    || d.ends_with("::test]")
                    || d.starts_with("#[test_case")
                    || d.starts_with("#[rstest")
            }) || (is_test_file(&s.file) && s.kind == SymbolKind::Function)
        }
        _ => is_test_file(&s.file),
    }
}

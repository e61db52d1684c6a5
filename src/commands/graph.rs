//! `leindex graph`: the whole resolved graph, for other tools.
use clap::Args;
use serde::Serialize;

use leindex::core::graph::GNode;
use leindex::core::resolve::LinkKind;
use petgraph::visit::{EdgeRef, IntoEdgeReferences};

use super::{emit, emit_json, table, QueryArgs};

#[derive(Debug, Args)]
#[command(after_help = "\
With --json, prints every symbol and every resolved edge (calls, inherits, implements, \
contains) with file and line; the layout is in docs/json.md. Without it, prints counts.")]
pub struct GraphArgs {
    #[command(flatten)]
    pub query: QueryArgs,
}

#[derive(Serialize)]
struct NodeOut<'a> {
    id: i64,
    qualified_name: &'a str,
    name: &'a str,
    kind: &'a str,
    file: &'a str,
    line: u32,
    end_line: u32,
    centrality: f64,
}

#[derive(Serialize)]
struct EdgeOut<'a> {
    src: Option<i64>,
    dst: Option<i64>,
    kind: &'static str,
    confidence: &'static str,
    file: Option<&'a str>,
    line: u32,
    source: &'a str,
    target: &'a str,
}

#[derive(Serialize)]
struct GraphOut<'a> {
    nodes: Vec<NodeOut<'a>>,
    edges: Vec<EdgeOut<'a>>,
}

pub fn run(a: GraphArgs) -> anyhow::Result<()> {
    let (_, _store, graph) = a.query.open_graph()?;
    let id_of = |n| match &graph.g[n] {
        GNode::Symbol(i) => Some(graph.symbols[*i].id),
        _ => None,
    };
    if a.query.json {
        let nodes = graph
            .symbols
            .iter()
            .map(|s| NodeOut {
                id: s.id,
                qualified_name: &s.qualified_name,
                name: &s.name,
                kind: s.kind.as_str(),
                file: &s.file,
                line: s.line,
                end_line: s.end_line,
                centrality: (graph.centrality(s.id) * 1000.0).round() / 1000.0,
            })
            .collect();
        let mut edges: Vec<EdgeOut> = (&graph.g)
            .edge_references()
            .map(|e| {
                let w = e.weight();
                let file = match w.kind {
                    LinkKind::Contains => graph.symbol(e.source()).map(|s| s.file.as_str()),
                    _ => graph.file_of_edge(e.id()),
                };
                EdgeOut {
                    src: id_of(e.source()),
                    dst: id_of(e.target()),
                    kind: w.kind.as_str(),
                    confidence: w.confidence.as_str(),
                    file,
                    line: w.line,
                    source: graph.label(e.source()),
                    target: graph.label(e.target()),
                }
            })
            .collect();
        edges.sort_by(|a, b| {
            (a.file, a.line, a.kind, a.target).cmp(&(b.file, b.line, b.kind, b.target))
        });
        return emit_json(&GraphOut { nodes, edges });
    }
    let mut counts = std::collections::BTreeMap::<(&str, &str), u64>::new();
    for e in (&graph.g).edge_references() {
        let w = e.weight();
        *counts
            .entry((w.kind.as_str(), w.confidence.as_str()))
            .or_default() += 1;
    }
    let mut t = table();
    t.set_header(vec!["edge kind", "confidence", "edges"]);
    for ((k, c), n) in counts {
        t.add_row(vec![k.to_string(), c.to_string(), n.to_string()]);
    }
    emit(&format!(
        "{} symbols, {} edges\n{t}\n",
        graph.symbols.len(),
        graph.edge_count()
    ))
}

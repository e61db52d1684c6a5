//! `leindex graph`: the whole resolved graph, for other tools.
use clap::Args;
use serde::Serialize;

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
struct NodeOut {
    id: i64,
    qualified_name: String,
    name: String,
    kind: &'static str,
    file: String,
    line: u32,
    end_line: u32,
    centrality: f64,
}

#[derive(Serialize)]
struct EdgeOut {
    src: Option<i64>,
    dst: Option<i64>,
    kind: &'static str,
    confidence: &'static str,
    file: Option<String>,
    line: u32,
    source: String,
    target: String,
}

#[derive(Serialize)]
struct GraphOut {
    nodes: Vec<NodeOut>,
    edges: Vec<EdgeOut>,
}

pub fn run(a: GraphArgs) -> anyhow::Result<()> {
    let (_, store, mut graph) = a.query.open_graph()?;
    if a.query.json {
        graph.add_details(store.all_symbol_details()?);
        let graph = &graph;
        let nodes = graph
            .symbol_ids()
            .iter()
            .filter_map(|&id| graph.node_of_id(id).and_then(|n| graph.symbol(n)))
            .map(|s| NodeOut {
                id: s.id,
                qualified_name: s.qualified_name.clone(),
                name: s.name.clone(),
                kind: s.kind.as_str(),
                file: s.file.clone(),
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
                    LinkKind::Contains => graph.symbol(e.source()).map(|s| s.file.clone()),
                    _ => graph.file_of_edge(e.id()).map(str::to_string),
                };
                EdgeOut {
                    src: graph.symbol_id(e.source()),
                    dst: graph.symbol_id(e.target()),
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
            (&a.file, a.line, a.kind, &a.target).cmp(&(&b.file, b.line, b.kind, &b.target))
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
        graph.symbol_count(),
        graph.edge_count()
    ))
}

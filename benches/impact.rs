//! Impact benchmark: how fast the resolved graph loads and `impact` answers on an
//! indexed corpus.
//!
//!     cargo bench --bench impact -- /tmp/corpora/medium     # indexes it first if needed
//!
//! Phases: (1) resolution of the whole corpus (an incremental run that left the graph
//! stale is what triggers it; here it is forced once); (2) loading the graph from the
//! store, LEINDEX_BENCH_REPS times (default 5); (3) `impact` (walk + report, unlimited
//! depth, direction up, min confidence name) on the 20 most central symbols and on 20
//! symbols picked evenly from the rest, each timed. Reports edges, medians and maxima.

use std::path::PathBuf;
use std::time::Instant;

use leindex::core::graph::{ImpactDirection, ImpactOptions};
use leindex::core::impact;
use leindex::core::index::{self, IndexOptions, NoProgress};
use leindex::core::resolve::Confidence;
use leindex::core::store::Store;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let corpus: PathBuf = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .expect("usage: cargo bench --bench impact -- CORPUS_DIR");
    let reps: usize = std::env::var("LEINDEX_BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    if Store::open(&corpus).is_err() {
        let t = Instant::now();
        index::run(&corpus, &IndexOptions::default(), &NoProgress).expect("index the corpus");
        println!(
            "indexed {} in {:.1}s",
            corpus.display(),
            t.elapsed().as_secs_f64()
        );
    }
    let mut store = Store::open(&corpus).expect("open the index");
    store.mark_graph_stale().expect("mark stale");
    let t = Instant::now();
    let r = index::ensure_linked(&corpus, &mut store)
        .expect("resolve")
        .expect("it was stale");
    println!(
        "resolve (whole corpus): {:.2}s wall ({:?})",
        t.elapsed().as_secs_f64(),
        r.calls
    );

    let mut loads = Vec::new();
    let mut graph = None;
    for _ in 0..reps.max(1) {
        let t = Instant::now();
        let g = store.graph().expect("load the graph");
        loads.push(t.elapsed().as_secs_f64() * 1000.0);
        graph = Some(g);
    }
    let graph = graph.expect("loaded");
    let edges = graph.edge_count();
    println!(
        "graph: {} symbols, {} edges; load median {:.0} ms, max {:.0} ms ({} reps)",
        graph.symbol_count(),
        edges,
        median(&mut loads.clone()),
        loads.iter().cloned().fold(0.0, f64::max),
        loads.len()
    );

    let mut by_rank: Vec<(f64, i64)> = graph
        .symbol_ids()
        .iter()
        .map(|&id| (graph.centrality(id), id))
        .collect();
    by_rank.sort_by(|a, b| b.partial_cmp(a).unwrap());
    let mut picks: Vec<i64> = by_rank.iter().take(20).map(|p| p.1).collect();
    let step = (by_rank.len() / 20).max(1);
    picks.extend(by_rank.iter().step_by(step).take(20).map(|p| p.1));
    let opts = ImpactOptions {
        direction: ImpactDirection::Up,
        max_depth: None,
        min_confidence: Confidence::Name,
    };
    // Each query as the command runs it: a fresh graph load, the walk, the details of
    // what it shows, the report.
    let mut times = Vec::new();
    let mut walks = Vec::new();
    let mut largest = 0;
    for id in picks {
        let t = Instant::now();
        let mut g = store.graph().expect("load the graph");
        let n = g.node_of_id(id).expect("picked from the graph");
        let w = Instant::now();
        let report = impact::impact(&store, &mut g, &[n], &opts).expect("impact");
        walks.push(w.elapsed().as_secs_f64() * 1000.0);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        largest = largest.max(report.summary.affected);
    }
    drop(graph);
    println!(
        "impact walk + details + report: median {:.1} ms, max {:.1} ms",
        median(&mut walks.clone()),
        walks.iter().cloned().fold(0.0, f64::max)
    );
    println!(
        "impact end to end (load + walk + report, {} targets): median {:.1} ms, max {:.1} ms; largest answer {} symbols",
        times.len(),
        median(&mut times.clone()),
        times.iter().cloned().fold(0.0, f64::max),
        largest
    );
}

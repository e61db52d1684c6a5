//! What an HNSW index (instant-distance, the crate this project was told to try first)
//! would cost on leindex's vectors: build time, query time and recall@10 against an
//! exact scan, for the first N vectors of an indexed corpus.
//!
//!     cargo bench --bench hnsw -- /tmp/corpora/medium 20000 50000 100000
//!
//! The partitioned index leindex uses instead (src/core/ivf.rs) is measured by
//! benches/ann.rs on the same machine.

use std::path::PathBuf;
use std::time::Instant;

use instant_distance::{Builder, Point, Search};
use leindex::core::vectors::VectorIndex;

#[path = "common/queries.rs"]
mod queries;

#[derive(Clone)]
struct V(Vec<f32>);

impl Point for V {
    fn distance(&self, other: &Self) -> f32 {
        1.0 - self.0.iter().zip(&other.0).map(|(a, b)| a * b).sum::<f32>()
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let root = PathBuf::from(
        args.first()
            .expect("usage: cargo bench --bench hnsw -- DIR N.."),
    );
    let sizes: Vec<usize> = args[1..].iter().filter_map(|a| a.parse().ok()).collect();
    let v = VectorIndex::open_file(&root.join(".leindex/index.db"))
        .expect("vectors file")
        .expect("an indexed corpus");
    let queries: Vec<V> = queries::embedded(12, 100).into_iter().map(V).collect();
    println!(
        "{}: {} vectors; threads {}",
        root.display(),
        v.len(),
        rayon::current_num_threads()
    );
    for n in sizes {
        let n = n.min(v.len());
        let rows: Vec<(i64, V)> = (0..n)
            .map(|i| v.vector(i))
            .map(|(id, x)| (id, V(x)))
            .collect();
        let points: Vec<V> = rows.iter().map(|r| r.1.clone()).collect();
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let t = Instant::now();
        let map = Builder::default().build(points.clone(), ids.clone());
        let build = t.elapsed().as_secs_f64();
        let (mut hits, mut ms) = (0usize, Vec::new());
        for q in &queries {
            let mut exact: Vec<(f32, i64)> = points
                .iter()
                .zip(&ids)
                .map(|(p, &id)| (q.distance(p), id))
                .collect();
            exact.sort_by(|a, b| a.0.total_cmp(&b.0));
            let t = Instant::now();
            let mut search = Search::default();
            let got: Vec<i64> = map
                .search(q, &mut search)
                .take(10)
                .map(|m| *m.value)
                .collect();
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
            hits += exact[..10].iter().filter(|e| got.contains(&e.1)).count();
        }
        ms.sort_by(f64::total_cmp);
        println!(
            "n {n:>7}: build {build:6.1} s ({:.0} vectors/s), query median {:.2} ms, recall@10 {:.3}",
            n as f64 / build,
            ms[ms.len() / 2],
            hits as f64 / (10 * queries.len()) as f64
        );
    }
}

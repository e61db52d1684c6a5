//! Approximate vs exact nearest neighbours over an indexed corpus's vectors file.
//!
//!     cargo bench --bench ann -- /tmp/corpora/large
//!
//! Embeds 200 natural-language queries (the first sentences of doc comments in
//! benches/search/eval-set.json, test split) with the default model and, for each,
//! compares `VectorIndex::nearest` (the partitioned search `leindex search` uses from
//! ivf::ANN_MIN symbols on) with `nearest_exact` (a scan of every vector): recall@10 and
//! recall@200 of the approximate answer against the exact one, and the time of both
//! in-process (the file mapped once; page cache warm after the first query).

use std::path::PathBuf;
use std::time::Instant;

use leindex::core::vectors::{Query, VectorIndex};

#[path = "common/queries.rs"]
mod queries;

fn main() {
    let root: PathBuf = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .expect("usage: cargo bench --bench ann -- INDEXED_DIR");
    let db = root.join(".leindex/index.db");
    let v = VectorIndex::open_file(&db)
        .expect("read the vectors file")
        .expect("an indexed corpus with vectors (run `leindex index DIR`)");
    println!(
        "{}: {} vectors, partitioned: {}",
        root.display(),
        v.len(),
        v.is_partitioned()
    );
    let queries: Vec<Query> = queries::embedded(6, 200)
        .iter()
        .map(|q| Query::new(q))
        .collect();
    let (mut t_ann, mut t_exact) = (Vec::new(), Vec::new());
    let (mut hit10, mut hit200) = (0usize, 0usize);
    for q in &queries {
        let t = Instant::now();
        let exact = v.nearest_exact(q, 200);
        t_exact.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let ann = v.nearest(q, 200);
        t_ann.push(t.elapsed().as_secs_f64() * 1000.0);
        let got: std::collections::HashSet<i64> = ann.iter().map(|a| a.0).collect();
        let got10: std::collections::HashSet<i64> = ann.iter().take(10).map(|a| a.0).collect();
        hit10 += exact
            .iter()
            .take(10)
            .filter(|e| got10.contains(&e.0))
            .count();
        hit200 += exact.iter().filter(|e| got.contains(&e.0)).count();
    }
    let q = |v: &mut Vec<f64>, p: f64| {
        v.sort_by(f64::total_cmp);
        v[((v.len() - 1) as f64 * p).round() as usize]
    };
    let n = queries.len();
    println!(
        "{n} queries: recall@10 {:.3}, recall@200 {:.3} (approximate vs exact top lists)",
        hit10 as f64 / (10 * n) as f64,
        hit200 as f64 / (200 * n) as f64
    );
    println!(
        "nearest (as search runs it): median {:.1} ms, p95 {:.1} ms; exact scan: median {:.1} ms, p95 {:.1} ms",
        q(&mut t_ann, 0.5),
        q(&mut t_ann, 0.95),
        q(&mut t_exact, 0.5),
        q(&mut t_exact, 0.95)
    );
}

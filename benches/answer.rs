//! Answer-time benchmark of `context` and `hotspots`: wall time of the real binary,
//! start to exit, on an indexed corpus (the target: under 300 ms on an index
//! of 100k symbols).
//!
//!     cargo bench --bench answer -- /tmp/corpora/medium
//!
//! The corpus must be indexed (`leindex index DIR`); the graph is resolved once before
//! timing. Runs, each LEINDEX_BENCH_REPS times (default 5): `hotspots` (by symbol and
//! by file, without git); `context` of 20 symbols (the 10 most central functions and
//! 10 picked evenly by id) at budgets 4000 and 16000; `context` of 5 natural-language
//! queries at 4000; `search` of 20 queries (phrases and identifiers), hybrid, semantic
//! and lexical (the search target: p95 under 50 ms on 100k+ symbols). Prints the
//! median, 90th and 95th percentiles and maximum per kind of run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn run(bin: &str, root: &Path, args: &[&str]) -> f64 {
    let t = Instant::now();
    let out = Command::new(bin)
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("run leindex");
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    assert!(
        out.status.success(),
        "leindex {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    ms
}

fn report(what: &str, mut v: Vec<f64>) {
    v.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    println!(
        "{what:<34} runs {:>4}  median {:>5.0} ms  p90 {:>5.0} ms  p95 {:>5.0} ms  max {:>5.0} ms",
        v.len(),
        q(0.5),
        q(0.9),
        q(0.95),
        v[v.len() - 1]
    );
}

fn main() {
    let root: PathBuf = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .expect("usage: cargo bench --bench answer -- INDEXED_DIR");
    let reps: usize = std::env::var("LEINDEX_BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let bin = env!("CARGO_BIN_EXE_leindex");
    // Resolve once (an index run leaves the graph stale), and count symbols.
    let out = Command::new(bin)
        .args(["status", "--json", "--root"])
        .arg(&root)
        .output()
        .expect("status");
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).expect("status JSON");
    println!("corpus {}: {} symbols", root.display(), status["symbols"]);
    run(bin, &root, &["hotspots", "--no-git", "--limit", "1"]);
    // Embed what `leindex index --no-embed` left (nothing after a plain index run).
    let t = Instant::now();
    run(bin, &root, &["search", "warm", "up"]);
    println!(
        "first search (embeds what the index run left): {:.2} s",
        t.elapsed().as_secs_f64()
    );
    // Targets: the most central functions and some picked evenly.
    let out = Command::new(bin)
        .args([
            "hotspots", "--no-git", "--json", "--limit", "100000", "--root",
        ])
        .arg(&root)
        .output()
        .expect("hotspots");
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).expect("hotspots JSON");
    let mut items: Vec<(f64, String)> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["centrality"].as_f64().unwrap_or(0.0),
                format!("{}:{}", i["file"].as_str().unwrap(), i["line"]),
            )
        })
        .collect();
    let step = (items.len() / 10).max(1);
    let even: Vec<String> = items
        .iter()
        .step_by(step)
        .take(10)
        .map(|i| i.1.clone())
        .collect();
    items.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut targets: Vec<String> = items.iter().take(10).map(|i| i.1.clone()).collect();
    targets.extend(even);

    let mut hs = Vec::new();
    let mut hf = Vec::new();
    let mut c4 = Vec::new();
    let mut c16 = Vec::new();
    let mut cq = Vec::new();
    let mut sh = Vec::new();
    let mut sl = Vec::new();
    let mut ss = Vec::new();
    let queries = [
        "parse the configuration file",
        "retry a failed request with backoff",
        "convert a string to lower case",
        "read all bytes from a stream",
        "compare two versions",
    ];
    // More search queries: identifiers and phrases of every kind.
    let search_queries = [
        "parse the configuration file",
        "retry a failed request with backoff",
        "convert a string to lower case",
        "read all bytes from a stream",
        "compare two versions",
        "parseConfig",
        "http_request",
        "serialize to json",
        "walk the directory tree",
        "ServeHTTP",
        "open a database connection",
        "escape html",
        "split a path into components",
        "cache with expiry",
        "new_from_str",
        "how are tokens counted",
        "matrix multiply",
        "graph shortest path",
        "format a date",
        "validate an email address",
    ];
    for _ in 0..reps.max(1) {
        hs.push(run(bin, &root, &["hotspots", "--no-git"]));
        hf.push(run(bin, &root, &["hotspots", "--no-git", "--by", "file"]));
        for t in &targets {
            c4.push(run(
                bin,
                &root,
                &["context", t, "--budget", "4000", "--json"],
            ));
            c16.push(run(
                bin,
                &root,
                &["context", t, "--budget", "16000", "--json"],
            ));
        }
        for q in queries {
            cq.push(run(
                bin,
                &root,
                &["context", q, "--budget", "4000", "--json"],
            ));
        }
        for q in search_queries {
            sh.push(run(bin, &root, &["search", q, "--json"]));
            ss.push(run(
                bin,
                &root,
                &["search", q, "--mode", "semantic", "--json"],
            ));
            sl.push(run(
                bin,
                &root,
                &["search", q, "--mode", "lexical", "--json"],
            ));
        }
    }
    report("hotspots (by symbol, no git)", hs);
    report("hotspots --by file (no git)", hf);
    report("context SYMBOL --budget 4000", c4);
    report("context SYMBOL --budget 16000", c16);
    report("context QUERY --budget 4000", cq);
    report("search QUERY (hybrid)", sh);
    report("search QUERY --mode semantic", ss);
    report("search QUERY --mode lexical", sl);
}

//! Corpus benchmark: whole `leindex index` runs on a real-code corpus, against bare
//! tree-sitter parsing of the same files in the same process.
//!
//!     bash ../shared/bench/make-corpora.sh /tmp/corpora       # once
//!     cargo bench --bench corpus -- /tmp/corpora/medium
//!
//! It copies nothing: the index is written to CORPUS/.leindex and removed at the end.
//! Order of the phases (each on a warm page cache, after one untimed read of every file):
//!   1. parse-only: walk + read + tree-sitter parse, in parallel (rayon), no extraction;
//!   2. cold index (full build, `--rebuild` semantics);
//!   3. no-change re-index;
//!   4. one-file edit re-index (a comment appended to one file), then the file restored.
//!
//! Reports files/s, MB/s, peak RSS (VmHWM; phase 2 runs before anything that could
//! raise it further, except phase 1, whose own peak is printed before), index size.

use std::path::{Path, PathBuf};
use std::time::Instant;

use leindex::core::index::{self, IndexOptions, NoProgress};
use leindex::core::lang;
use leindex::core::walk;
use rayon::prelude::*;

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Reset the peak-RSS counter (Linux: writing 5 to clear_refs resets VmHWM).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn dir_size(p: &Path) -> u64 {
    std::fs::read_dir(p)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
                .sum()
        })
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let Some(corpus) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo bench --bench corpus -- CORPUS_DIR   (see benches/corpus.rs)");
        eprintln!("no corpus given: nothing measured");
        return;
    };
    let corpus = corpus.canonicalize().expect("corpus directory exists");
    let index_dir = corpus.join(walk::INDEX_DIR);
    let _ = std::fs::remove_dir_all(&index_dir);
    let threads = rayon::current_num_threads();
    println!("corpus: {}  (rayon threads: {threads})", corpus.display());

    // Warm the page cache once, untimed.
    let walked = walk::walk(&corpus, index::DEFAULT_MAX_FILE_SIZE);
    let bytes: u64 = walked
        .files
        .par_iter()
        .map(|c| std::fs::read(&c.abs_path).map(|b| b.len() as u64).unwrap_or(0))
        .sum();
    let n = walked.files.len();
    let mb = bytes as f64 / 1e6;
    println!("files: {n} ({mb:.1} MB) within the 1 MiB cap; {} skipped by the walk", walked.skipped.len());

    // 1. parse-only.
    reset_peak_rss();
    let t = Instant::now();
    let walked = walk::walk(&corpus, index::DEFAULT_MAX_FILE_SIZE);
    let errors: usize = walked
        .files
        .par_iter()
        .map(|c| {
            let src = std::fs::read(&c.abs_path).unwrap_or_default();
            let tree = lang::parse(c.language, &src);
            usize::from(tree.is_none_or(|t| t.root_node().has_error()))
        })
        .sum();
    let parse_s = t.elapsed().as_secs_f64();
    println!(
        "parse-only   {parse_s:7.2} s  {:8.0} files/s  {:6.1} MB/s  peak RSS {:5} MiB  ({errors} files with syntax errors)",
        n as f64 / parse_s,
        mb / parse_s,
        peak_rss_kib() / 1024
    );

    // 1b. parse + extract, nothing stored: what the store adds is the rest.
    let t = Instant::now();
    let symbols: usize = walked
        .files
        .par_iter()
        .map(|c| {
            let src = std::fs::read(&c.abs_path).unwrap_or_default();
            let ctx = lang::FileContext {
                rel_path: c.rel_path.clone(),
                prefix: walk::name_prefix(&walked.manifests, c.language, &c.rel_path),
            };
            lang::parse_and_extract(c.language, &ctx, &src).symbols.len()
        })
        .sum();
    let extract_s = t.elapsed().as_secs_f64();
    println!(
        "parse+extract{extract_s:7.2} s  {:8.0} files/s  {:6.1} MB/s  ({symbols} symbols)",
        n as f64 / extract_s,
        mb / extract_s,
    );

    // 2. cold index.
    reset_peak_rss();
    let opts = IndexOptions {
        rebuild: true,
        ..Default::default()
    };
    let t = Instant::now();
    let s = index::run(&corpus, &opts, &NoProgress).expect("cold index");
    let cold_s = t.elapsed().as_secs_f64();
    let rss = peak_rss_kib() / 1024;
    let size = dir_size(&index_dir);
    println!(
        "cold index   {cold_s:7.2} s  {:8.0} files/s  {:6.1} MB/s  peak RSS {rss:5} MiB  index {:.1} MB  ({} symbols, {} call sites)",
        n as f64 / cold_s,
        mb / cold_s,
        size as f64 / 1e6,
        s.symbols,
        s.call_sites
    );
    println!("cold index / parse-only = {:.2}x", cold_s / parse_s);

    // 3. no-change re-index.
    let opts = IndexOptions::default();
    // Files written within the racy window of the previous run's start are re-hashed;
    // a real user edits later than that, so wait it out.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let t = Instant::now();
    let s = index::run(&corpus, &opts, &NoProgress).expect("re-index");
    println!(
        "no-change    {:7.3} s  (unchanged {}, changed {})",
        t.elapsed().as_secs_f64(),
        s.files.unchanged,
        s.files.changed
    );

    // 4. one-file edit.
    let victim = walked
        .files
        .iter()
        .find(|c| c.language == lang::Language::Python)
        .or(walked.files.first())
        .expect("corpus has files");
    let original = std::fs::read(&victim.abs_path).expect("read victim");
    let mut edited = original.clone();
    edited.extend_from_slice(b"\n// leindex bench edit\n");
    if victim.language == lang::Language::Python {
        edited.truncate(original.len());
        edited.extend_from_slice(b"\n# leindex bench edit\n");
    }
    std::fs::write(&victim.abs_path, &edited).expect("edit");
    let t = Instant::now();
    let s = index::run(&corpus, &opts, &NoProgress).expect("re-index after edit");
    println!(
        "one-file edit {:6.3} s  (changed {}, unchanged {}; {})",
        t.elapsed().as_secs_f64(),
        s.files.changed,
        s.files.unchanged,
        victim.rel_path
    );
    std::fs::write(&victim.abs_path, &original).expect("restore");
    let _ = std::fs::remove_dir_all(&index_dir);
}

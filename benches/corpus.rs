//! Corpus benchmark: whole `leindex index` runs on a real-code corpus, against bare
//! tree-sitter parsing of the same files in the same process.
//!
//!     bash ../shared/bench/make-corpora.sh /tmp/corpora       # once
//!     cargo bench --bench corpus -- /tmp/corpora/medium
//!
//! It copies nothing: the index is written to CORPUS/.leindex and removed at the end.
//! Phases (on a warm page cache, after one untimed read of every file), each repeated
//! LEINDEX_BENCH_REPS times (default 1):
//!   1+2. alternately, parse-only (walk + read + tree-sitter parse in parallel, no
//!        extraction) and a cold index (a full build where no index exists); the ratio is
//!        the median over adjacent pairs; after each cold index, the embedding step of
//!        `leindex index` (every symbol, vectors file removed), as a share of that run;
//!   -    `--rebuild` over the existing index (a full build that also removes the old
//!        index file when it renames the new one into place);
//!   -    parse + extract, nothing stored;
//!   3.   no-change re-index;
//!   4.   one-file edit re-index (a comment appended to one file, then removed);
//!   5.   a one-file edit as `leindex index` does it: re-index, then embed (a new
//!        function each round).
//!
//! Reports wall and CPU seconds, files/s, MB/s, peak RSS (VmHWM over phases 1+2) and
//! index size.

use std::path::{Path, PathBuf};
use std::time::Instant;

use leindex::core::embed;
use leindex::core::index::{self, IndexOptions, NoProgress};
use leindex::core::lang;
use leindex::core::store::Store;
use leindex::core::vectors;
use leindex::core::walk;
use rayon::prelude::*;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

/// CPU seconds (user + system) this process has used so far: steadier than wall time
/// on a shared machine, where other tenants' load stretches wall time.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// Run `f` `reps` times; return the fastest wall time and the CPU time of that run.
fn best_of<T>(reps: usize, mut f: impl FnMut() -> T) -> (f64, f64, T) {
    let mut best: Option<(f64, f64, T)> = None;
    for _ in 0..reps.max(1) {
        let (t, c) = (Instant::now(), cpu_seconds());
        let out = f();
        let (wall, cpu) = (t.elapsed().as_secs_f64(), cpu_seconds() - c);
        if best.as_ref().is_none_or(|b| wall < b.0) {
            best = Some((wall, cpu, out));
        }
    }
    best.expect("at least one run")
}

/// Walk the corpus, read every file and sum what `f` makes of it, on all cores.
fn over_files(
    corpus: &Path,
    f: impl Fn(&walk::Manifests, &walk::Candidate, &[u8]) -> usize + Sync,
) -> usize {
    // The allocator as an index run sets it (`index::run`), for parse-only and
    // parse + extract alike.
    let _memory = lang::KeepFreedMemory::start();
    let walked = walk::walk(corpus, index::DEFAULT_MAX_FILE_SIZE);
    walked
        .files
        .par_iter()
        .map(|c| {
            f(
                &walked.manifests,
                c,
                &std::fs::read(&c.abs_path).unwrap_or_default(),
            )
        })
        .sum()
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
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
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
        .map(|c| {
            std::fs::read(&c.abs_path)
                .map(|b| b.len() as u64)
                .unwrap_or(0)
        })
        .sum();
    let n = walked.files.len();
    let mb = bytes as f64 / 1e6;
    println!(
        "files: {n} ({mb:.1} MB) within the 1 MiB cap; {} skipped by the walk",
        walked.skipped.len()
    );

    let reps: usize = std::env::var("LEINDEX_BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    println!("best of {reps} run(s) per phase (LEINDEX_BENCH_REPS); wall and CPU seconds");

    // 1 and 2, alternated: bare parsing, then a cold index, `reps` times. Each ratio
    // compares two adjacent runs, so slow drifts of this shared machine cancel out.
    let parse_only = || {
        over_files(&corpus, |_, c, src| {
            let tree = lang::parse(c.language, src);
            usize::from(tree.is_none_or(|t| t.root_node().has_error()))
        })
    };
    let cold_opts = IndexOptions {
        rebuild: true,
        ..Default::default()
    };
    reset_peak_rss();
    let mut ratios = Vec::new();
    let (mut parse_best, mut cold_best) = ((f64::MAX, 0.0), (f64::MAX, 0.0));
    let mut errors = 0;
    let mut last = None;
    let mut embeds = Vec::new();
    for _ in 0..reps {
        let (p_wall, p_cpu, e) = best_of(1, parse_only);
        // Cold: no index yet (untimed removal). Replacing an index is measured below.
        let _ = std::fs::remove_dir_all(&index_dir);
        let (c_wall, c_cpu, s) = best_of(1, || {
            index::run(&corpus, &cold_opts, &NoProgress).expect("cold index")
        });
        errors = e;
        ratios.push((c_wall / p_wall, c_cpu / p_cpu));
        // The embedding step of `leindex index` (every symbol: no vectors kept).
        let _ = std::fs::remove_file(index_dir.join(vectors::FILE));
        let (e_wall, e_cpu, n) = best_of(1, || {
            let mut store = Store::open(&corpus).expect("open the index");
            let model = embed::default_model().expect("default model");
            let (v, _) = vectors::ensure_vectors(&mut store, &corpus, &model).expect("embed");
            v.len()
        });
        embeds.push((e_wall, e_cpu, c_wall, n));
        if p_wall < parse_best.0 {
            parse_best = (p_wall, p_cpu);
        }
        if c_wall < cold_best.0 {
            cold_best = (c_wall, c_cpu);
        }
        last = Some(s);
    }
    let s = last.expect("at least one run");
    let ((parse_s, parse_cpu), (cold_s, cold_cpu)) = (parse_best, cold_best);
    let rss = peak_rss_kib() / 1024;
    let size = dir_size(&index_dir);
    println!(
        "parse-only    {parse_s:7.2} s wall {parse_cpu:7.2} s CPU {:7.0} files/s {:6.1} MB/s  ({errors} files with syntax errors)",
        n as f64 / parse_s,
        mb / parse_s,
    );
    println!(
        "cold index    {cold_s:7.2} s wall {cold_cpu:7.2} s CPU {:7.0} files/s {:6.1} MB/s  peak RSS {rss:5} MiB  index {:.1} MB  ({} symbols, {} call sites)",
        n as f64 / cold_s,
        mb / cold_s,
        size as f64 / 1e6,
        s.symbols,
        s.call_sites
    );
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "cold index / parse-only, median of {} adjacent pairs = {:.2}x wall, {:.2}x CPU (pairs: {})",
        ratios.len(),
        median(ratios.iter().map(|r| r.0).collect()),
        median(ratios.iter().map(|r| r.1).collect()),
        ratios
            .iter()
            .map(|r| format!("{:.2}", r.0))
            .collect::<Vec<_>>()
            .join(" ")
    );

    let mut by_ratio = embeds.clone();
    by_ratio.sort_by(|a, b| (a.0 / a.2).total_cmp(&(b.0 / b.2)));
    let (e_wall, e_cpu, c_wall, n_vec) = by_ratio[by_ratio.len() / 2];
    println!(
        "embedding     {e_wall:7.2} s wall {e_cpu:7.2} s CPU  ({n_vec} symbols; +{:.0}% over the cold index run before it; median of {}: {})",
        100.0 * e_wall / c_wall,
        embeds.len(),
        embeds
            .iter()
            .map(|e| format!("+{:.0}%", 100.0 * e.0 / e.2))
            .collect::<Vec<_>>()
            .join(" ")
    );

    // A full rebuild over the existing index (`--rebuild`): the cold build plus the
    // removal of the index it replaces.
    let (r_wall, r_cpu, _) = best_of(1, || {
        index::run(&corpus, &cold_opts, &NoProgress).expect("rebuild")
    });
    println!(
        "rebuild       {r_wall:7.2} s wall {r_cpu:7.2} s CPU  (--rebuild over the index above)"
    );

    // Parse + extract, nothing stored: what the store adds is the rest.
    let (extract_s, extract_cpu, symbols) = best_of(reps, || {
        over_files(&corpus, |manifests, c, src| {
            let ctx = lang::FileContext {
                rel_path: c.rel_path.clone(),
                prefix: walk::name_prefix(manifests, c.language, &c.rel_path),
            };
            lang::parse_and_extract(c.language, &ctx, src).symbols.len()
        })
    });
    println!(
        "parse+extract {extract_s:7.2} s wall {extract_cpu:7.2} s CPU {:7.0} files/s {:6.1} MB/s  ({symbols} symbols)",
        n as f64 / extract_s,
        mb / extract_s,
    );

    // 3. no-change re-index.
    let opts = IndexOptions::default();
    let walked = walk::walk(&corpus, index::DEFAULT_MAX_FILE_SIZE);
    // Files written within the racy window of the previous run's start are re-hashed;
    // a real user edits later than that, so wait it out.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let (wall, _, s) = best_of(reps.max(3), || {
        index::run(&corpus, &opts, &NoProgress).expect("re-index")
    });
    println!(
        "no-change     {wall:7.3} s  (unchanged {}, changed {})",
        s.files.unchanged, s.files.changed
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
    // Alternate the edited and the original content so that every run has one change.
    let mut flip = false;
    let (wall, _, s) = best_of(reps.max(3), || {
        flip = !flip;
        let content = if flip { &edited } else { &original };
        std::fs::write(&victim.abs_path, content).expect("edit");
        index::run(&corpus, &opts, &NoProgress).expect("re-index after edit")
    });
    println!(
        "one-file edit {wall:7.3} s  (changed {}, unchanged {}; {})",
        s.files.changed, s.files.unchanged, victim.rel_path
    );
    // 5. the same edit as `leindex index` does it: the index run, then its embedding
    // step (the file's changed symbols; the vectors file gets a delta). A new function
    // each time, so that one symbol is embedded.
    let model = embed::default_model().expect("default model");
    let mut store = Store::open(&corpus).expect("open the index");
    vectors::ensure_vectors(&mut store, &corpus, &model).expect("embed");
    drop(store);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let mut round = 0;
    let (wall, _, e) = best_of(reps.max(3), || {
        round += 1;
        let mut content = original.clone();
        if victim.language == lang::Language::Python {
            content.extend_from_slice(
                format!("\n\ndef leindex_bench_{round}(x):\n    return x + {round}\n").as_bytes(),
            );
        } else {
            content.extend_from_slice(format!("\n// leindex bench edit {round}\n").as_bytes());
        }
        std::fs::write(&victim.abs_path, content).expect("edit");
        index::run(&corpus, &opts, &NoProgress).expect("re-index after edit");
        let mut store = Store::open(&corpus).expect("open the index");
        vectors::ensure_vectors(&mut store, &corpus, &model)
            .expect("embed")
            .1
            .stats
    });
    println!(
        "edit + embed  {wall:7.3} s  ({} embedded, {} kept)",
        e.embedded, e.reused
    );
    std::fs::write(&victim.abs_path, &original).expect("restore");
    let _ = std::fs::remove_dir_all(&index_dir);
}

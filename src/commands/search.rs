//! `leindex search`: find functions, methods and types by what they do or what they are
//! called: BM25 over names, split identifiers, signatures and doc comments, blended with
//! the cosine of static embeddings (src/core/search.rs has the formula).
use clap::Args;

use super::symbols::FilterArgs;
use super::{emit, emit_json, table, QueryArgs};
use leindex::core::embed::{self, Embedder};
use leindex::core::search::{self, SearchReport};
use leindex::core::vectors;

#[derive(Debug, Args)]
#[command(after_help = "\
Modes:
  hybrid (default)  0.15 z(BM25) + 0.85 z(cosine) over the best 200 of each, plus \
0.1 ln(1 + centrality) when the graph is resolved
  semantic          the cosine between the query's and each symbol's vector alone
  lexical           BM25 x (1 + 0.1 ln(1 + centrality)) alone

BM25 (SQLite FTS5) weighs names 4, split identifiers 3 (`parseConfig` is `parse config`), \
signatures 1 and doc comments 1; the query is split the same way, without common \
question words. Vectors come from the static embedding model compiled into the binary \
(leindex-code-v1; nothing is downloaded), made from each symbol's name, qualified name, \
signature, doc comment and code by `leindex index` (or by the first search after \
`leindex index --no-embed`). Semantic and hybrid search always return the nearest \
symbols, even for a query that means nothing in the code base.

Examples:
  leindex search parse config
  leindex search \"retry failed uploads\" --lang python --limit 5
  leindex search parseCfg --kind function,method --context 3 --json")]
pub struct SearchArgs {
    /// What to look for: words, identifiers, or a question
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    pub query: Vec<String>,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// How to rank: BM25 and embeddings blended, embeddings alone, or BM25 alone
    #[arg(long, value_enum, default_value = "hybrid")]
    pub mode: ModeArg,
    /// Show this many hits
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub limit: u64,
    /// Print N lines of code of each hit (from the file as it is now)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub context: usize,
    #[command(flatten)]
    pub query_args: QueryArgs,
    #[cfg(feature = "fastembed")]
    #[command(flatten)]
    pub rerank: RerankArgs,
}

/// Transformer re-ranking (builds with the `fastembed` feature only).
#[cfg(feature = "fastembed")]
#[derive(Debug, Args)]
pub struct RerankArgs {
    /// Re-rank the hybrid search's best N hits with the transformer in --model-dir
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "50",
          value_parser = clap::value_parser!(u64).range(1..=1000),
          requires_all = ["model_dir", "ort_lib"], conflicts_with = "mode")]
    pub rerank: Option<u64>,
    /// Folder of an ONNX sentence-embedding model (model.onnx, tokenizer.json,
    /// config.json, special_tokens_map.json, tokenizer_config.json)
    #[arg(long, value_name = "DIR", env = "LEINDEX_MODEL_DIR")]
    pub model_dir: Option<std::path::PathBuf>,
    /// The ONNX Runtime library (libonnxruntime.so)
    #[arg(long, value_name = "FILE", env = "ORT_DYLIB_PATH")]
    pub ort_lib: Option<std::path::PathBuf>,
    /// Weight of the transformer's cosine against the hybrid score (z-scores)
    #[arg(long, value_name = "W", default_value_t = RERANK_WEIGHT)]
    pub rerank_weight: f64,
}

/// The default weight of the re-ranking cosine (benches/search/run.py --split dev).
#[cfg(feature = "fastembed")]
pub const RERANK_WEIGHT: f64 = 0.5;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ModeArg {
    Hybrid,
    Semantic,
    Lexical,
}

#[derive(serde::Serialize)]
struct WithCode<'a> {
    #[serde(flatten)]
    report: &'a SearchReport,
    /// Per hit (same order), the first N lines of its code (`--context N`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code: Vec<Option<String>>,
}

pub fn run(a: SearchArgs) -> anyhow::Result<()> {
    let (root, mut store) = a.query_args.open()?;
    let filter = a.filters.filter()?;
    let ranks = search::current_ranks(&store)?;
    let query = a.query.join(" ");
    let mode = match a.mode {
        ModeArg::Hybrid => search::Mode::Hybrid,
        ModeArg::Semantic => search::Mode::Semantic,
        ModeArg::Lexical => search::Mode::Lexical,
    };
    let mut vectors = None;
    let mut model = None;
    if mode != search::Mode::Lexical {
        let m = embed::default_model()?;
        let t = std::time::Instant::now();
        let (v, report) = vectors::ensure_vectors(&mut store, &root, &m)?;
        let stats = report.stats;
        if let Some(old) = &report.replaced_model {
            eprintln!(
                "the embedding model changed ({old} -> {}): every symbol is embedded again",
                m.model_id()
            );
        }
        if report.damaged {
            eprintln!(
                "the vectors file in the index was damaged or foreign: built again (the index itself is intact)"
            );
        }
        if report.rebuilt {
            eprintln!(
                "embedded {} symbols with {} ({} kept from before) in {:.1}s",
                stats.embedded,
                m.model_id(),
                stats.reused,
                t.elapsed().as_secs_f64()
            );
        }
        vectors = Some(v);
        model = Some(m);
    }
    let semantic = match (&vectors, &model) {
        (Some(v), Some(m)) => Some(search::Semantic {
            vectors: v,
            query: m.embed(&query).map(|q| vectors::Query::new(&q)),
        }),
        _ => None,
    };
    #[cfg(feature = "fastembed")]
    let reranker = match a.rerank.rerank {
        None => None,
        Some(n) => {
            let dir = a
                .rerank
                .model_dir
                .as_ref()
                .expect("clap requires --model-dir");
            let lib = a.rerank.ort_lib.as_ref().expect("clap requires --ort-lib");
            Some((n as usize, leindex::core::rerank::Reranker::load(dir, lib)?))
        }
    };
    #[cfg(feature = "fastembed")]
    let want = match &reranker {
        Some((n, _)) => (*n).max(a.limit as usize),
        None => a.limit as usize,
    };
    #[cfg(not(feature = "fastembed"))]
    let want = a.limit as usize;
    let mut report = search::search(
        &store,
        ranks.as_ref(),
        &query,
        &filter,
        want,
        mode,
        semantic.as_ref(),
    )?;
    #[cfg(feature = "fastembed")]
    if let Some((_, mut model)) = reranker {
        rerank(&root, &mut report, &mut model, a.rerank.rerank_weight)?;
    }
    report.hits.truncate(a.limit as usize);
    let code: Vec<Option<String>> = if a.context > 0 {
        report
            .hits
            .iter()
            .map(|h| {
                let text = std::fs::read_to_string(root.join(&h.symbol.file)).ok()?;
                let lines: Vec<&str> = text
                    .lines()
                    .skip(h.symbol.line.saturating_sub(1) as usize)
                    .take(a.context)
                    .collect();
                Some(lines.join("\n"))
            })
            .collect()
    } else {
        Vec::new()
    };
    if a.query_args.json {
        return emit_json(&WithCode {
            report: &report,
            code,
        });
    }
    if report.hits.is_empty() {
        return emit(&format!(
            "No symbol matches {:?} (terms: {}).\n",
            query,
            report.terms.join(" ")
        ));
    }
    if a.context > 0 {
        let mut out = String::new();
        for (h, c) in report.hits.iter().zip(&code) {
            let s = &h.symbol;
            out.push_str(&format!(
                "{}. {} ({}) {}:{}  score {:.2}\n",
                h.rank, s.qualified_name, s.kind, s.file, s.line, h.score
            ));
            match c {
                Some(c) => {
                    for l in c.lines() {
                        out.push_str(&format!("    {l}\n"));
                    }
                }
                None => out.push_str("    (file not readable)\n"),
            }
            out.push('\n');
        }
        return emit(&out);
    }
    let mut t = table();
    t.set_header(vec![
        "rank", "symbol", "kind", "location", "score", "summary",
    ]);
    for h in &report.hits {
        let s = &h.symbol;
        let summary = s
            .doc
            .as_deref()
            .and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty()))
            .unwrap_or(&s.signature);
        let summary: String = summary.chars().take(80).collect();
        t.add_row(vec![
            h.rank.to_string(),
            s.qualified_name.clone(),
            s.kind.clone(),
            format!("{}:{}", s.file, s.line),
            format!("{:.2}", h.score),
            summary,
        ]);
    }
    emit(&format!("{t}\n"))
}

/// Re-order `report`'s hits by the transformer's cosine blended with their score.
#[cfg(feature = "fastembed")]
fn rerank(
    root: &std::path::Path,
    report: &mut SearchReport,
    model: &mut leindex::core::rerank::Reranker,
    weight: f64,
) -> anyhow::Result<()> {
    if report.hits.is_empty() {
        return Ok(());
    }
    let mut texts = vec![report.query.clone()];
    let mut files: std::collections::HashMap<String, String> = Default::default();
    for h in &report.hits {
        let s = &h.symbol;
        let text = files.entry(s.file.clone()).or_insert_with(|| {
            std::fs::read(root.join(&s.file))
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default()
        });
        let body = text
            .get(s.start_byte as usize..(s.end_byte as usize).min(text.len()))
            .unwrap_or("");
        texts.push(vectors::symbol_text(
            &s.name,
            &s.qualified_name,
            &s.signature,
            s.doc.as_deref(),
            body,
        ));
    }
    let v = model.embed(&texts)?;
    let q = &v[0];
    let cos: Vec<f64> = v[1..]
        .iter()
        .map(|h| f64::from(h.iter().zip(q).map(|(a, b)| a * b).sum::<f32>()))
        .collect();
    let scores: Vec<f64> = report.hits.iter().map(|h| h.score).collect();
    let order = leindex::core::rerank::order(&scores, &cos, weight);
    let mut old: Vec<Option<search::SearchHit>> = report.hits.drain(..).map(Some).collect();
    for (rank, (i, score)) in order.into_iter().enumerate() {
        let mut h = old[i].take().expect("each hit once");
        h.rerank_cosine = Some(cos[i]);
        h.score = score;
        h.rank = rank + 1;
        report.hits.push(h);
    }
    report.reranked_by = Some(model.dir.display().to_string());
    Ok(())
}

//! Search: SQLite FTS5 with BM25 over names, split identifiers, signatures and doc
//! comments, with a small prior for central code. `search` and `context` (the seeds of
//! a natural-language target) use it. The semantic half (embeddings) is not built yet.

use crate::core::error::Result;
use crate::core::lang::split_identifier;
use std::collections::HashMap;

use crate::core::graph_store::Ranks;
use crate::core::store::{db_err, Store, SymbolFilter, SymbolRecord};
use crate::core::vectors::{Query, VectorIndex};
use serde::Serialize;

/// Words too common in questions to say anything about code.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "do", "does", "for", "from", "how", "i", "in",
    "is", "it", "of", "on", "or", "that", "the", "this", "to", "we", "what", "when", "where",
    "which", "who", "why", "with",
];

/// BM25 weights of the FTS columns: name, split identifiers, signature, doc comment.
const COLUMN_WEIGHTS: [f64; 4] = [4.0, 3.0, 1.0, 1.0];

#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub id: i64,
    /// BM25, higher is better (SQLite's `bm25()` negated).
    pub score: f64,
}

/// The query's terms: each word as typed and its identifier parts, lower-cased,
/// without stop words, deduplicated.
pub fn terms(query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in query.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        if word.is_empty() {
            continue;
        }
        let mut forms = vec![word.to_lowercase()];
        forms.extend(split_identifier(word));
        for f in forms {
            if !STOP_WORDS.contains(&f.as_str()) && !out.contains(&f) {
                out.push(f);
            }
        }
    }
    out
}

/// The best `limit` symbols for `query` by BM25 (any term may match).
pub fn lexical(store: &Store, query: &str, limit: usize) -> Result<Vec<Hit>> {
    let (conn, path) = (store.conn(), store.db_file());
    let terms = terms(query);
    if terms.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    // Quoted terms are plain strings to FTS5, whatever they contain.
    let expr: Vec<String> = terms.iter().map(|t| format!("\"{t}\"")).collect();
    let w = COLUMN_WEIGHTS;
    let sql = format!(
        "SELECT rowid, bm25(fts, {}, {}, {}, {}) AS s FROM fts WHERE fts MATCH ?1
         ORDER BY s LIMIT ?2",
        w[0], w[1], w[2], w[3]
    );
    let e = db_err(path);
    let mut st = conn.prepare_cached(&sql).map_err(&e)?;
    let rows = st
        .query_map(rusqlite::params![expr.join(" OR "), limit as i64], |r| {
            Ok(Hit {
                id: r.get(0)?,
                score: -r.get::<_, f64>(1)?,
            })
        })
        .map_err(&e)?;
    rows.collect::<Result<_, _>>().map_err(&e)
}

/// Weight of the centrality prior: score = BM25 * (1 + PRIOR * ln(1 + centrality)).
pub const CENTRALITY_PRIOR: f64 = 0.1;

#[derive(Debug, Serialize)]
pub struct SearchHit {
    pub rank: usize,
    /// What the hits are ordered by: the mode's score, or after `--rerank` the blend
    /// `w z(rerank_cosine) + (1 - w) z(hybrid score)` (src/core/rerank.rs).
    pub score: f64,
    /// BM25 (FTS5's, negated: higher is better).
    pub bm25: f64,
    /// Cosine of the query's and the symbol's vectors (semantic and hybrid modes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cosine: Option<f64>,
    pub centrality: f64,
    /// Cosine of the query and the hit under the re-ranking transformer (`--rerank`,
    /// builds with the `fastembed` feature).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rerank_cosine: Option<f64>,
    #[serde(flatten)]
    pub symbol: SymbolRecord,
}

#[derive(Debug, Serialize)]
pub struct SearchReport {
    pub query: String,
    /// The mode that ranked: `lexical`, or `semantic`/`hybrid` when the query had a
    /// vector (a query with no word the model knows falls back to `lexical`).
    pub mode: &'static str,
    /// Whether the centrality prior was applied (the graph is resolved and current).
    pub centrality_prior: bool,
    /// The query's terms after splitting identifiers and dropping stop words.
    pub terms: Vec<String>,
    /// The model folder whose transformer re-ranked the hits (`--rerank`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reranked_by: Option<String>,
    pub hits: Vec<SearchHit>,
}

/// The centrality of every symbol when the stored graph is current (an index run
/// leaves it stale until a command resolves it: search does not wait for that).
pub fn current_ranks(store: &Store) -> Result<Option<Ranks>> {
    if !crate::core::index::graph_is_current(store)? {
        return Ok(None);
    }
    crate::core::graph_store::read_ranks(store.conn(), store.db_file())
}

/// Which retrieval ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Lexical,
    Semantic,
    Hybrid,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Lexical => "lexical",
            Mode::Semantic => "semantic",
            Mode::Hybrid => "hybrid",
        }
    }
}

/// Weight of BM25 in the hybrid blend of z-scored BM25 and cosine scores (the rest is
/// the cosine's), chosen on a development split (benches/search, MODEL.md).
pub const BM25_WEIGHT: f64 = 0.15;

/// The semantic half: the symbol vectors and the query's vector.
pub struct Semantic<'a> {
    pub vectors: &'a VectorIndex,
    /// `None` when no word of the query is in the model's vocabulary.
    pub query: Option<Query>,
}

/// Mean and standard deviation (1 when the values do not vary).
pub fn moments(v: &[f64]) -> (f64, f64) {
    if v.is_empty() {
        return (0.0, 1.0);
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
    (mean, if sd > 1e-12 { sd } else { 1.0 })
}

/// The best `limit` symbols for `query` through `filter`.
///
/// Lexical: BM25 x (1 + 0.1 ln(1 + centrality)). Semantic and hybrid: the candidates
/// (the best BM25 hits and the nearest vectors) get z-scores of BM25 and of cosine over
/// the candidates, blended as `BM25_WEIGHT` z(BM25) + (1 - `BM25_WEIGHT`) z(cosine)
/// (semantic: z(cosine) alone), plus 0.1 ln(1 + centrality). The centrality prior
/// applies when the graph is resolved (`ranks`, per symbol id).
pub fn search(
    store: &Store,
    ranks: Option<&Ranks>,
    query: &str,
    filter: &SymbolFilter,
    limit: usize,
    mode: Mode,
    semantic: Option<&Semantic>,
) -> Result<SearchReport> {
    // Filters apply after ranking: take enough candidates for them to keep `limit`.
    let filtered = !filter.kinds.is_empty()
        || !filter.languages.is_empty()
        || filter.path.is_some()
        || filter.path_prefix.is_some();
    let want = limit
        .saturating_mul(20)
        .max(if filtered { 2000 } else { 200 });
    let found = if mode == Mode::Semantic {
        Vec::new()
    } else {
        lexical(store, query, want)?
    };
    let bm25: HashMap<i64, f64> = found.iter().map(|h| (h.id, h.score)).collect();
    let mut ids: Vec<i64> = found.iter().map(|h| h.id).collect();
    let mut cosine: HashMap<i64, f64> = HashMap::new();
    if let (Some(sem), true) = (semantic, mode != Mode::Lexical) {
        if let Some(q) = sem.query.as_ref() {
            for (id, c) in sem.vectors.nearest(q, want) {
                cosine.insert(id, f64::from(c));
                ids.push(id);
            }
            for id in &ids {
                if !cosine.contains_key(id) {
                    if let Some(c) = sem.vectors.score_of(*id, q) {
                        cosine.insert(*id, f64::from(c));
                    }
                }
            }
        }
    }
    ids.sort_unstable();
    ids.dedup();
    let centrality = |id: i64| ranks.and_then(|r| r.get(id)).unwrap_or(0.0);
    let (bm, bs) = moments(
        &ids.iter()
            .map(|id| bm25.get(id).copied().unwrap_or(0.0))
            .collect::<Vec<_>>(),
    );
    let (cm, cs) = moments(
        &ids.iter()
            .filter_map(|id| cosine.get(id).copied())
            .collect::<Vec<_>>(),
    );
    let mut hits: Vec<SearchHit> = store
        .symbols_by_id(&ids)?
        .into_iter()
        .filter(|s| filter.matches(s))
        .map(|s| {
            let b = bm25.get(&s.id).copied().unwrap_or(0.0);
            let c = centrality(s.id);
            let cos = cosine.get(&s.id).copied();
            let prior = CENTRALITY_PRIOR * (1.0 + c).ln();
            // A candidate without a vector counts as 3 deviations below the mean cosine.
            let zc = (cos.unwrap_or(cm - 3.0 * cs) - cm) / cs;
            let score = if cosine.is_empty() {
                b * (1.0 + prior)
            } else if mode == Mode::Semantic {
                zc + prior
            } else {
                BM25_WEIGHT * (b - bm) / bs + (1.0 - BM25_WEIGHT) * zc + prior
            };
            SearchHit {
                rank: 0,
                score,
                bm25: b,
                cosine: cos,
                centrality: c,
                rerank_cosine: None,
                symbol: s,
            }
        })
        .collect();
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.symbol.file.cmp(&b.symbol.file))
            .then(a.symbol.line.cmp(&b.symbol.line))
    });
    hits.truncate(limit);
    for (i, h) in hits.iter_mut().enumerate() {
        h.rank = i + 1;
    }
    Ok(SearchReport {
        query: query.to_string(),
        mode: if cosine.is_empty() {
            "lexical"
        } else {
            mode.as_str()
        },
        centrality_prior: ranks.is_some(),
        terms: terms(query),
        reranked_by: None,
        hits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_split_identifiers_and_drop_stop_words() {
        assert_eq!(
            terms("where do we parseConfig for the retry_backoff?"),
            vec![
                "parseconfig",
                "parse",
                "config",
                "retry_backoff",
                "retry",
                "backoff"
            ]
        );
        assert!(terms("the of to").is_empty());
    }
}

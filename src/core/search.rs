//! Lexical search: SQLite FTS5 with BM25 over names, split identifiers, signatures and
//! doc comments. `context` takes its seeds for a natural-language target from here;
//! the semantic half (embeddings) is not built yet.

use crate::core::error::Result;
use crate::core::lang::split_identifier;
use crate::core::store::{db_err, Store};

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

//! Embeddings: the [`Embedder`] trait and the static (Model2Vec-style) model that ships
//! inside the binary.
//!
//! A static model is a table of one vector per token. A text's embedding is the mean of
//! the vectors of its tokens, L2-normalised. Tokens come from a fixed preprocessing that
//! the training script (`scripts/train-model.py`) mirrors exactly ("leindex-v1"):
//!
//! 1. every maximal run of alphanumeric characters and `_` is a word; everything else
//!    only separates words;
//! 2. each word is split as an identifier ([`split_identifier`]: `parseHTTPRequest` ->
//!    `parse http request`, `retry_backoff` -> `retry backoff`) and lower-cased;
//! 3. each part is cut into WordPiece tokens of the vocabulary: greedy longest match from
//!    the start, later pieces looked up as `##piece`; a part that cannot be matched
//!    throughout, or is longer than 100 characters, is dropped.
//!
//! File format (`embeddings.bin`, little-endian): `LXE1`, u32 vocabulary size V, u32
//! dimension D, V f32 row scales, V*D int8 values; token i's vector is row i times
//! scale i. `vocab.txt` has one token per line, line i being token i.

use rustc_hash::FxHashMap;

use crate::core::error::{Error, Result};
use crate::core::lang::split_identifier;

/// Turns texts into vectors of one dimension, identified by a model id.
pub trait Embedder: Send + Sync {
    /// Names the model; vectors of different ids are never compared.
    fn model_id(&self) -> &str;
    fn dim(&self) -> usize;
    /// One unit vector per text, or `None` for a text with no known token.
    fn embed_batch(&self, texts: &[&str]) -> Vec<Option<Vec<f32>>>;
}

/// Id of the model compiled into the binary (`models/leindex-code-v1`, see its MODEL.md).
pub const DEFAULT_MODEL_ID: &str = "leindex-code-v1";

/// The model compiled into the binary.
pub fn default_model() -> Result<StaticModel> {
    StaticModel::from_bytes(
        DEFAULT_MODEL_ID,
        include_bytes!("../../models/leindex-code-v1/embeddings.bin"),
        include_str!("../../models/leindex-code-v1/vocab.txt"),
    )
}

/// Words longer than this are not tokenized (as in BERT's WordPiece).
const MAX_WORD: usize = 100;

/// A static embedding model: a WordPiece vocabulary and a table of int8 rows.
pub struct StaticModel {
    id: String,
    dim: usize,
    vocab: FxHashMap<&'static str, u32>,
    scales: Vec<f32>,
    /// V x D int8 values (as bytes), borrowed from the table (in the binary).
    rows: &'static [u8],
}

impl StaticModel {
    /// Load from the bytes of `embeddings.bin` and the text of `vocab.txt`.
    pub fn from_bytes(
        id: &str,
        embeddings: &'static [u8],
        vocab: &'static str,
    ) -> Result<StaticModel> {
        let bad = |what: &str| Error::Internal(format!("embedding model {id}: {what}"));
        let body = embeddings
            .strip_prefix(b"LXE1")
            .ok_or_else(|| bad("not an LXE1 table"))?;
        let word = |i: usize| -> Option<u32> {
            Some(u32::from_le_bytes(body.get(i..i + 4)?.try_into().ok()?))
        };
        let (v, d) = match (word(0), word(4)) {
            (Some(v), Some(d)) => (v as usize, d as usize),
            _ => return Err(bad("truncated header")),
        };
        let scales_end = 8 + v * 4;
        if d == 0 || body.len() != scales_end + v * d {
            return Err(bad("size does not match its header"));
        }
        let scales: Vec<f32> = body[8..scales_end]
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect();
        let rows = &body[scales_end..];
        let tokens: Vec<&str> = vocab.lines().collect();
        if tokens.len() != v {
            return Err(bad(&format!(
                "vocabulary has {} tokens, table {v}",
                tokens.len()
            )));
        }
        let vocab = tokens
            .into_iter()
            .enumerate()
            .map(|(i, t)| (t, i as u32))
            .collect();
        Ok(StaticModel {
            id: id.to_string(),
            dim: d,
            vocab,
            scales,
            rows,
        })
    }

    /// The token ids of `text` (steps 1-3 of the module documentation).
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        let mut out = Vec::new();
        for run in runs(text) {
            self.tokenize_run(run, &mut out);
        }
        out
    }

    /// The tokens of one run of identifier characters.
    fn tokenize_run(&self, run: &str, out: &mut Vec<u32>) {
        for part in split_identifier(run) {
            self.wordpiece(&part, out);
        }
    }

    fn wordpiece(&self, word: &str, out: &mut Vec<u32>) {
        if word.is_empty() || word.chars().count() > MAX_WORD {
            return;
        }
        let start_len = out.len();
        let mut rest = word;
        let mut first = true;
        let mut key = String::new();
        while !rest.is_empty() {
            // Longest prefix of `rest` in the vocabulary (on character boundaries).
            let mut found = None;
            let mut end = rest.len();
            loop {
                key.clear();
                if !first {
                    key.push_str("##");
                }
                key.push_str(&rest[..end]);
                if let Some(&id) = self.vocab.get(key.as_str()) {
                    found = Some((id, end));
                    break;
                }
                match rest[..end].char_indices().next_back() {
                    Some((i, _)) if i > 0 => end = i,
                    _ => break,
                }
            }
            match found {
                Some((id, end)) => {
                    out.push(id);
                    rest = &rest[end..];
                    first = false;
                }
                None => {
                    out.truncate(start_len);
                    return;
                }
            }
        }
    }

    /// Mean of the token vectors, L2-normalised; `None` without tokens.
    pub fn embed(&self, text: &str) -> Option<Vec<f32>> {
        self.embed_cached(text, &mut Scratch::default())
    }

    /// [`StaticModel::embed`], with the tokens of each identifier run remembered in
    /// `scratch` (code repeats its identifiers: texts of one file share a scratch).
    /// Same result: every occurrence of a token counts once in the mean.
    fn embed_cached(&self, text: &str, scratch: &mut Scratch) -> Option<Vec<f32>> {
        let Scratch {
            runs: cache,
            counts,
            touched,
        } = scratch;
        if counts.len() != self.scales.len() {
            *counts = vec![0; self.scales.len()];
        }
        let mut buf = Vec::new();
        for run in runs(text) {
            let tokens = match cache.get(run) {
                Some(t) => t,
                None => {
                    buf.clear();
                    self.tokenize_run(run, &mut buf);
                    cache
                        .entry(run.into())
                        .or_insert_with(|| buf.as_slice().into())
                }
            };
            for &t in tokens.iter() {
                let c = &mut counts[t as usize];
                if *c == 0 {
                    touched.push(t);
                }
                *c += 1;
            }
        }
        if touched.is_empty() {
            return None;
        }
        // Sum in token order, so that the result does not depend on the text's order.
        touched.sort_unstable();
        let mut v = vec![0f32; self.dim];
        for &t in touched.iter() {
            let t = t as usize;
            let w = self.scales[t] * counts[t] as f32;
            counts[t] = 0;
            for (x, &q) in v
                .iter_mut()
                .zip(&self.rows[t * self.dim..(t + 1) * self.dim])
            {
                *x += f32::from(q as i8) * w;
            }
        }
        touched.clear();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm == 0.0 {
            return None;
        }
        v.iter_mut().for_each(|x| *x /= norm);
        Some(v)
    }
}

/// Per-batch state of [`StaticModel::embed_cached`].
#[derive(Default)]
struct Scratch {
    /// Identifier run -> its tokens.
    runs: FxHashMap<Box<str>, Box<[u32]>>,
    /// Occurrences per token id of the text being embedded (all 0 between texts).
    counts: Vec<u32>,
    /// The token ids with a non-zero count.
    touched: Vec<u32>,
}

/// The maximal runs of alphanumerics and `_` of `text` (step 1 of leindex-v1).
fn runs(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|r| !r.is_empty())
}

impl Embedder for StaticModel {
    fn model_id(&self) -> &str {
        &self.id
    }
    fn dim(&self) -> usize {
        self.dim
    }
    fn embed_batch(&self, texts: &[&str]) -> Vec<Option<Vec<f32>>> {
        let mut scratch = Scratch::default();
        texts
            .iter()
            .map(|t| self.embed_cached(t, &mut scratch))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3-dimensional model of 6 tokens; token i's row is given as floats.
    fn model(rows: &[[f32; 3]], vocab: &[&str]) -> StaticModel {
        let mut b = b"LXE1".to_vec();
        b.extend((rows.len() as u32).to_le_bytes());
        b.extend(3u32.to_le_bytes());
        let scales: Vec<f32> = rows
            .iter()
            .map(|r| r.iter().fold(0f32, |m, x| m.max(x.abs())) / 127.0)
            .collect();
        for s in &scales {
            b.extend(s.to_le_bytes());
        }
        for (r, s) in rows.iter().zip(&scales) {
            for x in r {
                b.push((x / s).round() as i8 as u8);
            }
        }
        let b: &'static [u8] = Box::leak(b.into_boxed_slice());
        let vocab: &'static str = Box::leak(vocab.join("\n").into_boxed_str());
        StaticModel::from_bytes("test", b, vocab).unwrap()
    }

    #[test]
    fn tokens_follow_the_identifier_split_and_wordpiece() {
        let m = model(
            &[[1.0, 0.0, 0.0]; 6],
            &["[UNK]", "parse", "config", "##s", "http", "re"],
        );
        // parseConfigs -> parse config ##s; HTTPRe -> http re; `xyz` has no pieces.
        assert_eq!(m.tokenize("parseConfigs(HTTPRe, xyz)"), vec![1, 2, 3, 4, 5]);
        // A word that cannot be matched to its end is dropped whole.
        assert_eq!(m.tokenize("configq"), Vec::<u32>::new());
        assert_eq!(m.tokenize("retry_backoff"), Vec::<u32>::new());
    }

    #[test]
    fn embeddings_are_normalised_means_of_token_rows() {
        let m = model(
            &[[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 2.0, 0.0]],
            &["[UNK]", "a", "b"],
        );
        let v = m.embed("a b").unwrap();
        // mean = (0.5, 1.0, 0) -> normalised (0.447, 0.894, 0).
        assert!(
            (v[0] - 0.4472).abs() < 1e-3 && (v[1] - 0.8944).abs() < 1e-3,
            "{v:?}"
        );
        let twice = m.embed("a a b").unwrap();
        assert!(twice[0] > v[0], "each occurrence counts: {twice:?}");
        assert_eq!(m.embed("zzz"), None);
        assert_eq!(m.dim(), 3);
    }

    #[test]
    fn a_table_that_does_not_match_its_header_is_refused() {
        assert!(StaticModel::from_bytes("x", b"LXE1\x01\x00\x00\x00", "a").is_err());
        assert!(StaticModel::from_bytes("x", b"NOPE", "a").is_err());
    }
}

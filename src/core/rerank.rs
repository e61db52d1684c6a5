//! Opt-in re-ranking of search hits with a transformer (the `fastembed` cargo feature).
//!
//! The default build has no neural network: `search` ranks with BM25 and the static
//! model compiled into the binary. A build with `--features fastembed` can load an ONNX
//! sentence-embedding model (e.g. all-MiniLM-L6-v2, made by
//! `scripts/export-minilm-onnx.py`) from a local folder and re-rank the best hits of a
//! hybrid search: the query and each hit's text (as [`crate::core::vectors::symbol_text`]
//! makes it) are embedded, and the hits are ordered by
//! `w z(cosine) + (1 - w) z(hybrid score)` over the re-ranked hits. Nothing is downloaded:
//! the ONNX Runtime library is one the user points to (`ORT_DYLIB_PATH`, e.g. the
//! `libonnxruntime.so` inside PyPI's `onnxruntime` wheel), checked before it is loaded.

use std::path::{Path, PathBuf};

use fastembed::{
    InitOptionsUserDefined, Pooling, TextEmbedding, TokenizerFiles, UserDefinedEmbeddingModel,
};

use crate::core::error::{Error, Result};

/// Tokens of a hit's text the transformer reads at most (its start says the most).
pub const MAX_TOKENS: usize = 256;

/// The files a model folder must hold.
pub const MODEL_FILES: [&str; 5] = [
    "model.onnx",
    "tokenizer.json",
    "config.json",
    "special_tokens_map.json",
    "tokenizer_config.json",
];

/// A transformer sentence-embedding model loaded from a folder.
pub struct Reranker {
    model: TextEmbedding,
    /// The folder it came from (its id in reports).
    pub dir: PathBuf,
}

fn bad(what: String) -> Error {
    Error::Internal(what)
}

/// Load the ONNX Runtime library at `lib` once per process; a missing or unloadable
/// library is an error, never a panic.
fn init_runtime(lib: &Path) -> Result<()> {
    if !lib.is_file() {
        return Err(bad(format!(
            "ONNX Runtime library {} does not exist (set ORT_DYLIB_PATH or --ort-lib to a \
             libonnxruntime.so, e.g. the one in the `onnxruntime` wheel from PyPI: \
             site-packages/onnxruntime/capi/libonnxruntime.so.*)",
            lib.display()
        )));
    }
    static INIT: std::sync::OnceLock<std::result::Result<(), String>> = std::sync::OnceLock::new();
    INIT.get_or_init(|| {
        let builder = ort::init_from(lib).map_err(|e| e.to_string())?;
        builder.commit();
        Ok(())
    })
    .clone()
    .map_err(|e| {
        bad(format!(
            "cannot load the ONNX Runtime library {}: {e}",
            lib.display()
        ))
    })
}

impl Reranker {
    /// Load the model in `dir` (see [`MODEL_FILES`]) with the ONNX Runtime at `lib`.
    pub fn load(dir: &Path, lib: &Path) -> Result<Reranker> {
        let read = |f: &str| -> Result<Vec<u8>> {
            let p = dir.join(f);
            std::fs::read(&p).map_err(|e| {
                bad(format!(
                    "model folder {}: cannot read {f}: {e} (a folder needs {})",
                    dir.display(),
                    MODEL_FILES.join(", ")
                ))
            })
        };
        // Read the folder first: a wrong folder is reported before the runtime loads.
        let onnx = read("model.onnx")?;
        let files = TokenizerFiles {
            tokenizer_file: read("tokenizer.json")?,
            config_file: read("config.json")?,
            special_tokens_map_file: read("special_tokens_map.json")?,
            tokenizer_config_file: read("tokenizer_config.json")?,
        };
        init_runtime(lib)?;
        let model = UserDefinedEmbeddingModel::new(onnx, files).with_pooling(Pooling::Mean);
        let options = InitOptionsUserDefined::new().with_max_length(MAX_TOKENS);
        let model = TextEmbedding::try_new_from_user_defined(model, options)
            .map_err(|e| bad(format!("cannot load the model in {}: {e}", dir.display())))?;
        Ok(Reranker {
            model,
            dir: dir.to_path_buf(),
        })
    }

    /// Unit vectors of `texts` (mean pooling, L2-normalised).
    pub fn embed(&mut self, texts: &[String]) -> Result<Vec<Vec<f32>>> {
        let mut out = self
            .model
            .embed(texts, Some(16))
            .map_err(|e| bad(format!("the re-ranking model failed: {e}")))?;
        for v in &mut out {
            let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            if n > 0.0 {
                v.iter_mut().for_each(|x| *x /= n);
            }
        }
        Ok(out)
    }
}

/// The order of hits after re-ranking, best first, with each one's new score:
/// `weight` z(cosine) + (1 - `weight`) z(score) (ties keep the earlier hit). `scores`
/// and `cosines` are per hit.
pub fn order(scores: &[f64], cosines: &[f64], weight: f64) -> Vec<(usize, f64)> {
    let z = |v: &[f64]| -> Vec<f64> {
        let (mean, sd) = crate::core::search::moments(v);
        v.iter().map(|x| (x - mean) / sd).collect()
    };
    let (zs, zc) = (z(scores), z(cosines));
    let blended: Vec<f64> = zs
        .iter()
        .zip(&zc)
        .map(|(s, c)| weight * c + (1.0 - weight) * s)
        .collect();
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| blended[b].total_cmp(&blended[a]).then(a.cmp(&b)));
    idx.into_iter().map(|i| (i, blended[i])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_blends_z_scores() {
        // Weight 1: by cosine alone; weight 0: the hybrid order stays.
        let s = [3.0, 2.0, 1.0];
        let c = [0.1, 0.9, 0.5];
        let idx = |w| order(&s, &c, w).iter().map(|o| o.0).collect::<Vec<_>>();
        assert_eq!(idx(1.0), [1, 2, 0]);
        assert_eq!(idx(0.0), [0, 1, 2]);
        assert_eq!(idx(0.5), [1, 0, 2]);
        // The new score is the blend: z(score) = (1.22, 0, -1.22) at weight 0.
        let o = order(&s, &c, 0.0);
        assert!((o[0].1 - 1.2247).abs() < 1e-3, "{o:?}");
    }

    #[test]
    fn a_missing_runtime_or_folder_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let e = Reranker::load(dir.path(), Path::new("/nonexistent/libonnxruntime.so"))
            .err()
            .unwrap();
        assert!(e.to_string().contains("model.onnx"), "{e}");
        for f in MODEL_FILES {
            std::fs::write(dir.path().join(f), b"x").unwrap();
        }
        let e = Reranker::load(dir.path(), Path::new("/nonexistent/libonnxruntime.so"))
            .err()
            .unwrap();
        assert!(e.to_string().contains("does not exist"), "{e}");
    }
}

//! `search --rerank` (builds with the `fastembed` feature): a transformer re-ranks the
//! hybrid's best hits. These tests need a real model and runtime, named by
//! LEINDEX_TEST_MODEL_DIR (a folder made by scripts/export-minilm-onnx.py) and
//! ORT_DYLIB_PATH (libonnxruntime from PyPI's `onnxruntime` wheel); .ci/run makes both.
//! Without them the tests fail: a feature build is tested with a real model or not at all.

use serde_json::Value;

use crate::common::{parse_json, Repo};

fn model_dir() -> String {
    std::env::var("LEINDEX_TEST_MODEL_DIR")
        .expect("LEINDEX_TEST_MODEL_DIR names the model folder (scripts/export-minilm-onnx.py)")
}

fn ort_lib() -> String {
    let lib = std::env::var("ORT_DYLIB_PATH")
        .expect("ORT_DYLIB_PATH names libonnxruntime (PyPI's onnxruntime wheel)");
    assert!(std::path::Path::new(&lib).is_file(), "{lib} does not exist");
    lib
}

fn rerank(repo: &Repo, query: &[&str], extra: &[&str]) -> Value {
    let out = repo
        .cmd()
        .args(["search", "--json", "--rerank", "--model-dir", &model_dir()])
        .args(["--ort-lib", &ort_lib()])
        .args(extra)
        .args(query)
        .assert()
        .success();
    parse_json(out.get_output())
}

#[test]
fn the_transformer_reranks_the_hybrid_hits() {
    let repo = Repo::from_fixture("python");
    repo.index();
    let v = rerank(&repo, &["add", "an", "item", "to", "the", "basket"], &[]);
    assert!(
        v["reranked_by"].as_str().unwrap().ends_with(&model_dir()),
        "{v}"
    );
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits[0]["qualified_name"], "shop/cart.py::Cart.add", "{v}");
    // Every hit carries the transformer's cosine; scores fall with rank.
    assert!(hits.iter().all(|h| h["rerank_cosine"]
        .as_f64()
        .is_some_and(|c| c.abs() <= 1.0001)));
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    // Weight 1 orders by the cosine alone.
    let v = rerank(
        &repo,
        &["add", "an", "item", "to", "the", "basket"],
        &["--rerank-weight", "1"],
    );
    let cos: Vec<f64> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["rerank_cosine"].as_f64().unwrap())
        .collect();
    assert!(cos.windows(2).all(|w| w[0] >= w[1] - 1e-9), "{cos:?}");
}

#[test]
fn a_missing_runtime_or_model_is_a_clear_error() {
    let repo = Repo::from_fixture("python");
    repo.index();
    let out = repo
        .cmd()
        .args(["search", "cart", "--rerank", "--model-dir", &model_dir()])
        .args(["--ort-lib", "/nonexistent/libonnxruntime.so"])
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("does not exist") && !err.contains("panicked"),
        "{err}"
    );
    let empty = tempfile::tempdir().unwrap();
    let out = repo
        .cmd()
        .args(["search", "cart", "--rerank", "--model-dir"])
        .arg(empty.path())
        .args(["--ort-lib", &ort_lib()])
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("model.onnx") && !err.contains("panicked"),
        "{err}"
    );
    // --rerank needs a model folder and re-ranks hybrid search only.
    repo.cmd()
        .env_remove("LEINDEX_MODEL_DIR")
        .args(["search", "cart", "--rerank"])
        .assert()
        .code(2);
    repo.cmd()
        .args([
            "search",
            "cart",
            "--rerank",
            "--mode",
            "lexical",
            "--model-dir",
            &model_dir(),
        ])
        .args(["--ort-lib", &ort_lib()])
        .assert()
        .code(2);
}

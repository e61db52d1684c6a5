//! `leindex search` (lexical): BM25 ranking over names, split identifiers, signatures
//! and docs; identifier queries; filters; `--context`; the centrality prior only when
//! the graph is resolved; no hits is not an error.

use serde_json::Value;

use crate::common::Repo;

fn search(repo: &Repo, args: &[&str]) -> Value {
    repo.json(&[&["search"], args].concat())
}

/// `search --mode lexical`: BM25 and the centrality prior only.
fn lexical(repo: &Repo, args: &[&str]) -> Value {
    repo.json(&[&["search", "--mode", "lexical"], args].concat())
}

fn names(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["qualified_name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn words_find_the_symbol_that_has_them_all_first() {
    let repo = Repo::from_fixture("python");
    repo.index();
    let v = lexical(&repo, &["loyalty", "discount", "rate"]);
    assert_eq!(v["mode"], "lexical");
    assert_eq!(
        v["terms"],
        serde_json::json!(["loyalty", "discount", "rate"])
    );
    let hits = v["hits"].as_array().unwrap();
    let first = &hits[0];
    assert_eq!(first["qualified_name"], "shop/pricing.py::loyalty_rate");
    assert_eq!(first["name"], "loyalty_rate");
    assert_eq!(first["kind"], "function");
    assert_eq!(first["file"], "shop/pricing.py");
    assert_eq!(
        (first["line"].as_u64(), first["end_line"].as_u64()),
        (Some(35), Some(37))
    );
    assert_eq!(first["rank"], 1);
    // Scores never rise down the list; every hit shares a word with the query.
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(scores.iter().all(|&s| s > 0.0), "{scores:?}");
    for h in hits {
        let text = format!(
            "{} {} {}",
            h["qualified_name"],
            h["signature"],
            h["doc"].as_str().unwrap_or("")
        )
        .to_lowercase();
        assert!(
            ["loyalty", "discount", "rate"]
                .iter()
                .any(|w| text.contains(w)),
            "{text}"
        );
    }
}

#[test]
fn identifiers_are_split_into_words() {
    let repo = Repo::from_fixture("typescript");
    repo.index();
    // `applyDiscount` is found by its camelCase name and by its words.
    assert_eq!(
        names(&search(&repo, &["applyDiscount"]))[0],
        "src/pricing.ts::applyDiscount"
    );
    assert_eq!(
        names(&search(&repo, &["apply_discount"]))[0],
        "src/pricing.ts::applyDiscount"
    );
    assert_eq!(
        names(&search(&repo, &["apply", "discount"]))[0],
        "src/pricing.ts::applyDiscount"
    );
}

#[test]
fn filters_and_limit() {
    let repo = Repo::from_fixture("python");
    repo.index();
    let all = names(&lexical(&repo, &["cart", "total", "--limit", "50"]));
    assert!(all.len() > 3, "{all:?}");
    let v = search(
        &repo,
        &["cart", "total", "--kind", "method", "--limit", "50"],
    );
    assert!(v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["kind"] == "method"));
    assert!(!names(&v).is_empty());
    let v = search(
        &repo,
        &["cart", "total", "--path", "tests/", "--limit", "50"],
    );
    assert!(
        names(&v).iter().all(|n| n.starts_with("tests/")),
        "{:?}",
        names(&v)
    );
    assert!(!names(&v).is_empty());
    let v = lexical(&repo, &["cart", "total", "--limit", "2"]);
    assert_eq!(names(&v), all[..2].to_vec());
    // Another language: nothing, and that is not an error.
    let v = search(&repo, &["cart", "--lang", "go"]);
    assert!(names(&v).is_empty());
    let out = repo
        .cmd()
        .args(["search", "zzqqxx", "--mode", "lexical"])
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("No symbol matches"));
    repo.cmd()
        .args(["search", "x", "--kind", "widget"])
        .assert()
        .code(2);
    Repo::empty().cmd().args(["search", "x"]).assert().code(3);
}

#[test]
fn context_lines_come_from_the_file() {
    let repo = Repo::from_fixture("python");
    repo.index();
    let v = search(
        &repo,
        &["loyalty", "rate", "--context", "2", "--limit", "1"],
    );
    assert_eq!(
        v["code"],
        serde_json::json!([
            "def loyalty_rate(years: int) -> float:\n    \"\"\"Discount rate for a customer of ``years`` standing.\"\"\""
        ])
    );
    let out = repo
        .cmd()
        .args([
            "search",
            "loyalty",
            "rate",
            "--context",
            "2",
            "--limit",
            "1",
        ])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        text.starts_with("1. shop/pricing.py::loyalty_rate (function) shop/pricing.py:35"),
        "{text}"
    );
    assert!(
        text.contains("    def loyalty_rate(years: int) -> float:\n"),
        "{text}"
    );
}

#[test]
fn the_centrality_prior_applies_once_the_graph_is_resolved() {
    let repo = Repo::from_fixture("python");
    repo.index();
    let before = lexical(&repo, &["apply", "discount"]);
    assert_eq!(before["centrality_prior"], false);
    assert!(before["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["score"] == h["bm25"] && h["centrality"] == 0.0));
    repo.cmd().args(["graph"]).assert().success(); // resolves
    let after = lexical(&repo, &["apply", "discount"]);
    assert_eq!(after["centrality_prior"], true);
    for h in after["hits"].as_array().unwrap() {
        let (s, b, c) = (
            h["score"].as_f64().unwrap(),
            h["bm25"].as_f64().unwrap(),
            h["centrality"].as_f64().unwrap(),
        );
        assert!(c > 0.0, "{h}");
        assert!((s - b * (1.0 + 0.1 * (1.0 + c).ln())).abs() < 1e-9, "{h}");
    }
}

#[test]
fn index_embeds_every_symbol_once_then_only_what_changed() {
    let repo = Repo::from_fixture("python");
    let first = repo.index_json(&[]);
    let symbols = first["symbols"].as_u64().unwrap();
    let e = &first["embeddings"];
    assert_eq!(e["model"], "leindex-code-v1", "{first}");
    assert_eq!(e["embedded"].as_u64(), Some(symbols), "{first}");
    assert_eq!(e["reused"], 0, "{first}");
    assert!(repo.path(".leindex/vectors.bin").is_file());
    let run = |args: &[&str]| {
        let out = repo
            .cmd()
            .args(["search", "--json"])
            .args(args)
            .assert()
            .success();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        (crate::common::parse_json(out.get_output()), stderr)
    };
    // The index run embedded everything: search embeds nothing.
    let (v, stderr) = run(&["loyalty", "discount"]);
    assert!(!stderr.contains("embedded"), "{stderr}");
    assert_eq!(v["mode"], "hybrid");
    let hits = v["hits"].as_array().unwrap();
    assert!(hits.iter().any(|h| h["cosine"].is_number()), "{v}");
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert_eq!(repo.status()["model_id"], "leindex-code-v1");
    // Nothing changed: nothing embedded.
    let again = repo.index_json(&[]);
    assert_eq!(again["embeddings"]["embedded"], 0, "{again}");
    assert_eq!(again["embeddings"]["reused"].as_u64(), Some(symbols));
    // One new function: it alone is embedded; the rest is kept.
    repo.append(
        "shop/pricing.py",
        "\n\ndef seasonal_rate(month: int) -> float:\n    return 0.1 if month == 12 else 0.0\n",
    );
    let third = repo.index_json(&[]);
    assert_eq!(third["embeddings"]["embedded"], 1, "{third}");
    assert_eq!(third["embeddings"]["reused"].as_u64(), Some(symbols));
    let (v, _) = run(&["seasonal", "rate"]);
    assert_eq!(names(&v)[0], "shop/pricing.py::seasonal_rate");
    // Semantic alone ranks by cosine.
    let (v, _) = run(&["seasonal", "rate", "--mode", "semantic"]);
    assert_eq!(v["mode"], "semantic");
    assert!(v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["cosine"].is_number()));
}

#[test]
fn with_no_embed_the_first_search_embeds_what_the_index_run_left() {
    let repo = Repo::from_fixture("python");
    let first = repo.index_json(&["--no-embed"]);
    assert!(first.get("embeddings").is_none(), "{first}");
    assert!(!repo.path(".leindex/vectors.bin").exists());
    assert!(repo.status()["vectors"].is_null());
    let symbols = first["symbols"].as_u64().unwrap();
    let out = repo
        .cmd()
        .args(["search", "loyalty", "discount"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains(&format!(
            "embedded {symbols} symbols with leindex-code-v1 (0 kept"
        )),
        "{stderr}"
    );
    // Lexical search needs no vectors and builds none.
    let repo = Repo::from_fixture("python");
    repo.index_json(&["--no-embed"]);
    repo.cmd()
        .args(["search", "--mode", "lexical", "loyalty"])
        .assert()
        .success();
    assert!(!repo.path(".leindex/vectors.bin").exists());
}

#[test]
fn a_damaged_or_missing_vectors_file_is_rebuilt_not_trusted() {
    let repo = Repo::from_fixture("python");
    let symbols = repo.index_json(&[])["symbols"].as_u64().unwrap();
    let expected = semantic_hits(&repo);
    for damage in ["truncate", "garbage", "remove", "foreign stamp"] {
        let path = repo.path(".leindex/vectors.bin");
        let bytes = std::fs::read(&path).unwrap();
        match damage {
            "truncate" => std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap(),
            "garbage" => std::fs::write(&path, vec![0xA5u8; bytes.len()]).unwrap(),
            "remove" => std::fs::remove_file(&path).unwrap(),
            _ => {
                // A well-formed file of another run (another stamp): not this index's.
                let mut b = bytes.clone();
                b[16] ^= 0xFF;
                std::fs::write(&path, b).unwrap();
            }
        }
        let out = repo
            .cmd()
            .args([
                "search", "--mode", "semantic", "--json", "loyalty", "discount",
            ])
            .assert()
            .success();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(stderr.contains("embedded"), "{damage}: {stderr}");
        if damage == "foreign stamp" {
            // Its vectors are still right for the same bodies: kept, not recomputed.
            assert!(
                stderr.contains(&format!(
                    "embedded 0 symbols with leindex-code-v1 ({symbols} kept"
                )),
                "{stderr}"
            );
        }
        let v = crate::common::parse_json(out.get_output());
        assert_eq!(names(&v), expected, "{damage}");
    }
}

/// The names of a semantic search's hits.
fn semantic_hits(repo: &Repo) -> Vec<String> {
    let v = repo.json(&["search", "--mode", "semantic", "loyalty", "discount"]);
    names(&v)
}

#[test]
fn the_shipped_model_finds_code_by_meaning() {
    let repo = Repo::from_fixture("python");
    repo.index();
    // "loyal" is not a word of the code ("loyalty" is), nor is "basket": the shipped
    // model (models/leindex-code-v1) still ranks the right symbol first.
    let cases = [
        (
            &[
                "how", "many", "years", "a", "customer", "has", "been", "loyal",
            ][..],
            "shop/pricing.py::loyalty_rate",
        ),
        (
            &["add", "an", "item", "to", "the", "basket"],
            "shop/cart.py::Cart.add",
        ),
    ];
    for (q, want) in cases {
        for mode in ["hybrid", "semantic"] {
            let v = search(&repo, &[q, &["--mode", mode]].concat());
            assert_eq!(v["mode"], mode);
            assert_eq!(names(&v)[0], want, "{q:?} {mode}");
        }
    }
}

#[test]
fn index_and_search_work_with_no_network_at_all() {
    // In a new network namespace (not even loopback is up), with an empty HOME and no
    // model cache: the model is in the binary, so index and search work as ever.
    let repo = Repo::from_fixture("python");
    let home = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("leindex");
    let offline = |args: &[&str]| {
        let out = std::process::Command::new("unshare")
            .arg("--net")
            .arg(&bin)
            .args(args)
            .current_dir(repo.path("."))
            .env("HOME", home.path())
            .env_remove("HF_HOME")
            .env_remove("XDG_CACHE_HOME")
            .output()
            .expect("unshare (util-linux) runs");
        assert!(
            out.status.success(),
            "leindex {args:?} offline: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    // The namespace really has no network: nothing can be reached, not even loopback.
    let probe = std::process::Command::new("unshare")
        .args(["--net", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9"])
        .output()
        .expect("unshare runs bash");
    let err = String::from_utf8_lossy(&probe.stderr);
    assert!(
        !probe.status.success() && err.contains("unreachable"),
        "{err}"
    );
    let out = offline(&["index", "--json"]);
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["embeddings"]["model"], "leindex-code-v1");
    let out = offline(&[
        "search", "--json", "--mode", "semantic", "add", "an", "item", "to", "the", "basket",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(names(&v)[0], "shop/cart.py::Cart.add", "{v}");
}

#[test]
fn an_edit_writes_a_small_delta_beside_the_vectors_file() {
    let repo = Repo::from_fixture("python");
    repo.index_json(&[]);
    let base = repo.path(".leindex/vectors.bin");
    let before = std::fs::read(&base).unwrap();
    // A new function and a removed one.
    repo.append(
        "shop/pricing.py",
        "\n\ndef seasonal_rate(month: int) -> float:\n    return 0.1 if month == 12 else 0.0\n",
    );
    let text = String::from_utf8(repo.read("shop/pricing.py")).unwrap();
    assert!(text.contains("def loyalty_rate("), "fixture changed?");
    let start = text.find("def loyalty_rate(").unwrap();
    let end = text[start..]
        .find("\n\n\n")
        .map_or(text.len(), |e| start + e);
    repo.write(
        "shop/pricing.py",
        format!("{}{}", &text[..start], &text[end..]),
    );
    let run = repo.index_json(&[]);
    assert_eq!(run["embeddings"]["embedded"], 1, "{run}");
    // The file itself is untouched; the change is in the delta.
    assert_eq!(std::fs::read(&base).unwrap(), before);
    assert!(repo.path(".leindex/vectors.delta").is_file());
    let status = repo.status();
    let vectors = &status["vectors"];
    assert_eq!(vectors["symbols"], status["symbols"], "{status}");
    assert_eq!(vectors["clusters"], 0);
    assert_eq!(vectors["current"], true);
    // pricing.py's symbols have new ids: all of them are added rows and their old rows
    // retired; one function came (seasonal_rate) and one went (loyalty_rate), so as
    // many rows were added as retired.
    let (added, dead) = (
        vectors["delta_added"].as_u64().unwrap(),
        vectors["delta_dead"].as_u64().unwrap(),
    );
    assert!(added >= 1 && added == dead, "{vectors}");
    let names_of = |q: &[&str]| {
        let v = repo.json(&[&["search", "--mode", "semantic", "--limit", "50"][..], q].concat());
        names(&v)
    };
    assert_eq!(
        names_of(&["seasonal", "rate"])[0],
        "shop/pricing.py::seasonal_rate"
    );
    let all = names_of(&["loyalty", "rate", "years"]);
    assert!(
        !all.iter().any(|n| n.ends_with("::loyalty_rate")),
        "{all:?}"
    );
    // Search reads file and delta as one: nothing is rebuilt.
    let out = repo
        .cmd()
        .args(["search", "seasonal", "rate"])
        .assert()
        .success();
    assert!(!String::from_utf8_lossy(&out.get_output().stderr).contains("embedded"));
    // A delta that does not belong to the file (another file's stamp) is not used: the
    // vectors are rebuilt (from the file's rows by body hash) and stay right.
    let delta = repo.path(".leindex/vectors.delta");
    let mut d = std::fs::read(&delta).unwrap();
    d[20] ^= 0xFF; // first byte of the file's stamp
    std::fs::write(&delta, d).unwrap();
    let out = repo
        .cmd()
        .args(["search", "--json", "--mode", "semantic", "seasonal", "rate"])
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("embedded"));
    assert_eq!(
        names(&crate::common::parse_json(out.get_output()))[0],
        "shop/pricing.py::seasonal_rate"
    );
}

#[test]
fn a_doc_comment_edit_above_the_code_embeds_the_symbol_again() {
    // Go doc comments sit above the function, outside its span: editing one alone
    // must still give the symbol a new vector (it is made from the doc too).
    let repo = Repo::from_fixture("go");
    let first = repo.index_json(&[]);
    assert!(first["embeddings"]["embedded"].as_u64().unwrap() > 0);
    let text = String::from_utf8(repo.read("cart/cart.go")).unwrap();
    let edited = text.replace(
        "// Add puts quantity units of item in the cart.",
        "// Add puts quantity units of item in the shopping basket, merging duplicates.",
    );
    assert_ne!(text, edited, "fixture changed?");
    repo.write("cart/cart.go", edited);
    let again = repo.index_json(&[]);
    let e = &again["embeddings"];
    assert_eq!(e["embedded"], 1, "{again}");
}

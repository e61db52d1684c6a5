//! Incremental indexing: a re-index after edits must report what changed and leave the
//! index exactly as a fresh `--rebuild` would.
//!
//! ASSUMPTION (summary shape): `leindex index --json` prints
//! `{"schema_version": 1, "files": {"new", "changed", "unchanged", "removed", "skipped"},
//!   "symbols": N, "call_sites": N, ...}` where `symbols` / `call_sites` count what the
//! whole index holds after the run.

use serde_json::Value;

use crate::common::*;

/// The Python fixture has five source files.
const PY_FILES: u64 = 5;

const NEW_FILE: &str = "shop/shipping.py";
const NEW_FILE_TEXT: &str = r#""""Shipping costs by weight."""

from .models import MAX_QUANTITY

FREE_ABOVE = 50.0


def shipping_cost(weight_kg: float, subtotal: float) -> float:
    """Flat rate per kilogram; free above ``FREE_ABOVE``."""
    if subtotal >= FREE_ABOVE:
        return 0.0
    return round(4.5 + 1.2 * weight_kg, 2)
"#;

const ADDED_TO_PRICING: &str = r#"

def clamp_rate(rate: float) -> float:
    """Keep a discount rate within 0..1."""
    return max(0.0, min(rate, 1.0))
"#;

fn files(summary: &Value) -> (u64, u64, u64, u64, u64) {
    let f = summary
        .get("files")
        .unwrap_or_else(|| panic!("no `files` in the index summary: {summary:#}"));
    (
        n(f, "new"),
        n(f, "changed"),
        n(f, "unchanged"),
        n(f, "removed"),
        n(f, "skipped"),
    )
}

/// Edit the copy: change one file, add one, delete one.
fn edit(repo: &Repo) {
    repo.append("shop/pricing.py", ADDED_TO_PRICING);
    repo.write(NEW_FILE, NEW_FILE_TEXT);
    repo.remove("tests/test_cart.py");
}

fn find<'a>(doc: &'a Value, qualified_name: &str) -> Option<&'a Value> {
    json_array(doc, "symbols")
        .iter()
        .find(|s| s["qualified_name"] == qualified_name)
}

#[test]
fn first_index_reports_every_file_as_new() {
    let repo = Repo::from_fixture("python");
    let summary = repo.index_json(&[]);
    assert_eq!(summary["schema_version"], 1);
    assert_eq!(files(&summary), (PY_FILES, 0, 0, 0, 0), "{summary:#}");
    assert!(n(&summary, "call_sites") > 0, "{summary:#}");
}

#[test]
fn index_summary_symbol_count_matches_symbols_command() {
    let repo = Repo::from_fixture("python");
    let summary = repo.index_json(&[]);
    let symbols = repo.symbols();
    assert_eq!(n(&summary, "symbols"), n(&symbols, "count"), "{summary:#}");
}

#[test]
fn reindex_without_changes_reports_every_file_unchanged() {
    let repo = Repo::from_fixture("python");
    repo.index();
    let summary = repo.index_json(&[]);
    assert_eq!(files(&summary), (0, 0, PY_FILES, 0, 0), "{summary:#}");
}

#[test]
fn rewriting_a_file_with_the_same_content_is_unchanged() {
    // Same bytes, new modification time: the content hash decides.
    let repo = Repo::from_fixture("python");
    repo.index();
    let text = repo.read("shop/cart.py");
    std::thread::sleep(std::time::Duration::from_millis(20));
    repo.write("shop/cart.py", &text);
    let summary = repo.index_json(&[]);
    assert_eq!(files(&summary), (0, 0, PY_FILES, 0, 0), "{summary:#}");
}

#[test]
fn incremental_index_reports_new_changed_and_removed_files() {
    let repo = Repo::from_fixture("python");
    repo.index();
    edit(&repo);
    let summary = repo.index_json(&[]);
    assert_eq!(files(&summary), (1, 1, PY_FILES - 2, 1, 0), "{summary:#}");
}

#[test]
fn incremental_index_picks_up_new_and_changed_symbols() {
    let repo = Repo::from_fixture("python");
    repo.index();
    edit(&repo);
    repo.index();
    let doc = repo.symbols();
    let added = find(&doc, "shop/shipping.py::shipping_cost").expect("symbol of the new file");
    assert_eq!((n(added, "line"), n(added, "end_line")), (8, 12));
    let appended =
        find(&doc, "shop/pricing.py::clamp_rate").expect("symbol added to a changed file");
    assert_eq!((n(appended, "line"), n(appended, "end_line")), (72, 74));
    assert!(
        find(&doc, "shop/pricing.py::quote").is_some(),
        "old symbols of the changed file stay"
    );
}

#[test]
fn incremental_index_drops_symbols_of_removed_files() {
    let repo = Repo::from_fixture("python");
    repo.index();
    edit(&repo);
    repo.index();
    let doc = repo.symbols();
    let left: Vec<&Value> = json_array(&doc, "symbols")
        .iter()
        .filter(|s| s["file"] == "tests/test_cart.py")
        .collect();
    assert!(
        left.is_empty(),
        "symbols of a deleted file remain: {left:#?}"
    );
}

#[test]
fn incremental_index_matches_a_fresh_rebuild() {
    let repo = Repo::from_fixture("python");
    repo.index();
    edit(&repo);
    repo.index();
    let incremental = repo.symbols();
    let incremental_outline = repo.outline("shop/pricing.py");

    repo.cmd()
        .arg("index")
        .arg(repo.root())
        .arg("--rebuild")
        .arg("--quiet")
        .assert()
        .success();
    let rebuilt = repo.symbols();
    let rebuilt_outline = repo.outline("shop/pricing.py");

    assert_eq!(n(&incremental, "count"), n(&rebuilt, "count"));
    let (a, b) = (
        symbols_without_ids(&incremental),
        symbols_without_ids(&rebuilt),
    );
    if a != b {
        let a_names: Vec<&str> = a
            .iter()
            .map(|s| s["qualified_name"].as_str().unwrap_or("?"))
            .collect();
        let b_names: Vec<&str> = b
            .iter()
            .map(|s| s["qualified_name"].as_str().unwrap_or("?"))
            .collect();
        assert_eq!(
            a_names, b_names,
            "incremental and rebuilt indexes hold different symbols"
        );
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x, y, "symbol differs between incremental and rebuilt index");
        }
    }
    assert_eq!(
        strip_ids(incremental_outline),
        strip_ids(rebuilt_outline),
        "outline of the changed file differs between incremental and rebuilt index"
    );
}

#[test]
fn node_ids_are_stable_for_unchanged_files() {
    let repo = Repo::from_fixture("python");
    repo.index();
    let before = repo.symbols();
    edit(&repo);
    repo.index();
    let after = repo.symbols();
    let ids = |doc: &Value| -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = json_array(doc, "symbols")
            .iter()
            .filter(|s| s["file"] == "shop/models.py")
            .map(|sym| (s(sym, "qualified_name").to_string(), n(sym, "id")))
            .collect();
        v.sort();
        v
    };
    let (b, a) = (ids(&before), ids(&after));
    assert!(!b.is_empty(), "shop/models.py has symbols");
    assert_eq!(
        b, a,
        "ids of an unchanged file's symbols changed across a re-index"
    );
}

/// A JSON document with every `id` field removed, at any depth.
fn strip_ids(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                map.remove("id");
                map.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

/// Files are parsed by as many threads as there are cores, in whatever order they finish,
/// but written in path order: the same files get the same ids and rows however many
/// threads parsed them (here one, where the writing thread parses everything itself, and
/// four, over a few hundred files so that they finish out of order).
#[test]
fn ids_do_not_depend_on_the_number_of_threads() {
    let repo = Repo::from_fixture("mixed");
    for i in 0..300 {
        // Uneven sizes, so that threads overtake one another.
        let body: String = (0..(i * 7) % 40)
            .map(|k| format!("    x = x + {k}\n"))
            .collect();
        repo.write(
            &format!("gen/m{i:03}.py"),
            format!("def f{i}(x):\n{body}    return g{i}(x)\n\n\ndef g{i}(x):\n    return x\n"),
        );
    }
    let build = |threads: &str| {
        repo.cmd()
            .env("RAYON_NUM_THREADS", threads)
            .arg("index")
            .arg(repo.root())
            .arg("--rebuild")
            .arg("--no-embed")
            .arg("--quiet")
            .assert()
            .success();
        repo.symbols()
    };
    let one = build("1");
    let four = build("4");
    assert!(
        n(&one, "count") > 600,
        "the fixture and the generated files have symbols"
    );
    assert_eq!(
        one, four,
        "symbols (with ids) differ between 1 and 4 threads"
    );
}

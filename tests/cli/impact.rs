//! `leindex impact`: targets by qualified name, partial name, FILE:LINE and external
//! placeholder; direction, depth and confidence filters; tests and files affected; the
//! exit codes (not found, ambiguous, --fail-above); DOT; `--since` on a git repository;
//! cycles.

use crate::common::{parse_json, Repo};
use serde_json::Value;

fn impact(repo: &Repo, args: &[&str]) -> Value {
    repo.json(&[&["impact"], args].concat())
}

fn names(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["qualified_name"].as_str().unwrap().to_string())
        .collect()
}

fn find<'a>(v: &'a Value, qname: &str) -> &'a Value {
    v["affected"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["qualified_name"] == qname)
        .unwrap_or_else(|| panic!("{qname} not affected: {:#?}", names(v, "affected")))
}

fn python() -> Repo {
    let repo = Repo::from_fixture("python");
    repo.index();
    repo
}

#[test]
fn callers_are_reported_by_depth_with_paths_files_and_tests() {
    let repo = python();
    let v = impact(&repo, &["apply_discount"]);
    assert_eq!(names(&v, "targets"), ["shop/pricing.py::apply_discount"]);
    let quote = find(&v, "shop/pricing.py::quote");
    assert_eq!(quote["depth"], 1);
    assert_eq!(quote["confidence"], "exact");
    assert_eq!(quote["via"], "calls");
    assert_eq!(quote["file"], "shop/pricing.py");
    assert!(quote["line"].as_u64().unwrap() > 1);
    let lt = find(&v, "shop/cart.py::Cart.loyalty_total");
    assert_eq!(lt["depth"], 1);
    assert_eq!(lt["confidence"], "import");
    // Depth 2 through quote, with the path that reaches it.
    let total = find(&v, "shop/cart.py::Cart.total");
    assert_eq!(total["depth"], 2);
    assert_eq!(
        total["path"],
        serde_json::json!([
            "shop/pricing.py::apply_discount",
            "shop/pricing.py::quote",
            "shop/cart.py::Cart.total"
        ])
    );
    let tests = names(&v, "tests");
    assert!(
        tests.contains(&"tests/test_cart.py::CartTest.test_total_uses_quote".to_string()),
        "{tests:?}"
    );
    assert!(!tests.contains(&"tests/test_cart.py::CartTest.setUp".to_string()));
    let files: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(
        files.contains(&"shop/cart.py") && files.contains(&"tests/test_cart.py"),
        "{files:?}"
    );
    assert!(v["summary"]["affected"].as_u64().unwrap() >= 4);
    assert!(["low", "medium", "high"].contains(&v["summary"]["risk"].as_str().unwrap()));
    assert!(v["completeness"]["complete"].is_boolean());
}

#[test]
fn depth_direction_and_confidence_filter_the_walk() {
    let repo = python();
    let v = impact(&repo, &["apply_discount", "--depth", "1"]);
    assert!(v["affected"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["depth"] == 1));
    assert_eq!(v["max_depth"], 1);
    // Only exact edges: the import-resolved caller in cart.py drops out.
    let v = impact(&repo, &["apply_discount", "--min-confidence", "exact"]);
    assert!(!names(&v, "affected").contains(&"shop/cart.py::Cart.loyalty_total".to_string()));
    assert!(names(&v, "affected").contains(&"shop/pricing.py::quote".to_string()));
    // Down: what loyalty_total depends on.
    let v = impact(&repo, &["Cart.loyalty_total", "--direction", "down"]);
    let down = names(&v, "affected");
    for q in [
        "shop/pricing.py::loyalty_rate",
        "shop/pricing.py::apply_discount",
        "shop/cart.py::Cart.total",
        "shop/pricing.py::quote",
    ] {
        assert!(down.contains(&q.to_string()), "{q} not in {down:?}");
    }
    assert!(v["affected"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["direction"] == "down"));
    let v = impact(&repo, &["Cart.total", "--direction", "both"]);
    let dirs: std::collections::HashSet<&str> = v["affected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["direction"].as_str().unwrap())
        .collect();
    assert_eq!(dirs.len(), 2);
}

#[test]
fn targets_by_file_line_and_external_placeholder() {
    let repo = python();
    // Line 35 is inside Cart.add.
    let v = impact(&repo, &["shop/cart.py:35"]);
    assert_eq!(names(&v, "targets"), ["shop/cart.py::Cart.add"]);
    // Who uses a library function: the module-level code of pricing.py.
    let v = impact(&repo, &["logging.getLogger"]);
    assert_eq!(v["targets"][0]["kind"], "external");
    let a = find(&v, "shop/pricing.py");
    assert_eq!(a["kind"], "file");
}

#[test]
fn not_found_ambiguous_and_fail_above_have_their_exit_codes() {
    let repo = python();
    let out = repo
        .cmd()
        .args(["impact", "no_such_symbol"])
        .assert()
        .code(6);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("no symbol matches"));
    let out = repo.cmd().args(["impact", "__init__"]).assert().code(7);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("shop/cart.py::Cart.__init__")
            && err.contains("shop/models.py::Base.__init__"),
        "{err}"
    );
    let v = impact(&repo, &["__init__", "--all"]);
    assert_eq!(v["targets"].as_array().unwrap().len(), 3);
    // Found, nothing affected: success with an empty list.
    let v = impact(&repo, &["DigitalProduct.shipping_weight"]);
    assert_eq!(v["affected"].as_array().unwrap().len(), 0);
    assert_eq!(v["summary"]["risk"], "low");
    // The CI gate: the JSON is still printed, then exit 8.
    let out = repo
        .cmd()
        .args(["impact", "apply_discount", "--json", "--fail-above", "1"])
        .assert()
        .code(8);
    let v = parse_json(out.get_output());
    assert!(v["summary"]["affected"].as_u64().unwrap() > 1);
    repo.cmd()
        .args(["impact", "apply_discount", "--fail-above", "1000"])
        .assert()
        .success();
}

#[test]
fn table_and_dot_outputs() {
    let repo = python();
    let out = repo
        .cmd()
        .args(["impact", "apply_discount"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        text.contains("Target: shop/pricing.py::apply_discount"),
        "{text}"
    );
    assert!(
        text.contains("shop/pricing.py::quote") && text.contains("Tests to run"),
        "{text}"
    );
    assert!(text.contains("Risk: "), "{text}");
    let out = repo
        .cmd()
        .args(["impact", "apply_discount", "--format", "dot"])
        .assert()
        .success();
    let dot = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(dot.starts_with("digraph impact {"), "{dot}");
    assert!(dot.contains("label=\"shop/pricing.py::quote\""));
    assert!(dot.contains("calls (exact)"));
    assert!(dot.trim_end().ends_with('}'));
}

#[test]
fn cycles_are_walked_once() {
    let repo = Repo::empty();
    repo.write("m.py", "def a(n):\n    return b(n - 1) if n else 0\n\n\ndef b(n):\n    return a(n)\n\n\ndef c():\n    return a(3)\n");
    repo.index();
    let v = impact(&repo, &["a"]);
    let got = names(&v, "affected");
    assert_eq!(got, ["m.py::b", "m.py::c"], "{got:?}");
    let v = impact(&repo, &["a", "--direction", "down"]);
    assert_eq!(names(&v, "affected"), ["m.py::b"]);
}

#[test]
fn since_reports_the_symbols_changed_in_git_and_their_impact() {
    let repo = python();
    repo.git(&["init", "-q"]);
    std::fs::write(repo.path(".gitignore"), ".leindex/\n").unwrap();
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "base"]);
    let src = String::from_utf8(repo.read("shop/pricing.py")).unwrap();
    let changed = src.replace(
        "return round(total * (1 - rate), 2)",
        "return round(total * (1.0 - rate), 2)",
    );
    assert_ne!(
        src, changed,
        "the fixture still has the line this test edits"
    );
    repo.write("shop/pricing.py", changed);
    repo.index();
    let v = impact(&repo, &["--since", "HEAD"]);
    assert_eq!(names(&v, "targets"), ["shop/pricing.py::apply_discount"]);
    assert!(names(&v, "tests")
        .contains(&"tests/test_cart.py::CartTest.test_total_uses_quote".to_string()));
    // No change: no targets, nothing affected.
    repo.git(&["commit", "-qam", "edit"]);
    let v = impact(&repo, &["--since", "HEAD"]);
    assert_eq!(v["targets"].as_array().unwrap().len(), 0);
    // Not a revision: git's message and exit 1.
    let out = repo
        .cmd()
        .args(["impact", "--since", "no-such-rev"])
        .assert()
        .code(1);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("git failed"));
}

#[test]
fn a_types_methods_declared_outside_it_are_its_members() {
    // Go methods and Rust impl items live outside their type's body; impact on the
    // type still reaches the callers of its methods.
    let repo = Repo::from_fixture("go");
    repo.index();
    let v = impact(&repo, &["example.com/shop/cart.Cart"]);
    let got = names(&v, "affected");
    assert!(
        got.contains(&"example.com/shop.main".to_string()),
        "{got:?}"
    );
    let repo = Repo::from_fixture("rust");
    repo.index();
    let v = impact(&repo, &["shop::cart::Cart"]);
    let got = names(&v, "affected");
    assert!(
        got.contains(&"shop::cart::tests::add_refuses_duplicates".to_string()),
        "{got:?}"
    );
    assert!(names(&v, "tests").contains(&"shop::cart::tests::add_refuses_duplicates".to_string()));
}

#[test]
fn impact_of_a_field_lists_its_readers_and_writers() {
    let repo = python();
    let v = impact(&repo, &["shop/cart.py::Cart.items"]);
    assert_eq!(v["targets"][0]["kind"], "variable");
    let init = find(&v, "shop/cart.py::Cart.__init__");
    assert_eq!(
        (init["depth"].as_u64(), init["via"].as_str()),
        (Some(1), Some("writes"))
    );
    let add = find(&v, "shop/cart.py::Cart.add");
    assert_eq!(add["via"], "reads");
    // And, a level up, what calls the readers.
    find(&v, "shop/cart.py::Cart.loyalty_total");
}

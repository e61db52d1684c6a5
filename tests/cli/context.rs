//! `leindex context`: the seed always comes, whole when it fits and as a (cut)
//! signature when not; the budget is never exceeded, counted by the same tokenizer
//! over the whole output; definitions come before their users; a type's body lists
//! its methods by signature; queries seed from search; changed files are left out
//! with a warning; the exit codes.

use std::collections::HashSet;

use leindex::core::tokens::{Tokenizer, TokenizerKind};
use serde_json::Value;

use crate::common::{parse_json, Repo};

fn python() -> Repo {
    let repo = Repo::from_fixture("python");
    repo.index();
    repo
}

fn context(repo: &Repo, args: &[&str]) -> Value {
    repo.json(&[&["context"], args].concat())
}

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().expect("items")
}

fn names(v: &Value) -> Vec<String> {
    items(v)
        .iter()
        .map(|i| i["qualified_name"].as_str().unwrap().to_string())
        .collect()
}

fn item<'a>(v: &'a Value, qname: &str) -> &'a Value {
    items(v)
        .iter()
        .find(|i| i["qualified_name"] == qname)
        .unwrap_or_else(|| panic!("{qname} not in the context: {:?}", names(v)))
}

fn position(v: &Value, qname: &str) -> usize {
    names(v)
        .iter()
        .position(|n| n == qname)
        .unwrap_or_else(|| panic!("{qname} not in the context: {:?}", names(v)))
}

#[test]
fn the_seed_comes_whole_with_what_it_calls_before_it_and_its_callers_after() {
    let repo = python();
    let v = context(&repo, &["Cart.total", "--budget", "3000"]);
    let seed = item(&v, "shop/cart.py::Cart.total");
    assert_eq!(seed["form"], "body");
    assert_eq!(seed["reason"], "target");
    assert_eq!(seed["depth"], 0);
    assert_eq!(seed["file"], "shop/cart.py");
    assert_eq!(
        (seed["start_line"].as_u64(), seed["end_line"].as_u64()),
        (Some(44), Some(47))
    );
    let text = seed["text"].as_str().unwrap();
    assert!(
        text.contains("def total(self, coupon: str | None = None) -> float:"),
        "{text}"
    );
    assert!(text.contains("return quote(products, coupon)"), "{text}");
    // Its callee, its class and its caller are there, with the relation as the reason.
    let quote = item(&v, "shop/pricing.py::quote");
    assert_eq!(quote["reason"], "called by `shop/cart.py::Cart.total`");
    assert_eq!(quote["depth"], 1);
    assert_eq!(
        item(&v, "shop/cart.py::Cart.loyalty_total")["reason"],
        "calls `shop/cart.py::Cart.total`"
    );
    assert_eq!(
        item(&v, "shop/cart.py::Cart")["reason"],
        "contains `shop/cart.py::Cart.total`"
    );
    // Definitions before their users.
    assert!(position(&v, "shop/pricing.py::quote") < position(&v, "shop/cart.py::Cart.total"));
    assert!(position(&v, "shop/cart.py::Cart") < position(&v, "shop/cart.py::Cart.total"));
    assert!(
        position(&v, "shop/cart.py::Cart.total") < position(&v, "shop/cart.py::Cart.loyalty_total")
    );
    // Every item is there for a relation to another item (or is the seed).
    let included: HashSet<String> = names(&v).into_iter().collect();
    for i in items(&v) {
        let reason = i["reason"].as_str().unwrap();
        if reason == "target" {
            continue;
        }
        let from = reason
            .split('`')
            .nth(1)
            .unwrap_or_else(|| panic!("{reason}"));
        assert!(included.contains(from), "{reason}: {from} is not included");
        assert!(i["depth"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn the_budget_is_never_exceeded_by_the_whole_output() {
    let repo = python();
    let cl100k = Tokenizer::load(TokenizerKind::Cl100k).unwrap();
    let o200k = Tokenizer::load(TokenizerKind::O200k).unwrap();
    for budget in [64, 90, 150, 300, 700, 1500, 6000] {
        for expand in ["gravity", "bfs"] {
            for (name, tok) in [("cl100k", &cl100k), ("o200k", &o200k)] {
                let b = budget.to_string();
                let args = [
                    "Cart.total",
                    "--budget",
                    &b,
                    "--expand",
                    expand,
                    "--tokenizer",
                    name,
                ];
                let v = context(&repo, &args);
                let total = v["total_tokens"].as_u64().unwrap() as usize;
                assert!(total <= budget, "{args:?}: {total} tokens");
                assert_eq!(v["budget"], budget);
                assert_eq!(v["strategy"], expand);
                assert_eq!(v["tokenizer"], format!("{name}_base"));
                // The markdown, counted here with the same tokenizer.
                let out = repo.cmd().arg("context").args(args).assert().success();
                let md = String::from_utf8(out.get_output().stdout.clone()).unwrap();
                assert_eq!(tok.count(&md), total, "{args:?}\n{md}");
                // The seed is always there.
                assert!(names(&v).contains(&"shop/cart.py::Cart.total".to_string()));
                let sum: u64 = items(&v)
                    .iter()
                    .map(|i| i["tokens"].as_u64().unwrap())
                    .sum();
                assert!(
                    sum as usize <= total,
                    "{args:?}: items {sum} > total {total}"
                );
            }
        }
    }
}

#[test]
fn a_tiny_budget_still_yields_the_seeds_signature() {
    let repo = python();
    let v = context(&repo, &["shop/pricing.py::quote", "--budget", "64"]);
    assert_eq!(names(&v), ["shop/pricing.py::quote"]);
    let seed = &items(&v)[0];
    assert_eq!(seed["form"], "signature");
    let text = seed["text"].as_str().unwrap();
    assert!(text.starts_with("def quote("), "{text}");
    assert!(
        !text.contains("prices = [item.price"),
        "a signature, not the body: {text}"
    );
    // Just above the signature's size: the whole signature and doc, not cut.
    let v = context(&repo, &["shop/pricing.py::quote", "--budget", "200"]);
    let seed = item(&v, "shop/pricing.py::quote");
    assert_eq!(seed["form"], "signature");
    assert_eq!(seed["truncated"], false);
    let text = seed["text"].as_str().unwrap();
    assert!(
        text.contains("Total for ``items`` after the bulk tier"),
        "{text}"
    );
    assert!(text.trim_end().ends_with("..."), "{text}");
    // Below 64 is a usage error.
    repo.cmd()
        .args(["context", "quote", "--budget", "10"])
        .assert()
        .code(2);
}

#[test]
fn a_types_body_lists_its_methods_by_signature() {
    let repo = python();
    let v = context(&repo, &["shop/cart.py::Cart", "--budget", "4000"]);
    let cart = item(&v, "shop/cart.py::Cart");
    assert_eq!(cart["form"], "body");
    let text = cart["text"].as_str().unwrap();
    assert!(text.starts_with("class Cart:"), "{text}");
    assert!(
        text.contains("def add(self, product: Product, quantity: int = 1) -> LineItem:"),
        "{text}"
    );
    assert!(text.contains("Add ``quantity`` of ``product``"), "{text}");
    assert!(
        !text.contains("self._check(quantity)"),
        "method bodies are elided: {text}"
    );
    // The decorator stays with its method.
    assert!(text.contains("@classmethod"), "{text}");
    // Members come as items of their own.
    assert_eq!(
        item(&v, "shop/cart.py::Cart.add")["reason"],
        "member of `shop/cart.py::Cart`"
    );
}

#[test]
fn a_functions_body_shows_what_is_nested_in_it() {
    let repo = python();
    // `logged` defines `wrapper`: the body of `logged` shows it, so it is not repeated.
    let v = context(&repo, &["shop/pricing.py::logged", "--budget", "2000"]);
    let logged = item(&v, "shop/pricing.py::logged");
    assert_eq!(logged["form"], "body");
    assert!(logged["text"]
        .as_str()
        .unwrap()
        .contains("def wrapper(*args, **kwargs):"));
    assert!(!names(&v).contains(&"shop/pricing.py::logged.wrapper".to_string()));
    assert_eq!(
        logged["shows"],
        serde_json::json!(["shop/pricing.py::logged.wrapper"])
    );
}

#[test]
fn several_targets_and_queries() {
    let repo = python();
    let v = context(&repo, &["Cart.total", "apply_discount", "--budget", "2000"]);
    assert_eq!(
        v["seeds"],
        serde_json::json!([
            "shop/cart.py::Cart.total",
            "shop/pricing.py::apply_discount"
        ])
    );
    assert_eq!(
        item(&v, "shop/pricing.py::apply_discount")["reason"],
        "target"
    );
    // A query: its best search hits are the seeds.
    let v = context(&repo, &["loyalty discount rate", "--budget", "2000"]);
    let seeds: Vec<&str> = v["seeds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        seeds.contains(&"shop/pricing.py::loyalty_rate"),
        "{seeds:?}"
    );
    assert!(seeds.len() <= 3, "{seeds:?}");
    let hit = item(&v, "shop/pricing.py::loyalty_rate");
    assert!(
        hit["reason"].as_str().unwrap().starts_with("search hit "),
        "{hit}"
    );
    // --search makes a symbol's name a query too; --hits bounds the seeds.
    let v = context(
        &repo,
        &["quote", "--search", "--hits", "1", "--budget", "2000"],
    );
    assert_eq!(v["seeds"].as_array().unwrap().len(), 1);
}

#[test]
fn an_external_target_gives_the_code_that_uses_it() {
    let repo = python();
    let out = repo
        .cmd()
        .args(["context", "round", "--budget", "2000", "--json"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("round is outside the repository"),
        "{stderr}"
    );
    let v = parse_json(out.get_output());
    // `apply_discount` and `quote` call the builtin `round`.
    assert_eq!(
        item(&v, "shop/pricing.py::apply_discount")["reason"],
        "calls `round`"
    );
    assert_eq!(
        item(&v, "shop/pricing.py::quote")["reason"],
        "calls `round`"
    );
}

#[test]
fn markdown_has_a_header_reason_and_fenced_code_per_item() {
    let repo = python();
    let out = repo
        .cmd()
        .args(["context", "Cart.total", "--budget", "3000"])
        .assert()
        .success();
    let md = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(md.starts_with("# Context for Cart.total ("), "{md}");
    assert!(
        md.contains(
            "## shop/cart.py::Cart.total (method) shop/cart.py:44-47, body\ntarget\n```python\n"
        ),
        "{md}"
    );
    assert!(
        md.contains("## shop/pricing.py::quote (function) shop/pricing.py:40-"),
        "{md}"
    );
    assert_eq!(
        md.matches("```python\n").count(),
        md.matches("\n## ").count()
    );
}

#[test]
fn a_file_changed_since_indexing_is_left_out_with_a_warning() {
    let repo = python();
    repo.append("shop/pricing.py", "\n# edited after indexing\n");
    let out = repo
        .cmd()
        .args(["context", "Cart.total", "--budget", "3000", "--json"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("warning: left out shop/pricing.py::quote"),
        "{stderr}"
    );
    assert!(stderr.contains("changed since it was indexed"), "{stderr}");
    let v = parse_json(out.get_output());
    assert!(items(&v).iter().all(|i| i["file"] != "shop/pricing.py"));
    let skipped: Vec<&str> = v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["qualified_name"].as_str().unwrap())
        .collect();
    assert!(skipped.contains(&"shop/pricing.py::quote"), "{skipped:?}");
    // The seed itself still comes (its file is unchanged).
    item(&v, "shop/cart.py::Cart.total");
}

#[test]
fn exit_codes_for_nothing_found_and_ambiguous_names() {
    let repo = python();
    let out = repo.cmd().args(["context", "zzqqxx"]).assert().code(6);
    assert!(
        String::from_utf8_lossy(&out.get_output().stderr).contains("nothing in the index matches")
    );
    let out = repo.cmd().args(["context", "__init__"]).assert().code(7);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("shop/cart.py::Cart.__init__"), "{stderr}");
    let v = context(&repo, &["__init__", "--all", "--budget", "2000"]);
    assert!(v["seeds"].as_array().unwrap().len() >= 3, "{}", v["seeds"]);
    // No index.
    let empty = Repo::empty();
    empty.cmd().args(["context", "x"]).assert().code(3);
}

#[test]
fn brace_languages_show_signatures_with_their_doc_comments() {
    let repo = Repo::from_fixture("go");
    repo.index();
    let v = context(&repo, &["Cart.Total", "--budget", "500"]);
    let seed = item(&v, "example.com/shop/cart.Cart.Total");
    assert_eq!(seed["form"], "body");
    assert!(seed["text"].as_str().unwrap().starts_with(
        "// Total is the amount due in cents after the pricing rules.\nfunc (c *Cart) Total("
    ));
    assert_eq!(seed["language"], "go");
    // A callee far from the seed's file by signature: doc comment, then `{ ... }`.
    let apply = item(&v, "example.com/shop/pricing.Apply");
    assert_eq!(apply["form"], "signature");
    let text = apply["text"].as_str().unwrap();
    assert!(
        text.starts_with("// Apply runs the coupon's rule"),
        "{text}"
    );
    assert!(
        text.ends_with("func Apply(sum int, coupon string) int { ... }"),
        "{text}"
    );
    // An interface's one-line methods are shown by its body, not repeated.
    let iface = item(&v, "example.com/shop/cart.Item");
    assert_eq!(iface["form"], "body");
    assert!(!names(&v).contains(&"example.com/shop/cart.Item.Price".to_string()));
    let shows: Vec<&str> = iface["shows"]
        .as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap()).collect())
        .unwrap_or_default();
    assert!(
        shows.contains(&"example.com/shop/cart.Item.Price"),
        "{iface}"
    );
}

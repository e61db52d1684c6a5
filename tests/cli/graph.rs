//! Resolution and the graph: hand-checked edges of every fixture (`leindex graph --json`),
//! including the hard cases (aliases, re-exports, default exports, `self`/`this`/`cls`
//! through bases, `super()`, constructors, namespaces, embedding, trait and interface
//! dispatch, enum variants), and that nothing is guessed where the code says nothing.

use crate::common::{json_array, parse_json, s, Repo};
use serde_json::Value;

/// `leindex graph --json` of a freshly indexed copy of a fixture.
fn graph(fixture: &str) -> Value {
    let repo = Repo::from_fixture(fixture);
    repo.index();
    graph_json(&repo)
}

/// `leindex graph --json` of an indexed repository, which must succeed.
fn graph_json(repo: &Repo) -> Value {
    let out = repo.cmd().args(["graph", "--json"]).assert().success();
    parse_json(out.get_output())
}

/// (kind, confidence, source, target, line) of every edge but `contains`.
fn edges(g: &Value) -> Vec<(String, String, String, String, u64)> {
    g["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter(|e| e["kind"] != "contains")
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_string(),
                e["confidence"].as_str().unwrap().to_string(),
                e["source"].as_str().unwrap().to_string(),
                e["target"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[track_caller]
fn has(es: &[(String, String, String, String, u64)], kind: &str, conf: &str, src: &str, dst: &str) {
    assert!(
        es.iter()
            .any(|e| e.0 == kind && e.1 == conf && e.2 == src && e.3 == dst),
        "missing {kind} ({conf}) {src} -> {dst}; edges from {src}:\n{:#?}",
        es.iter().filter(|e| e.2 == src).collect::<Vec<_>>()
    );
}

#[track_caller]
fn lacks(es: &[(String, String, String, String, u64)], src: &str, dst: &str) {
    assert!(
        !es.iter().any(|e| e.2 == src && e.3 == dst),
        "unexpected edge {src} -> {dst}"
    );
}

#[test]
fn python_calls_resolve_through_scopes_imports_and_classes() {
    let g = graph("python");
    let es = edges(&g);
    let c = "shop/cart.py::Cart";
    // self.m() through the class; a dataclass without __init__ is called as the class.
    has(
        &es,
        "calls",
        "exact",
        &format!("{c}.add"),
        &format!("{c}._check"),
    );
    has(
        &es,
        "calls",
        "exact",
        &format!("{c}.add"),
        "shop/cart.py::LineItem",
    );
    // `from .pricing import quote`, `import shop.pricing as pricing`, an alias.
    has(
        &es,
        "calls",
        "import",
        &format!("{c}.total"),
        "shop/pricing.py::quote",
    );
    has(
        &es,
        "calls",
        "import",
        &format!("{c}.loyalty_total"),
        "shop/pricing.py::loyalty_rate",
    );
    has(
        &es,
        "calls",
        "import",
        &format!("{c}.loyalty_total"),
        "shop/pricing.py::apply_discount",
    );
    has(
        &es,
        "calls",
        "exact",
        &format!("{c}.loyalty_total"),
        &format!("{c}.total"),
    );
    // cls(...) is the constructor; `from . import models` then models.Product.from_row.
    has(
        &es,
        "calls",
        "exact",
        &format!("{c}.from_skus"),
        &format!("{c}.__init__"),
    );
    has(
        &es,
        "calls",
        "import",
        &format!("{c}.from_skus"),
        "shop/models.py::Product.from_row",
    );
    // super().__init__ and a constructor inside the class's own static method.
    has(
        &es,
        "calls",
        "exact",
        "shop/models.py::Product.__init__",
        "shop/models.py::Base.__init__",
    );
    has(
        &es,
        "calls",
        "exact",
        "shop/models.py::Product.from_row",
        "shop/models.py::Product.__init__",
    );
    // Through the package's __init__.py re-export.
    has(
        &es,
        "calls",
        "import",
        "tests/test_cart.py::CartTest.setUp",
        &format!("{c}.__init__"),
    );
    has(
        &es,
        "calls",
        "import",
        "tests/test_cart.py::CartTest.test_total_uses_quote",
        "shop/pricing.py::quote",
    );
    // Inheritance, and an external base's methods.
    has(
        &es,
        "inherits",
        "exact",
        "shop/models.py::DigitalProduct",
        "shop/models.py::Product",
    );
    has(
        &es,
        "inherits",
        "exact",
        "shop/models.py::DigitalProduct",
        "shop/models.py::Taxable",
    );
    has(
        &es,
        "inherits",
        "exact",
        "shop/models.py::Product",
        "shop/models.py::Base",
    );
    has(
        &es,
        "calls",
        "import",
        "tests/test_cart.py::CartTest.test_add_returns_line",
        "unittest.TestCase.assertEqual",
    );
    // Imports: file -> imported file of the repository (not the standard library).
    has(&es, "imports", "import", "shop/cart.py", "shop/pricing.py");
    has(&es, "imports", "import", "shop/cart.py", "shop/models.py");
    has(
        &es,
        "imports",
        "import",
        "tests/test_cart.py",
        "shop/__init__.py",
    );
    lacks(&es, "shop/cart.py", "typing");
    // Module-level code calls from the file; a library function is an external placeholder.
    has(
        &es,
        "calls",
        "import",
        "shop/pricing.py",
        "logging.getLogger",
    );
    // Typed names: a module-level variable holding a library call's result, an
    // annotated field, a local assigned a constructor call (`cart = cls(owner)`).
    let wrapper = "shop/pricing.py::logged.wrapper";
    has(&es, "calls", "import", wrapper, "logging.getLogger().debug");
    has(
        &es,
        "calls",
        "import",
        &format!("{c}.add"),
        "typing.List.append",
    );
    has(
        &es,
        "calls",
        "exact",
        &format!("{c}.from_skus"),
        &format!("{c}.add"),
    );
    // What the code does not say stays unresolved, never guessed: a called parameter, a
    // method of an untyped attribute.
    has(&es, "calls", "unresolved", wrapper, "func");
    has(
        &es,
        "calls",
        "unresolved",
        "shop/models.py::Base.key",
        "self.sku.upper",
    );
}

#[test]
fn typescript_calls_resolve_through_imports_this_and_extends() {
    let g = graph("typescript");
    let es = edges(&g);
    let c = "src/cart.ts::Cart";
    has(
        &es,
        "calls",
        "exact",
        &format!("{c}.add"),
        &format!("{c}.check"),
    );
    has(
        &es,
        "calls",
        "exact",
        &format!("{c}.add"),
        "src/cart.ts::CartLine.constructor",
    );
    has(
        &es,
        "calls",
        "exact",
        &format!("{c}.add"),
        "src/models.ts::BaseModel.touch",
    );
    // A default import, an aliased named import and a namespace member.
    has(
        &es,
        "calls",
        "import",
        &format!("{c}.total"),
        "src/pricing.ts::quote",
    );
    has(
        &es,
        "calls",
        "import",
        &format!("{c}.withDiscount"),
        "src/pricing.ts::applyDiscount",
    );
    has(
        &es,
        "calls",
        "import",
        &format!("{c}.withDiscount"),
        "src/pricing.ts::Pricing.round2",
    );
    has(
        &es,
        "calls",
        "exact",
        "src/pricing.ts::quote",
        "src/pricing.ts::Pricing.round2",
    );
    has(
        &es,
        "calls",
        "exact",
        "src/CartView.tsx::CartView",
        "src/CartView.tsx::formatMoney",
    );
    // An interface method of unknown receiver: the interface and its implementation.
    has(
        &es,
        "calls",
        "dynamic",
        "src/CartView.tsx::CartView",
        "src/cart.ts::Totalable.total",
    );
    has(
        &es,
        "calls",
        "dynamic",
        "src/CartView.tsx::CartView",
        &format!("{c}.total"),
    );
    // Globals of the language are external, not guessed.
    has(
        &es,
        "calls",
        "import",
        "src/pricing.ts::quote",
        "console.warn",
    );
    has(&es, "inherits", "exact", c, "src/models.ts::BaseModel");
    has(&es, "implements", "exact", c, "src/cart.ts::Totalable");
    has(
        &es,
        "implements",
        "exact",
        "src/cart.ts::CartLine",
        "src/models.ts::Line",
    );
}

#[test]
fn go_calls_resolve_through_packages_receivers_and_interfaces() {
    let g = graph("go");
    let es = edges(&g);
    // Locals typed by what they are assigned: `c := cart.New(...)` returns `*Cart`.
    has(
        &es,
        "calls",
        "import",
        "example.com/shop.main",
        "example.com/shop/cart.Cart.Add",
    );
    has(
        &es,
        "calls",
        "import",
        "example.com/shop.main",
        "example.com/shop/cart.Cart.Total",
    );
    has(
        &es,
        "calls",
        "exact",
        "example.com/shop/cart.TestAddKeepsLinesSorted",
        "example.com/shop/cart.Cart.Add",
    );
    // A range variable is an element of what it ranges over (`c.lines []Line`), and a
    // Line embeds the Item interface: the declared method, and its implementations.
    has(
        &es,
        "calls",
        "exact",
        "example.com/shop/cart.Cart.Total",
        "example.com/shop/cart.Item.Price",
    );
    has(
        &es,
        "calls",
        "dynamic",
        "example.com/shop/cart.Cart.Total",
        "example.com/shop/cart.Product.Price",
    );
    // A parameter of a library type: its methods are external, not unknown.
    has(
        &es,
        "calls",
        "import",
        "example.com/shop/cart.TestAddKeepsLinesSorted",
        "testing.T.Fatalf",
    );
    let p = "example.com/shop";
    has(
        &es,
        "calls",
        "exact",
        &format!("{p}/cart.Cart.Add"),
        &format!("{p}/cart.Cart.sortLines"),
    );
    has(
        &es,
        "calls",
        "import",
        &format!("{p}/cart.Cart.Total"),
        &format!("{p}/pricing.Apply"),
    );
    has(
        &es,
        "calls",
        "exact",
        &format!("{p}/cart.TestAddKeepsLinesSorted"),
        &format!("{p}/cart.New"),
    );
    has(
        &es,
        "calls",
        "import",
        &format!("{p}.main"),
        &format!("{p}/cart.New"),
    );
    // Interface dispatch: the interface method and every implementation.
    has(
        &es,
        "calls",
        "dynamic",
        &format!("{p}/pricing.Apply"),
        &format!("{p}/pricing.Rule.Apply"),
    );
    has(
        &es,
        "calls",
        "dynamic",
        &format!("{p}/pricing.Apply"),
        &format!("{p}/pricing.Percent.Apply"),
    );
    has(
        &es,
        "inherits",
        "exact",
        &format!("{p}/cart.Line"),
        &format!("{p}/cart.Item"),
    );
    has(
        &es,
        "inherits",
        "exact",
        &format!("{p}/cart.Cart"),
        &format!("{p}/cart.Audit"),
    );
    has(&es, "calls", "import", &format!("{p}.main"), "fmt.Println");
    has(&es, "imports", "import", "main.go", "cart/cart.go");
}

#[test]
fn rust_calls_resolve_through_use_paths_impls_and_traits() {
    let g = graph("rust");
    let es = edges(&g);
    has(
        &es,
        "calls",
        "exact",
        "shop::cart::Cart::add",
        "shop::cart::Cart::check",
    );
    // A trait's default method calling a required one: the declaration and its impls.
    has(
        &es,
        "calls",
        "exact",
        "shop::cart::Priced::price_of",
        "shop::cart::Priced::price",
    );
    has(
        &es,
        "calls",
        "dynamic",
        "shop::cart::Priced::price_of",
        "shop::cart::Product::price",
    );
    // `use crate::pricing::apply_all` style paths, and `use super::*` in a test module.
    has(
        &es,
        "calls",
        "import",
        "shop::cart::Cart::total",
        "shop::pricing::apply_all",
    );
    has(
        &es,
        "calls",
        "import",
        "shop::cart::Cart::total",
        "shop::util::round5",
    );
    has(
        &es,
        "calls",
        "exact",
        "shop::cart::tests::add_refuses_duplicates",
        "shop::cart::Cart::new",
    );
    has(
        &es,
        "calls",
        "exact",
        "shop::pricing::Tier::apply",
        "shop::pricing::best_price",
    );
    has(
        &es,
        "calls",
        "exact",
        "shop::cart::Cart::check",
        "shop::cart::CartError",
    );
    // A macro_rules! macro of the repository is a call target.
    has(
        &es,
        "calls",
        "exact",
        "shop::pricing::discount::Discount::from_str",
        "shop::pricing::discount::percent",
    );
    // A trait method on a value of unknown type: every impl, as dynamic dispatch.
    for imp in [
        "shop::pricing::Rule::apply",
        "shop::pricing::Tier::apply",
        "shop::pricing::discount::Discount::apply",
    ] {
        has(&es, "calls", "dynamic", "shop::pricing::apply_all", imp);
    }
    has(
        &es,
        "implements",
        "exact",
        "shop::cart::Product",
        "shop::cart::Priced",
    );
    has(
        &es,
        "implements",
        "exact",
        "shop::pricing::discount::Discount",
        "shop::pricing::Rule",
    );
    // Methods of std types on values are not matched to the repository's methods.
    has(
        &es,
        "calls",
        "unresolved",
        "shop::cart::Cart::add",
        "self.lines.push",
    );
    lacks(
        &es,
        "shop::pricing::discount::parse_all",
        "shop::cart::Cart::new",
    );
}

#[test]
fn every_edge_names_its_file_and_line_and_nodes_carry_ids() {
    let g = graph("mixed");
    let nodes = g["nodes"].as_array().unwrap();
    assert!(!nodes.is_empty());
    for n in nodes {
        assert!(n["id"].is_i64() && n["file"].is_string() && n["line"].as_u64().unwrap() >= 1);
    }
    let ids: std::collections::HashSet<i64> =
        nodes.iter().map(|n| n["id"].as_i64().unwrap()).collect();
    for e in g["edges"].as_array().unwrap() {
        assert!(e["file"].is_string(), "edge without file: {e}");
        assert!(e["line"].as_u64().unwrap() >= 1);
        if let Some(d) = e["dst"].as_i64() {
            assert!(ids.contains(&d), "dangling dst {d}");
        } else {
            assert!(!e["target"].as_str().unwrap().is_empty());
        }
    }
}

#[test]
fn incremental_resolution_equals_a_rebuild() {
    let repo = Repo::from_fixture("python");
    repo.index();
    // A new caller of an existing function, and a function its callers gain.
    repo.append(
        "shop/pricing.py",
        "\n\ndef surcharge(total):\n    return quote([], None) + total\n",
    );
    repo.append("shop/cart.py", "\n\ndef checkout(cart):\n    from .pricing import surcharge\n    return surcharge(cart.total())\n");
    repo.index();
    let inc = graph_json(&repo);
    repo.cmd()
        .args(["index", "--rebuild", "--quiet"])
        .assert()
        .success();
    let full = graph_json(&repo);
    let strip = |g: &Value| {
        let mut v: Vec<(String, String, String, String, u64)> = edges(g);
        v.sort();
        v
    };
    assert_eq!(strip(&inc), strip(&full));
    has(
        &strip(&inc),
        "calls",
        "exact",
        "shop/pricing.py::surcharge",
        "shop/pricing.py::quote",
    );
}

#[test]
fn super_calls_self_paths_dashed_crates_and_common_methods() {
    let repo = Repo::empty();
    repo.write(
        "web/a.ts",
        "export class A {\n  constructor() {}\n}\nexport class B extends A {\n  constructor() {\n    super();\n  }\n  run(xs: number[]) {\n    return xs.map((x) => x);\n  }\n}\nexport class C {\n  map() {}\n}\n",
    );
    repo.write(
        "Cargo.toml",
        "[package]\nname = \"my-crate\"\nversion = \"0.1.0\"\n",
    );
    repo.write(
        "src/lib.rs",
        "pub mod util;\npub use self::util::helper;\n\npub fn run() -> u32 {\n    helper()\n}\n",
    );
    repo.write("src/util.rs", "pub fn helper() -> u32 {\n    1\n}\n");
    repo.write(
        "tests/it.rs",
        "use my_crate::run;\n\n#[test]\nfn runs() {\n    let got = run();\n    assert_eq!(got, 1);\n}\n",
    );
    repo.index();
    let es = edges(&graph_json(&repo));
    has(
        &es,
        "calls",
        "exact",
        "web/a.ts::B.constructor",
        "web/a.ts::A.constructor",
    );
    // `xs.map` on an array: not guessed to be C.map.
    lacks(&es, "web/a.ts::B.run", "web/a.ts::C.map");
    has(&es, "calls", "unresolved", "web/a.ts::B.run", "xs.map");
    // Crate names are written as code spells them; `pub use self::...` re-exports.
    has(
        &es,
        "calls",
        "import",
        "my_crate::run",
        "my_crate::util::helper",
    );
    has(
        &es,
        "calls",
        "import",
        "my_crate::tests::it::runs",
        "my_crate::run",
    );
}

#[test]
fn tsconfig_path_aliases_resolve_imports() {
    let repo = Repo::empty();
    repo.write(
        "web/tsconfig.json",
        "{\n  // aliases\n  \"compilerOptions\": {\n    \"baseUrl\": \"./src\",\n    \"paths\": { \"@app/*\": [\"app/*\"], },\n  },\n}\n",
    );
    repo.write(
        "web/src/app/cart.ts",
        "export function total(): number {\n  return 1;\n}\n",
    );
    repo.write(
        "web/src/util/money.ts",
        "export function fmt(n: number): string {\n  return String(n);\n}\n",
    );
    repo.write(
        "web/src/main.ts",
        "import { total } from '@app/cart';\nimport { fmt } from 'util/money';\nexport function main(): string {\n  return fmt(total());\n}\n",
    );
    repo.index();
    let es = edges(&graph_json(&repo));
    has(
        &es,
        "calls",
        "import",
        "web/src/main.ts::main",
        "web/src/app/cart.ts::total",
    );
    has(
        &es,
        "calls",
        "import",
        "web/src/main.ts::main",
        "web/src/util/money.ts::fmt",
    );
}

#[test]
fn fields_read_and_written_through_the_receiver_are_data_flow_edges() {
    let g = graph("python");
    let es = edges(&g);
    let c = "shop/cart.py::Cart";
    has(
        &es,
        "writes",
        "exact",
        &format!("{c}.__init__"),
        &format!("{c}.items"),
    );
    has(
        &es,
        "reads",
        "exact",
        &format!("{c}.add"),
        &format!("{c}.items"),
    );
    // Written in a base class's method, read in it: one field, named after the base.
    has(
        &es,
        "writes",
        "exact",
        "shop/models.py::Base.__init__",
        "shop/models.py::Base.sku",
    );
    has(
        &es,
        "reads",
        "exact",
        "shop/models.py::Base.key",
        "shop/models.py::Base.sku",
    );
    let es_ts = edges(&graph("typescript"));
    has(
        &es_ts,
        "writes",
        "exact",
        "src/models.ts::BaseModel.touch",
        "src/models.ts::BaseModel.touchedAt",
    );
    let es_go = edges(&graph("go"));
    let cart = "example.com/shop/cart.Cart";
    has(
        &es_go,
        "writes",
        "exact",
        &format!("{cart}.Add"),
        &format!("{cart}.lines"),
    );
    has(
        &es_go,
        "reads",
        "exact",
        &format!("{cart}.sortLines"),
        &format!("{cart}.lines"),
    );
    let es_rs = edges(&graph("rust"));
    has(
        &es_rs,
        "reads",
        "exact",
        "shop::cart::Cart::total",
        "shop::cart::Cart.lines",
    );
}

#[test]
fn reading_a_property_is_calling_it() {
    let repo = Repo::empty();
    repo.write(
        "m.py",
        "class A:\n    @property\n    def total(self):\n        return 1\n\n    def twice(self):\n        return self.total * 2\n",
    );
    repo.index();
    let es = edges(&graph_json(&repo));
    has(&es, "calls", "exact", "m.py::A.twice", "m.py::A.total");
    lacks(&es, "m.py::A.twice", "m.py::A.total.total");
    assert!(!es.iter().any(|e| e.0 == "reads" && e.2 == "m.py::A.twice"));
    // A TS getter too; a method passed as a value is not a call; a Rust field that
    // shares a method's name is a field.
    let repo = Repo::empty();
    repo.write(
        "a.ts",
        "export class A {\n  get total(): number { return 1; }\n  twice(): number { return this.total * 2; }\n  run(): void { setTimeout(this.twice, 1); }\n}\n",
    );
    repo.write(
        "lib.rs",
        "pub struct S { index: usize }\nimpl S {\n    pub fn index(&self) -> usize {\n        self.index\n    }\n}\n",
    );
    repo.index();
    let es = edges(&graph_json(&repo));
    has(&es, "calls", "exact", "a.ts::A.twice", "a.ts::A.total");
    lacks(&es, "a.ts::A.run", "a.ts::A.twice");
    has(&es, "reads", "exact", "crate::S::index", "crate::S.index");
    lacks(&es, "crate::S::index", "crate::S::index");
}

#[test]
fn a_graph_resolved_by_another_resolver_version_is_resolved_again() {
    let repo = Repo::from_fixture("python");
    repo.index();
    let db = repo.path(".leindex/index.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute(
            "UPDATE meta SET value = '0' WHERE key = 'resolve_version'",
            [],
        )
        .unwrap();
        conn.execute("DELETE FROM blobs", []).unwrap();
    }
    // No file changed, but the stored graph is from another resolver: resolved again.
    let es = edges(&graph_json(&repo));
    has(
        &es,
        "calls",
        "import",
        "shop/cart.py::Cart.total",
        "shop/pricing.py::quote",
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let v: String = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'resolve_version'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_ne!(v, "0");
}

#[test]
fn status_says_whether_the_graph_is_resolved() {
    let repo = Repo::from_fixture("python");
    repo.index();
    assert_eq!(repo.status()["graph_resolved"], false);
    repo.cmd().args(["graph"]).assert().success();
    assert_eq!(repo.status()["graph_resolved"], true);
    repo.append("shop/pricing.py", "\n\ndef more():\n    return 1\n");
    repo.index();
    assert_eq!(repo.status()["graph_resolved"], false);
}

#[test]
fn loop_variables_are_elements_of_what_they_iterate() {
    let repo = Repo::empty();
    repo.write(
        "m.py",
        "from typing import List\n\n\nclass Item:\n    def price(self):\n        return 1\n\n\nclass Other:\n    def price(self):\n        return 2\n\n\ndef total(items: List[Item]):\n    s = 0\n    for it in items:\n        s += it.price()\n    return s\n",
    );
    repo.write(
        "a.ts",
        "export class Line {\n  cost(): number { return 1; }\n}\nexport class Fee {\n  cost(): number { return 2; }\n}\nexport function sum(lines: Line[]): number {\n  let s = 0;\n  for (const l of lines) {\n    s += l.cost();\n  }\n  return s;\n}\n",
    );
    repo.write(
        "lib.rs",
        "pub struct Rule;\nimpl Rule {\n    pub fn apply(&self) -> u32 {\n        1\n    }\n}\npub struct Other;\nimpl Other {\n    pub fn apply(&self) -> u32 {\n        2\n    }\n}\npub struct Book {\n    rules: Vec<Rule>,\n}\nimpl Book {\n    pub fn run(&self) -> u32 {\n        let mut s = 0;\n        for r in &self.rules {\n            s += r.apply();\n        }\n        s\n    }\n}\n",
    );
    repo.index();
    let es = edges(&graph_json(&repo));
    has(&es, "calls", "exact", "m.py::total", "m.py::Item.price");
    lacks(&es, "m.py::total", "m.py::Other.price");
    has(&es, "calls", "exact", "a.ts::sum", "a.ts::Line.cost");
    lacks(&es, "a.ts::sum", "a.ts::Fee.cost");
    has(
        &es,
        "calls",
        "exact",
        "crate::Book::run",
        "crate::Rule::apply",
    );
    lacks(&es, "crate::Book::run", "crate::Other::apply");
}

/// Calls written inside macro arguments are read from the macro's tokens: method calls
/// on typed values, paths, nested macros; the patterns of `matches!` and the text of
/// `stringify!` are not calls. Also: a tuple struct's `self.0` and a field typed with a
/// lifetime (`&'a Stack`) carry their types.
#[test]
fn rust_calls_inside_macro_arguments_resolve() {
    let repo = Repo::empty();
    repo.write(
        "Cargo.toml",
        "[package]\nname = \"stacks\"\nversion = \"0.1.0\"\n",
    );
    repo.write(
        "src/lib.rs",
        r#"pub struct Stack {
    items: Vec<u32>,
}

impl Stack {
    pub fn new() -> Stack {
        Stack { items: Vec::new() }
    }
    pub fn depth(&self) -> usize {
        self.items.len()
    }
    pub fn label(&self) -> String {
        format!("depth {}", self.depth())
    }
}

pub fn make(n: u32) -> Stack {
    let _ = n;
    Stack::new()
}

pub fn check(s: &Stack) -> bool {
    matches!(s.depth(), 0) || matches!(Some(s), Some(make) if make.depth() > 1)
}

pub fn quiet() -> &'static str {
    stringify!(make(9))
}

pub struct Wrapper(Stack);

impl Wrapper {
    pub fn depth(&self) -> usize {
        self.0.depth()
    }
}

pub struct View<'a> {
    stack: &'a Stack,
}

impl<'a> View<'a> {
    pub fn show(&self) -> String {
        self.stack.label()
    }
}

macro_rules! twice {
    ($e:expr) => {
        $e;
        $e
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macros_hold_calls() {
        let s = make(3);
        assert_eq!(s.depth(), 0);
        assert!(vec![Stack::new(), crate::make(1)].len() == 2);
        twice!(s.label());
        debug_assert!(s.depth() < 9, "{}", format!("{}", quiet()));
    }
}
"#,
    );
    repo.index();
    let es = edges(&graph_json(&repo));
    let t = "stacks::tests::macros_hold_calls";
    for (dst, line) in [
        ("stacks::make", 61),
        ("stacks::Stack::depth", 62),
        ("stacks::Stack::new", 63),
        ("stacks::make", 63),
        ("stacks::twice", 64),
        ("stacks::Stack::label", 64),
        ("stacks::quiet", 65),
    ] {
        assert!(
            es.iter().any(|e| e.0 == "calls"
                && e.1 == "exact"
                && e.2 == t
                && e.3 == dst
                && e.4 == line),
            "missing {t} -> {dst} at line {line}: {:#?}",
            es.iter().filter(|e| e.2 == t).collect::<Vec<_>>()
        );
    }
    has(
        &es,
        "calls",
        "exact",
        "stacks::Stack::label",
        "stacks::Stack::depth",
    );
    // The first argument of matches! is an expression; `Some(make)` is a pattern.
    has(
        &es,
        "calls",
        "exact",
        "stacks::check",
        "stacks::Stack::depth",
    );
    lacks(&es, "stacks::check", "stacks::make");
    lacks(&es, "stacks::quiet", "stacks::make");
    has(
        &es,
        "calls",
        "exact",
        "stacks::Wrapper::depth",
        "stacks::Stack::depth",
    );
    has(
        &es,
        "calls",
        "exact",
        "stacks::View::show",
        "stacks::Stack::label",
    );
}

/// TypeScript values typed without a declaration where they are used: the parameters of
/// an anonymous function, by their annotation or, passed to a function, by that
/// function's declared type for them (`operate((source, sub) => ..)`); a parameter of
/// the enclosing function seen from a nested one; an optional parameter (`action?: T`);
/// a name copied from another (`const conn = connection`).
#[test]
fn typescript_lambda_parameters_and_aliases_are_typed() {
    let repo = Repo::empty();
    repo.write(
        "a.ts",
        r#"export class Subscriber<T> {
  error(err: any): void {}
  next(v: T): void {}
}
export class Other {
  error(err: any): void {}
  next(v: any): void {}
}
export class Observable<T> {
  constructor(init: (this: Observable<T>, subscriber: Subscriber<T>) => void) {}
  subscribe(s: Subscriber<T>): void {}
}
export function operate<T>(init: (source: Observable<T>, subscriber: Subscriber<T>) => void) {
  return init;
}
"#,
    );
    repo.write(
        "b.ts",
        r#"import { Observable, Subscriber, operate } from './a';
export function fromPromise<T>(promise: Promise<T>) {
  return new Observable((subscriber) => {
    promise.then(
      (value) => subscriber.next(value),
      (err: any) => subscriber.error(err)
    );
  });
}
export function buffer<T>() {
  return operate((source, subscriber) => {
    source.subscribe(subscriber);
  });
}
export function flush(action?: Subscriber<number>) {
  const done = () => {
    action.error(1);
  };
  let connection: Subscriber<number> | undefined;
  const conn = connection;
  conn?.next(2);
  return done;
}
"#,
    );
    repo.index();
    let es = edges(&graph_json(&repo));
    has(
        &es,
        "calls",
        "import",
        "b.ts::fromPromise",
        "a.ts::Subscriber.next",
    );
    has(
        &es,
        "calls",
        "import",
        "b.ts::fromPromise",
        "a.ts::Subscriber.error",
    );
    lacks(&es, "b.ts::fromPromise", "a.ts::Other.error");
    lacks(&es, "b.ts::fromPromise", "a.ts::Other.next");
    has(
        &es,
        "calls",
        "import",
        "b.ts::buffer",
        "a.ts::Observable.subscribe",
    );
    has(
        &es,
        "calls",
        "import",
        "b.ts::flush.done",
        "a.ts::Subscriber.error",
    );
    lacks(&es, "b.ts::flush.done", "a.ts::Other.error");
    has(
        &es,
        "calls",
        "import",
        "b.ts::flush",
        "a.ts::Subscriber.next",
    );
    lacks(&es, "b.ts::flush", "a.ts::Other.next");
}

/// A call through a field that holds a function (`this.now()` with `now: () => number`)
/// is not matched to same-named functions elsewhere: what the field holds is unknown.
#[test]
fn call_through_a_function_field_is_not_guessed() {
    let repo = Repo::empty();
    repo.write(
        "clock.ts",
        "export function now(): number {\n  return 0;\n}\nexport class Scheduler {\n  now: () => number;\n  constructor(now: () => number) {\n    this.now = now;\n  }\n}\nexport class Test extends Scheduler {\n  tick() {\n    return this.now();\n  }\n}\n",
    );
    repo.write(
        "sched.py",
        "def run():\n    return 1\n\nclass Loop:\n    def __init__(self, run):\n        self.run = run\n\n    def go(self):\n        return self.run()\n",
    );
    repo.index();
    let es = edges(&graph_json(&repo));
    lacks(&es, "clock.ts::Test.tick", "clock.ts::now");
    has(
        &es,
        "calls",
        "unresolved",
        "clock.ts::Test.tick",
        "this.now",
    );
    lacks(&es, "sched.py::Loop.go", "sched.py::run");
    has(&es, "calls", "unresolved", "sched.py::Loop.go", "self.run");
}

/// Rust: a method called on a name declared with a type of the language (a raw pointer,
/// a primitive) reaches only methods of `impl`s for that shape of type, else is the
/// language's own; pointer arithmetic keeps the pointer's type.
#[test]
fn rust_methods_on_pointers_and_primitives_follow_the_impl_type() {
    let repo = Repo::empty();
    repo.write(
        "Cargo.toml",
        "[package]\nname = \"ptrs\"\nversion = \"0.1.0\"\n",
    );
    repo.write(
        "src/lib.rs",
        r#"pub trait Pointer {
    fn distance(self, origin: Self) -> usize;
}

impl<T> Pointer for *const T {
    fn distance(self, origin: *const T) -> usize {
        0
    }
}

impl<T> Pointer for *mut T {
    fn distance(self, origin: *mut T) -> usize {
        1
    }
}

pub struct Hash(u32);

impl Hash {
    pub fn add(&mut self, b: u8) {
        self.0 += b as u32;
    }
}

pub fn span(start: *const u8, end: *const u8) -> usize {
    let cur = start.add(1);
    end.distance(cur)
}
"#,
    );
    repo.index();
    let g = graph_json(&repo);
    let es = edges(&g);
    let line_of = |line: u64| {
        g["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["name"] == "distance" && n["line"] == line)
            .map(|n| n["qualified_name"].as_str().unwrap().to_string())
            .unwrap()
    };
    // Both impl methods share a qualified name; the edge must go to the `*const T` one.
    let ids: Vec<&Value> = g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["source"] == "ptrs::span" && e["kind"] == "calls")
        .collect();
    let target_lines: Vec<u64> = ids
        .iter()
        .filter_map(|e| {
            g["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|n| n["id"] == e["dst"])
                .map(|n| n["line"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(line_of(6), line_of(12));
    assert!(target_lines.contains(&6), "{ids:#?}");
    assert!(!target_lines.contains(&12), "{ids:#?}");
    assert!(!target_lines.contains(&2), "{ids:#?}");
    lacks(&es, "ptrs::span", "ptrs::Hash::add");
    has(&es, "calls", "unresolved", "ptrs::span", "start.add");
}

/// TypeScript receivers typed through the idioms of real code: `const { xs } = this`,
/// an element taken out of a typed array (`xs.shift()!`, `xs[0]`), `Partial<T>`, a
/// declared `let x: T` later assigned, and `function (this: T)`.
#[test]
fn typescript_receivers_typed_through_common_idioms() {
    let repo = Repo::empty();
    repo.write(
        "c.ts",
        r#"export class Subscription {
  unsubscribe(): void {}
}
export class Other {
  unsubscribe(): void {}
  next(v: number): void {}
}
export interface Observer<T> {
  next(v: T): void;
}
export class Sink implements Observer<number> {
  next(v: number): void {}
}
export function make(): any {
  return null;
}
export class Hub {
  private observers: Observer<number>[] = [];
  constructor(private partial: Partial<Observer<number>>) {}
  drain(): void {
    const { observers } = this;
    observers.shift()!.next(1);
  }
  poke(): void {
    this.partial.next(2);
  }
  flush(): void {
    let sub: Subscription | undefined;
    sub = make();
    sub.unsubscribe();
  }
}
export function first(list: Subscription[]) {
  list[0].unsubscribe();
}
export function bound() {
  return function (this: Subscription) {
    this.unsubscribe();
  };
}
"#,
    );
    repo.index();
    let es = edges(&graph_json(&repo));
    has(
        &es,
        "calls",
        "exact",
        "c.ts::Hub.drain",
        "c.ts::Observer.next",
    );
    has(
        &es,
        "calls",
        "dynamic",
        "c.ts::Hub.drain",
        "c.ts::Sink.next",
    );
    lacks(&es, "c.ts::Hub.drain", "c.ts::Other.next");
    has(
        &es,
        "calls",
        "exact",
        "c.ts::Hub.poke",
        "c.ts::Observer.next",
    );
    lacks(&es, "c.ts::Hub.poke", "c.ts::Other.next");
    for f in ["c.ts::Hub.flush", "c.ts::first", "c.ts::bound"] {
        has(&es, "calls", "exact", f, "c.ts::Subscription.unsubscribe");
        lacks(&es, f, "c.ts::Other.unsubscribe");
    }
}

/// Data flow through module-level variables: a function that reads or assigns one has a
/// `reads`/`writes` edge to it (the symbol when it is one, a Rust `static`; else a
/// placeholder by qualified name), unless a parameter or local of that name hides it
/// (Python: unless declared `global`); the uses in Rust macro arguments are reads.
/// What a type says is not a call or a read: `import('./m')` and `typeof CONFIG` in a
/// type annotation or a type argument are neither; an object type there still declares
/// members.
#[test]
fn typescript_types_hold_no_calls_or_reads() {
    let repo = Repo::empty();
    repo.write(
        "t.ts",
        "let CONFIG = { a: 1 };\n\
         export function f(x: typeof CONFIG, y: Promise<typeof import('./m')>): number {\n\
         \x20 return helper(x);\n\
         }\n\
         export function g(s: { create(): number }): number { return CONFIG.a; }\n",
    );
    repo.index();
    let outline = repo.outline("t.ts");
    let symbols = json_array(&outline, "symbols");
    let names: Vec<&str> = symbols.iter().map(|x| s(x, "qualified_name")).collect();
    // The object type's member is a symbol.
    assert!(names.contains(&"t.ts::g.create"), "{names:?}");
    let callees: Vec<&str> = json_array(&symbols[0], "calls")
        .iter()
        .map(|c| s(c, "callee"))
        .collect();
    assert_eq!(callees, ["helper"]);
    let es = edges(&graph_json(&repo));
    has(&es, "reads", "exact", "t.ts::g", "t.ts::CONFIG");
    lacks(&es, "t.ts::f", "t.ts::CONFIG");
}

#[test]
fn module_level_variables_are_read_and_written() {
    let repo = Repo::empty();
    repo.write(
        "m.py",
        "_cache = {}\nCOUNT = 0\nlimit: int = 5\n\ndef get(key):\n    return _cache.get(key)\n\ndef bump():\n    global COUNT\n    COUNT += 1\n\ndef shadow(limit):\n    return limit\n\ndef local_only():\n    _cache = []\n    return _cache\n\ndef reads_limit():\n    return limit * 2\n",
    );
    repo.write(
        "s.ts",
        "let counter = 0;\nexport const config = { debug: false };\nexport const helper = () => 1;\nexport function inc(): number {\n  counter++;\n  return counter;\n}\nexport function isDebug(): boolean {\n  return config.debug;\n}\nexport function shadowed(config: number) {\n  const counter = 2;\n  return config + counter + helper();\n}\n",
    );
    repo.write(
        "v/v.go",
        "package v\n\nvar hits int\nvar (\n\tname = \"x\"\n\tother, third string\n)\n\nfunc Hit() int {\n\thits++\n\treturn hits\n}\n\nfunc Name() string { return name }\n\nfunc Set(s string) { other = s }\n\nfunc Shadow() string {\n\tname := \"y\"\n\treturn name\n}\n",
    );
    repo.write(
        "Cargo.toml",
        "[package]\nname = \"mv\"\nversion = \"0.1.0\"\n",
    );
    repo.write(
        "src/lib.rs",
        "static mut TOTAL: u32 = 0;\nstatic NAME: &str = \"x\";\n\npub fn add(n: u32) {\n    unsafe { TOTAL += n; }\n}\n\npub fn name() -> &'static str {\n    NAME\n}\n\npub fn show() {\n    println!(\"{}\", NAME);\n}\n",
    );
    repo.index();
    let g = graph_json(&repo);
    let es = edges(&g);
    let data: Vec<(String, String, String)> = es
        .iter()
        .filter(|e| e.0 == "reads" || e.0 == "writes")
        .map(|e| (e.0.clone(), e.2.clone(), e.3.clone()))
        .collect();
    let want = |k: &str, s: &str, d: &str| (k.to_string(), s.to_string(), d.to_string());
    for w in [
        want("reads", "m.py::get", "m.py::_cache"),
        want("writes", "m.py::bump", "m.py::COUNT"),
        want("reads", "m.py::reads_limit", "m.py::limit"),
        want("writes", "s.ts::inc", "s.ts::counter"),
        want("reads", "s.ts::inc", "s.ts::counter"),
        want("reads", "s.ts::isDebug", "s.ts::config"),
        want("writes", "v.Hit", "v.hits"),
        want("reads", "v.Hit", "v.hits"),
        want("reads", "v.Name", "v.name"),
        want("writes", "v.Set", "v.other"),
        want("writes", "mv::add", "mv::TOTAL"),
        want("reads", "mv::name", "mv::NAME"),
        want("reads", "mv::show", "mv::NAME"),
    ] {
        assert!(data.contains(&w), "missing {w:?} in {data:#?}");
    }
    // Hidden by a parameter or a local, or not a variable (a function).
    for (s, d) in [
        ("m.py::shadow", "m.py::limit"),
        ("m.py::local_only", "m.py::_cache"),
        ("s.ts::shadowed", "s.ts::config"),
        ("s.ts::shadowed", "s.ts::counter"),
        ("v.Shadow", "v.name"),
    ] {
        assert!(
            !data.iter().any(|e| e.1 == s && e.2 == d),
            "unexpected {s} -> {d}: {data:#?}"
        );
    }
    assert_eq!(data.len(), 13, "{data:#?}");
    // A Rust static is a symbol: the edge goes to it.
    let total = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["qualified_name"] == "mv::TOTAL")
        .expect("the static is a symbol");
    assert!(g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "writes" && e["dst"] == total["id"]));
    // `impact` on a variable lists who reads and writes it.
    let v = repo.json(&["impact", "v.hits"]);
    assert_eq!(v["targets"][0]["kind"], "variable");
    assert_eq!(v["affected"][0]["qualified_name"], "v.Hit");
}

/// Fields read and written through a name of a known type (`cart.items` with
/// `cart: Cart`), not only through `self`: edges to the field, when the type declares it;
/// a name of unknown type records nothing.
#[test]
fn fields_through_typed_names_are_read_and_written() {
    let repo = Repo::empty();
    repo.write(
        "c.py",
        "class Cart:\n    def __init__(self):\n        self.items = []\n\ndef empty(cart: Cart):\n    cart.items = []\n\ndef count(cart: Cart):\n    return len(cart.items)\n\ndef made():\n    c = Cart()\n    return c.items\n\ndef unknown(x):\n    return x.items\n",
    );
    repo.write(
        "c.ts",
        "export class Box {\n  size = 0;\n}\nexport function grow(b: Box) {\n  b.size += 1;\n}\nexport function peek(b: Box) {\n  return b.size;\n}\n",
    );
    repo.write(
        "g/g.go",
        "package g\n\ntype Cart struct {\n\tTotal int\n}\n\nfunc Reset(c *Cart) {\n\tc.Total = 0\n}\n\nfunc Sum(c Cart) int {\n\treturn c.Total\n}\n",
    );
    repo.write(
        "Cargo.toml",
        "[package]\nname = \"fx\"\nversion = \"0.1.0\"\n",
    );
    repo.write(
        "src/lib.rs",
        "pub struct Cart {\n    pub total: u32,\n}\n\npub fn reset(c: &mut Cart) {\n    c.total = 0;\n}\n\npub fn sum(c: &Cart) -> u32 {\n    c.total\n}\n",
    );
    repo.index();
    let es = edges(&graph_json(&repo));
    has(&es, "writes", "exact", "c.py::empty", "c.py::Cart.items");
    has(&es, "reads", "exact", "c.py::count", "c.py::Cart.items");
    has(&es, "reads", "exact", "c.py::made", "c.py::Cart.items");
    lacks(&es, "c.py::unknown", "c.py::Cart.items");
    has(&es, "writes", "exact", "c.ts::grow", "c.ts::Box.size");
    has(&es, "reads", "exact", "c.ts::peek", "c.ts::Box.size");
    has(&es, "writes", "exact", "g.Reset", "g.Cart.Total");
    has(&es, "reads", "exact", "g.Sum", "g.Cart.Total");
    has(&es, "writes", "exact", "fx::reset", "fx::Cart.total");
    has(&es, "reads", "exact", "fx::sum", "fx::Cart.total");
}

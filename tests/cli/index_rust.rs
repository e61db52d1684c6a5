//! The Rust fixture (tests/fixtures/rust): crate `shop` with `src/lib.rs` (an inline
//! `mod util`), `src/cart.rs`, `src/pricing/mod.rs` and `src/pricing/discount.rs`.
//! Complexity ground truth: rust-code-analysis 0.0.25's rule as written down in
//! /tmp/complexity-rules.md (+1 for if, else if, while, for, loop, each match arm, a
//! match guard, `?`, && and ||; closures are separate functions), counted by hand.

use std::sync::OnceLock;

use crate::common::*;

const FIXTURE: &str = "rust";
const FILES: &[&str] = &[
    "src/lib.rs",
    "src/cart.rs",
    "src/pricing/mod.rs",
    "src/pricing/discount.rs",
];

fn fx() -> &'static Indexed {
    static CELL: OnceLock<Indexed> = OnceLock::new();
    CELL.get_or_init(|| Indexed::build(FIXTURE, FILES))
}

// ------------------------------------------------------------------ module paths

#[test]
fn rust_crate_name_comes_from_cargo_toml() {
    let sym = fx().symbol("shop::MIN_CHARGE");
    assert_eq!(s(sym, "file"), "src/lib.rs");
    assert_eq!(s(sym, "language"), "rust");
}

#[test]
fn rust_module_file_gives_the_module_path() {
    let sym = fx().symbol("shop::cart::Cart");
    assert_eq!(s(sym, "kind"), "struct");
    assert_eq!(s(sym, "file"), "src/cart.rs");
}

#[test]
fn rust_mod_rs_names_its_directory() {
    let sym = fx().symbol("shop::pricing::best_price");
    assert_eq!(s(sym, "kind"), "function");
    assert_eq!(s(sym, "file"), "src/pricing/mod.rs");
    assert_eq!((n(sym, "line"), n(sym, "end_line")), (31, 54));
}

#[test]
fn rust_nested_module_file_path() {
    let sym = fx().symbol("shop::pricing::discount::parse_all");
    assert_eq!(s(sym, "kind"), "function");
    assert_eq!(s(sym, "file"), "src/pricing/discount.rs");
}

#[test]
fn rust_inline_module_is_a_module_and_qualifies_its_items() {
    let m = fx().symbol("shop::util");
    assert_eq!(s(m, "kind"), "module");
    assert_eq!((n(m, "line"), n(m, "end_line")), (16, 24));
    let f = fx().symbol("shop::util::round5");
    assert_eq!(s(f, "kind"), "function");
    assert_eq!(opt_s(f, "parent"), Some("shop::util"));
}

#[test]
fn rust_inline_module_doc_is_its_inner_doc_comment() {
    // ASSUMPTION: the `//!` comment at the top of an inline `mod util { .. }` body is the
    // module's doc.
    assert_eq!(
        opt_s(fx().symbol("shop::util"), "doc"),
        Some("Small helpers shared by the cart and the pricing rules.")
    );
}

// ------------------------------------------------------------------ kinds

#[test]
fn rust_struct_enum_and_trait_kinds() {
    assert_eq!(s(fx().symbol("shop::cart::Product"), "kind"), "struct");
    assert_eq!(s(fx().symbol("shop::cart::CartError"), "kind"), "enum");
    assert_eq!(s(fx().symbol("shop::cart::Priced"), "kind"), "trait");
    assert_eq!(s(fx().symbol("shop::pricing::Rule"), "kind"), "trait");
    assert_eq!(
        s(fx().symbol("shop::pricing::discount::Discount"), "kind"),
        "enum"
    );
}

#[test]
fn rust_const_is_a_constant() {
    let sym = fx().symbol("shop::cart::MAX_QUANTITY");
    assert_eq!(s(sym, "kind"), "constant");
    assert_eq!(n(sym, "line"), 10);
    assert_eq!(
        opt_s(sym, "doc"),
        Some("Largest quantity one line may hold.")
    );
}

#[test]
fn rust_static_is_a_constant() {
    // ASSUMPTION: `static` items are reported with kind `constant` (json.md has no
    // `static` kind).
    assert_eq!(s(fx().symbol("shop::CURRENCY"), "kind"), "constant");
}

#[test]
fn rust_test_fn_in_cfg_test_module() {
    let sym = fx().symbol("shop::cart::tests::add_refuses_duplicates");
    assert_eq!(s(sym, "kind"), "function");
    assert_eq!(opt_s(sym, "parent"), Some("shop::cart::tests"));
    assert_eq!(s(fx().symbol("shop::cart::tests"), "kind"), "module");
}

// ------------------------------------------------------------------ methods and impls

#[test]
fn rust_inherent_method_is_qualified_under_type() {
    let sym = fx().symbol("shop::cart::Cart::add");
    assert_eq!(s(sym, "kind"), "method");
    assert_eq!(s(sym, "name"), "add");
    assert_eq!(opt_s(sym, "parent"), Some("shop::cart::Cart"));
    assert_eq!((n(sym, "line"), n(sym, "end_line")), (66, 74));
}

#[test]
fn rust_impl_target_is_the_receiver() {
    assert_eq!(
        opt_s(fx().symbol("shop::cart::Cart::add"), "receiver"),
        Some("Cart")
    );
    assert_eq!(
        opt_s(fx().symbol("shop::cart::Cart::new"), "receiver"),
        Some("Cart")
    );
}

#[test]
fn rust_trait_impl_method_is_qualified_under_type() {
    let fmt = fx().symbol("shop::cart::Cart::fmt");
    assert_eq!(s(fmt, "kind"), "method");
    assert_eq!(opt_s(fmt, "receiver"), Some("Cart"));
    assert_eq!(
        s(fx().symbol("shop::cart::Product::price"), "kind"),
        "method"
    );
    assert_eq!(
        s(fx().symbol("shop::pricing::Tier::apply"), "kind"),
        "method"
    );
    assert_eq!(
        s(
            fx().symbol("shop::pricing::discount::Discount::apply"),
            "kind"
        ),
        "method"
    );
}

#[test]
fn rust_trait_default_method_is_a_method_of_the_trait() {
    let sym = fx().symbol("shop::cart::Priced::price_of");
    assert_eq!(s(sym, "kind"), "method");
    assert_eq!(opt_s(sym, "parent"), Some("shop::cart::Priced"));
}

#[test]
fn rust_self_is_not_a_parameter() {
    assert_eq!(
        params(fx().symbol("shop::cart::Cart::add")),
        ps(&[("product", Some("Product")), ("quantity", Some("u32"))])
    );
    assert_eq!(
        params(fx().symbol("shop::cart::Cart::fmt")),
        ps(&[("f", Some("&mut fmt::Formatter<'_>"))])
    );
}

#[test]
fn rust_parameters_of_a_function() {
    assert_eq!(
        params(fx().symbol("shop::pricing::best_price")),
        ps(&[
            ("cents", Some("u64")),
            ("tiers", Some("&[Tier]")),
            ("floor", Some("u64"))
        ])
    );
}

#[test]
fn rust_return_type_is_recorded() {
    assert_eq!(
        opt_s(fx().symbol("shop::cart::Cart::add"), "return_type"),
        Some("Result<&Line, CartError>")
    );
    assert_eq!(
        opt_s(fx().symbol("shop::cart::Cart::new"), "return_type"),
        Some("Self")
    );
    assert_eq!(
        opt_s(fx().symbol("shop::util::round5"), "return_type"),
        Some("u64")
    );
}

#[test]
fn rust_unit_function_has_null_return_type() {
    assert_eq!(
        opt_s(
            fx().symbol("shop::cart::tests::add_refuses_duplicates"),
            "return_type"
        ),
        None
    );
}

#[test]
fn rust_signature_is_the_header_without_body() {
    let sig = s(fx().symbol("shop::cart::Cart::add"), "signature");
    assert!(
        sig.contains(
            "fn add(&mut self, product: Product, quantity: u32) -> Result<&Line, CartError>"
        ),
        "signature {sig:?}"
    );
    assert!(
        !sig.contains("contains_key"),
        "signature {sig:?} contains the body"
    );
}

// ------------------------------------------------------------------ docs and attributes

#[test]
fn rust_doc_comment_is_extracted() {
    assert_eq!(
        opt_s(fx().symbol("shop::cart::Cart::add"), "doc"),
        Some("Adds `quantity` of `product`, refusing duplicates and bad quantities.")
    );
}

#[test]
fn rust_doc_comment_above_attributes_is_extracted() {
    assert_eq!(
        opt_s(fx().symbol("shop::cart::Product"), "doc"),
        Some("A product from the catalogue.")
    );
    assert_eq!(
        opt_s(fx().symbol("shop::util::round5"), "doc"),
        Some("Rounds `cents` up to the next multiple of five.")
    );
}

#[test]
fn rust_multiline_doc_comment_keeps_its_lines() {
    assert_eq!(
        opt_s(fx().symbol("shop::pricing::best_price"), "doc"),
        Some("The amount due for `cents` under the best applicable tier, never below\n`floor`, rounded up to five cents.")
    );
}

#[test]
fn rust_item_without_doc_comment_has_null_doc() {
    assert_eq!(opt_s(fx().symbol("shop::cart::Cart::check"), "doc"), None);
}

#[test]
fn rust_attributes_are_decorators() {
    assert_eq!(
        decorators(fx().symbol("shop::cart::Cart")),
        ["derive(Debug, Default)"]
    );
    assert_eq!(decorators(fx().symbol("shop::util::round5")), ["inline"]);
    assert_eq!(decorators(fx().symbol("shop::cart::tests")), ["cfg(test)"]);
    assert_eq!(
        decorators(fx().symbol("shop::cart::tests::add_refuses_duplicates")),
        ["test"]
    );
}

#[test]
fn rust_span_includes_attributes() {
    let test_fn = fx().symbol("shop::cart::tests::add_refuses_duplicates");
    assert_eq!((n(test_fn, "line"), n(test_fn, "end_line")), (100, 106));
    let tests_mod = fx().symbol("shop::cart::tests");
    assert_eq!((n(tests_mod, "line"), n(tests_mod, "end_line")), (96, 107));
    assert_eq!(
        n(tests_mod, "start_byte"),
        byte_offset(FIXTURE, "src/cart.rs", "#[cfg(test)]\nmod tests")
    );
    // The module is the last item of the file: it ends at the final `}` (before "\n").
    let len = std::fs::read(fixture_path(FIXTURE).join("src/cart.rs"))
        .unwrap()
        .len() as u64;
    assert_eq!(n(tests_mod, "end_byte"), len - 1);
    assert_eq!(n(tests_mod, "loc"), 12);
}

#[test]
fn rust_span_starts_at_attribute_not_at_doc_comment() {
    // ASSUMPTION: `///` doc comments are not part of the span (attributes are).
    let sym = fx().symbol("shop::util::round5");
    assert_eq!((n(sym, "line"), n(sym, "end_line")), (20, 23));
    let cart = fx().symbol("shop::cart::Cart");
    assert_eq!((n(cart, "line"), n(cart, "end_line")), (53, 57));
}

// ------------------------------------------------------------------ inheritance

#[test]
fn rust_impl_trait_for_type_is_implements() {
    let h = assert_inherits(
        &fx().inherits("src/cart.rs"),
        "Product",
        "implements",
        "Priced",
    );
    assert_eq!(h.line, 30);
}

#[test]
fn rust_impl_of_a_path_trait_keeps_the_path() {
    let h = assert_inherits(
        &fx().inherits("src/cart.rs"),
        "Cart",
        "implements",
        "fmt::Display",
    );
    assert_eq!(h.line, 90);
}

#[test]
fn rust_inherent_impl_is_not_inheritance() {
    let inherits = fx().inherits("src/cart.rs");
    assert_eq!(inherits.len(), 2, "only the two trait impls: {inherits:#?}");
}

#[test]
fn rust_every_trait_impl_is_recorded() {
    let inherits = fx().inherits("src/pricing/discount.rs");
    assert_inherits(&inherits, "Discount", "implements", "Rule");
    assert_inherits(&inherits, "Discount", "implements", "FromStr");
    assert_inherits(
        &fx().inherits("src/pricing/mod.rs"),
        "Tier",
        "implements",
        "Rule",
    );
}

// ------------------------------------------------------------------ imports

#[test]
fn rust_use_group_with_alias() {
    assert_eq!(
        fx().import_at("src/lib.rs", 6),
        import(
            "cart",
            &[("Cart", None), ("Line", Some("CartLine"))],
            None,
            6
        )
    );
}

#[test]
fn rust_use_group_alias_keeps_the_group_path_as_module() {
    // `use crate::pricing::{self, Rule as PricingRule};` -- how `self` in a group is
    // reported is not pinned down by json.md, so only the aliased name is checked.
    let imports = fx().imports("src/cart.rs");
    let rule = imports
        .iter()
        .find(|i| {
            i.line == 6
                && i.names
                    .contains(&("Rule".to_string(), Some("PricingRule".to_string())))
        })
        .unwrap_or_else(|| panic!("no import of Rule as PricingRule on line 6: {imports:#?}"));
    assert_eq!(rule.module, "crate::pricing");
    assert_eq!(rule.alias, None);
}

#[test]
fn rust_use_path_splits_off_the_last_segment() {
    assert_eq!(
        fx().import_at("src/cart.rs", 3),
        import("std::collections", &[("HashMap", None)], None, 3)
    );
    assert_eq!(
        fx().import_at("src/cart.rs", 4),
        import("std", &[("fmt", None)], None, 4)
    );
    assert_eq!(
        fx().import_at("src/cart.rs", 7),
        import("crate::util", &[("round5", None)], None, 7)
    );
}

#[test]
fn rust_use_glob_is_star() {
    assert_eq!(
        fx().import_at("src/pricing/discount.rs", 5),
        import("super", &[("*", None)], None, 5)
    );
    assert_eq!(
        fx().import_at("src/cart.rs", 98),
        import("super", &[("*", None)], None, 98)
    );
}

#[test]
fn rust_pub_use_is_an_import() {
    assert_eq!(
        fx().import_at("src/lib.rs", 7),
        import(
            "pricing::discount",
            &[("parse_all", None), ("Discount", None)],
            None,
            7
        )
    );
}

// ------------------------------------------------------------------ calls

#[test]
fn rust_method_call_on_self() {
    let calls = fx().calls_of("src/cart.rs", "shop::cart::Cart::add");
    assert_has_call(&calls, &call("self.check", "check", Some("self"), 67));
    assert_has_call(
        &calls,
        &call("self.lines.push", "push", Some("self.lines"), 72),
    );
}

#[test]
fn rust_chained_call_receiver_is_the_call_chain() {
    assert_has_call(
        &fx().calls_of("src/cart.rs", "shop::cart::Cart::add"),
        &call(
            "self.lines.last().expect",
            "expect",
            Some("self.lines.last()"),
            73,
        ),
    );
}

#[test]
fn rust_path_call_has_path_receiver() {
    assert_has_call(
        &fx().calls_of("src/cart.rs", "shop::cart::Cart::total"),
        &call("pricing::apply_all", "apply_all", Some("pricing"), 86),
    );
    assert_has_call(
        &fx().calls_of("src/cart.rs", "shop::cart::Cart::new"),
        &call("Self::default", "default", Some("Self"), 62),
    );
    assert_has_call(
        &fx().calls_of("src/cart.rs", "shop::cart::Cart::check"),
        &call(
            "CartError::BadQuantity",
            "BadQuantity",
            Some("CartError"),
            78,
        ),
    );
}

#[test]
fn rust_call_to_imported_function() {
    assert_has_call(
        &fx().calls_of("src/cart.rs", "shop::cart::Cart::total"),
        &call("round5", "round5", None, 86),
    );
}

#[test]
fn rust_macro_invocation_is_a_call_with_bang() {
    let calls = fx().calls_of("src/cart.rs", "shop::cart::Cart::fmt");
    let write = calls
        .iter()
        .find(|c| c.name == "write!")
        .unwrap_or_else(|| panic!("no write! call in Cart::fmt: {calls:#?}"));
    assert_eq!(write.line, 92);
    assert_has_call(
        &fx().calls_of("src/cart.rs", "shop::cart::tests::add_refuses_duplicates"),
        &call("assert_eq!", "assert_eq!", None, 105),
    );
}

#[test]
fn rust_calls_inside_macro_arguments_are_call_sites() {
    // `assert_eq!(cart.add(pen, 1).unwrap_err(), CartError::Duplicate { sku: "PEN".into() })`:
    // read from the macro's tokens, written as in ordinary code; the literal receiver
    // of `"PEN".into()` is not read as a chain.
    let calls = fx().calls_of("src/cart.rs", "shop::cart::tests::add_refuses_duplicates");
    assert_has_call(&calls, &call("cart.add", "add", Some("cart"), 105));
    assert_has_call(
        &calls,
        &call(
            "cart.add(pen, 1).unwrap_err",
            "unwrap_err",
            Some("cart.add(pen, 1)"),
            105,
        ),
    );
    assert!(
        !calls.iter().any(|c| c.name == "into" && c.line == 105),
        "{calls:#?}"
    );
}

#[test]
fn rust_call_in_closure_is_attributed_to_enclosing_fn() {
    // ASSUMPTION: a closure is not a symbol, so its calls belong to the enclosing method.
    assert_has_call(
        &fx().calls_of("src/cart.rs", "shop::cart::Cart::total"),
        &call("l.product.price_of", "price_of", Some("l.product"), 85),
    );
}

// ------------------------------------------------------------------ complexity

#[test]
fn rust_complexity_counts_branches_loops_and_boolean_operators() {
    // best_price: 1 + if + || + for + if + && + if + if + else-if + while = 10.
    assert_eq!(
        opt_n(fx().symbol("shop::pricing::best_price"), "complexity"),
        Some(10)
    );
}

#[test]
fn rust_nesting_depth_counts_nested_control_blocks() {
    // ASSUMPTION: body = depth 0; for / if / if -> 3 (the if / else-if chain is depth 1).
    assert_eq!(
        opt_n(fx().symbol("shop::pricing::best_price"), "nesting"),
        Some(3)
    );
}

#[test]
fn rust_boolean_operator_counts_toward_complexity() {
    let sym = fx().symbol("shop::cart::Cart::check");
    assert_eq!(opt_n(sym, "complexity"), Some(3));
    assert_eq!(opt_n(sym, "nesting"), Some(1));
}

#[test]
fn rust_question_mark_counts_toward_complexity() {
    // Cart::add: 1 + `?` + if = 3.
    assert_eq!(
        opt_n(fx().symbol("shop::cart::Cart::add"), "complexity"),
        Some(3)
    );
}

#[test]
fn rust_each_match_arm_counts_toward_complexity() {
    // Discount::apply: 1 + two arms = 3.
    assert_eq!(
        opt_n(
            fx().symbol("shop::pricing::discount::Discount::apply"),
            "complexity"
        ),
        Some(3)
    );
}

#[test]
fn rust_match_guard_counts_toward_complexity() {
    // Discount::from_str: 1 + three arms + the guard `None if s.is_empty()` + `?` + if
    // = 7. The two `map_err` closures are functions of their own.
    assert_eq!(
        opt_n(
            fx().symbol("shop::pricing::discount::Discount::from_str"),
            "complexity"
        ),
        Some(7)
    );
}

#[test]
fn rust_loop_counts_toward_complexity() {
    // parse_all: 1 + loop + if + || + `?` = 5 (let-else adds nothing); loop / if -> 2.
    let sym = fx().symbol("shop::pricing::discount::parse_all");
    assert_eq!(opt_n(sym, "complexity"), Some(5));
    assert_eq!(opt_n(sym, "nesting"), Some(2));
}

#[test]
fn rust_iterator_chain_with_closures_has_complexity_one() {
    // Cart::total and apply_all: no branches of their own, closures without branches.
    assert_eq!(
        opt_n(fx().symbol("shop::cart::Cart::total"), "complexity"),
        Some(1)
    );
    assert_eq!(
        opt_n(fx().symbol("shop::pricing::apply_all"), "complexity"),
        Some(1)
    );
}

#[test]
fn rust_straight_line_fn_has_complexity_one() {
    let sym = fx().symbol("shop::cart::Cart::new");
    assert_eq!(opt_n(sym, "complexity"), Some(1));
    assert_eq!(opt_n(sym, "nesting"), Some(0));
}

#[test]
fn rust_struct_has_no_complexity() {
    assert_eq!(opt_n(fx().symbol("shop::cart::Cart"), "complexity"), None);
}

#[test]
fn rust_files_parse_without_errors() {
    for f in FILES {
        assert_eq!(n(fx().outline(f), "parse_errors"), 0, "{f}");
    }
}

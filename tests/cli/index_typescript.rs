//! The TypeScript fixture (tests/fixtures/typescript): `src/*.ts`, one `.tsx` and one
//! `.js` file. Complexity ground truth is ESLint's `complexity` rule (classic variant),
//! checked with eslint 10.15.0 + typescript-eslint's parser.

use std::sync::OnceLock;

use crate::common::*;

const FIXTURE: &str = "typescript";
const FILES: &[&str] = &[
    "src/models.ts",
    "src/pricing.ts",
    "src/cart.ts",
    "src/index.ts",
    "src/CartView.tsx",
    "src/legacy.js",
];

fn fx() -> &'static Indexed {
    static CELL: OnceLock<Indexed> = OnceLock::new();
    CELL.get_or_init(|| Indexed::build(FIXTURE, FILES))
}

// ------------------------------------------------------------------ languages

#[test]
fn ts_file_has_typescript_language() {
    assert_eq!(
        s(fx().symbol("src/pricing.ts::quote"), "language"),
        "typescript"
    );
    assert_eq!(s(fx().outline("src/pricing.ts"), "language"), "typescript");
}

#[test]
fn tsx_file_has_tsx_language() {
    assert_eq!(
        s(fx().symbol("src/CartView.tsx::CartView"), "language"),
        "tsx"
    );
    assert_eq!(s(fx().outline("src/CartView.tsx"), "language"), "tsx");
}

#[test]
fn js_file_has_javascript_language() {
    assert_eq!(
        s(fx().symbol("src/legacy.js::formatCents"), "language"),
        "javascript"
    );
    assert_eq!(s(fx().outline("src/legacy.js"), "language"), "javascript");
}

#[test]
fn ts_fixture_files_parse_without_errors() {
    for f in FILES {
        assert_eq!(n(fx().outline(f), "parse_errors"), 0, "{f}");
    }
}

// ------------------------------------------------------------------ kinds and names

#[test]
fn ts_exported_function_is_a_function() {
    let sym = fx().symbol("src/pricing.ts::couponRate");
    assert_eq!(s(sym, "kind"), "function");
    assert_eq!((n(sym, "line"), n(sym, "end_line")), (25, 31));
    assert_eq!(opt_s(sym, "parent"), None);
}

#[test]
fn ts_arrow_function_const_is_a_function() {
    let sym = fx().symbol("src/pricing.ts::applyDiscount");
    assert_eq!(s(sym, "kind"), "function");
    assert_eq!(s(sym, "name"), "applyDiscount");
    assert_eq!((n(sym, "line"), n(sym, "end_line")), (21, 22));
    assert_eq!(
        params(sym),
        ps(&[("total", Some("number")), ("rate", Some("number"))])
    );
    assert_eq!(opt_s(sym, "return_type"), Some("number"));
}

#[test]
fn tsx_arrow_function_const_is_a_function() {
    let sym = fx().symbol("src/CartView.tsx::formatMoney");
    assert_eq!(s(sym, "kind"), "function");
    assert_eq!(params(sym), ps(&[("amount", Some("number"))]));
    assert_eq!(opt_s(sym, "return_type"), Some("string"));
}

#[test]
fn ts_class_method_qualified_name_includes_class() {
    let sym = fx().symbol("src/cart.ts::Cart.add");
    assert_eq!(s(sym, "kind"), "method");
    assert_eq!(opt_s(sym, "parent"), Some("src/cart.ts::Cart"));
    assert_eq!((n(sym, "line"), n(sym, "end_line")), (29, 35));
}

#[test]
fn ts_private_method_is_a_method() {
    let sym = fx().symbol("src/cart.ts::Cart.check");
    assert_eq!(s(sym, "kind"), "method");
    assert_eq!(opt_s(sym, "return_type"), Some("void"));
}

#[test]
fn ts_class_is_a_class_with_its_span() {
    let sym = fx().symbol("src/cart.ts::Cart");
    assert_eq!(s(sym, "kind"), "class");
    assert_eq!((n(sym, "line"), n(sym, "end_line")), (25, 50));
}

#[test]
fn ts_abstract_class_is_a_class() {
    assert_eq!(s(fx().symbol("src/models.ts::BaseModel"), "kind"), "class");
    assert_eq!(
        s(fx().symbol("src/models.ts::BaseModel.touch"), "kind"),
        "method"
    );
}

#[test]
fn ts_interface_is_an_interface() {
    for q in [
        "src/models.ts::Entity",
        "src/models.ts::Product",
        "src/cart.ts::Totalable",
        "src/CartView.tsx::CartViewProps",
    ] {
        assert_eq!(s(fx().symbol(q), "kind"), "interface", "{q}");
    }
}

#[test]
fn ts_type_alias_is_a_type() {
    let sku = fx().symbol("src/models.ts::Sku");
    assert_eq!(s(sku, "kind"), "type");
    assert_eq!(n(sku, "line"), 23);
    assert_eq!(s(fx().symbol("src/models.ts::Money"), "kind"), "type");
}

#[test]
fn ts_enum_is_an_enum() {
    let sym = fx().symbol("src/models.ts::Currency");
    assert_eq!(s(sym, "kind"), "enum");
    assert_eq!((n(sym, "line"), n(sym, "end_line")), (27, 31));
}

#[test]
fn ts_namespace_function_is_qualified_under_namespace() {
    let f = fx().symbol("src/pricing.ts::Pricing.round2");
    assert_eq!(s(f, "kind"), "function");
    assert_eq!(opt_s(f, "parent"), Some("src/pricing.ts::Pricing"));
    // ASSUMPTION: a TS namespace is a symbol of kind `module`.
    let ns = fx().symbol("src/pricing.ts::Pricing");
    assert_eq!(s(ns, "kind"), "module");
    assert_eq!((n(ns, "line"), n(ns, "end_line")), (33, 38));
}

#[test]
fn ts_upper_case_const_is_a_constant() {
    // ASSUMPTION: TS/JS follow the Python rule: a top-level UPPER_CASE `const` that is
    // not a function is a `constant` (json.md lists the kind, not the rule).
    let sym = fx().symbol("src/pricing.ts::BULK_THRESHOLD");
    assert_eq!(s(sym, "kind"), "constant");
    assert_eq!(n(sym, "line"), 6);
}

#[test]
fn js_class_and_method() {
    assert_eq!(s(fx().symbol("src/legacy.js::LegacyCart"), "kind"), "class");
    let add = fx().symbol("src/legacy.js::LegacyCart.add");
    assert_eq!(s(add, "kind"), "method");
    assert_eq!((n(add, "line"), n(add, "end_line")), (16, 19));
}

// ------------------------------------------------------------------ docs

#[test]
fn ts_jsdoc_is_extracted() {
    assert_eq!(
        opt_s(fx().symbol("src/cart.ts::Cart.add"), "doc"),
        Some("Add `quantity` of `product` and return the new line.")
    );
    assert_eq!(
        opt_s(fx().symbol("src/pricing.ts::couponRate"), "doc"),
        Some("The rate of a coupon code; throws on an unknown code.")
    );
}

#[test]
fn ts_multiline_jsdoc_loses_its_stars() {
    assert_eq!(
        opt_s(fx().symbol("src/cart.ts::Cart"), "doc"),
        Some("A customer's cart. Lines keep their insertion order.")
    );
    assert_eq!(
        opt_s(fx().symbol("src/pricing.ts::quote"), "doc"),
        Some(
            "Quote `lines` in `currency`: quantity tiers, then a coupon or the bulk\n\
             rate, then the most expensive lines are dropped until `budget` is met."
        )
    );
}

#[test]
fn ts_jsdoc_of_exported_arrow_const_is_extracted() {
    assert_eq!(
        opt_s(fx().symbol("src/pricing.ts::applyDiscount"), "doc"),
        Some("Reduce `total` by `rate` (0..1), rounded to cents.")
    );
}

#[test]
fn ts_jsdoc_inside_namespace_is_extracted() {
    assert_eq!(
        opt_s(fx().symbol("src/pricing.ts::Pricing.round2"), "doc"),
        Some("Round to whole cents.")
    );
}

#[test]
fn ts_file_header_comment_is_not_the_doc_of_the_first_declaration() {
    // models.ts opens with a file comment, a blank line, then `/** Anything stored... */`.
    assert_eq!(
        opt_s(fx().symbol("src/models.ts::Entity"), "doc"),
        Some("Anything stored with an id.")
    );
}

#[test]
fn ts_method_without_comment_has_null_doc() {
    assert_eq!(opt_s(fx().symbol("src/cart.ts::Cart.total"), "doc"), None);
}

#[test]
fn js_jsdoc_is_extracted() {
    assert_eq!(
        opt_s(fx().symbol("src/legacy.js::formatCents"), "doc"),
        Some("Format a price in cents as `euros.cents`.")
    );
}

// ------------------------------------------------------------------ signatures and types

#[test]
fn ts_parameters_have_types() {
    let sym = fx().symbol("src/pricing.ts::quote");
    assert_eq!(
        params(sym),
        ps(&[
            ("lines", Some("Line[]")),
            ("currency", Some("Currency")),
            ("coupon", Some("string | null")),
            ("budget", Some("number")),
        ])
    );
    assert_eq!(opt_s(sym, "return_type"), Some("Money"));
}

#[test]
fn ts_method_parameters_keep_qualified_types() {
    let sym = fx().symbol("src/cart.ts::Cart.add");
    assert_eq!(
        params(sym),
        ps(&[
            ("product", Some("models.Product")),
            ("quantity", Some("number"))
        ])
    );
    assert_eq!(opt_s(sym, "return_type"), Some("CartLine"));
}

#[test]
fn js_parameters_have_null_types() {
    let sym = fx().symbol("src/legacy.js::formatCents");
    assert_eq!(params(sym), ps(&[("cents", None)]));
    assert_eq!(opt_s(sym, "return_type"), None);
}

#[test]
fn ts_signature_is_the_header_without_body() {
    let sig = s(fx().symbol("src/pricing.ts::couponRate"), "signature");
    assert!(
        sig.contains("function couponRate(code: string): number"),
        "signature {sig:?}"
    );
    assert!(
        !sig.contains("COUPONS"),
        "signature {sig:?} contains the body"
    );
}

#[test]
fn ts_arrow_function_signature_has_params_without_body() {
    let sig = s(fx().symbol("src/pricing.ts::applyDiscount"), "signature");
    assert!(
        sig.contains("(total: number, rate: number): number"),
        "signature {sig:?}"
    );
    assert!(
        !sig.contains("Math.round"),
        "signature {sig:?} contains the body"
    );
}

// ------------------------------------------------------------------ inheritance

#[test]
fn ts_class_extends_is_extends() {
    let h = assert_inherits(
        &fx().inherits("src/cart.ts"),
        "src/cart.ts::Cart",
        "extends",
        "BaseModel",
    );
    assert_eq!(h.line, 25);
}

#[test]
fn ts_class_implements_is_implements() {
    let h = assert_inherits(
        &fx().inherits("src/cart.ts"),
        "src/cart.ts::Cart",
        "implements",
        "Totalable",
    );
    assert_eq!(h.line, 25);
}

#[test]
fn ts_implements_with_qualified_name_is_kept_as_written() {
    assert_inherits(
        &fx().inherits("src/cart.ts"),
        "src/cart.ts::CartLine",
        "implements",
        "models.Line",
    );
}

#[test]
fn ts_interface_extends_is_extends() {
    let h = assert_inherits(
        &fx().inherits("src/models.ts"),
        "src/models.ts::Product",
        "extends",
        "Entity",
    );
    assert_eq!(h.line, 11);
}

#[test]
fn ts_abstract_class_implements_interface() {
    assert_inherits(
        &fx().inherits("src/models.ts"),
        "src/models.ts::BaseModel",
        "implements",
        "Entity",
    );
}

// ------------------------------------------------------------------ imports

#[test]
fn ts_default_and_named_imports_with_alias() {
    assert_eq!(
        fx().import_at("src/cart.ts", 4),
        import(
            "./pricing",
            &[
                ("default", Some("quote")),
                ("applyDiscount", Some("discount")),
                ("Pricing", None),
            ],
            None,
            4
        )
    );
}

#[test]
fn ts_namespace_import_is_star_with_alias() {
    assert_eq!(
        fx().import_at("src/cart.ts", 5),
        import("./models", &[("*", Some("models"))], None, 5)
    );
}

#[test]
fn ts_named_imports_without_alias() {
    assert_eq!(
        fx().import_at("src/cart.ts", 6),
        import(
            "./models",
            &[("BaseModel", None), ("Currency", None)],
            None,
            6
        )
    );
}

#[test]
fn ts_reexport_is_an_import() {
    assert_eq!(
        fx().import_at("src/index.ts", 2),
        import("./cart", &[("Cart", None), ("CartLine", None)], None, 2)
    );
    assert_eq!(
        fx().import_at("src/index.ts", 3),
        import("./pricing", &[("quote", Some("quoteLines"))], None, 3)
    );
}

#[test]
fn ts_export_star_is_an_import() {
    // json.md: `export * from './y'` is an import; its `names` are not pinned down.
    assert_eq!(fx().import_at("src/index.ts", 4).module, "./models");
}

#[test]
fn ts_reexport_only_file_has_imports_and_no_definitions() {
    let outline = fx().outline("src/index.ts");
    let defs = json_array(outline, "symbols")
        .iter()
        .filter(|s| s["kind"] != "module")
        .count();
    assert_eq!(defs, 0, "{outline:#}");
    assert_eq!(json_array(outline, "imports").len(), 3);
}

#[test]
fn js_require_assigned_to_const_is_an_import() {
    let imp = fx().import_at("src/legacy.js", 4);
    assert_eq!(imp.module, "util");
    assert_eq!(imp.alias.as_deref(), Some("util"));
}

#[test]
fn tsx_import_is_recorded() {
    assert_eq!(
        fx().import_at("src/CartView.tsx", 1),
        import("./cart", &[("Cart", None)], None, 1)
    );
}

// ------------------------------------------------------------------ calls

#[test]
fn ts_new_expression_is_a_call() {
    assert_has_call(
        &fx().calls_of("src/cart.ts", "src/cart.ts::Cart.add"),
        &call("CartLine", "CartLine", None, 31),
    );
    assert_has_call(
        &fx().calls_of("src/cart.ts", "src/cart.ts::Cart.check"),
        &call("RangeError", "RangeError", None, 39),
    );
}

#[test]
fn ts_this_method_call_has_this_receiver() {
    let calls = fx().calls_of("src/cart.ts", "src/cart.ts::Cart.add");
    assert_has_call(&calls, &call("this.check", "check", Some("this"), 30));
    assert_has_call(&calls, &call("this.touch", "touch", Some("this"), 33));
    assert_has_call(
        &calls,
        &call("this.lines.push", "push", Some("this.lines"), 32),
    );
}

#[test]
fn ts_calls_of_a_method_are_exactly_its_own() {
    let mut callees: Vec<String> = fx()
        .calls_of("src/cart.ts", "src/cart.ts::Cart.add")
        .into_iter()
        .map(|c| c.callee)
        .collect();
    callees.sort();
    assert_eq!(
        callees,
        ["CartLine", "this.check", "this.lines.push", "this.touch"]
    );
}

#[test]
fn ts_call_through_namespace_and_aliased_import() {
    let calls = fx().calls_of("src/cart.ts", "src/cart.ts::Cart.withDiscount");
    assert_has_call(
        &calls,
        &call("Pricing.round2", "round2", Some("Pricing"), 48),
    );
    assert_has_call(&calls, &call("discount", "discount", None, 48));
    assert_has_call(&calls, &call("this.total", "total", Some("this"), 48));
}

#[test]
fn ts_call_to_default_import_is_recorded() {
    assert_has_call(
        &fx().calls_of("src/cart.ts", "src/cart.ts::Cart.total"),
        &call("quote", "quote", None, 44),
    );
}

#[test]
fn ts_chained_call_receiver_is_everything_before_the_last_member() {
    let calls = fx().calls_of("src/pricing.ts", "src/pricing.ts::quote");
    let sort = calls
        .iter()
        .find(|c| c.name == "sort")
        .unwrap_or_else(|| panic!("no call to sort in quote: {calls:#?}"));
    assert_eq!(sort.line, 80);
    assert_eq!(
        sort.receiver.as_deref(),
        Some("lines.map((l) => l.product.price * l.quantity * factor)")
    );
}

#[test]
fn ts_calls_in_complex_function_are_attributed_to_it() {
    let calls = fx().calls_of("src/pricing.ts", "src/pricing.ts::quote");
    assert_has_call(&calls, &call("couponRate", "couponRate", None, 47));
    assert_has_call(&calls, &call("console.warn", "warn", Some("console"), 49));
    assert_has_call(&calls, &call("applyDiscount", "applyDiscount", None, 57));
    assert_has_call(
        &calls,
        &call("Pricing.round2", "round2", Some("Pricing"), 84),
    );
}

#[test]
fn tsx_call_inside_jsx_is_recorded() {
    let calls = fx().calls_of("src/CartView.tsx", "src/CartView.tsx::CartView");
    assert_has_call(&calls, &call("cart.total", "total", Some("cart"), 10));
    assert_has_call(&calls, &call("formatMoney", "formatMoney", None, 16));
}

#[test]
fn js_call_receiver_may_itself_be_a_call() {
    let calls = fx().calls_of("src/legacy.js", "src/legacy.js::formatCents");
    assert_has_call(&calls, &call("util.format", "format", Some("util"), 8));
    assert_has_call(
        &calls,
        &call(
            "String(cents % 100).padStart",
            "padStart",
            Some("String(cents % 100)"),
            8,
        ),
    );
}

// ------------------------------------------------------------------ complexity

#[test]
fn ts_complexity_follows_eslint_rules() {
    // ESLint `complexity` (classic): quote = 17
    // 1 + ternary + catch + for-of + if + && + for-of + if + if + else-if + || + 2 cases
    //   + ?? + while + 2 &&. The two arrow callbacks have no decisions.
    assert_eq!(
        opt_n(fx().symbol("src/pricing.ts::quote"), "complexity"),
        Some(17)
    );
}

#[test]
fn ts_single_if_has_complexity_two() {
    let sym = fx().symbol("src/pricing.ts::couponRate");
    assert_eq!(opt_n(sym, "complexity"), Some(2));
    assert_eq!(opt_n(sym, "nesting"), Some(1));
    assert_eq!(
        opt_n(fx().symbol("src/cart.ts::Cart.check"), "complexity"),
        Some(2)
    );
}

#[test]
fn ts_arrow_function_without_branches_has_complexity_one() {
    let sym = fx().symbol("src/pricing.ts::applyDiscount");
    assert_eq!(opt_n(sym, "complexity"), Some(1));
    assert_eq!(opt_n(sym, "nesting"), Some(0));
}

#[test]
fn tsx_nullish_coalescing_in_jsx_counts_toward_complexity() {
    // ESLint: CartView = 2 (`title ?? 'Your cart'`).
    assert_eq!(
        opt_n(fx().symbol("src/CartView.tsx::CartView"), "complexity"),
        Some(2)
    );
}

#[test]
fn ts_nesting_depth_counts_nested_control_blocks() {
    // ASSUMPTION: body = depth 0; for-of / if / for-of / if -> 4. The try/catch, the
    // if/else-if chain and the switch sit at the top of the body (depth <= 2 however
    // catch and case are counted).
    assert_eq!(
        opt_n(fx().symbol("src/pricing.ts::quote"), "nesting"),
        Some(4)
    );
}

#[test]
fn ts_interface_has_no_complexity() {
    assert_eq!(
        opt_n(fx().symbol("src/models.ts::Entity"), "complexity"),
        None
    );
}

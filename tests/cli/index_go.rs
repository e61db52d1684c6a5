//! The Go fixture (tests/fixtures/go): module `example.com/shop` with packages `cart`
//! and `pricing`, a `main.go` at the module root and a `_test.go` file. Complexity
//! ground truth is lizard 1.24.3 (`lizard pricing/pricing.go`).

use std::sync::OnceLock;

use crate::common::*;

const FIXTURE: &str = "go";
const FILES: &[&str] = &[
    "main.go",
    "cart/cart.go",
    "cart/cart_test.go",
    "pricing/pricing.go",
];

fn fx() -> &'static Indexed {
    static CELL: OnceLock<Indexed> = OnceLock::new();
    CELL.get_or_init(|| Indexed::build(FIXTURE, FILES))
}

// ------------------------------------------------------------------ names and kinds

#[test]
fn go_function_qualified_name_uses_import_path() {
    let sym = fx().symbol("example.com/shop/cart.New");
    assert_eq!(s(sym, "kind"), "function");
    assert_eq!(s(sym, "name"), "New");
    assert_eq!(s(sym, "language"), "go");
    assert_eq!(s(sym, "file"), "cart/cart.go");
    assert_eq!((n(sym, "line"), n(sym, "end_line")), (53, 58));
}

#[test]
fn go_package_at_module_root_uses_module_path() {
    let sym = fx().symbol("example.com/shop.main");
    assert_eq!(s(sym, "kind"), "function");
    assert_eq!(s(sym, "file"), "main.go");
}

#[test]
fn go_method_qualified_name_includes_receiver_type() {
    let sym = fx().symbol("example.com/shop/cart.Cart.Add");
    assert_eq!(s(sym, "kind"), "method");
    assert_eq!(s(sym, "name"), "Add");
    assert_eq!((n(sym, "line"), n(sym, "end_line")), (61, 68));
}

#[test]
fn go_method_parent_is_its_receiver_type() {
    assert_eq!(
        opt_s(fx().symbol("example.com/shop/cart.Cart.Add"), "parent"),
        Some("example.com/shop/cart.Cart")
    );
    assert_eq!(
        opt_s(fx().symbol("example.com/shop/cart.Product.SKU"), "parent"),
        Some("example.com/shop/cart.Product")
    );
}

#[test]
fn go_pointer_receiver_is_recorded() {
    assert_eq!(
        opt_s(fx().symbol("example.com/shop/cart.Cart.Add"), "receiver"),
        Some("*Cart")
    );
}

#[test]
fn go_value_receiver_is_recorded() {
    assert_eq!(
        opt_s(fx().symbol("example.com/shop/cart.Cart.Len"), "receiver"),
        Some("Cart")
    );
    assert_eq!(
        opt_s(fx().symbol("example.com/shop/cart.Product.SKU"), "receiver"),
        Some("Product")
    );
}

#[test]
fn go_function_has_no_receiver() {
    assert_eq!(
        opt_s(fx().symbol("example.com/shop/cart.New"), "receiver"),
        None
    );
}

#[test]
fn go_function_and_method_with_the_same_name_are_distinct() {
    let f = fx().symbol("example.com/shop/pricing.Apply");
    let m = fx().symbol("example.com/shop/pricing.Percent.Apply");
    assert_eq!(s(f, "kind"), "function");
    assert_eq!(s(m, "kind"), "method");
    assert_eq!(n(f, "line"), 33);
    assert_eq!(n(m, "line"), 20);
}

#[test]
fn go_struct_is_a_struct() {
    let sym = fx().symbol("example.com/shop/cart.Cart");
    assert_eq!(s(sym, "kind"), "struct");
    assert_eq!((n(sym, "line"), n(sym, "end_line")), (47, 50));
}

#[test]
fn go_unexported_struct_is_indexed() {
    assert_eq!(
        s(fx().symbol("example.com/shop/pricing.tier"), "kind"),
        "struct"
    );
}

#[test]
fn go_interface_is_an_interface() {
    assert_eq!(
        s(fx().symbol("example.com/shop/cart.Item"), "kind"),
        "interface"
    );
    assert_eq!(
        s(fx().symbol("example.com/shop/pricing.Rule"), "kind"),
        "interface"
    );
}

#[test]
fn go_constants_are_constants() {
    // ASSUMPTION: every name declared by `const` (alone or in a block) is a symbol of kind
    // `constant`; json.md lists the kind but not which Go declarations produce it.
    let single = fx().symbol("example.com/shop/pricing.MinOrder");
    assert_eq!(s(single, "kind"), "constant");
    assert_eq!(n(single, "line"), 7);
    // A name inside a `const ( ... )` block is a constant of its own.
    let in_block = fx().symbol("example.com/shop/cart.MaxLines");
    assert_eq!(s(in_block, "kind"), "constant");
    assert_eq!(n(in_block, "line"), 13);
}

#[test]
fn go_test_function_is_indexed_in_its_package() {
    let sym = fx().symbol("example.com/shop/cart.TestAddKeepsLinesSorted");
    assert_eq!(s(sym, "kind"), "function");
    assert_eq!(s(sym, "file"), "cart/cart_test.go");
    assert_eq!(params(sym), ps(&[("t", Some("*testing.T"))]));
}

#[test]
fn go_files_parse_without_errors() {
    for f in FILES {
        assert_eq!(n(fx().outline(f), "parse_errors"), 0, "{f}");
        assert_eq!(s(fx().outline(f), "language"), "go", "{f}");
    }
}

// ------------------------------------------------------------------ docs

#[test]
fn go_doc_comment_is_extracted() {
    assert_eq!(
        opt_s(fx().symbol("example.com/shop/cart.Cart.Add"), "doc"),
        Some("Add puts quantity units of item in the cart.")
    );
    assert_eq!(
        opt_s(fx().symbol("example.com/shop/cart.Cart"), "doc"),
        Some("Cart is a customer's basket. Lines are kept sorted by SKU.")
    );
}

#[test]
fn go_multiline_doc_comment_keeps_its_lines() {
    assert_eq!(
        opt_s(fx().symbol("example.com/shop/pricing.Apply"), "doc"),
        Some("Apply runs the coupon's rule (or the bulk rate) and the tiers on sum,\nthen rounds to five cents.")
    );
}

#[test]
fn go_undocumented_function_has_null_doc() {
    assert_eq!(
        opt_s(fx().symbol("example.com/shop/cart.Cart.sortLines"), "doc"),
        None
    );
    assert_eq!(opt_s(fx().symbol("example.com/shop.main"), "doc"), None);
}

// ------------------------------------------------------------------ signatures and types

#[test]
fn go_receiver_is_not_a_parameter() {
    assert_eq!(
        params(fx().symbol("example.com/shop/cart.Cart.Add")),
        ps(&[("item", Some("Item")), ("quantity", Some("int"))])
    );
}

#[test]
fn go_grouped_parameters_share_their_type() {
    // ASSUMPTION: `func Split(total, n int)` gives one entry per name, each with the
    // shared type (json.md does not spell out grouped Go parameters).
    assert_eq!(
        params(fx().symbol("example.com/shop/pricing.Split")),
        ps(&[("total", Some("int")), ("n", Some("int"))])
    );
}

#[test]
fn go_return_type_is_recorded() {
    assert_eq!(
        opt_s(fx().symbol("example.com/shop/cart.Cart.Add"), "return_type"),
        Some("error")
    );
    assert_eq!(
        opt_s(fx().symbol("example.com/shop/cart.New"), "return_type"),
        Some("*Cart")
    );
    assert_eq!(
        opt_s(fx().symbol("example.com/shop/pricing.Split"), "return_type"),
        Some("[]int")
    );
}

#[test]
fn go_function_without_result_has_null_return_type() {
    assert_eq!(
        opt_s(
            fx().symbol("example.com/shop/cart.Cart.sortLines"),
            "return_type"
        ),
        None
    );
}

#[test]
fn go_signature_has_receiver_params_and_result_without_body() {
    let sig = s(fx().symbol("example.com/shop/cart.Cart.Add"), "signature");
    assert!(
        sig.contains("func (c *Cart) Add(item Item, quantity int) error"),
        "signature {sig:?}"
    );
    assert!(
        !sig.contains("MaxLines"),
        "signature {sig:?} contains the body"
    );
}

// ------------------------------------------------------------------ inheritance

#[test]
fn go_struct_embedding_is_recorded() {
    // `*Audit` is embedded through a pointer: the base is the type without `*`.
    assert_inherits(
        &fx().inherits("cart/cart.go"),
        "example.com/shop/cart.Cart",
        "embeds",
        "Audit",
    );
}

#[test]
fn go_interface_embedded_in_struct_is_recorded() {
    assert_inherits(
        &fx().inherits("cart/cart.go"),
        "example.com/shop/cart.Line",
        "embeds",
        "Item",
    );
}

#[test]
fn go_named_fields_are_not_embedding() {
    let inherits = fx().inherits("cart/cart.go");
    assert_eq!(
        inherits.len(),
        2,
        "only Cart<-Audit and Line<-Item: {inherits:#?}"
    );
}

// ------------------------------------------------------------------ imports

#[test]
fn go_aliased_import_records_alias() {
    assert_eq!(
        fx().import_at("cart/cart.go", 5),
        import("fmt", &[], Some("f"), 5)
    );
}

#[test]
fn go_grouped_imports_are_one_per_package() {
    assert_eq!(
        fx().import_at("cart/cart.go", 6),
        import("sort", &[], None, 6)
    );
    assert_eq!(
        fx().import_at("cart/cart.go", 8),
        import("example.com/shop/pricing", &[], None, 8)
    );
    assert_eq!(fx().imports("cart/cart.go").len(), 3);
}

#[test]
fn go_single_import_is_recorded() {
    assert_eq!(
        fx().import_at("pricing/pricing.go", 4),
        import("strings", &[], None, 4)
    );
}

// ------------------------------------------------------------------ calls

#[test]
fn go_call_through_import_alias() {
    assert_has_call(
        &fx().calls_of("cart/cart.go", "example.com/shop/cart.Cart.Add"),
        &call("f.Errorf", "Errorf", Some("f"), 63),
    );
}

#[test]
fn go_method_call_on_receiver() {
    assert_has_call(
        &fx().calls_of("cart/cart.go", "example.com/shop/cart.Cart.Add"),
        &call("c.sortLines", "sortLines", Some("c"), 66),
    );
}

#[test]
fn go_builtin_call_is_recorded() {
    assert_has_call(
        &fx().calls_of("cart/cart.go", "example.com/shop/cart.Cart.Add"),
        &call("append", "append", None, 65),
    );
}

#[test]
fn go_call_to_other_package() {
    assert_has_call(
        &fx().calls_of("cart/cart.go", "example.com/shop/cart.Cart.Total"),
        &call("pricing.Apply", "Apply", Some("pricing"), 82),
    );
    assert_has_call(
        &fx().calls_of("main.go", "example.com/shop.main"),
        &call("cart.New", "New", Some("cart"), 12),
    );
}

#[test]
fn go_call_inside_closure_is_attributed_to_enclosing_method() {
    // ASSUMPTION: a func literal is not a symbol, so its calls belong to the innermost
    // enclosing function or method (here `sortLines`).
    let calls = fx().calls_of("cart/cart.go", "example.com/shop/cart.Cart.sortLines");
    assert_has_call(&calls, &call("sort.Slice", "Slice", Some("sort"), 71));
    assert_has_call(
        &calls,
        &call("c.lines[i].SKU", "SKU", Some("c.lines[i]"), 72),
    );
}

#[test]
fn go_nested_call_arguments_are_calls_too() {
    let calls = fx().calls_of("pricing/pricing.go", "example.com/shop/pricing.Apply");
    assert_has_call(
        &calls,
        &call("strings.ToUpper", "ToUpper", Some("strings"), 37),
    );
    assert_has_call(&calls, &call("rule.Apply", "Apply", Some("rule"), 38));
    assert_has_call(&calls, &call("max", "max", None, 35));
}

// ------------------------------------------------------------------ complexity

#[test]
fn go_complexity_matches_lizard() {
    // lizard 1.24.3: Apply@33-58 CCN 12 (if, ||, &&, if, else if, for, if, &&, if,
    // case, case; `case 1, 2:` is one case and `default` adds nothing).
    assert_eq!(
        opt_n(fx().symbol("example.com/shop/pricing.Apply"), "complexity"),
        Some(12)
    );
}

#[test]
fn go_single_if_has_complexity_two() {
    // lizard: Add@61-68 CCN 2, New@53-58 CCN 2, Total@77-83 CCN 2 (for).
    assert_eq!(
        opt_n(fx().symbol("example.com/shop/cart.Cart.Add"), "complexity"),
        Some(2)
    );
    assert_eq!(
        opt_n(fx().symbol("example.com/shop/cart.New"), "complexity"),
        Some(2)
    );
    assert_eq!(
        opt_n(
            fx().symbol("example.com/shop/cart.Cart.Total"),
            "complexity"
        ),
        Some(2)
    );
}

#[test]
fn go_one_line_method_has_complexity_one() {
    let sym = fx().symbol("example.com/shop/pricing.Percent.Apply");
    assert_eq!(opt_n(sym, "complexity"), Some(1));
    assert_eq!(opt_n(sym, "nesting"), Some(0));
    assert_eq!((n(sym, "line"), n(sym, "end_line")), (20, 20));
    assert_eq!(n(sym, "loc"), 1);
}

#[test]
fn go_nesting_depth_counts_nested_control_blocks() {
    // ASSUMPTION: body = depth 0; `for` / `if` / `if` -> 3. The switch sits at the top
    // of the body (depth <= 2 however its cases are counted).
    assert_eq!(
        opt_n(fx().symbol("example.com/shop/pricing.Apply"), "nesting"),
        Some(3)
    );
}

#[test]
fn go_struct_has_no_complexity() {
    assert_eq!(
        opt_n(fx().symbol("example.com/shop/cart.Cart"), "complexity"),
        None
    );
}

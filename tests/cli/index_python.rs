//! The Python fixture (tests/fixtures/python): a `shop` package and its tests.
//! Complexity ground truth is lizard 1.24.3 (`lizard shop/pricing.py`).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use crate::common::*;

const FIXTURE: &str = "python";
const FILES: &[&str] = &[
    "shop/__init__.py",
    "shop/models.py",
    "shop/pricing.py",
    "shop/cart.py",
    "tests/test_cart.py",
];

fn fx() -> &'static Indexed {
    static CELL: OnceLock<Indexed> = OnceLock::new();
    CELL.get_or_init(|| Indexed::build(FIXTURE, FILES))
}

// ------------------------------------------------------------------ document shape

#[test]
fn python_symbols_json_has_schema_version_root_and_count() {
    let doc = &fx().symbols_doc;
    assert_eq!(doc["schema_version"], 1);
    let root = s(doc, "root");
    assert!(
        std::path::Path::new(root).is_absolute(),
        "root {root:?} is not absolute"
    );
    assert!(
        root.ends_with("/python"),
        "root {root:?} is not the indexed copy"
    );
    assert_eq!(n(doc, "count") as usize, fx().symbols().len());
}

#[test]
fn python_symbols_carry_language_and_relative_file() {
    let sym = fx().symbol("shop/cart.py::Cart");
    assert_eq!(s(sym, "language"), "python");
    assert_eq!(s(sym, "file"), "shop/cart.py");
    assert_eq!(s(sym, "name"), "Cart");
}

#[test]
fn python_outline_reports_file_language_and_no_parse_errors() {
    let outline = fx().outline("shop/cart.py");
    assert_eq!(outline["schema_version"], 1);
    assert_eq!(s(outline, "file"), "shop/cart.py");
    assert_eq!(s(outline, "language"), "python");
    assert_eq!(n(outline, "parse_errors"), 0);
}

#[test]
fn python_outline_lists_every_definition_in_file() {
    let got: BTreeSet<&str> = json_array(fx().outline("shop/cart.py"), "symbols")
        .iter()
        .filter(|s| s["kind"] != "module")
        .map(|sym| s(sym, "qualified_name"))
        .collect();
    let want: BTreeSet<&str> = [
        "shop/cart.py::LineItem",
        "shop/cart.py::LineItem.subtotal",
        "shop/cart.py::Cart",
        "shop/cart.py::Cart.__init__",
        "shop/cart.py::Cart.add",
        "shop/cart.py::Cart._check",
        "shop/cart.py::Cart.total",
        "shop/cart.py::Cart.loyalty_total",
        "shop/cart.py::Cart.from_skus",
    ]
    .into_iter()
    .collect();
    assert_eq!(got, want);
}

// ------------------------------------------------------------------ kinds and names

#[test]
fn python_top_level_function_is_a_function() {
    let sym = fx().symbol("shop/pricing.py::loyalty_rate");
    assert_eq!(s(sym, "kind"), "function");
    assert_eq!(opt_s(sym, "parent"), None);
}

#[test]
fn python_method_qualified_name_includes_class() {
    let sym = fx().symbol("shop/cart.py::Cart.add");
    assert_eq!(s(sym, "kind"), "method");
    assert_eq!(s(sym, "name"), "add");
    assert_eq!(opt_s(sym, "parent"), Some("shop/cart.py::Cart"));
}

#[test]
fn python_class_is_a_class() {
    let sym = fx().symbol("shop/models.py::DigitalProduct");
    assert_eq!(s(sym, "kind"), "class");
    assert_eq!(opt_s(sym, "parent"), None);
}

#[test]
fn python_nested_function_is_qualified_under_outer_function() {
    let sym = fx().symbol("shop/pricing.py::logged.wrapper");
    assert_eq!(s(sym, "kind"), "function");
    assert_eq!(opt_s(sym, "parent"), Some("shop/pricing.py::logged"));
    assert_eq!((n(sym, "line"), n(sym, "end_line")), (19, 23));
}

#[test]
fn python_test_method_is_a_method_of_the_test_class() {
    let sym = fx().symbol("tests/test_cart.py::CartTest.test_add_returns_line");
    assert_eq!(s(sym, "kind"), "method");
    assert_eq!(opt_s(sym, "parent"), Some("tests/test_cart.py::CartTest"));
}

#[test]
fn python_upper_case_module_assignments_are_constants() {
    for (q, line) in [
        ("shop/models.py::MAX_QUANTITY", 3),
        ("shop/models.py::DEFAULT_CURRENCY", 4),
        ("shop/pricing.py::BULK_THRESHOLD", 9),
        ("shop/pricing.py::COUPONS", 11),
        ("shop/__init__.py::VERSION", 9),
    ] {
        let sym = fx().symbol(q);
        assert_eq!(s(sym, "kind"), "constant", "{q}");
        assert_eq!(n(sym, "line"), line, "{q}");
        assert_eq!(opt_n(sym, "complexity"), None, "{q} is not a function");
    }
}

#[test]
fn python_lower_case_and_dunder_assignments_are_not_symbols() {
    for q in [
        "shop/pricing.py::log",
        "shop/__init__.py::__all__",
        "shop/models.py::Taxable.rate",
    ] {
        assert!(fx().find(q).is_none(), "{q} should not be a symbol");
    }
}

// ------------------------------------------------------------------ spans

#[test]
fn python_class_span_covers_its_body() {
    let sym = fx().symbol("shop/cart.py::Cart");
    assert_eq!((n(sym, "line"), n(sym, "end_line")), (26, 58));
    assert_eq!(n(sym, "loc"), 33);
}

#[test]
fn python_method_span_and_loc() {
    let sym = fx().symbol("shop/cart.py::Cart.add");
    assert_eq!((n(sym, "line"), n(sym, "end_line")), (33, 38));
    assert_eq!(n(sym, "loc"), 6);
}

#[test]
fn python_span_includes_decorators() {
    let sym = fx().symbol("shop/pricing.py::apply_discount");
    assert_eq!((n(sym, "line"), n(sym, "end_line")), (29, 32));
    assert_eq!(
        n(sym, "start_byte"),
        byte_offset(FIXTURE, "shop/pricing.py", "@logged\ndef apply_discount")
    );
    let last = "    return round(total * (1 - rate), 2)";
    assert_eq!(
        n(sym, "end_byte"),
        byte_offset(FIXTURE, "shop/pricing.py", last) + last.len() as u64
    );
}

#[test]
fn python_decorated_class_span_starts_at_decorator() {
    let sym = fx().symbol("shop/cart.py::LineItem");
    assert_eq!((n(sym, "line"), n(sym, "end_line")), (14, 23));
}

// ------------------------------------------------------------------ docs

#[test]
fn python_docstring_is_extracted() {
    let sym = fx().symbol("shop/cart.py::Cart.add");
    assert_eq!(
        opt_s(sym, "doc"),
        Some("Add ``quantity`` of ``product`` and return the new line.")
    );
}

#[test]
fn python_class_docstring_is_extracted() {
    let sym = fx().symbol("shop/cart.py::Cart");
    assert_eq!(
        opt_s(sym, "doc"),
        Some("A customer's cart. Lines are kept in insertion order.")
    );
}

#[test]
fn python_multiline_docstring_is_dedented() {
    // ASSUMPTION: multi-line docstrings are cleaned like `inspect.cleandoc` (first line
    // stripped, common indentation of the rest removed, trailing blank lines dropped).
    let sym = fx().symbol("shop/pricing.py::quote");
    assert_eq!(
        opt_s(sym, "doc"),
        Some(
            "Total for ``items`` after the bulk tier or a coupon, trimmed to ``budget``.\n\
             \n\
             The most expensive items are dropped until the total fits; the result is\n\
             rounded up to the next five cents."
        )
    );
}

#[test]
fn python_function_without_docstring_has_null_doc() {
    assert_eq!(
        opt_s(fx().symbol("shop/pricing.py::max_lines"), "doc"),
        None
    );
}

// ------------------------------------------------------------------ decorators

#[test]
fn python_builtin_decorators_are_listed_without_at() {
    assert_eq!(
        decorators(fx().symbol("shop/models.py::Product.price")),
        ["property"]
    );
    assert_eq!(
        decorators(fx().symbol("shop/models.py::Product.from_row")),
        ["staticmethod"]
    );
    assert_eq!(
        decorators(fx().symbol("shop/cart.py::Cart.from_skus")),
        ["classmethod"]
    );
}

#[test]
fn python_custom_decorator_is_listed() {
    assert_eq!(
        decorators(fx().symbol("shop/pricing.py::apply_discount")),
        ["logged"]
    );
}

#[test]
fn python_decorator_with_arguments_is_kept_as_written() {
    assert_eq!(
        decorators(fx().symbol("shop/cart.py::LineItem")),
        ["dataclass(frozen=True)"]
    );
    assert_eq!(
        decorators(fx().symbol("shop/pricing.py::logged.wrapper")),
        ["functools.wraps(func)"]
    );
}

#[test]
fn python_undecorated_function_has_no_decorators() {
    assert!(decorators(fx().symbol("shop/pricing.py::quote")).is_empty());
}

// ------------------------------------------------------------------ signatures and types

#[test]
fn python_parameters_have_annotated_types_and_exclude_self() {
    assert_eq!(
        params(fx().symbol("shop/cart.py::Cart.add")),
        ps(&[("product", Some("Product")), ("quantity", Some("int"))])
    );
}

#[test]
fn python_parameter_types_are_kept_as_written() {
    assert_eq!(
        params(fx().symbol("shop/pricing.py::quote")),
        ps(&[
            ("items", Some("Iterable[Item]")),
            ("coupon", Some("Optional[str]")),
            ("budget", Some("float")),
        ])
    );
}

#[test]
fn python_unannotated_parameter_has_null_type() {
    assert_eq!(
        params(fx().symbol("shop/pricing.py::logged")),
        ps(&[("func", None)])
    );
}

#[test]
fn python_staticmethod_keeps_its_first_parameter() {
    assert_eq!(
        params(fx().symbol("shop/models.py::Product.from_row")),
        ps(&[("row", Some("dict"))])
    );
}

#[test]
fn python_return_type_is_recorded() {
    assert_eq!(
        opt_s(fx().symbol("shop/cart.py::Cart.add"), "return_type"),
        Some("LineItem")
    );
    assert_eq!(
        opt_s(fx().symbol("shop/cart.py::Cart._check"), "return_type"),
        Some("None")
    );
    assert_eq!(
        opt_s(fx().symbol("shop/models.py::Product.price"), "return_type"),
        Some("float")
    );
}

#[test]
fn python_missing_return_annotation_is_null() {
    assert_eq!(
        opt_s(fx().symbol("shop/pricing.py::logged"), "return_type"),
        None
    );
}

#[test]
fn python_signature_is_the_header_without_body() {
    let sig = s(fx().symbol("shop/cart.py::Cart.add"), "signature");
    assert!(
        sig.contains("def add(self, product: Product, quantity: int = 1) -> LineItem"),
        "signature {sig:?}"
    );
    assert!(!sig.contains('\n'), "signature {sig:?} is not collapsed");
    assert!(
        !sig.contains("_check"),
        "signature {sig:?} contains the body"
    );
    assert!(
        !sig.contains("Add ``quantity``"),
        "signature {sig:?} contains the docstring"
    );
}

// ------------------------------------------------------------------ inheritance

#[test]
fn python_single_base_class_is_extends() {
    let h = assert_inherits(
        &fx().inherits("shop/models.py"),
        "shop/models.py::Product",
        "extends",
        "Base",
    );
    assert_eq!(h.line, 26);
}

#[test]
fn python_multiple_bases_are_all_recorded() {
    let inherits = fx().inherits("shop/models.py");
    assert_inherits(
        &inherits,
        "shop/models.py::DigitalProduct",
        "extends",
        "Product",
    );
    assert_inherits(
        &inherits,
        "shop/models.py::DigitalProduct",
        "extends",
        "Taxable",
    );
    let bases = inherits
        .iter()
        .filter(|h| h.symbol == "shop/models.py::DigitalProduct")
        .count();
    assert_eq!(bases, 2, "{inherits:#?}");
}

#[test]
fn python_class_without_bases_has_no_inherits() {
    let inherits = fx().inherits("shop/models.py");
    assert!(
        !inherits.iter().any(|h| h.symbol == "shop/models.py::Base"),
        "{inherits:#?}"
    );
}

#[test]
fn python_dotted_base_class_is_kept_as_written() {
    assert_inherits(
        &fx().inherits("tests/test_cart.py"),
        "tests/test_cart.py::CartTest",
        "extends",
        "unittest.TestCase",
    );
}

// ------------------------------------------------------------------ imports

#[test]
fn python_import_as_records_module_and_alias() {
    assert_eq!(
        fx().import_at("shop/cart.py", 5),
        import("shop.pricing", &[], Some("pricing"), 5)
    );
}

#[test]
fn python_plain_import_has_no_alias_and_no_names() {
    assert_eq!(
        fx().import_at("shop/pricing.py", 3),
        import("functools", &[], None, 3)
    );
}

#[test]
fn python_relative_from_import_with_alias() {
    assert_eq!(
        fx().import_at("shop/cart.py", 11),
        import(
            ".pricing",
            &[("apply_discount", Some("discount")), ("quote", None)],
            None,
            11
        )
    );
    assert_eq!(
        fx().import_at("shop/cart.py", 10),
        import(
            ".models",
            &[("MAX_QUANTITY", Some("LIMIT")), ("Product", None)],
            None,
            10
        )
    );
}

#[test]
fn python_from_dot_import_names_the_current_package() {
    // ASSUMPTION: `from . import models` -> module "." (by analogy with `.x` in json.md).
    assert_eq!(
        fx().import_at("shop/cart.py", 9),
        import(".", &[("models", None)], None, 9)
    );
}

#[test]
fn python_absolute_from_import_lists_names() {
    assert_eq!(
        fx().import_at("shop/pricing.py", 5),
        import("typing", &[("Iterable", None), ("Optional", None)], None, 5)
    );
    assert_eq!(
        fx().import_at("tests/test_cart.py", 6),
        import("shop.pricing", &[("quote", None)], None, 6)
    );
}

#[test]
fn python_every_import_statement_is_recorded() {
    // Line 3 is `from __future__ import annotations`: whether a compiler directive counts
    // as an import is left open, so it is not part of this check.
    let mut lines: Vec<u64> = fx()
        .imports("shop/cart.py")
        .iter()
        .map(|i| i.line)
        .filter(|&l| l != 3)
        .collect();
    lines.sort();
    assert_eq!(lines, [5, 6, 7, 9, 10, 11]);
}

// ------------------------------------------------------------------ calls

#[test]
fn python_self_method_call_has_self_receiver() {
    assert_has_call(
        &fx().calls_of("shop/cart.py", "shop/cart.py::Cart.add"),
        &call("self._check", "_check", Some("self"), 35),
    );
}

#[test]
fn python_attribute_call_receiver_is_the_whole_prefix() {
    assert_has_call(
        &fx().calls_of("shop/cart.py", "shop/cart.py::Cart.add"),
        &call("self.items.append", "append", Some("self.items"), 37),
    );
}

#[test]
fn python_class_instantiation_is_a_call() {
    assert_has_call(
        &fx().calls_of("shop/cart.py", "shop/cart.py::Cart.add"),
        &call("LineItem", "LineItem", None, 36),
    );
}

#[test]
fn python_call_to_imported_function_is_recorded() {
    assert_has_call(
        &fx().calls_of("shop/cart.py", "shop/cart.py::Cart.total"),
        &call("quote", "quote", None, 47),
    );
    let loyalty = fx().calls_of("shop/cart.py", "shop/cart.py::Cart.loyalty_total");
    assert_has_call(
        &loyalty,
        &call("pricing.loyalty_rate", "loyalty_rate", Some("pricing"), 50),
    );
    assert_has_call(&loyalty, &call("discount", "discount", None, 51));
    assert_has_call(&loyalty, &call("self.total", "total", Some("self"), 51));
}

#[test]
fn python_calls_of_a_method_are_exactly_its_own() {
    let mut names: Vec<String> = fx()
        .calls_of("shop/cart.py", "shop/cart.py::Cart.add")
        .into_iter()
        .map(|c| c.callee)
        .collect();
    names.sort();
    assert_eq!(names, ["LineItem", "self._check", "self.items.append"]);
}

#[test]
fn python_call_in_nested_function_belongs_to_inner_function() {
    let inner = fx().calls_of("shop/pricing.py", "shop/pricing.py::logged.wrapper");
    assert_has_call(&inner, &call("func", "func", None, 23));
    assert_has_call(&inner, &call("log.debug", "debug", Some("log"), 22));
    let outer = fx().calls_of("shop/pricing.py", "shop/pricing.py::logged");
    assert!(
        !outer.iter().any(|c| c.line == 22 || c.line == 23),
        "the calls of `wrapper` leaked into `logged`: {outer:#?}"
    );
}

#[test]
fn python_module_level_call_is_a_module_call() {
    assert_has_call(
        &fx().module_calls("shop/pricing.py"),
        &call("logging.getLogger", "getLogger", Some("logging"), 13),
    );
    assert_has_call(
        &fx().module_calls("tests/test_cart.py"),
        &call("unittest.main", "main", Some("unittest"), 24),
    );
}

#[test]
fn python_calls_inside_functions_are_not_module_calls() {
    let module_calls = fx().module_calls("shop/cart.py");
    assert!(
        !module_calls
            .iter()
            .any(|c| c.callee == "self._check" || c.callee == "quote"),
        "{module_calls:#?}"
    );
}

// ------------------------------------------------------------------ complexity

#[test]
fn python_complexity_matches_lizard() {
    // lizard 1.24.3: quote@40-65 CCN 14 (if, or, if, and, elif, except, if, for, if,
    // while, ternary if, comprehension for + if).
    assert_eq!(
        opt_n(fx().symbol("shop/pricing.py::quote"), "complexity"),
        Some(14)
    );
}

#[test]
fn python_boolean_operator_counts_toward_complexity() {
    // lizard: _check@40-42 CCN 3 (if, or).
    assert_eq!(
        opt_n(fx().symbol("shop/cart.py::Cart._check"), "complexity"),
        Some(3)
    );
}

#[test]
fn python_comprehension_clauses_count_toward_complexity() {
    // lizard: total@44-47 CCN 3 (two comprehension `for`s).
    assert_eq!(
        opt_n(fx().symbol("shop/cart.py::Cart.total"), "complexity"),
        Some(3)
    );
}

#[test]
fn python_straight_line_function_has_complexity_one_and_no_nesting() {
    let sym = fx().symbol("shop/pricing.py::loyalty_rate");
    assert_eq!(opt_n(sym, "complexity"), Some(1));
    assert_eq!(opt_n(sym, "nesting"), Some(0));
}

#[test]
fn python_nested_function_complexity_is_its_own() {
    // lizard reports logged.wrapper and logged separately, both CCN 1.
    assert_eq!(
        opt_n(fx().symbol("shop/pricing.py::logged"), "complexity"),
        Some(1)
    );
    assert_eq!(
        opt_n(fx().symbol("shop/pricing.py::logged.wrapper"), "complexity"),
        Some(1)
    );
}

#[test]
fn python_nesting_depth_counts_nested_control_blocks() {
    // ASSUMPTION: nesting = depth of control structures inside the body, the body itself
    // being 0: `if budget > 0:` / `for price in ...:` / `if total <= budget:` -> 3.
    // (The try/except sits inside an elif, which is at most depth 2.)
    assert_eq!(
        opt_n(fx().symbol("shop/pricing.py::quote"), "nesting"),
        Some(3)
    );
}

#[test]
fn python_single_if_has_nesting_one() {
    assert_eq!(
        opt_n(fx().symbol("shop/cart.py::Cart._check"), "nesting"),
        Some(1)
    );
}

#[test]
fn python_class_has_no_complexity() {
    let sym = fx().symbol("shop/cart.py::Cart");
    assert_eq!(opt_n(sym, "complexity"), None);
    assert_eq!(opt_n(sym, "nesting"), None);
}

// ------------------------------------------------------------------ status

#[test]
fn python_status_json_has_schema_version_and_file_count() {
    let status = &fx().status;
    assert_eq!(status["schema_version"], 1);
    assert_eq!(status_files_of(status, "python"), Some(5));
}

//! The mixed fixture (tests/fixtures/mixed): one repository with Python, TypeScript, Go
//! (no go.mod) and Rust (a `mixed-tools` crate in `tools/`), plus what the walker must
//! leave out or survive: a gitignored `build/`, a hidden `.hidden/`, a binary `bin.py`,
//! a Latin-1 `latin1.py`, a half-edited `broken.py` and a README.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use predicates::prelude::*;

use crate::common::*;

const FIXTURE: &str = "mixed";
const FILES: &[&str] = &[
    "app.py",
    "latin1.py",
    "broken.py",
    "web/widget.ts",
    "server/handler.go",
    "tools/src/lib.rs",
];

fn fx() -> &'static Indexed {
    static CELL: OnceLock<Indexed> = OnceLock::new();
    CELL.get_or_init(|| Indexed::build(FIXTURE, FILES))
}

fn assert_no_symbol_named(name: &str) {
    let hits: Vec<&str> = fx()
        .symbols()
        .iter()
        .filter(|sym| sym["name"] == name)
        .map(|sym| s(sym, "qualified_name"))
        .collect();
    assert!(
        hits.is_empty(),
        "{name} should not be indexed, found {hits:?}"
    );
}

// ------------------------------------------------------------------ what is walked

#[test]
fn mixed_indexes_exactly_the_source_files() {
    let want: BTreeSet<String> = FILES.iter().map(|f| f.to_string()).collect();
    assert_eq!(fx().files(), want);
}

#[test]
fn gitignored_file_is_not_indexed() {
    assert!(fx().symbols_in_file("build/ignored.py").is_empty());
    assert_no_symbol_named("ignored_build_output");
}

#[test]
fn hidden_directory_is_not_indexed() {
    assert!(fx().symbols_in_file(".hidden/x.py").is_empty());
    assert_no_symbol_named("hidden_helper");
}

#[test]
fn binary_file_with_py_extension_is_not_indexed() {
    assert!(fx().symbols_in_file("bin.py").is_empty());
    assert_no_symbol_named("binary_function");
}

#[test]
fn markdown_is_not_indexed() {
    assert!(fx().symbols_in_file("README.md").is_empty());
    assert_no_symbol_named("not_indexed");
}

#[test]
fn status_json_counts_files_per_language() {
    let status = &fx().status;
    assert_eq!(status["schema_version"], 1);
    // app.py, latin1.py, broken.py -- not bin.py, build/ignored.py or .hidden/x.py.
    assert_eq!(status_files_of(status, "python"), Some(3));
    assert_eq!(status_files_of(status, "typescript"), Some(1));
    assert_eq!(status_files_of(status, "go"), Some(1));
    assert_eq!(status_files_of(status, "rust"), Some(1));
    assert!(
        matches!(status_files_of(status, "javascript"), None | Some(0)),
        "no JavaScript file in the fixture: {status:#}"
    );
}

#[test]
fn index_json_counts_new_and_skipped_files() {
    let repo = Repo::from_fixture(FIXTURE);
    let summary = repo.index_json(&[]);
    assert_eq!(summary["schema_version"], 1);
    let files = &summary["files"];
    assert_eq!(n(files, "new"), 6, "{summary:#}");
    assert_eq!(n(files, "changed"), 0, "{summary:#}");
    assert_eq!(n(files, "unchanged"), 0, "{summary:#}");
    assert_eq!(n(files, "removed"), 0, "{summary:#}");
    // ASSUMPTION: `skipped` counts files that were walked but not indexed (here the binary
    // bin.py); gitignored and hidden files are never walked, so they are not "skipped".
    assert_eq!(n(files, "skipped"), 1, "{summary:#}");
}

// ------------------------------------------------------------------ awkward files

#[test]
fn latin1_file_is_indexed() {
    let f = fx().symbol("latin1.py::cafe_price");
    assert_eq!(s(f, "kind"), "function");
    assert_eq!((n(f, "line"), n(f, "end_line")), (7, 9));
    assert_eq!(opt_s(f, "doc"), Some("Price of ``item`` in cents."));
    assert_eq!(params(f), ps(&[("item", Some("str"))]));
    let menu = fx().symbol("latin1.py::MENU");
    assert_eq!(s(menu, "kind"), "constant");
    assert_eq!(n(menu, "line"), 4);
    assert_eq!(n(fx().outline("latin1.py"), "parse_errors"), 0);
}

#[test]
fn latin1_file_produces_a_warning_naming_it() {
    // ASSUMPTION: the warning goes to stderr of a plain (not --quiet) `index` run and
    // names the file.
    let repo = Repo::from_fixture(FIXTURE);
    repo.cmd()
        .arg("index")
        .arg(repo.root())
        .assert()
        .success()
        .stderr(predicate::str::contains("latin1.py"));
}

#[test]
fn valid_utf8_files_produce_no_warning() {
    let repo = Repo::from_fixture(FIXTURE);
    let assert = repo.cmd().arg("index").arg(repo.root()).assert().success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    for f in [
        "app.py",
        "web/widget.ts",
        "server/handler.go",
        "tools/src/lib.rs",
    ] {
        assert!(
            !stderr.contains(f),
            "unexpected warning about {f}:\n{stderr}"
        );
    }
}

#[test]
fn broken_file_keeps_functions_before_and_after_the_error() {
    let before = fx().symbol("broken.py::good_before");
    assert_eq!((n(before, "line"), n(before, "end_line")), (4, 6));
    assert_eq!(opt_s(before, "doc"), Some("Runs before the damage."));
    let after = fx().symbol("broken.py::good_after");
    assert_eq!(s(after, "kind"), "function");
    assert_eq!((n(after, "line"), n(after, "end_line")), (13, 15));
    assert_eq!(opt_s(after, "doc"), Some("Survives the damage."));
    assert_eq!(params(after), ps(&[("y", Some("int"))]));
}

#[test]
fn broken_file_reports_parse_errors_in_outline() {
    let outline = fx().outline("broken.py");
    assert!(n(outline, "parse_errors") > 0, "{outline:#}");
    assert_eq!(s(outline, "language"), "python");
}

#[test]
fn broken_file_calls_after_the_error_are_recorded() {
    assert_has_call(
        &fx().calls_of("broken.py", "broken.py::good_after"),
        &call("good_before", "good_before", None, 15),
    );
}

/// The walk does not step into plain strings, comments, most types or macro token trees;
/// syntax errors inside them still count, as tree-sitter reports them.
#[test]
fn errors_inside_parts_the_walk_skips_are_counted() {
    let repo = Repo::empty();
    repo.write(
        "types.ts",
        "function f(x: Map<string, number,,>): void {}\n",
    );
    repo.write("mac.rs", "fn g() { println!(\"{}\", (1 + ); }\n");
    repo.write("clean.ts", "function f(x: Map<string, number>): void {}\n");
    repo.index();
    assert!(n(&repo.outline("types.ts"), "parse_errors") > 0);
    assert!(n(&repo.outline("mac.rs"), "parse_errors") > 0);
    assert_eq!(n(&repo.outline("clean.ts"), "parse_errors"), 0);
}

#[test]
fn valid_files_report_no_parse_errors() {
    for f in [
        "app.py",
        "web/widget.ts",
        "server/handler.go",
        "tools/src/lib.rs",
    ] {
        assert_eq!(n(fx().outline(f), "parse_errors"), 0, "{f}");
    }
}

// ------------------------------------------------------------------ one file per language

#[test]
fn mixed_each_file_has_its_language() {
    for (q, lang) in [
        ("app.py::main", "python"),
        ("web/widget.ts::formatCents", "typescript"),
        ("server.Handle", "go"),
        ("mixed_tools::checksum", "rust"),
    ] {
        assert_eq!(s(fx().symbol(q), "language"), lang, "{q}");
    }
}

#[test]
fn go_package_without_go_mod_is_named_by_its_directory() {
    let handle = fx().symbol("server.Handle");
    assert_eq!(s(handle, "kind"), "function");
    assert_eq!(s(handle, "file"), "server/handler.go");
    assert_eq!(
        params(handle),
        ps(&[
            ("w", Some("http.ResponseWriter")),
            ("r", Some("*http.Request"))
        ])
    );
    assert_eq!(s(fx().symbol("server.lookup"), "kind"), "function");
}

#[test]
fn rust_crate_name_dashes_become_underscores() {
    let sym = fx().symbol("mixed_tools::checksum");
    assert_eq!(s(sym, "kind"), "function");
    assert_eq!(s(sym, "file"), "tools/src/lib.rs");
    assert_eq!(
        opt_s(sym, "doc"),
        Some("Adler-32 style checksum of `data`.")
    );
    // 1 + for.
    assert_eq!(opt_n(sym, "complexity"), Some(2));
}

#[test]
fn ts_method_and_function_in_mixed_repo() {
    let label = fx().symbol("web/widget.ts::PriceBadge.label");
    assert_eq!(s(label, "kind"), "method");
    assert_eq!(opt_s(label, "doc"), Some("The label shown on the badge."));
    assert_has_call(
        &fx().calls_of("web/widget.ts", "web/widget.ts::PriceBadge.label"),
        &call("formatCents", "formatCents", None, 7),
    );
}

#[test]
fn python_entry_point_calls_are_module_calls() {
    let module_calls = fx().module_calls("app.py");
    assert_has_call(&module_calls, &call("sys.exit", "exit", Some("sys"), 21));
    assert_has_call(&module_calls, &call("main", "main", None, 21));
}

#[test]
fn python_generator_expression_counts_toward_complexity() {
    // lizard: total@9-11 CCN 2 (generator `for`), main@14-17 CCN 2 (ternary `if`).
    assert_eq!(opt_n(fx().symbol("app.py::total"), "complexity"), Some(2));
    assert_eq!(opt_n(fx().symbol("app.py::main"), "complexity"), Some(2));
}

#[test]
fn python_import_of_sibling_module() {
    assert_eq!(
        fx().import_at("app.py", 6),
        import("latin1", &[("cafe_price", None)], None, 6)
    );
}

/// `graph_store::ids_qualified` finds a symbol by its qualified name through the index on
/// names, which holds only if every name is the whole qualified name or what follows one
/// of its `.`, `:` or `/`: checked here in every language.
#[test]
fn every_name_ends_its_qualified_name_after_a_separator() {
    for fixture in ["python", "typescript", "go", "rust", "mixed"] {
        let repo = Repo::from_fixture(fixture);
        repo.index();
        let doc = repo.symbols();
        let symbols = json_array(&doc, "symbols");
        assert!(symbols.len() > 5, "{fixture} has symbols");
        for sym in symbols {
            let (name, q) = (s(sym, "name"), s(sym, "qualified_name"));
            let ok = q == name
                || (q.len() > name.len()
                    && q.ends_with(name)
                    && matches!(q.as_bytes()[q.len() - name.len() - 1], b'.' | b':' | b'/'));
            assert!(
                ok,
                "{fixture}: name {name:?} does not end {q:?} after a separator"
            );
        }
    }
}

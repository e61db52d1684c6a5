//! completions/ and man/ are generated from the clap definition by
//! `scripts/gen-assets.sh`; these tests fail when a flag or command changed and the
//! committed files were not regenerated.

use std::path::Path;

use assert_cmd::Command;

fn generated(args: &[&str]) -> String {
    let out = Command::cargo_bin("leindex")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "leindex {args:?} failed");
    String::from_utf8(out.stdout).unwrap()
}

fn committed(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{rel} is missing: run scripts/gen-assets.sh"))
}

fn assert_up_to_date(rel: &str, args: &[&str]) {
    assert!(
        generated(args) == committed(rel),
        "{rel} is out of date with the CLI definition: run scripts/gen-assets.sh"
    );
}

#[test]
fn shell_completions_are_up_to_date() {
    assert_up_to_date("completions/leindex.bash", &["completions", "bash"]);
    assert_up_to_date("completions/_leindex", &["completions", "zsh"]);
    assert_up_to_date("completions/leindex.fish", &["completions", "fish"]);
    assert_up_to_date("completions/leindex.elv", &["completions", "elvish"]);
    assert_up_to_date("completions/_leindex.ps1", &["completions", "powershell"]);
}

#[test]
fn man_pages_are_up_to_date() {
    assert_up_to_date("man/leindex.1", &["man"]);
    for cmd in [
        "index", "status", "symbols", "outline", "impact", "context", "hotspots", "graph",
    ] {
        assert_up_to_date(&format!("man/leindex-{cmd}.1"), &["man", cmd]);
    }
}

#[test]
fn man_page_of_an_unknown_command_is_an_error() {
    let out = Command::cargo_bin("leindex")
        .unwrap()
        .args(["man", "nope"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no command named"));
}

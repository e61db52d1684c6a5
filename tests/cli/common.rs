//! Shared helpers for the end-to-end tests.
//!
//! Every test works on a *copy* of a fixture repository in a temporary directory, so
//! `.leindex/` never lands in the source tree, and runs the real `leindex` binary on
//! it. The JSON it prints (docs/json.md) is parsed with serde_json and looked up by
//! qualified name.
//!
//! Tests that only read facts share one index per fixture ([`Indexed`]): the fixture is
//! copied and indexed once per test process, `symbols --json` and the `outline --json`
//! of every source file are kept, and the temporary copy is deleted.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// Longest any single `leindex` run may take before the test fails (a hang is a bug).
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// `tests/fixtures/<name>` in the source tree.
pub fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
}

/// Copy a directory tree (regular files and directories; a stray `.leindex/` is left out).
pub fn copy_tree(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap_or_else(|e| panic!("create {}: {e}", dst.display()));
    let entries =
        std::fs::read_dir(src).unwrap_or_else(|e| panic!("read fixture {}: {e}", src.display()));
    for entry in entries {
        let entry = entry.expect("readable fixture entry");
        let name = entry.file_name();
        if name == ".leindex" {
            continue;
        }
        let from = entry.path();
        let to = dst.join(&name);
        let ty = entry.file_type().expect("fixture entry has a file type");
        if ty.is_dir() {
            copy_tree(&from, &to);
        } else if ty.is_file() {
            std::fs::copy(&from, &to)
                .unwrap_or_else(|e| panic!("copy {} -> {}: {e}", from.display(), to.display()));
        }
    }
}

/// The `leindex` binary built by cargo for this test run.
pub fn leindex() -> Command {
    let mut cmd = Command::cargo_bin("leindex").expect("cargo builds the leindex binary for tests");
    cmd.timeout(TIMEOUT);
    cmd
}

/// Parse a command's stdout as one JSON document.
pub fn parse_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not a JSON document ({e})\n--- stdout\n{}\n--- stderr\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// A temporary copy of a fixture repository.
pub struct Repo {
    _dir: TempDir,
    root: PathBuf,
}

impl Repo {
    /// Copy `tests/fixtures/<name>` to `<tempdir>/<name>`.
    pub fn from_fixture(name: &str) -> Repo {
        let dir = tempfile::Builder::new()
            .prefix("leindex-cli-")
            .tempdir()
            .expect("create a temporary directory");
        let root = dir.path().join(name);
        copy_tree(&fixture_path(name), &root);
        Repo { _dir: dir, root }
    }

    /// An empty directory (no sources, no index).
    pub fn empty() -> Repo {
        let dir = tempfile::Builder::new()
            .prefix("leindex-cli-")
            .tempdir()
            .expect("create a temporary directory");
        let root = dir.path().join("empty");
        std::fs::create_dir_all(&root).unwrap();
        Repo { _dir: dir, root }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Absolute path of `rel` inside the copy.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("write {rel}: {e}"));
    }

    pub fn append(&self, rel: &str, more: &str) {
        let mut text = String::from_utf8(self.read(rel)).expect("fixture file is UTF-8");
        text.push_str(more);
        self.write(rel, text);
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).unwrap_or_else(|e| panic!("remove {rel}: {e}"));
    }

    /// `leindex` with the repository as its current directory.
    pub fn cmd(&self) -> Command {
        let mut cmd = leindex();
        cmd.current_dir(&self.root);
        cmd
    }

    /// `leindex <args> --json` run in the repository, which must succeed; the document.
    pub fn json(&self, args: &[&str]) -> Value {
        let assert = self.cmd().args(args).arg("--json").assert().success();
        parse_json(assert.get_output())
    }

    /// git in the repository with a fixed identity and no signing, which must succeed.
    pub fn git(&self, args: &[&str]) {
        let out = std::process::Command::new("git")
            .current_dir(&self.root)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `leindex index <root> --quiet`, which must succeed.
    pub fn index(&self) {
        self.cmd()
            .arg("index")
            .arg(&self.root)
            .arg("--quiet")
            .assert()
            .success();
    }

    /// `leindex index <root> <extra..> --json`, which must succeed; the parsed summary.
    pub fn index_json(&self, extra: &[&str]) -> Value {
        let assert = self
            .cmd()
            .arg("index")
            .arg(&self.root)
            .args(extra)
            .arg("--json")
            .assert()
            .success();
        parse_json(assert.get_output())
    }

    /// `leindex symbols --root <root> --json`, which must succeed.
    ///
    /// ASSUMPTION: without filters (`--kind`, `--name`, `--limit`, ...) every symbol of
    /// the index is listed; there is no default limit.
    pub fn symbols(&self) -> Value {
        let assert = self
            .cmd()
            .arg("symbols")
            .arg("--root")
            .arg(&self.root)
            .arg("--json")
            .assert()
            .success();
        parse_json(assert.get_output())
    }

    /// `leindex outline <rel> --root <root> --json` (run from the root), which must succeed.
    pub fn outline(&self, rel: &str) -> Value {
        let assert = self
            .cmd()
            .arg("outline")
            .arg(rel)
            .arg("--root")
            .arg(&self.root)
            .arg("--json")
            .assert()
            .success();
        parse_json(assert.get_output())
    }

    /// `leindex status --root <root> --json`, which must succeed.
    pub fn status(&self) -> Value {
        let assert = self
            .cmd()
            .arg("status")
            .arg("--root")
            .arg(&self.root)
            .arg("--json")
            .assert()
            .success();
        parse_json(assert.get_output())
    }
}

// ---------------------------------------------------------------------------- shared index

/// What one index run of a fixture answered: `symbols --json`, `outline --json` of the
/// given files, and `status --json`.
pub struct Indexed {
    /// Where the copy lived (deleted once the answers were collected).
    pub root: PathBuf,
    pub symbols_doc: Value,
    pub status: Value,
    outlines: BTreeMap<String, Value>,
}

impl Indexed {
    /// Copy and index `fixture`, and collect the answers about it.
    pub fn build(fixture: &str, outline_files: &[&str]) -> Indexed {
        let repo = Repo::from_fixture(fixture);
        repo.index();
        let symbols_doc = repo.symbols();
        let status = repo.status();
        let outlines = outline_files
            .iter()
            .map(|f| (f.to_string(), repo.outline(f)))
            .collect();
        Indexed {
            root: repo.root().to_path_buf(),
            symbols_doc,
            status,
            outlines,
        }
    }

    /// Every symbol of `symbols --json`.
    pub fn symbols(&self) -> &[Value] {
        self.symbols_doc["symbols"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_else(|| panic!("`symbols` is not an array in {}", self.symbols_doc))
    }

    pub fn find(&self, qualified_name: &str) -> Option<&Value> {
        self.symbols()
            .iter()
            .find(|s| s["qualified_name"] == qualified_name)
    }

    /// The symbol with this qualified name; the failure lists what the index holds.
    pub fn symbol(&self, qualified_name: &str) -> &Value {
        self.find(qualified_name).unwrap_or_else(|| {
            panic!(
                "no symbol {qualified_name:?}; the index holds:\n  {}",
                self.qualified_names().join("\n  ")
            )
        })
    }

    pub fn qualified_names(&self) -> Vec<String> {
        self.symbols()
            .iter()
            .map(|s| {
                s["qualified_name"]
                    .as_str()
                    .unwrap_or("<no qualified_name>")
                    .to_string()
            })
            .collect()
    }

    /// Symbols whose `file` is `file`.
    pub fn symbols_in_file(&self, file: &str) -> Vec<&Value> {
        self.symbols()
            .iter()
            .filter(|s| s["file"] == file)
            .collect()
    }

    /// The distinct `file` values of all symbols.
    pub fn files(&self) -> std::collections::BTreeSet<String> {
        self.symbols()
            .iter()
            .filter_map(|s| s["file"].as_str().map(str::to_string))
            .collect()
    }

    pub fn outline(&self, file: &str) -> &Value {
        self.outlines
            .get(file)
            .unwrap_or_else(|| panic!("the test did not ask for the outline of {file}"))
    }

    /// The outline entry (symbol + `calls`) of `qualified_name` in `file`.
    pub fn outline_symbol(&self, file: &str, qualified_name: &str) -> &Value {
        let outline = self.outline(file);
        outline["symbols"]
            .as_array()
            .unwrap_or_else(|| panic!("outline of {file} has no `symbols` array"))
            .iter()
            .find(|s| s["qualified_name"] == qualified_name)
            .unwrap_or_else(|| {
                panic!("outline of {file} has no symbol {qualified_name:?}:\n{outline:#}")
            })
    }

    /// Calls attributed to `qualified_name` (from the outline of `file`).
    pub fn calls_of(&self, file: &str, qualified_name: &str) -> Vec<Call> {
        let sym = self.outline_symbol(file, qualified_name);
        json_array(sym, "calls")
            .iter()
            .map(Call::from_json)
            .collect()
    }

    /// Calls outside any function in `file`.
    pub fn module_calls(&self, file: &str) -> Vec<Call> {
        json_array(self.outline(file), "module_calls")
            .iter()
            .map(Call::from_json)
            .collect()
    }

    pub fn imports(&self, file: &str) -> Vec<Import> {
        json_array(self.outline(file), "imports")
            .iter()
            .map(Import::from_json)
            .collect()
    }

    /// The one import of `file` on `line`.
    pub fn import_at(&self, file: &str, line: u64) -> Import {
        let all = self.imports(file);
        let at: Vec<&Import> = all.iter().filter(|i| i.line == line).collect();
        match at.as_slice() {
            [one] => (*one).clone(),
            _ => panic!("expected exactly one import on {file}:{line}; imports are:\n{all:#?}"),
        }
    }

    pub fn inherits(&self, file: &str) -> Vec<Inherit> {
        json_array(self.outline(file), "inherits")
            .iter()
            .map(Inherit::from_json)
            .collect()
    }
}

// ---------------------------------------------------------------------------- JSON access

pub fn json_array<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v.get(key)
        .unwrap_or_else(|| panic!("no field {key:?} in {v:#}"))
        .as_array()
        .unwrap_or_else(|| panic!("field {key:?} is not an array in {v:#}"))
}

fn field<'a>(v: &'a Value, key: &str) -> &'a Value {
    v.get(key).unwrap_or_else(|| {
        panic!(
            "no field {key:?} in {}",
            v.get("qualified_name")
                .map_or_else(|| v.to_string(), Value::to_string)
        )
    })
}

/// A string field that must be present and not null.
pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    field(v, key)
        .as_str()
        .unwrap_or_else(|| panic!("field {key:?} is not a string in {v:#}"))
}

/// A field that must be present and is a string or null.
pub fn opt_s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    let f = field(v, key);
    if f.is_null() {
        None
    } else {
        Some(
            f.as_str()
                .unwrap_or_else(|| panic!("field {key:?} is neither a string nor null in {v:#}")),
        )
    }
}

/// An integer field that must be present and not null.
pub fn n(v: &Value, key: &str) -> u64 {
    field(v, key)
        .as_u64()
        .unwrap_or_else(|| panic!("field {key:?} is not a non-negative integer in {v:#}"))
}

/// A field that must be present and is an integer or null.
pub fn opt_n(v: &Value, key: &str) -> Option<u64> {
    let f = field(v, key);
    if f.is_null() {
        None
    } else {
        Some(
            f.as_u64()
                .unwrap_or_else(|| panic!("field {key:?} is neither an integer nor null in {v:#}")),
        )
    }
}

/// `parameters` as (name, type) pairs.
pub fn params(sym: &Value) -> Vec<(String, Option<String>)> {
    json_array(sym, "parameters")
        .iter()
        .map(|p| {
            (
                s(p, "name").to_string(),
                opt_s(p, "type").map(str::to_string),
            )
        })
        .collect()
}

/// Expected parameters, written compactly: `ps(&[("x", Some("int")), ("y", None)])`.
pub fn ps(list: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
    list.iter()
        .map(|(n, t)| (n.to_string(), t.map(str::to_string)))
        .collect()
}

pub fn decorators(sym: &Value) -> Vec<String> {
    json_array(sym, "decorators")
        .iter()
        .map(|d| d.as_str().expect("decorators are strings").to_string())
        .collect()
}

/// A call site, as in docs/json.md (CALL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub callee: String,
    pub name: String,
    pub receiver: Option<String>,
    pub line: u64,
}

impl Call {
    pub fn from_json(v: &Value) -> Call {
        Call {
            callee: s(v, "callee").to_string(),
            name: s(v, "name").to_string(),
            receiver: opt_s(v, "receiver").map(str::to_string),
            line: n(v, "line"),
        }
    }
}

/// An expected call: `call("self.repo.save", "save", Some("self.repo"), 12)`.
pub fn call(callee: &str, name: &str, receiver: Option<&str>, line: u64) -> Call {
    Call {
        callee: callee.to_string(),
        name: name.to_string(),
        receiver: receiver.map(str::to_string),
        line,
    }
}

/// Assert that `calls` holds `expected` (all four fields equal).
#[track_caller]
pub fn assert_has_call(calls: &[Call], expected: &Call) {
    assert!(
        calls.contains(expected),
        "missing call {expected:?}; the calls are:\n{calls:#?}"
    );
}

/// An import statement, as in docs/json.md (IMPORT).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub module: String,
    pub names: Vec<(String, Option<String>)>,
    pub alias: Option<String>,
    pub line: u64,
}

impl Import {
    pub fn from_json(v: &Value) -> Import {
        Import {
            module: s(v, "module").to_string(),
            names: json_array(v, "names")
                .iter()
                .map(|n| {
                    (
                        s(n, "name").to_string(),
                        opt_s(n, "alias").map(str::to_string),
                    )
                })
                .collect(),
            alias: opt_s(v, "alias").map(str::to_string),
            line: n(v, "line"),
        }
    }
}

/// An expected import: `import("a.b", &[("c", Some("d"))], None, 3)`.
pub fn import(
    module: &str,
    names: &[(&str, Option<&str>)],
    alias: Option<&str>,
    line: u64,
) -> Import {
    Import {
        module: module.to_string(),
        names: ps(names),
        alias: alias.map(str::to_string),
        line,
    }
}

/// An inheritance fact, as in docs/json.md (INHERIT).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inherit {
    pub symbol: String,
    pub base: String,
    pub relation: String,
    pub line: u64,
}

impl Inherit {
    pub fn from_json(v: &Value) -> Inherit {
        Inherit {
            symbol: s(v, "symbol").to_string(),
            base: s(v, "base").to_string(),
            relation: s(v, "relation").to_string(),
            line: n(v, "line"),
        }
    }
}

/// Assert that `inherits` holds `symbol <relation> base` (line not compared).
#[track_caller]
pub fn assert_inherits(inherits: &[Inherit], symbol: &str, relation: &str, base: &str) -> Inherit {
    inherits
        .iter()
        .find(|h| h.symbol == symbol && h.relation == relation && h.base == base)
        .cloned()
        .unwrap_or_else(|| {
            panic!("missing inherit {symbol} {relation} {base}; the inherits are:\n{inherits:#?}")
        })
}

/// The number of indexed files of `language` in `status --json`.
///
/// ASSUMPTION: status lists languages either as an array of objects
/// `[{"language": "python", "files": 3, ...}]` or as an object keyed by language whose
/// values are `{"files": N, ...}` or plain counts. json.md does not pin status down yet.
pub fn status_files_of(status: &Value, language: &str) -> Option<u64> {
    let langs = status
        .get("languages")
        .unwrap_or_else(|| panic!("status --json has no `languages`: {status:#}"));
    match langs {
        Value::Array(items) => items
            .iter()
            .find(|l| l.get("language").or_else(|| l.get("name")) == Some(&Value::from(language)))
            .map(|l| n(l, "files")),
        Value::Object(map) => map.get(language).map(|l| match l {
            Value::Object(_) => n(l, "files"),
            other => other.as_u64().expect("per-language count is an integer"),
        }),
        other => panic!("status `languages` is neither an array nor an object: {other}"),
    }
}

/// Byte offset of the first occurrence of `needle` in the fixture file `fixture/rel`.
pub fn byte_offset(fixture: &str, rel: &str, needle: &str) -> u64 {
    let text = std::fs::read(fixture_path(fixture).join(rel)).expect("fixture file");
    let pos = text
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .unwrap_or_else(|| panic!("{needle:?} not found in {fixture}/{rel}"));
    pos as u64
}

/// `symbols --json` without the `id` of each symbol, sorted: what two index runs over
/// the same sources must agree on.
pub fn symbols_without_ids(doc: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = json_array(doc, "symbols")
        .iter()
        .map(|s| {
            let mut s = s.clone();
            s.as_object_mut()
                .expect("a symbol is an object")
                .remove("id");
            s
        })
        .collect();
    out.sort_by_key(|s| {
        (
            s["file"].as_str().unwrap_or("").to_string(),
            s["start_byte"].as_u64().unwrap_or(0),
            s["qualified_name"].as_str().unwrap_or("").to_string(),
        )
    });
    out
}

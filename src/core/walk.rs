//! Walk: which files of a repository are indexed. Honours .gitignore, .ignore and
//! git's exclude file (also outside a git checkout), skips hidden entries, `.leindex/`,
//! files over the size cap and files of no known language, and never follows a
//! symbolic link (so it cannot leave the root or loop). Binary content is detected
//! when a file is read (see `index`).
//!
//! It also notes the project manifests that give code its names: `go.mod` module paths
//! and `Cargo.toml` crate names.

use std::path::{Path, PathBuf};

use crate::core::lang::Language;

/// Name of the index folder at a repository root.
pub const INDEX_DIR: &str = ".leindex";

/// A file to index.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Path relative to the root, `/`-separated.
    pub rel_path: String,
    pub abs_path: PathBuf,
    pub language: Language,
    pub size: u64,
    pub mtime_ns: i64,
}

/// Why a file was not indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    TooLarge { size: u64, limit: u64 },
    Binary,
    Unreadable(String),
    Vanished,
}

impl SkipReason {
    pub fn label(&self) -> &'static str {
        match self {
            SkipReason::TooLarge { .. } => "too large",
            SkipReason::Binary => "binary",
            SkipReason::Unreadable(_) => "unreadable",
            SkipReason::Vanished => "vanished",
        }
    }
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::TooLarge { size, limit } => {
                write!(
                    f,
                    "{size} bytes, over the {limit}-byte limit (see --max-file-size)"
                )
            }
            SkipReason::Binary => f.write_str("binary content (NUL bytes)"),
            SkipReason::Unreadable(e) => write!(f, "unreadable: {e}"),
            SkipReason::Vanished => f.write_str("vanished during the run"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Skipped {
    pub rel_path: String,
    pub reason: SkipReason,
}

/// Project manifests found by the walk.
#[derive(Debug, Clone, Default)]
pub struct Manifests {
    /// (directory relative to root, module path) from go.mod files.
    pub go_modules: Vec<(String, String)>,
    /// (directory relative to root, crate name with `-` as `_`) from Cargo.toml files.
    pub crates: Vec<(String, String)>,
    /// Module path aliases from tsconfig.json / jsconfig.json files.
    pub ts_configs: Vec<TsConfig>,
}

/// What a tsconfig.json says about module specifiers: `compilerOptions.baseUrl` and
/// `compilerOptions.paths`, with every path made relative to the root.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TsConfig {
    /// The directory holding the tsconfig (relative to the root; "" for the root).
    pub dir: String,
    /// `baseUrl`, relative to the root, when set.
    pub base_url: Option<String>,
    /// `paths`: pattern (`@app/*`) -> targets (`src/app/*`), targets relative to the root.
    pub paths: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Default)]
pub struct WalkResult {
    pub files: Vec<Candidate>,
    pub skipped: Vec<Skipped>,
    pub manifests: Manifests,
}

pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut s = String::new();
    for (i, c) in rel.components().enumerate() {
        if i > 0 {
            s.push('/');
        }
        s.push_str(&c.as_os_str().to_string_lossy());
    }
    s
}

/// Walk `root` and return the files to index, sorted by path.
pub fn walk(root: &Path, max_file_size: u64) -> WalkResult {
    let mut out = WalkResult::default();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .ignore(true)
        .parents(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != INDEX_DIR)
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                if let Some(path) = error_path(&err) {
                    out.skipped.push(Skipped {
                        rel_path: rel_path(root, &path),
                        reason: SkipReason::Unreadable(err.to_string()),
                    });
                }
                continue;
            }
        };
        let Some(ft) = entry.file_type() else {
            continue;
        };
        if !ft.is_file() {
            continue;
        }
        let path = entry.path();
        let name = entry.file_name().to_string_lossy();
        if name == "go.mod" || name == "Cargo.toml" {
            read_manifest(root, path, &name, &mut out.manifests);
            continue;
        }
        if name == "tsconfig.json" || name == "jsconfig.json" {
            if let Some(cfg) = std::fs::read_to_string(path)
                .ok()
                .and_then(|t| read_tsconfig(&rel_path(root, path), &t))
            {
                out.manifests.ts_configs.push(cfg);
            }
            continue;
        }
        let Some(language) = Language::from_path(path) else {
            continue;
        };
        let rel = rel_path(root, path);
        let meta = match entry.metadata() {
            Ok(m) => m,
            Err(e) => {
                out.skipped.push(Skipped {
                    rel_path: rel,
                    reason: SkipReason::Unreadable(e.to_string()),
                });
                continue;
            }
        };
        if meta.len() > max_file_size {
            out.skipped.push(Skipped {
                rel_path: rel,
                reason: SkipReason::TooLarge {
                    size: meta.len(),
                    limit: max_file_size,
                },
            });
            continue;
        }
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i64);
        out.files.push(Candidate {
            rel_path: rel,
            abs_path: path.to_path_buf(),
            language,
            size: meta.len(),
            mtime_ns,
        });
    }
    out.files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    out.manifests.go_modules.sort();
    out.manifests.crates.sort();
    out
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

fn read_manifest(root: &Path, path: &Path, name: &str, m: &mut Manifests) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let dir = path.parent().map(|d| rel_path(root, d)).unwrap_or_default();
    if name == "go.mod" {
        if let Some(module) = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("module "))
            .map(|s| s.trim().trim_matches('"').to_string())
        {
            m.go_modules.push((dir, module));
        }
    } else if let Some(krate) = cargo_package_name(&text) {
        m.crates.push((dir, krate.replace('-', "_")));
    }
}

/// The module aliases of a tsconfig.json at `rel` (JSON with comments and trailing
/// commas, as TypeScript accepts). `extends` is not followed.
pub fn read_tsconfig(rel: &str, text: &str) -> Option<TsConfig> {
    let v: serde_json::Value = serde_json::from_str(&strip_jsonc(text)).ok()?;
    let opts = v.get("compilerOptions")?;
    let dir = rel.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let join = |a: &str, b: &str| -> String {
        let mut parts: Vec<&str> = a.split('/').filter(|p| !p.is_empty()).collect();
        for p in b.split('/') {
            match p {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                p => parts.push(p),
            }
        }
        parts.join("/")
    };
    let base_url = opts
        .get("baseUrl")
        .and_then(|b| b.as_str())
        .map(|b| join(&dir, b));
    let path_base = base_url.clone().unwrap_or_else(|| dir.clone());
    let mut paths = Vec::new();
    if let Some(map) = opts.get("paths").and_then(|p| p.as_object()) {
        for (pattern, targets) in map {
            let targets: Vec<String> = targets
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t.as_str())
                        .map(|t| join(&path_base, t))
                        .collect()
                })
                .unwrap_or_default();
            paths.push((pattern.clone(), targets));
        }
    }
    if base_url.is_none() && paths.is_empty() {
        return None;
    }
    Some(TsConfig {
        dir,
        base_url,
        paths,
    })
}

/// JSON with comments and trailing commas -> JSON.
fn strip_jsonc(text: &str) -> String {
    // Comments first, so that a comment between a trailing comma and `}` is gone when
    // commas are looked at.
    let no_comments = strip_jsonc_pass(text, true);
    strip_jsonc_pass(&no_comments, false)
}

fn strip_jsonc_pass(text: &str, comments: bool) -> String {
    let b = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    let mut in_str = false;
    while i < b.len() {
        let c = b[i];
        if in_str {
            out.push(c);
            if c == b'\\' && i + 1 < b.len() {
                out.push(b[i + 1]);
                i += 2;
                continue;
            }
            if c == b'"' {
                in_str = false;
            }
            i += 1;
        } else if c == b'"' {
            in_str = true;
            out.push(c);
            i += 1;
        } else if comments && c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if comments && c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
        } else if !comments && c == b',' {
            // A trailing comma: the next non-space character closes.
            let rest = b[i + 1..].iter().find(|x| !x.is_ascii_whitespace());
            if !matches!(rest, Some(b'}') | Some(b']')) {
                out.push(c);
            }
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `name` of the `[package]` table of a Cargo.toml (enough TOML for that one key).
fn cargo_package_name(text: &str) -> Option<String> {
    let mut in_package = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        if in_package {
            if let Some(rest) = line.strip_prefix("name") {
                let rest = rest.trim_start();
                if let Some(v) = rest.strip_prefix('=') {
                    return Some(v.trim().trim_matches(['"', '\'']).to_string());
                }
            }
        }
    }
    None
}

/// The deepest manifest directory that contains `rel_path`.
fn nearest<'m>(entries: &'m [(String, String)], rel_path: &str) -> Option<(&'m str, &'m str)> {
    entries
        .iter()
        .filter(|(dir, _)| dir.is_empty() || rel_path.starts_with(&format!("{dir}/")))
        .max_by_key(|(dir, _)| dir.len())
        .map(|(d, v)| (d.as_str(), v.as_str()))
}

fn strip_dir<'p>(dir: &str, rel_path: &'p str) -> &'p str {
    if dir.is_empty() {
        rel_path
    } else {
        &rel_path[dir.len() + 1..]
    }
}

/// The prefix of qualified names in a file (see docs/json.md, "Qualified names").
pub fn name_prefix(m: &Manifests, language: Language, rel_path: &str) -> String {
    match language {
        Language::Go => {
            let dir = rel_path.rsplit_once('/').map_or("", |(d, _)| d);
            match nearest(&m.go_modules, rel_path) {
                Some((mdir, module)) => {
                    let sub = if dir.len() > mdir.len() {
                        strip_dir(mdir, dir)
                    } else {
                        ""
                    };
                    if sub.is_empty() {
                        module.to_string()
                    } else {
                        format!("{module}/{sub}")
                    }
                }
                None => dir.to_string(),
            }
        }
        Language::Rust => {
            let (krate, inside) = match nearest(&m.crates, rel_path) {
                // As paths spell it: `regex-syntax` is `regex_syntax` in code.
                Some((dir, name)) => (name.replace('-', "_"), strip_dir(dir, rel_path)),
                None => ("crate".to_string(), rel_path),
            };
            let inside = inside.strip_prefix("src/").unwrap_or(inside);
            let mut parts: Vec<&str> = inside.split('/').collect();
            let file = parts.pop().unwrap_or("");
            let stem = file.strip_suffix(".rs").unwrap_or(file);
            if !matches!(stem, "lib" | "main" | "mod") {
                parts.push(stem);
            }
            let mut q = krate;
            for p in parts {
                q.push_str("::");
                q.push_str(p);
            }
            q
        }
        _ => rel_path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifests() -> Manifests {
        Manifests {
            go_modules: vec![("".into(), "example.com/shop".into())],
            crates: vec![("crates/core".into(), "shop_core".into())],
            ts_configs: Vec::new(),
        }
    }

    #[test]
    fn tsconfig_paths_are_read_with_comments_and_trailing_commas() {
        let text = r#"{
          // a comment
          "compilerOptions": {
            "baseUrl": "./src", /* another */
            "paths": { "@app/*": ["app/*", "vendor/app/*",], "~": ["index.ts"] }, // trailing
          },
        }"#;
        let cfg = read_tsconfig("web/tsconfig.json", text).expect("parsed");
        assert_eq!(cfg.dir, "web");
        assert_eq!(cfg.base_url.as_deref(), Some("web/src"));
        assert!(cfg.paths.contains(&(
            "@app/*".to_string(),
            vec![
                "web/src/app/*".to_string(),
                "web/src/vendor/app/*".to_string()
            ]
        )));
        assert!(read_tsconfig("tsconfig.json", "{\"compilerOptions\": {}}").is_none());
    }

    #[test]
    fn go_prefix_joins_module_path_and_package_dir() {
        let m = manifests();
        assert_eq!(
            name_prefix(&m, Language::Go, "cart/cart.go"),
            "example.com/shop/cart"
        );
        assert_eq!(name_prefix(&m, Language::Go, "main.go"), "example.com/shop");
    }

    #[test]
    fn rust_prefix_follows_the_module_tree() {
        let m = manifests();
        assert_eq!(
            name_prefix(&m, Language::Rust, "crates/core/src/lib.rs"),
            "shop_core"
        );
        assert_eq!(
            name_prefix(&m, Language::Rust, "crates/core/src/a/mod.rs"),
            "shop_core::a"
        );
        assert_eq!(
            name_prefix(&m, Language::Rust, "crates/core/src/a/b.rs"),
            "shop_core::a::b"
        );
        assert_eq!(
            name_prefix(&m, Language::Rust, "other/x.rs"),
            "crate::other::x"
        );
    }

    #[test]
    fn cargo_package_name_reads_the_package_table_only() {
        let toml = "[workspace]\nname = \"no\"\n[package]\nversion = \"1\"\nname = \"shop-core\"\n";
        assert_eq!(cargo_package_name(toml).as_deref(), Some("shop-core"));
    }
}

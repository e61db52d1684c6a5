//! `leindex outline FILE`: everything extracted from one file.
use std::path::{Path, PathBuf};

use clap::Args;

use super::{emit, emit_json, table, QueryArgs};

#[derive(Debug, Args)]
pub struct OutlineArgs {
    /// The file, as a path from the current folder or from the index root
    pub file: PathBuf,
    #[command(flatten)]
    pub query: QueryArgs,
}

/// The file's path relative to the root, however the user wrote it.
fn relative_to_root(root: &Path, file: &Path) -> String {
    let from_cwd = std::env::current_dir().ok().map(|c| c.join(file));
    let candidates = [from_cwd, Some(root.join(file))];
    for c in candidates.into_iter().flatten() {
        if let Ok(abs) = c.canonicalize() {
            if let Ok(rel) = abs.strip_prefix(root) {
                return leindex::core::walk::rel_path(Path::new(""), rel);
            }
        }
    }
    file.to_string_lossy()
        .replace('\\', "/")
        .trim_start_matches("./")
        .to_string()
}

pub fn run(args: OutlineArgs) -> anyhow::Result<()> {
    let (root, store) = args.query.open()?;
    let rel = relative_to_root(&root, &args.file);
    let outline = store.outline(&rel)?;
    if args.query.json {
        return emit_json(&outline);
    }
    let mut t = table();
    t.set_header(["kind", "symbol", "lines", "complexity", "calls"]);
    for s in &outline.symbols {
        let sym = &s.symbol;
        t.add_row([
            sym.kind.clone(),
            sym.qualified_name.clone(),
            format!("{}-{}", sym.line, sym.end_line),
            sym.complexity.map_or(String::new(), |c| c.to_string()),
            s.calls.len().to_string(),
        ]);
    }
    let mut out = format!(
        "{} ({}, {} syntax errors{})\n{t}\n",
        outline.file,
        outline.language,
        outline.parse_errors,
        if outline.lossy_utf8 {
            ", invalid UTF-8"
        } else {
            ""
        }
    );
    for i in &outline.imports {
        let names: Vec<String> = i
            .names
            .iter()
            .map(|n| match &n.alias {
                Some(a) => format!("{} as {a}", n.name),
                None => n.name.clone(),
            })
            .collect();
        let alias = i
            .alias
            .as_ref()
            .map(|a| format!(" as {a}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "import {}{alias} {}\n",
            i.module,
            names.join(", ")
        ));
    }
    for h in &outline.inherits {
        out.push_str(&format!("{} {} {}\n", h.symbol, h.relation, h.base));
    }
    emit(&out)
}

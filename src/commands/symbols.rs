//! `leindex symbols`: list indexed symbols, filtered.
use clap::Args;
use leindex::core::lang::{Language, SymbolKind};
use leindex::core::store::SymbolFilter;

use super::{emit, emit_json, table, QueryArgs};

/// The kind, language and path filters of `symbols` and `search`.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only these kinds (function, method, class, struct, enum, trait, interface, type, module, constant, macro)
    #[arg(long, value_delimiter = ',', value_parser = parse_kind)]
    pub kind: Vec<String>,
    /// Only these languages (python, typescript, tsx, javascript, go, rust; typescript includes tsx)
    #[arg(long, value_delimiter = ',', value_parser = parse_lang)]
    pub lang: Vec<String>,
    /// Only files matching this glob (`src/**/*.py`) or, without glob characters, under this path prefix
    #[arg(long, value_name = "GLOB")]
    pub path: Option<String>,
}

impl FilterArgs {
    pub fn filter(&self) -> anyhow::Result<SymbolFilter> {
        let mut f = SymbolFilter {
            kinds: self.kind.clone(),
            languages: self.lang.clone(),
            ..Default::default()
        };
        path_filter(&self.path, &mut f)?;
        Ok(f)
    }
}

#[derive(Debug, Args)]
pub struct SymbolsArgs {
    #[command(flatten)]
    pub query: QueryArgs,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Only symbols whose name or qualified name contains this text
    #[arg(long)]
    pub name: Option<String>,
    /// Show at most this many symbols
    #[arg(long)]
    pub limit: Option<usize>,
}

fn parse_kind(s: &str) -> Result<String, String> {
    SymbolKind::parse(s)
        .map(|k| k.as_str().to_string())
        .ok_or_else(|| {
            let all: Vec<&str> = SymbolKind::ALL.iter().map(|k| k.as_str()).collect();
            format!("unknown kind {s:?}; expected one of: {}", all.join(", "))
        })
}

pub fn parse_lang(s: &str) -> Result<String, String> {
    Language::from_name(s)
        .map(|l| l.name().to_string())
        .ok_or_else(|| {
            let all: Vec<&str> = leindex::core::lang::LANGUAGES
                .iter()
                .map(|l| l.name)
                .collect();
            format!(
                "unknown language {s:?}; expected one of: {}",
                all.join(", ")
            )
        })
}

/// `--path`: a glob when it has glob characters, else a path prefix.
pub fn path_filter(path: &Option<String>, f: &mut SymbolFilter) -> anyhow::Result<()> {
    if let Some(p) = path {
        if p.contains(['*', '?', '[', '{']) {
            let glob = globset::GlobBuilder::new(p)
                .literal_separator(false)
                .build()
                .map_err(|e| leindex::core::Error::BadPattern {
                    pattern: p.clone(),
                    detail: e.kind().to_string(),
                })?;
            f.path = Some(glob.compile_matcher());
        } else {
            f.path_prefix = Some(p.trim_start_matches("./").to_string());
        }
    }
    Ok(())
}

pub fn run(args: SymbolsArgs) -> anyhow::Result<()> {
    let (root, store) = args.query.open()?;
    let filter = SymbolFilter {
        name: args.name.clone(),
        ..args.filters.filter()?
    };
    let mut symbols = store.symbols(&filter)?;
    let total = symbols.len();
    if let Some(limit) = args.limit {
        symbols.truncate(limit);
    }
    if args.query.json {
        return emit_json(&serde_json::json!({
            "root": root.display().to_string(),
            "count": symbols.len(),
            "total": total,
            "symbols": symbols,
        }));
    }
    let mut t = table();
    t.set_header(["kind", "symbol", "location", "complexity"]);
    for s in &symbols {
        t.add_row([
            s.kind.clone(),
            s.qualified_name.clone(),
            format!("{}:{}", s.file, s.line),
            s.complexity.map_or(String::new(), |c| c.to_string()),
        ]);
    }
    let more = if total > symbols.len() {
        format!(" (of {total}; raise --limit to see more)")
    } else {
        String::new()
    };
    emit(&format!("{t}\n{} symbols{more}\n", symbols.len()))
}

//! `leindex status`: what the index holds.
use clap::Args;

use super::{emit, emit_json, human_bytes, table, QueryArgs};

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub query: QueryArgs,
}

pub fn run(args: StatusArgs) -> anyhow::Result<()> {
    let (root, store) = args.query.open()?;
    let status = store.status(&root)?;
    let vectors = leindex::core::vectors::describe(&store)?;
    if args.query.json {
        #[derive(serde::Serialize)]
        struct WithVectors<'a> {
            #[serde(flatten)]
            status: &'a leindex::core::store::Status,
            /// The symbol vectors (`null` before the first embedding step).
            vectors: Option<leindex::core::vectors::VectorSummary>,
        }
        return emit_json(&WithVectors {
            status: &status,
            vectors,
        });
    }
    let mut t = table();
    t.set_header(["language", "files", "symbols", "source size"]);
    for l in &status.languages {
        t.add_row([
            l.language.clone(),
            l.files.to_string(),
            l.symbols.to_string(),
            human_bytes(l.bytes),
        ]);
    }
    let last = match (status.last_run_unix, status.last_run_ms) {
        (Some(at), Some(ms)) => format!("unix time {at}, took {:.2}s", ms as f64 / 1000.0),
        _ => "unknown".into(),
    };
    let vectors = match vectors {
        None => "none yet (built by `leindex index`, or the first search)".to_string(),
        Some(v) => format!(
            "{} symbols, {}{}{}",
            v.symbols,
            if v.clusters > 0 {
                format!("approximate search over {} clusters", v.clusters)
            } else {
                "exact search".to_string()
            },
            if v.delta_added + v.delta_dead > 0 {
                format!(
                    ", delta of {} added / {} retired rows",
                    v.delta_added, v.delta_dead
                )
            } else {
                String::new()
            },
            if v.current {
                ""
            } else {
                " (out of date: rebuilt by the next search or index run)"
            }
        ),
    };
    emit(&format!(
        "root:     {}\nindex:    {} ({})\nschema:   {} (leindex {})\nmodel:    {}\nvectors:  {}\nlast run: {}\ngraph:    {}\n{} files, {} symbols, {} call sites, {} imports, {} files with syntax errors\n{t}\n",
        status.root,
        status.index_path,
        human_bytes(status.index_bytes),
        status.schema_version,
        status.tool_version,
        status.model_id,
        vectors,
        last,
        if status.graph_resolved {
            "resolved"
        } else {
            "to be resolved by the next `impact` or `graph`"
        },
        status.files,
        status.symbols,
        status.call_sites,
        status.imports,
        status.files_with_parse_errors,
    ))
}

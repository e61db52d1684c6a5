//! The `leindex` command line: the clap definition and dispatch, nothing else.
mod commands;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Code intelligence for the command line.
///
/// `leindex index` parses a repository (Python, TypeScript/TSX/JavaScript, Go, Rust) with
/// tree-sitter and stores its symbols, call sites, imports and inheritance in
/// `.leindex/` at the repository root. The other commands answer from that index.
#[derive(Debug, Parser)]
#[command(
    name = "leindex",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(
    after_help = "Exit codes: 0 ok, 1 internal or I/O error, 2 usage error, 3 no index, \
4 index unusable (corrupt, foreign or newer schema), 5 path not found or not usable, \
6 symbol not found, 7 ambiguous symbol, 8 --fail-above exceeded."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build or update the index of a repository (incremental)
    Index(commands::index::IndexArgs),
    /// Show what the index holds: languages, counts, size, last run
    Status(commands::status::StatusArgs),
    /// List indexed symbols, with filters
    Symbols(commands::symbols::SymbolsArgs),
    /// Show everything extracted from one file: symbols, calls, imports, inheritance
    Outline(commands::outline::OutlineArgs),
    /// Find functions, methods and types by words or identifiers (lexical, BM25)
    Search(commands::search::SearchArgs),
    /// What is affected if a symbol changes: callers, files, tests, risk
    Impact(commands::impact::ImpactArgs),
    /// The code needed to understand or change a symbol, within a token budget
    Context(commands::context::ContextArgs),
    /// Rank code that is complex, central, churning and untested
    Hotspots(commands::hotspots::HotspotsArgs),
    /// Print the resolved graph (all symbols and edges) for other tools
    Graph(commands::graph::GraphArgs),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) of leindex or of one of its commands
    Man {
        /// The command whose page to print [default: leindex itself]
        command: Option<String>,
    },
}

fn man_page(command: Option<&str>) -> anyhow::Result<()> {
    let cli = Cli::command();
    let page = match command {
        None => cli,
        Some(name) => {
            let Some(sub) = cli.find_subcommand(name) else {
                anyhow::bail!("no command named {name:?} (see `leindex --help`)");
            };
            let full: &'static str = Box::leak(format!("leindex-{name}").into_boxed_str());
            sub.clone().name(full).version(env!("CARGO_PKG_VERSION"))
        }
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).render(&mut buf)?;
    commands::emit(&String::from_utf8_lossy(&buf))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Index(a) => commands::index::run(a),
        Command::Status(a) => commands::status::run(a),
        Command::Symbols(a) => commands::symbols::run(a),
        Command::Outline(a) => commands::outline::run(a),
        Command::Search(a) => commands::search::run(a),
        Command::Impact(a) => commands::impact::run(a),
        Command::Graph(a) => commands::graph::run(a),
        Command::Context(a) => commands::context::run(a),
        Command::Hotspots(a) => commands::hotspots::run(a),
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "leindex", &mut buf);
            commands::emit(&String::from_utf8_lossy(&buf))
        }
        Command::Man { command } => man_page(command.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            let code = if err.downcast_ref::<commands::impact::FailAbove>().is_some() {
                8
            } else {
                err.downcast_ref::<leindex::core::Error>()
                    .map_or(1, |e| e.exit_code())
            };
            ExitCode::from(code as u8)
        }
    }
}

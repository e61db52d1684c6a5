//! Errors of the pipeline and the store. Each variant names what it is about and the
//! message says what to do next; the binary maps variants to documented exit codes.
use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{} does not exist", .0.display())]
    PathNotFound(PathBuf),
    #[error("{} is not a directory (give the root folder of a repository)", .0.display())]
    NotADirectory(PathBuf),
    #[error("no index found in {} or any parent folder (run `leindex index` first)", .0.display())]
    NoIndex(PathBuf),
    #[error("the index at {} is corrupt ({detail}); run `leindex index --rebuild` to replace it", .path.display())]
    Corrupt { path: PathBuf, detail: String },
    #[error("{} is not a leindex index; move it away or run `leindex index --rebuild` to replace it", .0.display())]
    Foreign(PathBuf),
    #[error("the index at {} has schema version {found}, newer than this leindex supports ({supported}); upgrade leindex, or run `leindex index --rebuild`", .path.display())]
    SchemaTooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("the index at {} has schema version {found}, older than this leindex ({supported}); run `leindex index` to rebuild it", .path.display())]
    SchemaTooOld {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("{0} is not in the index (run `leindex index` if it is new)")]
    FileNotIndexed(String),
    #[error("invalid --path pattern {pattern:?}: {detail}")]
    BadPattern { pattern: String, detail: String },
    #[error("no symbol matches {0:?} (try `leindex symbols --name NAME`, a qualified name, or FILE:LINE)")]
    SymbolNotFound(String),
    #[error("{query:?} matches {} symbols; give a qualified name or FILE:LINE, or pass --all:\n{}", .candidates.len(), .candidates.join("\n"))]
    Ambiguous {
        query: String,
        candidates: Vec<String>,
    },
    #[error("nothing in the index matches {0:?}: no symbol of that name and no search hit (try other words, or `leindex symbols --name NAME`)")]
    NoMatch(String),
    #[error("{0}")]
    Internal(String),
    #[error("git failed in {}: {detail}", .root.display())]
    Git { root: PathBuf, detail: String },
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("database error in {}: {source}", .path.display())]
    Database {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
}

impl Error {
    /// The documented exit code for this error (see README, "Exit codes").
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::NoIndex(_) => 3,
            Error::Corrupt { .. }
            | Error::Foreign(_)
            | Error::SchemaTooNew { .. }
            | Error::SchemaTooOld { .. } => 4,
            Error::PathNotFound(_) | Error::NotADirectory(_) | Error::FileNotIndexed(_) => 5,
            Error::BadPattern { .. } => 2,
            Error::SymbolNotFound(_) | Error::NoMatch(_) => 6,
            Error::Ambiguous { .. } => 7,
            Error::Git { .. } => 1,
            Error::Io { .. } | Error::Database { .. } | Error::Internal(_) => 1,
        }
    }
}

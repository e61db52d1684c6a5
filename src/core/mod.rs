//! The pipeline (walk -> parse -> store) and the queries on what it stored.
//!
//! Invariants: core never prints and never exits; errors are typed per stage and say
//! what to do next.
pub mod churn;
pub mod context;
pub mod embed;
pub mod error;
pub mod graph;
pub mod graph_store;
pub mod hotspots;
pub mod impact;
pub mod index;
pub mod ivf;
pub mod lang;
#[cfg(feature = "fastembed")]
pub mod rerank;
pub mod resolve;
pub mod search;
pub mod store;
pub mod tokens;
pub mod vectors;
pub mod walk;

pub use error::{Error, Result};

//! End-to-end tests: run the real `leindex` binary on the fixture repositories in
//! tests/fixtures/ and check what it reports (parsed JSON, exit codes, stderr).
//! See tests/fixtures/README.md for what each fixture contains and why.

mod common;

mod assets;
mod bad_input;
mod context;
mod graph;
mod hotspots;
mod impact;
mod incremental;
mod index_go;
mod index_mixed;
mod index_python;
mod index_rust;
mod index_typescript;
#[cfg(feature = "fastembed")]
mod rerank;
mod search;

//! leindex: a code intelligence engine. The library is the pipeline and its queries
//! (`core`); the `leindex` binary is a thin command-line layer over it.
pub mod core;

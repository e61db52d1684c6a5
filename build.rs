//! Compiles `src/core/lang/subtree_walk.c`, the extraction walk's pre-order iterator,
//! against the private headers of the tree-sitter crate in this build (its `src/`
//! directory sits next to the `include/` directory it exports as `DEP_TREE_SITTER_INCLUDE`).

use std::path::PathBuf;

fn main() {
    let file = "src/core/lang/subtree_walk.c";
    println!("cargo:rerun-if-changed={file}");
    println!("cargo:rerun-if-env-changed=DEP_TREE_SITTER_INCLUDE");
    let include = PathBuf::from(
        std::env::var_os("DEP_TREE_SITTER_INCLUDE")
            .expect("the tree-sitter crate exports its include directory"),
    );
    let private = include
        .parent()
        .expect("the include directory has a parent")
        .join("src");
    assert!(
        private.join("subtree.h").is_file(),
        "tree-sitter's private headers are not at {}",
        private.display()
    );
    cc::Build::new()
        .file(file)
        .include(&include)
        .include(&private)
        .std("c11")
        .define("_POSIX_C_SOURCE", "200112L")
        .define("_DEFAULT_SOURCE", None)
        .flag_if_supported("-Wno-unused-parameter")
        .compile("leindex_subtree_walk");
}

//! Print the tree-sitter syntax tree of a file: `cargo run --example sexp -- FILE`.
//! A developer's aid for writing extractors.
fn main() {
    let path = std::env::args().nth(1).expect("usage: sexp FILE");
    let lang = leindex::core::lang::Language::from_path(std::path::Path::new(&path))
        .expect("a file of a known language");
    let src = std::fs::read(&path).expect("readable file");
    let tree = leindex::core::lang::parse(lang, &src).expect("parsed");
    let mut cursor = tree.walk();
    let mut depth = 0;
    loop {
        let n = cursor.node();
        let field = cursor
            .field_name()
            .map(|f| format!("{f}: "))
            .unwrap_or_default();
        let kind = if n.is_named() {
            n.kind().to_string()
        } else {
            format!("{:?}", n.kind())
        };
        println!(
            "{}{field}{kind} [{}]",
            "  ".repeat(depth),
            n.start_position().row + 1
        );
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return;
            }
            depth -= 1;
        }
    }
}

//! Rust: functions, methods (qualified through their `impl` type), structs, unions,
//! enums, traits, type aliases, inline modules, consts and statics, `///`/`//!` docs,
//! attributes, `use` trees, `impl Trait for Type`, supertraits, calls and macro
//! invocations, and complexity as rust-code-analysis counts it.

use tree_sitter::Node;

use super::engine::{clean_comment_lines, is_field, Cx, FieldExt, KindExt, Visit};
use super::{Import, ImportName, Param, Relation, SymbolKind};

/// The node kinds `extract` acts on; the walk skips the hook for every other kind
/// (a unit test checks that the hook ignores them).
pub(super) const KINDS: &[&str] = &[
    "source_file",
    "function_item",
    "function_signature_item",
    "struct_item",
    "union_item",
    "enum_item",
    "trait_item",
    "type_item",
    "mod_item",
    "const_item",
    "static_item",
    "impl_item",
    "let_declaration",
    "field_declaration",
    "ordered_field_declaration_list",
    "field_expression",
    "call_expression",
    "macro_invocation",
    "use_declaration",
    "closure_expression",
    "macro_definition",
    "if_expression",
    "while_expression",
    "for_expression",
    "loop_expression",
    "match_expression",
    "match_arm",
    "try_expression",
    "match_pattern",
    "let_chain",
    "binary_expression",
];

/// Kinds the walk does not enter: `use` trees (read whole by the hook), attributes,
/// types and generics, visibility, literals, comments.
pub(super) const OPAQUE: &[&str] = &[
    "use_declaration",
    "attribute_item",
    "inner_attribute_item",
    "type_arguments",
    "type_parameters",
    "where_clause",
    "generic_type",
    "reference_type",
    "pointer_type",
    "scoped_type_identifier",
    "tuple_type",
    "function_type",
    "abstract_type",
    "dynamic_type",
    "bounded_type",
    "trait_bounds",
    "lifetime",
    "visibility_modifier",
    "string_literal",
    "raw_string_literal",
    "char_literal",
    "line_comment",
    "block_comment",
];

/// Module-level variables: the file's top-level `static` items.
pub(super) fn module_vars<'a>(_cx: &Cx<'a>, root: Node<'a>) -> Vec<Node<'a>> {
    let mut c = root.walk();
    root.named_children(&mut c)
        .filter(|st| st.kind_str() == "static_item")
        .filter_map(|st| st.field("name"))
        .filter(|n| n.kind_str() == "identifier")
        .collect()
}

/// An identifier inside a function: assigned (`X = ..`, `X += ..`), read, or a name
/// that is not a variable's use (binding, parameter, item name, path segment, macro).
pub(super) fn var_use<'a>(_cx: &Cx<'a>, node: Node<'a>, p: Node<'a>) -> Option<bool> {
    let is = |field: &'static str| is_field(p, field, node);
    match p.kind_str() {
        "assignment_expression" | "compound_assignment_expr" if is("left") => Some(true),
        "let_declaration" | "parameter" if is("pattern") => None,
        "static_item" | "const_item" | "function_item" if is("name") => None,
        "macro_invocation" if is("macro") => None,
        "scoped_identifier"
        | "closure_parameters"
        | "tuple_pattern"
        | "tuple_struct_pattern"
        | "field_pattern"
        | "or_pattern"
        | "captured_pattern" => None,
        _ => Some(false),
    }
}

pub(super) fn extract<'a>(cx: &mut Cx<'a>, node: Node<'a>) -> Visit {
    match node.kind_str() {
        "source_file" => cx.out.doc = inner_doc(cx, node),
        "function_item" | "function_signature_item" => function(cx, node),
        "struct_item" | "union_item" => item(cx, node, SymbolKind::Struct),
        "enum_item" => item(cx, node, SymbolKind::Enum),
        "trait_item" => item(cx, node, SymbolKind::Trait),
        "type_item" => item(cx, node, SymbolKind::Type),
        "mod_item" if node.field("body").is_some() => item(cx, node, SymbolKind::Module),
        "const_item" | "static_item" => constant(cx, node),
        "impl_item" => impl_block(cx, node),
        "call_expression" => {
            if let Some(f) = node.field("function") {
                cx.call(f, Cx::line(node));
            }
        }
        "macro_invocation" => {
            if let Some(m) = node.field("macro") {
                let path = cx.collapsed(m);
                cx.call_text(format!("{path}!"), Cx::line(node));
                // The arguments are token trees, not syntax: the calls in them are read
                // from the tokens.
                let args = node.child(node.child_count().saturating_sub(1));
                if let Some(args) = args.filter(|a| a.kind_str() == "token_tree") {
                    macro_calls(cx, &path, args);
                }
            }
            return Visit::Skip;
        }
        "use_declaration" => use_declaration(cx, node),
        "closure_expression" => cx.push_anon(node, false),
        // The body of a macro_rules! is token trees, not code.
        "macro_definition" => {
            macro_rules(cx, node);
            return Visit::Skip;
        }
        "let_declaration" => let_binding(cx, node),
        "field_expression" => {
            if let (Some(v), Some(f)) = (node.field("value"), node.field("field")) {
                if f.kind_str() == "field_identifier" {
                    if v.kind_str() == "self" {
                        cx.access(node, v, f);
                    } else {
                        cx.typed_access(node, v, f);
                    }
                }
            }
        }
        // A tuple struct's fields are named by position: `self.0`.
        "ordered_field_declaration_list" => {
            let mut cursor = node.walk();
            let types: Vec<Node> = node.children_by_field_name("type", &mut cursor).collect();
            for (i, t) in types.into_iter().enumerate() {
                let t = cx.collapsed(t);
                cx.bind(i.to_string(), t);
            }
        }
        "field_declaration" => {
            if let (Some(n), Some(t)) = (cx.field_text(node, "name"), node.field("type")) {
                let t = cx.collapsed(t);
                cx.bind(n, t);
            }
        }
        // Complexity, as rust-code-analysis counts it: +1 for if, each match arm and
        // guard, loops, `?`, && and ||. Its token quirks (`?Sized`, `for<'a>`, keywords
        // inside macro calls) are not copied.
        "if_expression" => {
            cx.decision(1);
            let else_if = cx
                .parent_of(node)
                .is_some_and(|p| p.kind_str() == "else_clause");
            cx.push_control(node, else_if);
        }
        "while_expression" | "for_expression" | "loop_expression" => {
            cx.decision(1);
            cx.push_control(node, false);
            // `for x in &xs` / `xs.iter()`: `x` is an element of `xs`.
            if let (Some(p), Some(v)) = (node.field("pattern"), node.field("value")) {
                if p.kind_str() == "identifier" {
                    let v = cx.collapsed(v);
                    let v = v.trim_start_matches('&').trim_start_matches("mut ");
                    let v = ["iter()", "iter_mut()", "into_iter()"]
                        .iter()
                        .find_map(|m| v.strip_suffix(&format!(".{m}")))
                        .unwrap_or(v)
                        .to_string();
                    let p = cx.text(p).into_owned();
                    cx.bind(p, format!("~{v}"));
                }
            }
        }
        "match_expression" => cx.push_control(node, false),
        "match_arm" | "try_expression" => cx.decision(1),
        // A match arm's guard (`Some(x) if x > 0 =>`).
        "match_pattern" if node.field("condition").is_some() => cx.decision(1),
        // `if let Some(x) = a && b`: the `&&`s of a let chain are tokens, not expressions.
        "let_chain" => {
            let mut cursor = node.walk();
            let n = node
                .children(&mut cursor)
                .filter(|c| c.kind_str() == "&&")
                .count();
            cx.decision(n as u32);
        }
        "binary_expression" => {
            if let Some(op) = node.field("operator") {
                if matches!(op.kind_str(), "&&" | "||") {
                    cx.decision(1);
                }
            }
        }
        _ => {}
    }
    Visit::Children
}

fn is_comment(n: Node) -> bool {
    matches!(n.kind_str(), "line_comment" | "block_comment")
}

/// `//!` and `/*! */` comments at the start of a file or inline module body.
fn inner_doc<'a>(cx: &Cx<'a>, container: Node<'a>) -> Option<String> {
    let mut texts = Vec::new();
    let mut cursor = container.walk();
    for c in container.named_children(&mut cursor) {
        if is_comment(c) {
            let t = cx.text(c);
            if t.starts_with("//!") || t.starts_with("/*!") {
                texts.push(t.into_owned());
            }
        } else if c.kind_str() != "inner_attribute_item" {
            break;
        }
    }
    clean_comment_lines(texts.iter().map(String::as_str))
}

/// Outer doc comments (`///`, `/** */`) and attributes above an item; returns the node
/// the span starts at (the first attribute), the doc and the attributes.
fn outer<'a>(cx: &Cx<'a>, node: Node<'a>) -> (Node<'a>, Option<String>, Vec<String>) {
    let mut start = node;
    let mut attrs = Vec::new();
    for &p in cx.prev_siblings(node).iter().rev() {
        match p.kind_str() {
            "attribute_item" => {
                let t = cx.collapsed(p);
                let inner = t
                    .strip_prefix("#[")
                    .and_then(|t| t.strip_suffix(']'))
                    .unwrap_or(&t);
                attrs.push(inner.to_string());
                start = p;
            }
            _ if is_comment(p) => {}
            _ => break,
        }
    }
    attrs.reverse();
    let comments = cx.comments_above(node, is_comment, |n| n.kind_str() == "attribute_item");
    let texts: Vec<String> = comments
        .iter()
        .map(|c| cx.text(*c).into_owned())
        .filter(|t| (t.starts_with("///") && !t.starts_with("////")) || t.starts_with("/**"))
        .collect();
    let doc = clean_comment_lines(texts.iter().map(String::as_str));
    (start, doc, attrs)
}

fn function<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let Some(name) = cx.field_text(node, "name") else {
        return;
    };
    let kind = if cx.in_type_scope() {
        SymbolKind::Method
    } else {
        SymbolKind::Function
    };
    let (span, doc, attrs) = outer(cx, node);
    let body = node.field("body");
    let mut sym = cx.new_symbol(kind, &name, span, node, body);
    sym.doc = doc;
    sym.decorators = attrs;
    sym.return_type = cx
        .field_text(node, "return_type")
        .map(|r| super::engine::collapse_ws(&r));
    sym.receiver = cx.enclosing_receiver();
    if let Some(params) = node.field("parameters") {
        sym.parameters = parameters(cx, params);
    }
    if body.is_none() {
        sym.complexity = None;
        sym.nesting = None;
    }
    cx.push_symbol(node, sym);
}

fn parameters<'a>(cx: &Cx<'a>, list: Node<'a>) -> Vec<Param> {
    let mut out = Vec::new();
    let mut cursor = list.walk();
    for p in list.named_children(&mut cursor) {
        match p.kind_str() {
            "parameter" => {
                if let Some(pattern) = p.field("pattern") {
                    out.push(cx.param(pattern, p.field("type")));
                }
            }
            "variadic_parameter" => out.push(Param {
                name: "...".into(),
                ty: None,
            }),
            _ => {}
        }
    }
    out
}

/// Macros whose arguments are not Rust expressions evaluated by the caller (code
/// templates, text, paths): no calls are read from them.
const OPAQUE_MACROS: &[&str] = &[
    "quote",
    "quote_spanned",
    "parse_quote",
    "parse_quote_spanned",
    "stringify",
    "concat",
    "concat_idents",
    "include",
    "include_str",
    "include_bytes",
    "env",
    "option_env",
    "cfg",
    "compile_error",
    "asm",
    "global_asm",
    "naked_asm",
];

/// Macros whose second argument is a pattern (`matches!(x, Some(y) if y.ok())`): only the
/// first argument and the guard are expressions.
const PATTERN_MACROS: &[&str] = &["matches", "assert_matches", "debug_assert_matches"];

/// Record the calls inside a macro invocation's arguments (`assert_eq!(map.len(), 0)`,
/// `format!("{}", self.name())`, `vec![Point::new(1, 2)]`), read from its token trees as
/// the parser leaves them: a name followed by a parenthesised tree is a call, and the
/// `.`/`::` chain before the name (operands: names, `self`, bracketed trees, `?`) is its
/// receiver, written as a call site in ordinary code would be. Nested macro invocations
/// are calls too (`name!`), read the same way. What cannot be read as a plain chain (a
/// `<T as Trait>::f()` path, a literal receiver) is left out rather than guessed, as are
/// `fn name(..)` definitions inside a macro and the patterns of `matches!`.
fn macro_calls<'a>(cx: &mut Cx<'a>, path: &str, args: Node<'a>) {
    let mut stack = vec![(args, macro_name(path).to_string())];
    let mut kids: Vec<Node<'a>> = Vec::new();
    while let Some((tree, name)) = stack.pop() {
        if OPAQUE_MACROS.contains(&name.as_str()) {
            continue;
        }
        kids.clear();
        let mut cursor = tree.walk();
        kids.extend(tree.children(&mut cursor));
        // The top-level token range of a pattern macro's pattern (between the first `,`
        // and an `if` guard), where `Some(x)` is not a call.
        let pattern = if PATTERN_MACROS.contains(&name.as_str()) {
            let comma = kids.iter().position(|k| k.kind_str() == ",");
            comma.map(|c| {
                let guard = kids[c..].iter().position(|k| k.kind_str() == "if");
                c..guard.map_or(kids.len(), |g| c + g)
            })
        } else {
            None
        };
        for i in 0..kids.len() {
            if pattern.as_ref().is_some_and(|p| p.contains(&i)) {
                continue;
            }
            let k = kids[i];
            if k.kind_str() == "identifier" {
                cx.token_read(k);
            }
            if k.kind_str() != "token_tree" {
                continue;
            }
            let mut inner = String::new();
            // A call's arguments are in parentheses; a macro's in any brackets
            // (`vec![..]`, `m! {..}`).
            let call = token_call(&kids, i).filter(|c| c.is_macro || cx.starts_with(k, b"("));
            if let Some(call) = call {
                let (start, end) = (kids[call.start], kids[call.end]);
                let text = String::from_utf8_lossy(&cx.src[start.start_byte()..end.end_byte()]);
                let callee = super::engine::collapse_ws(&text);
                if call.is_macro {
                    inner = macro_name(&callee).to_string();
                    cx.call_text(format!("{callee}!"), Cx::line(start));
                } else {
                    cx.call_text(callee, Cx::line(start));
                }
            }
            stack.push((k, inner));
        }
    }
}

/// The last segment of a macro path: `std::println` -> `println`.
fn macro_name(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path).trim()
}

/// A call read from tokens: the callee's first and last token.
struct TokenCall {
    start: usize,
    end: usize,
    is_macro: bool,
}

/// The call whose argument tree is `kids[args]`, if the tokens before it are a callee:
/// `name`, `name!`, `recv.name`, `Path::name`, `name::<T>`.
fn token_call(kids: &[Node], args: usize) -> Option<TokenCall> {
    let kind = |i: usize| kids[i].kind_str();
    let mut j = args.checked_sub(1)?;
    let is_macro = kind(j) == "!";
    if is_macro {
        j = j.checked_sub(1)?;
    }
    let end = j;
    // A turbofish `name::<T>(..)`: back over the balanced `<..>` and its `::`.
    if !is_macro && matches!(kind(j), ">" | ">>") {
        let mut depth = 0i32;
        loop {
            depth += match kind(j) {
                ">" => 1,
                ">>" => 2,
                "<" => -1,
                "<<" => -2,
                _ => 0,
            };
            if depth <= 0 {
                break;
            }
            j = j.checked_sub(1)?;
        }
        if depth < 0 || j < 2 || kind(j - 1) != "::" {
            return None;
        }
        j -= 2;
    }
    if kind(j) != "identifier" {
        return None;
    }
    // Back over the receiver chain: `a.b(x)?.c::d`.
    let mut start = j;
    while start >= 2 && matches!(kind(start - 1), "." | "::") {
        let mut k = start - 2;
        while kind(k) == "?" {
            k = k.checked_sub(1)?;
        }
        match kind(k) {
            "identifier" | "self" | "super" | "crate" => start = k,
            "token_tree" => {
                start = k;
                // `f(x).g`, `a[0].g`, `m!(x).g`: the tree's own callee or indexed name.
                if k >= 1 && matches!(kind(k - 1), "identifier" | "self") {
                    start = k - 1;
                } else if k >= 2 && kind(k - 1) == "!" && kind(k - 2) == "identifier" {
                    start = k - 2;
                }
            }
            _ => return None,
        }
    }
    if start >= 1
        && matches!(
            kind(start - 1),
            "fn" | "struct" | "enum" | "union" | "trait" | "'"
        )
    {
        return None;
    }
    Some(TokenCall {
        start,
        end,
        is_macro,
    })
}

/// `macro_rules! name { ... }`: a symbol, so that `name!(..)` resolves to it. Its body
/// is not walked (macro rules are token trees, not code).
fn macro_rules<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let Some(name) = cx.field_text(node, "name") else {
        return;
    };
    let (span, doc, attrs) = outer(cx, node);
    let mut sym = cx.new_symbol(SymbolKind::Macro, &name, span, node, None);
    sym.decorators = attrs;
    sym.doc = doc;
    sym.signature = format!("macro_rules! {name}");
    cx.add_leaf_symbol(sym);
}

/// `let x: T = ...`, `let x = T::new()`, `let x = T { .. }`.
fn let_binding<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let Some(p) = node.field("pattern") else {
        return;
    };
    if p.kind_str() != "identifier" {
        return;
    }
    cx.local(p);
    let name = cx.text(p).into_owned();
    if let Some(t) = node.field("type") {
        let t = cx.collapsed(t);
        cx.bind(name, t);
        return;
    }
    let Some(mut v) = node.field("value") else {
        return;
    };
    while let "reference_expression" | "try_expression" | "await_expression" = v.kind_str() {
        match v.field("value").or_else(|| v.named_child(0)) {
            Some(inner) => v = inner,
            None => return,
        }
    }
    let bound = match v.kind_str() {
        "struct_expression" => v.field("name").map(|n| cx.collapsed(n)),
        "call_expression" => v.field("function").map(|f| format!("={}", cx.collapsed(f))),
        _ => None,
    };
    if let Some(b) = bound {
        cx.bind(name, b);
    }
}

fn item<'a>(cx: &mut Cx<'a>, node: Node<'a>, kind: SymbolKind) {
    let Some(name) = cx.field_text(node, "name") else {
        return;
    };
    let (span, doc, attrs) = outer(cx, node);
    let body = node.field("body");
    let mut sym = cx.new_symbol(kind, &name, span, node, body);
    sym.decorators = attrs;
    sym.doc = doc;
    if kind == SymbolKind::Module {
        if let Some(b) = body {
            let inner = inner_doc(cx, b);
            sym.doc = match (sym.doc.take(), inner) {
                (Some(a), Some(b)) => Some(format!("{a}\n{b}")),
                (a, b) => a.or(b),
            };
        }
    }
    let idx = cx.push_symbol(node, sym);
    if kind == SymbolKind::Trait {
        if let Some(bounds) = node.field("bounds") {
            let mut cursor = bounds.walk();
            for b in bounds.named_children(&mut cursor) {
                if b.kind_str() != "lifetime" {
                    let base = cx.text(b).into_owned();
                    cx.inherit(Some(idx), "", &base, Relation::Extends, Cx::line(b));
                }
            }
        }
    }
}

fn constant<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let Some(name) = cx.field_text(node, "name") else {
        return;
    };
    let (span, doc, attrs) = outer(cx, node);
    let mut sym = cx.new_symbol(SymbolKind::Constant, &name, span, node, node.field("value"));
    sym.doc = doc;
    sym.decorators = attrs;
    sym.return_type = cx.field_text(node, "type");
    cx.add_leaf_symbol(sym);
}

/// `impl Type` / `impl Trait for Type`: a naming scope for its methods, and an
/// `implements` fact.
fn impl_block<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let Some(ty) = node.field("type") else {
        return;
    };
    let written = cx.collapsed(ty);
    let base = type_base_name(&written);
    if let Some(tr) = node.field("trait") {
        let trait_text = cx.text(tr).into_owned();
        cx.inherit(
            None,
            &written,
            &trait_text,
            Relation::Implements,
            Cx::line(node),
        );
    }
    cx.push_scope(node, base, Some(written));
}

/// `&'a mut foo::Bar<T>` -> `Bar`.
fn type_base_name(written: &str) -> String {
    let no_generics = written.split('<').next().unwrap_or(written);
    let last = no_generics.rsplit("::").next().unwrap_or(no_generics);
    last.trim_start_matches(['&', '*'])
        .trim_start_matches("mut ")
        .trim_start_matches("const ")
        .trim_start_matches("dyn ")
        .split_whitespace()
        .last()
        .unwrap_or(last)
        .to_string()
}

fn use_declaration<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let Some(arg) = node.field("argument") else {
        return;
    };
    let mut flat: Vec<(String, ImportName)> = Vec::new();
    flatten_use(cx, arg, "", &mut flat);
    let mut imports: Vec<Import> = Vec::new();
    for (module, name) in flat {
        match imports.iter_mut().find(|i| i.module == module) {
            Some(i) => i.names.push(name),
            None => imports.push(Import {
                module,
                names: vec![name],
                alias: None,
                line: Cx::line(node),
            }),
        }
    }
    for i in imports {
        cx.import(i);
    }
}

fn join_path(prefix: &str, rest: &str) -> String {
    match (prefix.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_string(),
        (_, true) => prefix.to_string(),
        _ => format!("{prefix}::{rest}"),
    }
}

/// Split a path `a::b::c` into (`a::b`, `c`).
fn split_path(path: &str) -> (&str, &str) {
    match path.rfind("::") {
        Some(i) => (&path[..i], &path[i + 2..]),
        None => ("", path),
    }
}

fn flatten_use<'a>(cx: &Cx<'a>, node: Node<'a>, prefix: &str, out: &mut Vec<(String, ImportName)>) {
    match node.kind_str() {
        "use_as_clause" => {
            let path = cx.field_text(node, "path").unwrap_or_default();
            let full = join_path(prefix, &super::engine::collapse_ws(&path));
            let (module, name) = split_path(&full);
            out.push((
                module.to_string(),
                ImportName {
                    name: name.to_string(),
                    alias: cx.field_text(node, "alias"),
                },
            ));
        }
        "use_wildcard" => {
            let text = cx.collapsed(node);
            let path = text.trim_end_matches('*').trim_end_matches("::");
            out.push((
                join_path(prefix, path),
                ImportName {
                    name: "*".into(),
                    alias: None,
                },
            ));
        }
        "scoped_use_list" => {
            let path = cx.field_text(node, "path").unwrap_or_default();
            let inner = join_path(prefix, &path);
            if let Some(list) = node.field("list") {
                flatten_use(cx, list, &inner, out);
            }
        }
        "use_list" => {
            let mut cursor = node.walk();
            for c in node.named_children(&mut cursor) {
                if !is_comment(c) {
                    flatten_use(cx, c, prefix, out);
                }
            }
        }
        _ => {
            let full = join_path(prefix, &cx.collapsed(node));
            let (module, name) = split_path(&full);
            // `use a::{self}` imports `a` itself.
            let (module, name) = if name == "self" {
                split_path(module)
            } else {
                (module, name)
            };
            out.push((
                module.to_string(),
                ImportName {
                    name: name.to_string(),
                    alias: None,
                },
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::type_base_name;

    #[test]
    fn type_base_name_strips_paths_references_and_generics() {
        assert_eq!(type_base_name("Cart"), "Cart");
        assert_eq!(type_base_name("&'a mut foo::Bar<T>"), "Bar");
        assert_eq!(type_base_name("Vec<u8>"), "Vec");
    }
}

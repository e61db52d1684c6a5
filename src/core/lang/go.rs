//! Go: functions, methods (qualified through their receiver type), structs, interfaces
//! (with their method specs), named types and aliases, constants, doc comments, imports,
//! struct and interface embedding, calls, and lizard-compatible complexity.

use tree_sitter::Node;

use super::engine::{clean_comment_lines, is_field, Cx, FieldExt, KindExt, Visit};
use super::{Import, Param, Relation, SymbolKind};

/// The node kinds `extract` acts on; the walk skips the hook for every other kind
/// (a unit test checks that the hook ignores them).
pub(super) const KINDS: &[&str] = &[
    "package_clause",
    "function_declaration",
    "method_declaration",
    "method_elem",
    "type_spec",
    "type_alias",
    "const_spec",
    "short_var_declaration",
    "range_clause",
    "var_spec",
    "field_declaration",
    "selector_expression",
    "call_expression",
    "func_literal",
    "import_spec",
    "if_statement",
    "for_statement",
    "expression_switch_statement",
    "type_switch_statement",
    "select_statement",
    "expression_case",
    "type_case",
    "communication_case",
    "binary_expression",
];

/// Kinds the walk does not enter: import specs (read whole by the hook), string literals,
/// comments. (Not type parameters: a constraint can declare methods,
/// `[P interface{ Go(func() error) }]`, which are symbols.)
pub(super) const OPAQUE: &[&str] = &[
    "import_spec",
    "interpreted_string_literal",
    "raw_string_literal",
    "comment",
];

/// Package-level variables of this file: the names of its top-level `var` specs.
pub(super) fn module_vars<'a>(_cx: &Cx<'a>, root: Node<'a>) -> Vec<Node<'a>> {
    let mut out = Vec::new();
    let mut c = root.walk();
    for st in root.named_children(&mut c) {
        if st.kind_str() != "var_declaration" {
            continue;
        }
        let mut specs = Vec::new();
        let mut c2 = st.walk();
        for x in st.named_children(&mut c2) {
            match x.kind_str() {
                "var_spec" => specs.push(x),
                "var_spec_list" => {
                    let mut c3 = x.walk();
                    specs.extend(
                        x.named_children(&mut c3)
                            .filter(|s| s.kind_str() == "var_spec"),
                    );
                }
                _ => {}
            }
        }
        for s in specs {
            let mut c4 = s.walk();
            out.extend(
                s.children_by_field_name("name", &mut c4)
                    .filter(|n| n.kind_str() == "identifier"),
            );
        }
    }
    out
}

/// An identifier inside a function: assigned (`x = ..`, `x += ..`, `x++`), read, or a
/// name that is not a variable's use (declaration, parameter, label).
pub(super) fn var_use<'a>(cx: &Cx<'a>, node: Node<'a>, p: Node<'a>) -> Option<bool> {
    let is = |field: &'static str| is_field(p, field, node);
    match p.kind_str() {
        "expression_list" => {
            let gp = cx.parent_of(p)?;
            let left = gp.field("left").is_some_and(|l| l.id() == p.id());
            match gp.kind_str() {
                "assignment_statement" if left => Some(true),
                "short_var_declaration" | "range_clause" if left => None,
                _ => Some(false),
            }
        }
        "assignment_statement" if is("left") => Some(true),
        "inc_statement" | "dec_statement" => Some(true),
        "short_var_declaration" | "range_clause" if is("left") => None,
        "parameter_declaration"
        | "variadic_parameter_declaration"
        | "var_spec"
        | "const_spec"
        | "labeled_statement"
        | "break_statement"
        | "continue_statement"
        | "goto_statement" => None,
        "function_declaration" | "method_declaration" if is("name") => None,
        _ => Some(false),
    }
}

pub(super) fn extract<'a>(cx: &mut Cx<'a>, node: Node<'a>) -> Visit {
    match node.kind_str() {
        "package_clause" => cx.out.doc = doc(cx, node),
        "function_declaration" => function(cx, node),
        "method_declaration" => method(cx, node),
        "method_elem" => method_elem(cx, node),
        "type_spec" | "type_alias" => type_spec(cx, node),
        "const_spec" => constant(cx, node),
        "call_expression" => {
            if let Some(f) = node.field("function") {
                cx.call(f, Cx::line(node));
            }
        }
        // lizard reports a func literal as a function of its own.
        "func_literal" => cx.push_anon(node, false),
        "import_spec" => import(cx, node),
        "short_var_declaration" => short_var(cx, node),
        "range_clause" => range_binding(cx, node),
        // `c.lines` in a method of `c`.
        "selector_expression" => {
            if let (Some(o), Some(f)) = (node.field("operand"), node.field("field")) {
                if o.kind_str() == "identifier" {
                    if cx.starts_with_receiver(node) {
                        cx.access(node, o, f);
                    } else {
                        cx.typed_access(node, o, f);
                    }
                }
            }
        }
        "var_spec" | "field_declaration" => var_spec(cx, node),
        // Complexity, as lizard counts Go: +1 for if, for, each case, &&, ||.
        "if_statement" => {
            cx.decision(1);
            let else_if = cx
                .parent_of(node)
                .is_some_and(|p| p.kind_str() == "if_statement");
            cx.push_control(node, else_if);
        }
        "for_statement" => {
            cx.decision(1);
            cx.push_control(node, false);
        }
        "expression_switch_statement" | "type_switch_statement" | "select_statement" => {
            cx.push_control(node, false)
        }
        "expression_case" | "type_case" | "communication_case" => cx.decision(1),
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

/// The doc comment of a declaration: the `//` lines directly above it. A spec inside
/// a parenthesised group uses its own comment, else the group's.
fn doc<'a>(cx: &Cx<'a>, node: Node<'a>) -> Option<String> {
    let is_comment = |n: Node| n.kind_str() == "comment";
    let mut comments = cx.comments_above(node, is_comment, |_| false);
    if comments.is_empty() {
        if let Some(group) = lone_spec_declaration(cx, node) {
            comments = cx.comments_above(group, is_comment, |_| false);
        }
    }
    let texts: Vec<String> = comments.iter().map(|c| cx.text(*c).into_owned()).collect();
    clean_comment_lines(texts.iter().map(String::as_str))
}

/// The `type`/`const` declaration around `spec` when it declares nothing else
/// (`type T struct{}`): its doc comment and span are the spec's.
fn lone_spec_declaration<'a>(cx: &Cx<'a>, spec: Node<'a>) -> Option<Node<'a>> {
    cx.parent_of(spec)
        .filter(|p| matches!(p.kind_str(), "type_declaration" | "const_declaration"))
        .filter(|p| p.named_child_count() == 1)
}

fn span<'a>(cx: &Cx<'a>, node: Node<'a>) -> Node<'a> {
    lone_spec_declaration(cx, node).unwrap_or(node)
}

fn function<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let Some(name) = cx.field_text(node, "name") else {
        return;
    };
    let body = node.field("body");
    let mut sym = cx.new_symbol(SymbolKind::Function, &name, node, node, body);
    fill(cx, &mut sym, node);
    cx.push_symbol(node, sym);
}

fn fill<'a>(cx: &Cx<'a>, sym: &mut super::Symbol, node: Node<'a>) {
    sym.doc = doc(cx, node);
    sym.return_type = cx
        .field_text(node, "result")
        .map(|r| super::engine::collapse_ws(&r));
    if let Some(params) = node.field("parameters") {
        sym.parameters = parameters(cx, params);
    }
}

/// The type name of a receiver: `(c *Cart[T])` -> `Cart`.
fn receiver_type<'a>(cx: &Cx<'a>, receiver: Node<'a>) -> Option<(String, String)> {
    let decl = receiver.named_child(0)?;
    let ty = decl.field("type")?;
    let written = cx.collapsed(ty);
    let base = written
        .trim_start_matches('*')
        .split('[')
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    Some((written, base))
}

fn method<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let Some(name) = cx.field_text(node, "name") else {
        return;
    };
    let body = node.field("body");
    let mut sym = cx.new_symbol(SymbolKind::Method, &name, node, node, body);
    fill(cx, &mut sym, node);
    if let Some((written, base)) = node.field("receiver").and_then(|r| receiver_type(cx, r)) {
        sym.qualified_name = cx.qualify_parts(&[&base, &name]);
        sym.parent_name = Some(cx.qualify_parts(&[&base]));
        sym.receiver = Some(written);
    }
    cx.push_symbol(node, sym);
}

/// A method in an interface type.
fn method_elem<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let Some(name) = cx.field_text(node, "name") else {
        return;
    };
    let mut sym = cx.new_symbol(SymbolKind::Method, &name, node, node, None);
    fill(cx, &mut sym, node);
    sym.complexity = None;
    sym.nesting = None;
    cx.push_symbol(node, sym);
}

fn parameters<'a>(cx: &Cx<'a>, list: Node<'a>) -> Vec<Param> {
    let mut out = Vec::new();
    let mut cursor = list.walk();
    for p in list.named_children(&mut cursor) {
        let variadic = p.kind_str() == "variadic_parameter_declaration";
        if !variadic && p.kind_str() != "parameter_declaration" {
            continue;
        }
        let ty = p.field("type").map(|t| {
            let t = cx.collapsed(t);
            if variadic {
                format!("...{t}")
            } else {
                t
            }
        });
        let mut cur = p.walk();
        let names: Vec<String> = p
            .children_by_field_name("name", &mut cur)
            .map(|n| cx.text(n).into_owned())
            .collect();
        if names.is_empty() {
            out.push(Param {
                name: String::new(),
                ty: ty.clone(),
            });
        }
        for name in names {
            out.push(Param {
                name,
                ty: ty.clone(),
            });
        }
    }
    out
}

fn type_spec<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let Some(name) = cx.field_text(node, "name") else {
        return;
    };
    let ty = node.field("type");
    let kind = match ty.map(|t| t.kind_str()) {
        Some("struct_type") if node.kind_str() == "type_spec" => SymbolKind::Struct,
        Some("interface_type") if node.kind_str() == "type_spec" => SymbolKind::Interface,
        _ => SymbolKind::Type,
    };
    let mut sym = cx.new_symbol(kind, &name, span(cx, node), node, None);
    sym.signature = signature_of_type(cx, node, kind);
    sym.doc = doc(cx, node);
    let idx = cx.push_symbol(node, sym);
    if let Some(t) = ty {
        embedded(cx, idx, t);
    }
}

fn signature_of_type<'a>(cx: &Cx<'a>, node: Node<'a>, kind: SymbolKind) -> String {
    let text = cx.collapsed(node);
    let text = match kind {
        SymbolKind::Struct | SymbolKind::Interface => {
            text.split('{').next().unwrap_or(&text).trim().to_string()
        }
        _ => text,
    };
    format!("type {text}")
}

/// Struct fields without a name, and interface elements that name a type.
fn embedded<'a>(cx: &mut Cx<'a>, idx: usize, ty: Node<'a>) {
    match ty.kind_str() {
        "struct_type" => {
            let mut cursor = ty.walk();
            let Some(list) = ty
                .named_children(&mut cursor)
                .find(|c| c.kind_str() == "field_declaration_list")
            else {
                return;
            };
            let mut cursor = list.walk();
            for field in list.named_children(&mut cursor) {
                if field.kind_str() == "field_declaration" && field.field("name").is_none() {
                    if let Some(t) = field.field("type") {
                        let base = cx.text(t).trim_start_matches('*').to_string();
                        cx.inherit(Some(idx), "", &base, Relation::Embeds, Cx::line(field));
                    }
                }
            }
        }
        "interface_type" => {
            let mut cursor = ty.walk();
            for elem in ty.named_children(&mut cursor) {
                if elem.kind_str() == "type_elem" {
                    let base = cx.text(elem).into_owned();
                    cx.inherit(Some(idx), "", &base, Relation::Embeds, Cx::line(elem));
                }
            }
        }
        _ => {}
    }
}

fn constant<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let mut cursor = node.walk();
    let names: Vec<Node> = node.children_by_field_name("name", &mut cursor).collect();
    for n in names {
        let name = cx.text(n).into_owned();
        if name == "_" {
            continue;
        }
        let mut sym = cx.new_symbol(SymbolKind::Constant, &name, span(cx, node), node, None);
        sym.signature = format!("const {}", sym.signature);
        sym.doc = doc(cx, node);
        sym.return_type = cx.field_text(node, "type");
        cx.add_leaf_symbol(sym);
    }
}

/// What a Go expression's value is typed as: `T{}`/`&T{}` -> `T`, `f(...)` -> `=f`.
fn value_type<'a>(cx: &Cx<'a>, v: Node<'a>) -> Option<String> {
    match v.kind_str() {
        "composite_literal" => v.field("type").map(|t| cx.collapsed(t)),
        "unary_expression" => value_type(cx, v.field("operand")?),
        "type_assertion_expression" => v.field("type").map(|t| cx.collapsed(t)),
        "call_expression" => {
            let f = v.field("function")?;
            Some(format!("={}", cx.collapsed(f)))
        }
        _ => None,
    }
}

/// `for _, x := range xs`: `x` is an element of `xs` (`~xs`: the type of `xs` with its
/// slice, array and pointer marks dropped).
fn range_binding<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let (Some(left), Some(right)) = (node.field("left"), node.field("right")) else {
        return;
    };
    let mut c = left.walk();
    let names: Vec<Node> = left.named_children(&mut c).collect();
    if let [_, v] = names.as_slice() {
        let name = cx.text(*v).into_owned();
        if name != "_" {
            let of = format!("~{}", cx.collapsed(right));
            cx.bind(name, of);
        }
    }
}

/// `x := T{}`, `x, err := New()`.
fn short_var<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let (Some(left), Some(right)) = (node.field("left"), node.field("right")) else {
        return;
    };
    let mut c1 = left.walk();
    let name_nodes: Vec<Node> = left.named_children(&mut c1).collect();
    for &n in &name_nodes {
        cx.local(n);
    }
    let names: Vec<String> = name_nodes
        .iter()
        .map(|n| cx.text(*n).into_owned())
        .collect();
    let mut c2 = right.walk();
    let values: Vec<Node> = right.named_children(&mut c2).collect();
    for (i, name) in names.into_iter().enumerate() {
        // `a, b := f()`: the first result is what most code calls methods on.
        let v = match values.len() {
            1 if i == 0 => values[0],
            n if n > 1 && i < n => values[i],
            _ => continue,
        };
        if name != "_" {
            if let Some(t) = value_type(cx, v) {
                cx.bind(name, t);
            }
        }
    }
}

/// `var x T`, `var x = T{}`, and struct fields `a, b *T`.
fn var_spec<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let mut cursor = node.walk();
    let name_nodes: Vec<Node> = node.children_by_field_name("name", &mut cursor).collect();
    if node.kind_str() == "var_spec" {
        for &n in &name_nodes {
            cx.local(n);
        }
    }
    let names: Vec<String> = name_nodes
        .iter()
        .map(|n| cx.text(*n).into_owned())
        .collect();
    if let Some(t) = node.field("type") {
        let t = cx.collapsed(t);
        for n in names {
            cx.bind(n, t.clone());
        }
        return;
    }
    let Some(values) = node.field("value") else {
        return;
    };
    let mut c2 = values.walk();
    let values: Vec<Node> = values.named_children(&mut c2).collect();
    for (n, v) in names.into_iter().zip(values) {
        if let Some(t) = value_type(cx, v) {
            cx.bind(n, t);
        }
    }
}

fn import<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let Some(path) = node.field("path") else {
        return;
    };
    let module = cx.text(path).trim_matches(['"', '`']).to_string();
    cx.import(Import {
        module,
        names: Vec::new(),
        alias: cx.field_text(node, "name"),
        line: Cx::line(node),
    });
}

//! Python: functions, methods, classes, module-level UPPER_CASE constants, docstrings,
//! decorators, imports, base classes, calls, and lizard-compatible complexity.

use tree_sitter::Node;

use super::engine::{clean_docstring, is_field, Cx, FieldExt, KindExt, Visit};
use super::{Import, ImportName, Param, Relation, SymbolKind};

/// The node kinds `extract` acts on; the walk skips the hook for every other kind
/// (a unit test checks that the hook ignores them).
pub(super) const KINDS: &[&str] = &[
    "module",
    "function_definition",
    "class_definition",
    "expression_statement",
    "assignment",
    "attribute",
    "call",
    "lambda",
    "import_statement",
    "import_from_statement",
    "if_statement",
    "elif_clause",
    "conditional_expression",
    "for_in_clause",
    "if_clause",
    "except_clause",
    "finally_clause",
    "boolean_operator",
    "for_statement",
    "while_statement",
    "try_statement",
    "with_statement",
    "match_statement",
    "case_clause",
    "global_statement",
];

/// Kinds the walk does not enter: import statements (read whole by the hook), type
/// annotations, comments.
pub(super) const OPAQUE: &[&str] = &[
    "import_statement",
    "import_from_statement",
    "type",
    "comment",
];

/// Kinds walked into only when their text passes a test: a string only when its prefix
/// lets it interpolate (`f"..{call()}"`, `t".."`); plain strings, docstrings among them,
/// hold nothing the hook reads.
pub(super) const ENTER_IF: super::EnterIf = &[("string", may_interpolate)];

fn may_interpolate(text: &[u8]) -> bool {
    text.iter()
        .take_while(|c| !matches!(c, b'"' | b'\''))
        .any(|c| !matches!(c, b'r' | b'R' | b'b' | b'B' | b'u' | b'U'))
}

/// Module-level variables: names assigned at the top level (`x = ...`, `x: T = ...`).
pub(super) fn module_vars<'a>(_cx: &Cx<'a>, root: Node<'a>) -> Vec<Node<'a>> {
    let mut out = Vec::new();
    let mut c = root.walk();
    for st in root.named_children(&mut c) {
        if st.kind_str() != "expression_statement" {
            continue;
        }
        let left = st
            .named_child(0)
            .filter(|a| a.kind_str() == "assignment")
            .and_then(|a| a.field("left"));
        if let Some(l) = left.filter(|l| l.kind_str() == "identifier") {
            out.push(l);
        }
    }
    out
}

/// An identifier inside a function: assigned (`x = ..`, `x += ..`), read, or a name that
/// is not a variable's use (attribute, keyword, parameter, definition, import, `global`).
pub(super) fn var_use<'a>(_cx: &Cx<'a>, node: Node<'a>, p: Node<'a>) -> Option<bool> {
    let is = |field: &'static str| is_field(p, field, node);
    match p.kind_str() {
        "assignment" | "augmented_assignment" if is("left") => Some(true),
        "attribute" if is("attribute") => None,
        "keyword_argument" | "default_parameter" | "typed_default_parameter" if is("name") => None,
        "parameters"
        | "lambda_parameters"
        | "typed_parameter"
        | "list_splat_pattern"
        | "dictionary_splat_pattern"
        | "global_statement"
        | "nonlocal_statement"
        | "dotted_name"
        | "aliased_import"
        | "pattern_list"
        | "tuple_pattern" => None,
        "function_definition" | "class_definition" if is("name") => None,
        "for_statement" | "for_in_clause" if is("left") => None,
        _ => Some(false),
    }
}

pub(super) fn extract<'a>(cx: &mut Cx<'a>, node: Node<'a>) -> Visit {
    match node.kind_str() {
        "module" => {
            cx.out.doc = docstring(cx, node);
        }
        "function_definition" => function(cx, node),
        "class_definition" => class(cx, node),
        "expression_statement" => constant(cx, node),
        "assignment" => {
            // `x = ..` in a function makes `x` local there (unless declared `global`).
            if let Some(l) = node.field("left") {
                if l.kind_str() == "identifier" {
                    cx.local(l);
                }
            }
            binding(cx, node)
        }
        "global_statement" => {
            let mut c = node.walk();
            let names: Vec<Node> = node
                .named_children(&mut c)
                .filter(|n| n.kind_str() == "identifier")
                .collect();
            for n in names {
                cx.global(n);
            }
        }
        "attribute" => {
            if let (Some(o), Some(a)) = (node.field("object"), node.field("attribute")) {
                if cx.starts_with(node, b"self.") || cx.starts_with(node, b"cls.") {
                    if o.kind_str() == "identifier" && matches!(&*cx.text(o), "self" | "cls") {
                        cx.access(node, o, a);
                    }
                } else {
                    cx.typed_access(node, o, a);
                }
            }
        }
        "call" => {
            if let Some(f) = node.field("function") {
                cx.call(f, Cx::line(node));
            }
        }
        "lambda" => cx.push_anon(node, true),
        "import_statement" => import(cx, node),
        "import_from_statement" => import_from(cx, node),
        // Complexity, as lizard counts Python: +1 per token if, elif, for, while, except,
        // finally, and, or, case (comprehension `for`/`if`, conditional expressions and
        // case guards, an `if_clause`, are such tokens too). Lambdas count toward their function.
        "if_statement" => {
            cx.decision(1);
            cx.push_control(node, false);
        }
        "elif_clause"
        | "conditional_expression"
        | "for_in_clause"
        | "if_clause"
        | "except_clause"
        | "finally_clause"
        | "boolean_operator" => cx.decision(1),
        "for_statement" | "while_statement" => {
            cx.decision(1);
            cx.push_control(node, false);
            // `for x in xs`: `x` is an element of `xs`.
            cx.bind_loop(node, "left", "right");
        }
        "try_statement" | "with_statement" | "match_statement" => cx.push_control(node, false),
        "case_clause" => cx.decision(1),
        _ => {}
    }
    Visit::Children
}

/// The span of a definition includes its decorators.
fn span_and_decorators<'a>(cx: &Cx<'a>, node: Node<'a>) -> (Node<'a>, Vec<String>) {
    match cx.parent_of(node) {
        Some(p) if p.kind_str() == "decorated_definition" => {
            let mut cursor = p.walk();
            let decorators = p
                .named_children(&mut cursor)
                .filter(|c| c.kind_str() == "decorator")
                .map(|d| {
                    let t = cx.collapsed(d);
                    t.strip_prefix('@').unwrap_or(&t).trim().to_string()
                })
                .collect();
            (p, decorators)
        }
        _ => (node, Vec::new()),
    }
}

fn docstring<'a>(cx: &Cx<'a>, block: Node<'a>) -> Option<String> {
    let first = block.named_child(0)?;
    if first.kind_str() != "expression_statement" {
        return None;
    }
    let s = first.named_child(0)?;
    if s.kind_str() != "string" {
        return None;
    }
    clean_docstring(&cx.text(s))
}

fn function<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let Some(name) = cx.field_text(node, "name") else {
        return;
    };
    let method = cx.in_type_scope();
    let kind = if method {
        SymbolKind::Method
    } else {
        SymbolKind::Function
    };
    let (span, decorators) = span_and_decorators(cx, node);
    let body = node.field("body");
    let mut sym = cx.new_symbol(kind, &name, span, node, body);
    sym.decorators = decorators;
    sym.doc = body.and_then(|b| docstring(cx, b));
    sym.return_type = cx.field_text(node, "return_type");
    if let Some(params) = node.field("parameters") {
        sym.parameters = parameters(cx, params, method);
    }
    cx.push_symbol(node, sym);
}

fn parameters<'a>(cx: &Cx<'a>, params: Node<'a>, method: bool) -> Vec<Param> {
    let mut out = Vec::new();
    let mut cursor = params.walk();
    for p in params.named_children(&mut cursor) {
        let param = match p.kind_str() {
            "identifier" | "list_splat_pattern" | "dictionary_splat_pattern" => Param {
                name: cx.text(p).into_owned(),
                ty: None,
            },
            "typed_parameter" => {
                let name = p
                    .named_child(0)
                    .map(|n| cx.text(n).into_owned())
                    .unwrap_or_default();
                Param {
                    name,
                    ty: cx.field_text(p, "type"),
                }
            }
            "default_parameter" | "typed_default_parameter" => Param {
                name: cx.field_text(p, "name").unwrap_or_default(),
                ty: cx.field_text(p, "type"),
            },
            _ => continue,
        };
        out.push(param);
    }
    if method
        && out
            .first()
            .is_some_and(|p| p.name == "self" || p.name == "cls")
    {
        out.remove(0);
    }
    out
}

fn class<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let Some(name) = cx.field_text(node, "name") else {
        return;
    };
    let (span, decorators) = span_and_decorators(cx, node);
    let body = node.field("body");
    let mut sym = cx.new_symbol(SymbolKind::Class, &name, span, node, body);
    sym.decorators = decorators;
    sym.doc = body.and_then(|b| docstring(cx, b));
    let idx = cx.push_symbol(node, sym);
    if let Some(bases) = node.field("superclasses") {
        let mut cursor = bases.walk();
        for b in bases.named_children(&mut cursor) {
            if matches!(b.kind_str(), "identifier" | "attribute" | "subscript") {
                let base = cx.text(b).into_owned();
                cx.inherit(Some(idx), "", &base, Relation::Extends, Cx::line(b));
            }
        }
    }
}

/// `NAME = value` or `NAME: T = value` at module level, with an UPPER_CASE name.
fn constant<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    if cx.parent_of(node).is_none_or(|p| p.kind_str() != "module") {
        return;
    }
    let Some(assign) = node.named_child(0).filter(|n| n.kind_str() == "assignment") else {
        return;
    };
    let Some(left) = assign
        .field("left")
        .filter(|n| n.kind_str() == "identifier")
    else {
        return;
    };
    let name = cx.text(left).into_owned();
    if !is_constant_name(&name) {
        return;
    }
    let mut sym = cx.new_symbol(SymbolKind::Constant, &name, node, node, None);
    sym.return_type = cx.field_text(assign, "type");
    cx.add_leaf_symbol(sym);
}

/// `x = Foo(...)`, `x: Repo = ...`, `self.repo = Repo(...)`, class-body `repo: Repo`.
fn binding<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let Some(left) = node.field("left") else {
        return;
    };
    let name = match left.kind_str() {
        "identifier" => cx.text(left).into_owned(),
        "attribute" => {
            let text = cx.collapsed(left);
            match text.split_once('.') {
                Some(("self" | "cls", rest)) if !rest.contains('.') => text,
                _ => return,
            }
        }
        _ => return,
    };
    if let Some(t) = node.field("type") {
        let t = cx.collapsed(t);
        cx.bind(name, t);
        return;
    }
    let Some(mut right) = node.field("right") else {
        return;
    };
    if right.kind_str() == "await" {
        match right.named_child(0) {
            Some(r) => right = r,
            None => return,
        }
    }
    if right.kind_str() == "call" {
        if let Some(f) = right.field("function") {
            let callee = format!("={}", cx.collapsed(f));
            cx.bind(name, callee);
        }
    }
}

pub(super) fn is_constant_name(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn import<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let mut cursor = node.walk();
    for n in node.children_by_field_name("name", &mut cursor) {
        let (module, alias) = match n.kind_str() {
            "aliased_import" => (cx.field_text(n, "name"), cx.field_text(n, "alias")),
            _ => (Some(cx.text(n).into_owned()), None),
        };
        if let Some(module) = module {
            cx.import(Import {
                module,
                names: Vec::new(),
                alias,
                line: Cx::line(node),
            });
        }
    }
}

fn import_from<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let Some(module) = cx.field_text(node, "module_name") else {
        return;
    };
    let mut names = Vec::new();
    let mut cursor = node.walk();
    for n in node.children_by_field_name("name", &mut cursor) {
        let name = match n.kind_str() {
            "aliased_import" => ImportName {
                name: cx.field_text(n, "name").unwrap_or_default(),
                alias: cx.field_text(n, "alias"),
            },
            _ => ImportName {
                name: cx.text(n).into_owned(),
                alias: None,
            },
        };
        names.push(name);
    }
    let mut cursor = node.walk();
    if node
        .named_children(&mut cursor)
        .any(|c| c.kind_str() == "wildcard_import")
    {
        names.push(ImportName {
            name: "*".into(),
            alias: None,
        });
    }
    cx.import(Import {
        module,
        names,
        alias: None,
        line: Cx::line(node),
    });
}

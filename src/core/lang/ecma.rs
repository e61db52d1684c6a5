//! TypeScript, TSX and JavaScript (one extractor; the grammars share node kinds):
//! functions, arrow functions bound to names, classes, methods, interfaces, type
//! aliases, enums, namespaces, UPPER_CASE constants, JSDoc, decorators, ES imports and
//! re-exports, `require`, heritage clauses, calls and `new`, and complexity as ESLint's
//! `complexity` rule counts it.

use tree_sitter::Node;

use super::engine::{clean_comment_lines, is_field, Cx, FieldExt, KindExt, Visit};
use super::python::is_constant_name;
use super::{Import, ImportName, Param, Relation, SymbolKind};

/// The node kinds `extract` acts on; the walk skips the hook for every other kind
/// (a unit test checks that the hook ignores them).
pub(super) const KINDS: &[&str] = &[
    "function_declaration",
    "generator_function_declaration",
    "function_signature",
    "method_definition",
    "method_signature",
    "abstract_method_signature",
    "class_declaration",
    "abstract_class_declaration",
    "interface_declaration",
    "enum_declaration",
    "type_alias_declaration",
    "internal_module",
    "module",
    "arrow_function",
    "function_expression",
    "generator_function",
    "variable_declarator",
    "public_field_definition",
    "assignment_expression",
    "member_expression",
    "call_expression",
    "new_expression",
    "import_statement",
    "export_statement",
    "if_statement",
    "for_statement",
    "for_in_statement",
    "while_statement",
    "do_statement",
    "switch_statement",
    "try_statement",
    "ternary_expression",
    "catch_clause",
    "optional_chain",
    "assignment_pattern",
    "object_assignment_pattern",
    "required_parameter",
    "optional_parameter",
    "switch_case",
    "binary_expression",
    "augmented_assignment_expression",
];

/// Kinds the walk does not enter: imports (read whole by the hook), `implements` lists,
/// plain strings, regexes, comments. (Not type arguments: an object type in them can
/// declare methods, `Context.Service<S, { create(): E }>`, which are symbols.)
pub(super) const OPAQUE: &[&str] = &[
    "import_statement",
    "implements_clause",
    "string",
    "regex",
    "comment",
];

/// Kinds walked into only when their text passes a test: type annotations and type
/// arguments only when they hold an object type (`{ create(): E }`), whose members are
/// symbols; other types hold nothing the hook reads (`typeof x` in a type is not a read).
pub(super) const ENTER_IF: super::EnterIf = &[
    ("type_annotation", may_declare),
    ("type_arguments", may_declare),
];

fn may_declare(text: &[u8]) -> bool {
    text.contains(&b'{')
}

/// Module-level variables: top-level `let`/`const`/`var` names (exported or not) whose
/// value is not a function or class.
pub(super) fn module_vars<'a>(_cx: &Cx<'a>, root: Node<'a>) -> Vec<Node<'a>> {
    let mut out = Vec::new();
    let mut c = root.walk();
    for st in root.named_children(&mut c) {
        let decl = if st.kind_str() == "export_statement" {
            match st.field("declaration") {
                Some(d) => d,
                None => continue,
            }
        } else {
            st
        };
        if !matches!(
            decl.kind_str(),
            "lexical_declaration" | "variable_declaration"
        ) {
            continue;
        }
        let mut c2 = decl.walk();
        for d in decl.named_children(&mut c2) {
            let function = d.field("value").is_some_and(|v| {
                matches!(
                    v.kind_str(),
                    "arrow_function"
                        | "function_expression"
                        | "function"
                        | "generator_function"
                        | "class"
                )
            });
            match d.field("name") {
                Some(n)
                    if d.kind_str() == "variable_declarator"
                        && n.kind_str() == "identifier"
                        && !function =>
                {
                    out.push(n)
                }
                _ => {}
            }
        }
    }
    out
}

/// An identifier inside a function: assigned (`x = ..`, `x += ..`, `x++`), read, or a
/// name that is not a variable's use (declaration, parameter, label, import).
pub(super) fn var_use<'a>(_cx: &Cx<'a>, node: Node<'a>, p: Node<'a>) -> Option<bool> {
    let is = |field: &'static str| is_field(p, field, node);
    match p.kind_str() {
        "assignment_expression" | "augmented_assignment_expression" if is("left") => Some(true),
        "update_expression" => Some(true),
        "variable_declarator" if is("name") => None,
        "required_parameter" | "optional_parameter" | "formal_parameters" | "rest_pattern"
        | "import_specifier" | "import_clause" | "namespace_import" | "export_specifier"
        | "labeled_statement" | "break_statement" | "continue_statement" => None,
        "arrow_function" if is("parameter") => None,
        "function_declaration"
        | "class_declaration"
        | "function_expression"
        | "generator_function_declaration"
            if is("name") =>
        {
            None
        }
        _ => Some(false),
    }
}

pub(super) fn extract<'a>(cx: &mut Cx<'a>, node: Node<'a>) -> Visit {
    match node.kind_str() {
        "function_declaration" | "generator_function_declaration" | "function_signature" => {
            named_function(cx, node, node, SymbolKind::Function)
        }
        "method_definition" | "method_signature" | "abstract_method_signature" => {
            named_function(cx, node, node, SymbolKind::Method)
        }
        "class_declaration" | "abstract_class_declaration" => {
            type_like(cx, node, SymbolKind::Class)
        }
        "interface_declaration" => type_like(cx, node, SymbolKind::Interface),
        "enum_declaration" => type_like(cx, node, SymbolKind::Enum),
        "type_alias_declaration" => type_like(cx, node, SymbolKind::Type),
        "internal_module" | "module" => type_like(cx, node, SymbolKind::Module),
        "arrow_function" | "function_expression" | "generator_function" => bound_function(cx, node),
        "variable_declarator" => {
            constant(cx, node);
            if let Some(name) = node.field("name") {
                if name.kind_str() == "identifier" {
                    cx.local(name);
                    let name = cx.text(name).into_owned();
                    bind_value(cx, node, name, "type", "value");
                } else if name.kind_str() == "object_pattern" {
                    destructured(cx, name, node.field("value"));
                }
            }
        }
        "member_expression" => {
            if let (Some(o), Some(p)) = (node.field("object"), node.field("property")) {
                if p.kind_str() == "property_identifier" {
                    if o.kind_str() == "this" {
                        cx.access(node, o, p);
                    } else {
                        cx.typed_access(node, o, p);
                    }
                }
            }
        }
        "public_field_definition" => {
            if let Some(name) = cx.field_text(node, "name") {
                let before = cx.out.bindings.len();
                bind_value(cx, node, format!("this.{name}"), "type", "value");
                // Declared without a type to tell: the class still has the field.
                if cx.out.bindings.len() == before {
                    cx.bind(format!("this.{name}"), "?".to_string());
                }
            }
        }
        "assignment_expression" => {
            if let Some(left) = node.field("left") {
                let name = cx.collapsed(left);
                let plain = name
                    .strip_prefix("this.")
                    .unwrap_or(&name)
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
                if plain {
                    bind_value(cx, node, name, "", "right");
                }
            }
        }
        "call_expression" => {
            // An optional call `f?.()` has its `?.` as a bare token.
            let mut cursor = node.walk();
            if node.children(&mut cursor).any(|c| c.kind_str() == "?.") {
                cx.decision(1);
            }
            if let Some(f) = node.field("function") {
                if f.kind_str() == "identifier" && &*cx.text(f) == "require" {
                    require(cx, node);
                }
                cx.call(f, Cx::line(node));
            }
        }
        "new_expression" => {
            if let Some(c) = node.field("constructor") {
                cx.call(c, Cx::line(node));
            }
        }
        "import_statement" => import(cx, node),
        "export_statement" => reexport(cx, node),
        // Complexity, as ESLint's `complexity` rule (classic variant): +1 for if,
        // ternary, &&, ||, ??, logical assignment, loops, catch, each `case` with a test,
        // each optional chain `?.`, and each default value of a parameter or pattern.
        "if_statement" => {
            cx.decision(1);
            let else_if = cx
                .parent_of(node)
                .is_some_and(|p| p.kind_str() == "else_clause");
            cx.push_control(node, else_if);
        }
        "for_statement" | "for_in_statement" | "while_statement" | "do_statement" => {
            cx.decision(1);
            cx.push_control(node, false);
            // `for (const x of xs)`: `x` is an element of `xs`.
            if node.kind_str() == "for_in_statement"
                && node.field("operator").is_some_and(|o| o.kind_str() == "of")
            {
                cx.bind_loop(node, "left", "right");
            }
        }
        "switch_statement" | "try_statement" => cx.push_control(node, false),
        "ternary_expression"
        | "catch_clause"
        | "optional_chain"
        | "assignment_pattern"
        | "object_assignment_pattern" => cx.decision(1),
        "required_parameter" | "optional_parameter" => {
            if node.field("value").is_some() {
                cx.decision(1);
            }
            // A constructor parameter property (`private repo: Repo`) is a field.
            let mut cursor = node.walk();
            let property = node
                .children(&mut cursor)
                .any(|c| matches!(c.kind_str(), "accessibility_modifier" | "readonly"));
            if let (true, Some(p), Some(t)) = (property, node.field("pattern"), node.field("type"))
            {
                let (p, t) = (cx.collapsed(p), strip_colon(&cx.collapsed(t)));
                cx.bind(format!("this.{p}"), t);
            }
        }
        "switch_case" if node.field("value").is_some() => cx.decision(1),
        "binary_expression" => {
            if let Some(op) = node.field("operator") {
                if matches!(op.kind_str(), "&&" | "||" | "??") {
                    cx.decision(1);
                }
            }
        }
        "augmented_assignment_expression" => {
            if let Some(op) = node.field("operator") {
                if matches!(op.kind_str(), "&&=" | "||=" | "??=") {
                    cx.decision(1);
                }
            }
        }
        _ => {}
    }
    Visit::Children
}

/// The node whose preceding siblings hold a declaration's JSDoc: an `export` wrapper
/// when there is one.
fn doc_anchor<'a>(cx: &Cx<'a>, node: Node<'a>) -> Node<'a> {
    match cx.parent_of(node) {
        Some(p) if p.kind_str() == "export_statement" => p,
        _ => node,
    }
}

fn jsdoc<'a>(cx: &Cx<'a>, node: Node<'a>) -> Option<String> {
    let anchor = doc_anchor(cx, node);
    let comments = cx.comments_above(
        anchor,
        |n| n.kind_str() == "comment",
        |n| n.kind_str() == "decorator",
    );
    let last = comments.last()?;
    let text = cx.text(*last);
    if !text.starts_with("/**") {
        return None;
    }
    clean_comment_lines([&*text])
}

/// Decorators: children of a class declaration, or siblings before a class member.
fn decorators<'a>(cx: &Cx<'a>, node: Node<'a>) -> (Node<'a>, Vec<String>) {
    let mut out = Vec::new();
    let mut cursor = node.walk();
    for c in node.children(&mut cursor) {
        if c.kind_str() == "decorator" {
            out.push(strip_at(&cx.collapsed(c)));
        }
    }
    let mut start = node;
    let mut before = Vec::new();
    for &p in cx.prev_siblings(node).iter().rev() {
        if p.kind_str() != "decorator" {
            break;
        }
        before.push(strip_at(&cx.collapsed(p)));
        start = p;
    }
    before.reverse();
    before.extend(out);
    (start, before)
}

fn strip_at(s: &str) -> String {
    s.strip_prefix('@').unwrap_or(s).trim().to_string()
}

fn named_function<'a>(cx: &mut Cx<'a>, node: Node<'a>, frame: Node<'a>, kind: SymbolKind) {
    let Some(name_node) = node.field("name") else {
        return;
    };
    let name = cx.text(name_node).into_owned();
    if name.is_empty() {
        return;
    }
    let kind = if kind == SymbolKind::Method || cx.in_type_scope() {
        SymbolKind::Method
    } else {
        kind
    };
    let (span, decorators) = decorators(cx, node);
    let body = node.field("body");
    let mut sym = cx.new_symbol(kind, &name, span, node, body);
    sym.decorators = decorators;
    sym.doc = jsdoc(cx, node);
    fill_signature_parts(cx, &mut sym, node);
    if body.is_none() {
        // Overload signatures, abstract and interface methods: nothing to measure.
        sym.complexity = None;
        sym.nesting = None;
    }
    cx.push_symbol(frame, sym);
}

fn fill_signature_parts<'a>(cx: &Cx<'a>, sym: &mut super::Symbol, func: Node<'a>) {
    sym.return_type = func
        .field("return_type")
        .map(|r| strip_colon(&cx.collapsed(r)));
    fill_params(cx, &mut sym.parameters, func);
}

fn fill_params<'a>(cx: &Cx<'a>, out: &mut Vec<Param>, func: Node<'a>) {
    if let Some(params) = func.field("parameters") {
        *out = parameters(cx, params);
    } else if let Some(p) = func.field("parameter") {
        *out = vec![Param {
            name: cx.text(p).into_owned(),
            ty: None,
        }];
    }
}

fn strip_colon(s: &str) -> String {
    s.strip_prefix(':').map(str::trim).unwrap_or(s).to_string()
}

fn parameters<'a>(cx: &Cx<'a>, params: Node<'a>) -> Vec<Param> {
    let mut out = Vec::new();
    let mut cursor = params.walk();
    for p in params.named_children(&mut cursor) {
        match p.kind_str() {
            "required_parameter" | "optional_parameter" => {
                let Some(pattern) = p.field("pattern") else {
                    continue;
                };
                if pattern.kind_str() == "this" {
                    continue;
                }
                let mut name = cx.collapsed(pattern);
                if p.kind_str() == "optional_parameter" {
                    name.push('?');
                }
                let ty = p.field("type").map(|t| strip_colon(&cx.collapsed(t)));
                out.push(Param { name, ty });
            }
            "identifier" | "rest_pattern" | "object_pattern" | "array_pattern" => out.push(Param {
                name: cx.collapsed(p),
                ty: None,
            }),
            "assignment_pattern" => out.push(Param {
                name: cx.field_text(p, "left").unwrap_or_default(),
                ty: None,
            }),
            _ => {}
        }
    }
    out
}

fn type_like<'a>(cx: &mut Cx<'a>, node: Node<'a>, kind: SymbolKind) {
    let Some(name) = cx.field_text(node, "name") else {
        return;
    };
    let name = name.trim_matches(['"', '\'']).to_string();
    let body = node.field("body");
    let (span, decorators) = decorators(cx, node);
    let mut sym = cx.new_symbol(kind, &name, span, node, body);
    sym.decorators = decorators;
    sym.doc = jsdoc(cx, node);
    let idx = cx.push_symbol(node, sym);
    let mut cursor = node.walk();
    for c in node.named_children(&mut cursor) {
        match c.kind_str() {
            "class_heritage" => heritage(cx, idx, c),
            "extends_type_clause" => {
                let mut cur = c.walk();
                for t in c.children_by_field_name("type", &mut cur) {
                    let base = cx.text(t).into_owned();
                    cx.inherit(Some(idx), "", &base, Relation::Extends, Cx::line(t));
                }
            }
            _ => {}
        }
    }
}

fn heritage<'a>(cx: &mut Cx<'a>, idx: usize, node: Node<'a>) {
    let mut cursor = node.walk();
    for c in node.named_children(&mut cursor) {
        match c.kind_str() {
            "extends_clause" => {
                let mut cur = c.walk();
                for v in c.children_by_field_name("value", &mut cur) {
                    let base = cx.text(v).into_owned();
                    cx.inherit(Some(idx), "", &base, Relation::Extends, Cx::line(v));
                }
            }
            "implements_clause" => {
                let mut cur = c.walk();
                for t in c.named_children(&mut cur) {
                    let base = cx.text(t).into_owned();
                    cx.inherit(Some(idx), "", &base, Relation::Implements, Cx::line(t));
                }
            }
            // JavaScript: `class A extends B` has the expression directly.
            _ => {
                let base = cx.text(c).into_owned();
                cx.inherit(Some(idx), "", &base, Relation::Extends, Cx::line(c));
            }
        }
    }
}

/// A function expression bound to a name (`const f = () => ..`, a class field
/// `handler = () => ..`) is a symbol; any other is anonymous, and ESLint counts its
/// complexity on its own.
fn bound_function<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let Some(parent) = cx.parent_of(node) else {
        return cx.push_anon(node, false);
    };
    if parent.kind_str() == "arguments" {
        anon_params(cx, node, parent);
        return cx.push_anon(node, false);
    }
    let (name, span, kind) = match parent.kind_str() {
        "variable_declarator" if parent.field("value") == Some(node) => {
            let name = parent.field("name");
            let decl = cx.parent_of(parent).filter(|d| {
                let mut c = d.walk();
                d.named_children(&mut c)
                    .filter(|n| n.kind_str() == "variable_declarator")
                    .count()
                    == 1
            });
            (name, decl.unwrap_or(parent), SymbolKind::Function)
        }
        "public_field_definition" | "field_definition" => {
            let name = parent.field("name").or_else(|| parent.field("property"));
            (name, parent, SymbolKind::Method)
        }
        _ => (None, node, SymbolKind::Function),
    };
    let Some(name_node) = name.filter(|n| {
        matches!(
            n.kind_str(),
            "identifier" | "property_identifier" | "private_property_identifier"
        )
    }) else {
        anon_params(cx, node, parent);
        return cx.push_anon(node, false);
    };
    let name = cx.text(name_node).into_owned();
    let body = node.field("body");
    let mut sym = cx.new_symbol(kind, &name, span, span, body);
    sym.signature = sym.signature.trim_end_matches("=>").trim_end().to_string();
    sym.doc = jsdoc(cx, span);
    fill_signature_parts(cx, &mut sym, node);
    cx.push_symbol(node, sym);
}

/// The parameters of an anonymous function, as names of the enclosing symbol (its calls
/// are that symbol's): typed by their annotation; else, when the function is an argument
/// of a call (`operate((source, subscriber) => ..)`), by the called function's declared
/// type for that argument, resolved later: `^ARG^PARAM^CALLEE`.
fn anon_params<'a>(cx: &mut Cx<'a>, func: Node<'a>, parent: Node<'a>) {
    // `function (this: SchedulerAction<T>) { this.unsubscribe() }` outside a class.
    if let Some(list) = func.field("parameters") {
        let mut c = list.walk();
        let this_type = list
            .named_children(&mut c)
            .find(|p| p.field("pattern").is_some_and(|n| n.kind_str() == "this"))
            .and_then(|p| p.field("type"));
        if let Some(t) = this_type {
            let t = strip_colon(&cx.collapsed(t));
            cx.bind("this".to_string(), t);
        }
    }
    let mut params = Vec::new();
    fill_params(cx, &mut params, func);
    if params.is_empty() {
        return;
    }
    // The call this function is an argument of, and which argument it is.
    let context = (parent.kind_str() == "arguments")
        .then(|| {
            let call = cx.parent_of(parent)?;
            let callee = match call.kind_str() {
                "call_expression" => call.field("function"),
                "new_expression" => call.field("constructor"),
                _ => None,
            }?;
            let mut c = parent.walk();
            let arg = parent
                .named_children(&mut c)
                .filter(|a| a.kind_str() != "comment")
                .position(|a| a.id() == func.id())?;
            Some((arg, cx.collapsed(callee)))
        })
        .flatten();
    for (i, p) in params.into_iter().enumerate() {
        let name = p.name.trim_end_matches('?');
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        {
            continue;
        }
        cx.param_local(name);
        match (p.ty, &context) {
            (Some(ty), _) => cx.bind(name.to_string(), ty),
            (None, Some((arg, callee))) => {
                cx.bind(name.to_string(), format!("^{arg}^{i}^{callee}"))
            }
            (None, None) => {}
        }
    }
}

/// `const { actions, delay } = this` (or `= source`): each name is that member of the
/// value, `@this.actions`. Only a plain name or `this` as the value.
fn destructured<'a>(cx: &mut Cx<'a>, pattern: Node<'a>, value: Option<Node<'a>>) {
    let Some(value) = value.filter(|v| matches!(v.kind_str(), "this" | "identifier")) else {
        return;
    };
    let object = cx.text(value).into_owned();
    let mut c = pattern.walk();
    let names: Vec<String> = pattern
        .named_children(&mut c)
        .filter(|p| p.kind_str() == "shorthand_property_identifier_pattern")
        .map(|p| cx.text(p).into_owned())
        .collect();
    for name in names {
        let alias = format!("@{object}.{name}");
        cx.bind(name, alias);
    }
}

/// A top-level `const NAME = <not a function>` with an UPPER_CASE name.
fn constant<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let Some(decl) = cx
        .parent_of(node)
        .filter(|d| d.kind_str() == "lexical_declaration")
    else {
        return;
    };
    if !cx.at_top_level() || !cx.text(decl).starts_with("const") {
        return;
    }
    let (Some(name_node), Some(value)) = (node.field("name"), node.field("value")) else {
        return;
    };
    if name_node.kind_str() != "identifier"
        || matches!(
            value.kind_str(),
            "arrow_function" | "function_expression" | "generator_function"
        )
    {
        return;
    }
    let name = cx.text(name_node).into_owned();
    if !is_constant_name(&name) {
        return;
    }
    let mut sym = cx.new_symbol(SymbolKind::Constant, &name, node, node, None);
    sym.doc = jsdoc(cx, decl);
    sym.return_type = node.field("type").map(|t| strip_colon(&cx.collapsed(t)));
    cx.add_leaf_symbol(sym);
}

/// Bind `name` to the declared type (field `ty`) or, failing that, to what the value
/// (field `value`) constructs or calls: `new Foo()` -> `=Foo`, `mk()` -> `=mk`.
fn bind_value<'a>(
    cx: &mut Cx<'a>,
    node: Node<'a>,
    name: String,
    ty: &'static str,
    value: &'static str,
) {
    if let Some(t) = (!ty.is_empty()).then(|| node.field(ty)).flatten() {
        let t = strip_colon(&cx.collapsed(t));
        cx.bind(name, t);
        return;
    }
    let Some(mut v) = node.field(value) else {
        return;
    };
    while matches!(
        v.kind_str(),
        "await_expression" | "parenthesized_expression" | "non_null_expression"
    ) {
        match v.named_child(0) {
            Some(inner) => v = inner,
            None => return,
        }
    }
    let callee = match v.kind_str() {
        "new_expression" => v.field("constructor"),
        "call_expression" => v.field("function"),
        _ => None,
    };
    if let Some(c) = callee {
        let c = format!("={}", cx.collapsed(c));
        cx.bind(name, c);
    } else if v.kind_str() == "identifier" {
        // `const conn = connection`: the same type as that name.
        let alias = format!("@{}", cx.text(v));
        cx.bind(name, alias);
    }
}

fn string_value<'a>(cx: &Cx<'a>, node: Node<'a>) -> String {
    cx.text(node).trim_matches(['"', '\'', '`']).to_string()
}

fn import<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let Some(source) = node.field("source") else {
        return;
    };
    let module = string_value(cx, source);
    let mut names = Vec::new();
    let mut cursor = node.walk();
    for clause in node
        .named_children(&mut cursor)
        .filter(|c| c.kind_str() == "import_clause")
    {
        let mut cur = clause.walk();
        for c in clause.named_children(&mut cur) {
            match c.kind_str() {
                "identifier" => names.push(ImportName {
                    name: "default".into(),
                    alias: Some(cx.text(c).into_owned()),
                }),
                "namespace_import" => names.push(ImportName {
                    name: "*".into(),
                    alias: c.named_child(0).map(|n| cx.text(n).into_owned()),
                }),
                "named_imports" => specifiers(cx, c, "import_specifier", &mut names),
                _ => {}
            }
        }
    }
    cx.import(Import {
        module,
        names,
        alias: None,
        line: Cx::line(node),
    });
}

fn specifiers<'a>(cx: &Cx<'a>, list: Node<'a>, kind: &str, names: &mut Vec<ImportName>) {
    let mut cursor = list.walk();
    for s in list
        .named_children(&mut cursor)
        .filter(|s| s.kind_str() == kind)
    {
        names.push(ImportName {
            name: cx
                .field_text(s, "name")
                .unwrap_or_default()
                .trim_matches(['"', '\''])
                .to_string(),
            alias: cx.field_text(s, "alias"),
        });
    }
}

/// `export {a as b} from './m'`, `export * from './m'`, `export * as ns from './m'`;
/// and `export default x` / `export default function x`, recorded as an import of the
/// file itself (module `""`) binding `default` to `x`, which is how resolution follows
/// default imports.
fn reexport<'a>(cx: &mut Cx<'a>, node: Node<'a>) {
    let Some(source) = node.field("source") else {
        let mut cursor = node.walk();
        if !node
            .children(&mut cursor)
            .any(|c| c.kind_str() == "default")
        {
            return;
        }
        let named = match (node.field("value"), node.field("declaration")) {
            (Some(v), _) if v.kind_str() == "identifier" => Some(cx.text(v).into_owned()),
            (_, Some(d)) => cx.field_text(d, "name"),
            _ => None,
        };
        if let Some(name) = named {
            cx.import(Import {
                module: String::new(),
                names: vec![ImportName {
                    name,
                    alias: Some("default".into()),
                }],
                alias: None,
                line: Cx::line(node),
            });
        }
        return;
    };
    let module = string_value(cx, source);
    let mut names = Vec::new();
    let mut cursor = node.walk();
    let mut star = false;
    for c in node.children(&mut cursor) {
        match c.kind_str() {
            "export_clause" => specifiers(cx, c, "export_specifier", &mut names),
            "namespace_export" => names.push(ImportName {
                name: "*".into(),
                alias: c.named_child(0).map(|n| string_value(cx, n)),
            }),
            "*" => star = true,
            _ => {}
        }
    }
    if star && names.is_empty() {
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

/// `const m = require('m')` and `const {a, b} = require('m')`.
fn require<'a>(cx: &mut Cx<'a>, call: Node<'a>) {
    let Some(arg) = call
        .field("arguments")
        .and_then(|a| a.named_child(0))
        .filter(|a| a.kind_str() == "string")
    else {
        return;
    };
    let module = string_value(cx, arg);
    let mut alias = None;
    let mut names = Vec::new();
    if let Some(decl) = cx
        .parent_of(call)
        .filter(|p| p.kind_str() == "variable_declarator")
    {
        if let Some(name) = decl.field("name") {
            match name.kind_str() {
                "identifier" => alias = Some(cx.text(name).into_owned()),
                "object_pattern" => {
                    let mut cursor = name.walk();
                    for p in name.named_children(&mut cursor) {
                        match p.kind_str() {
                            "shorthand_property_identifier_pattern" => names.push(ImportName {
                                name: cx.text(p).into_owned(),
                                alias: None,
                            }),
                            "pair_pattern" => names.push(ImportName {
                                name: cx.field_text(p, "key").unwrap_or_default(),
                                alias: cx.field_text(p, "value"),
                            }),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
    }
    cx.import(Import {
        module,
        names,
        alias,
        line: Cx::line(call),
    });
}

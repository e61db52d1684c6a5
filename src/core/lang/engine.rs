//! The shared extraction engine: one iterative pre-order walk over a syntax tree, a stack
//! of frames (symbols, anonymous functions, control structures, naming scopes), and the
//! bookkeeping every language needs (qualified names, spans, signatures, complexity,
//! nesting, call attribution). Each language module supplies one `extract` hook that is
//! called on every node and says what the node means.
//!
//! The walk is iterative (`preorder::Preorder`), so pathological nesting in generated code
//! cannot overflow the stack of a rayon worker.

use std::borrow::Cow;

use tree_sitter::Node;

use super::preorder::Preorder;
use super::{
    CallSite, FileContext, FileExtract, Import, Inherit, Language, Param, Relation, Symbol,
    SymbolKind,
};

/// Longest signature kept, in bytes; longer ones are cut at a char boundary with `…`.
const MAX_SIGNATURE: usize = 400;
/// Longest callee text kept.
const MAX_CALLEE: usize = 200;

enum FrameKind {
    /// A symbol, by index into `out.symbols`.
    Symbol(usize),
    /// A naming scope that is not a symbol (a Rust `impl` block): its name joins
    /// qualified names.
    Scope {
        name: String,
        receiver: Option<String>,
    },
    /// An anonymous function (lambda, closure, arrow function that is not a symbol).
    /// Decision points inside it do not count toward the enclosing function when the
    /// language's reference tool treats it as a function of its own.
    Anon { counts_for_parent: bool },
    /// A control structure that adds one level of nesting.
    Control { depth: u32 },
}

struct Frame {
    /// Depth of the node the frame was opened on (always the node being visited).
    depth: usize,
    kind: FrameKind,
}

/// Extraction context for one file.
pub(crate) struct Cx<'a> {
    pub file: &'a FileContext,
    pub src: &'a [u8],
    /// `src` as text when it is valid UTF-8 (nearly always): node texts are then slices
    /// of it, not checked again one by one.
    src_str: Option<&'a str>,
    pub out: FileExtract,
    frames: Vec<Frame>,
    /// Separator between the prefix and the first name, and between nested names.
    prefix_sep: &'static str,
    inner_sep: &'static str,
    /// The path from the root to the node being visited, root first.
    ancestors: Vec<Node<'a>>,
    /// Per depth, the named siblings visited so far at that depth.
    visited: Vec<Vec<Node<'a>>>,
    current: Option<Node<'a>>,
    /// The file's module-level variables (names as written), whose uses inside
    /// functions are recorded as reads and writes.
    module_vars: rustc_hash::FxHashSet<&'a [u8]>,
    /// Names local to the open functions (parameters, declarations), with the depth of
    /// the frame they belong to: they hide module-level variables.
    locals: Vec<(usize, &'a [u8])>,
    /// Python `global NAME` in the open functions: assignments to NAME write the
    /// module's variable.
    globals: Vec<(usize, &'a [u8])>,
    /// How the language uses an identifier (see [`VarUse`]).
    var_use: VarUse,
    /// Names with a declared or inferred type in the open functions (typed parameters,
    /// bindings), with the depth of their function's frame: their field accesses are
    /// recorded (`cart.items`), not those of every name.
    typed: Vec<(usize, String)>,
    /// (symbol, variable, write) already recorded: one access of each per function.
    var_seen: rustc_hash::FxHashSet<(usize, &'a [u8], bool)>,
}

/// A language's reading of an identifier (`node`, whose parent is `parent`) inside a
/// function: `Some(true)` when it is assigned, `Some(false)` when it is read, `None` when
/// it is not a use of a variable (a declaration, a parameter, an attribute or keyword
/// name).
pub(crate) type VarUse = for<'t> fn(&Cx<'t>, Node<'t>, Node<'t>) -> Option<bool>;

/// `child_by_field_name` with the field's id looked up once per grammar and name.
/// tree-sitter's own lookup compares the name with each of the grammar's field names
/// on every call (that scan was ~1% of a whole index run). Names are string literals;
/// the cache is keyed by the grammar and the literal's address, so a miss (a first use,
/// or another literal with the same text) only costs tree-sitter's lookup once more.
pub(crate) trait FieldExt<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>>;
}

impl<'t> FieldExt<'t> for Node<'t> {
    #[inline]
    fn field(&self, name: &'static str) -> Option<Node<'t>> {
        self.child_by_field_id(field_id(*self, name)?)
    }
}

/// `Node::kind` from a table made once per grammar: tree-sitter's own looks the name
/// up, measures it and checks that it is UTF-8 on every call, and hooks ask for kinds
/// constantly.
pub(crate) trait KindExt {
    fn kind_str(&self) -> &'static str;
}

impl KindExt for Node<'_> {
    #[inline]
    fn kind_str(&self) -> &'static str {
        // SAFETY: reads the language pointer of a live node's tree; nothing is freed.
        let grammar = unsafe { tree_sitter::ffi::ts_node_language(self.into_raw()) } as usize;
        kind_names()
            .iter()
            .find(|t| t.0 == grammar)
            .and_then(|t| t.1.get(self.kind_id() as usize).copied())
            // ERROR nodes (ids past the table) and any grammar not in the table.
            .unwrap_or_else(|| self.kind())
    }
}

/// Per grammar of the language table (by address): the name of each node kind id.
fn kind_names() -> &'static [(usize, Vec<&'static str>)] {
    static TABLES: std::sync::OnceLock<Vec<(usize, Vec<&'static str>)>> =
        std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        super::LANGUAGES
            .iter()
            .map(|spec| {
                let grammar = (spec.grammar)();
                let names = (0..grammar.node_kind_count() as u16)
                    .map(|id| grammar.node_kind_for_id(id).unwrap_or(""))
                    .collect();
                (grammar.into_raw() as usize, names)
            })
            .collect()
    })
}

/// A small direct-mapped cache per thread: (grammar, name address) -> field id (0: the
/// grammar has no such field).
fn field_id(node: Node, name: &'static str) -> Option<u16> {
    use std::cell::RefCell;
    const SLOTS: usize = 512;
    thread_local! {
        static CACHE: RefCell<Vec<(usize, usize, u16)>> = RefCell::new(vec![(0, 0, 0); SLOTS]);
    }
    // The grammar's address. SAFETY: reads the language pointer of a live node's tree.
    let grammar = unsafe { tree_sitter::ffi::ts_node_language(node.into_raw()) } as usize;
    let key = name.as_ptr() as usize;
    let slot = ((key >> 3) ^ (grammar >> 4) ^ name.len()) % SLOTS;
    let id = CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let e = c[slot];
        if e.0 == grammar && e.1 == key {
            return e.2;
        }
        let id = node
            .language()
            .field_id_for_name(name)
            .map_or(0, |f| f.get());
        c[slot] = (grammar, key, id);
        id
    });
    (id != 0).then_some(id)
}

/// Is `node` the child of `parent` in field `name`?
pub(crate) fn is_field(parent: Node, name: &'static str, node: Node) -> bool {
    parent.field(name).is_some_and(|c| c.id() == node.id())
}

/// What the walk does after a language hook saw a node.
#[derive(PartialEq, Eq)]
pub(crate) enum Visit {
    Children,
    Skip,
}

/// Walk `root` in pre-order, calling `hook` on every named node, popping frames as
/// their nodes are left. The walk keeps the path from the root and, per level, the named
/// siblings already visited, so hooks can ask for a node's parent or the comments above
/// it in constant time: tree-sitter's own `parent()` and `prev_sibling()` scan from the
/// root and are quadratic on wide trees (generated files with thousands of constants).
pub(crate) fn walk<'a>(cx: &mut Cx<'a>, root: Node<'a>, hook: Hook, kinds: &[KindFlags]) {
    // ERROR and MISSING nodes are counted only where tree-sitter says there are some.
    let has_errors = root.has_error();
    // Anonymous nodes matter only as MISSING tokens: without errors they are stepped
    // over inside the walk (about 40% of all nodes).
    let mut nodes = Preorder::new(root, !has_errors);
    cx.ancestors.clear();
    cx.visited.clear();
    cx.visited.push(Vec::new());
    let mut node = root;
    loop {
        // `node` is at depth `cx.ancestors.len()`.
        // Ids past the table are ERROR nodes (u16::MAX): named, and walked into.
        let flags = kinds
            .get(node.kind_id() as usize)
            .copied()
            .unwrap_or(KindFlags {
                named: true,
                ..KindFlags::default()
            });
        if has_errors && is_parse_error(node) {
            cx.out.parse_errors += 1;
        }
        let mut enter = false;
        // Anonymous nodes (keywords, punctuation) carry nothing a hook needs: languages
        // read operators through fields of their named parent.
        if flags.named {
            if flags.ident && !cx.module_vars.is_empty() {
                cx.current = Some(node);
                cx.record_use(node, None);
            }
            let visit = if flags.hooked {
                cx.current = Some(node);
                hook(cx, node)
            } else {
                Visit::Children
            };
            // Recorded after the hook: at hook time `visited` holds the earlier siblings.
            let depth = cx.ancestors.len();
            cx.visited[depth].push(node);
            enter = visit == Visit::Children
                && !flags.opaque
                && flags
                    .enter_if
                    .is_none_or(|may_matter| may_matter(&cx.src[node.byte_range()]));
            if !enter && has_errors && node.has_error() {
                // Errors inside a part the walk does not enter still count.
                cx.out.parse_errors += errors_below(node);
            }
            enter = enter && node.child_count() > 0;
            if enter {
                cx.ancestors.push(node);
                let depth = cx.ancestors.len();
                if cx.visited.len() <= depth {
                    cx.visited.push(Vec::new());
                } else {
                    cx.visited[depth].clear();
                }
            }
        }
        let next = nodes.next(enter);
        // Unless the next node is a child of this one, leave this node and every
        // ancestor the next node is not in: a frame or scope opened at some depth is
        // closed when the walk leaves that depth (`leave` closes everything at or below
        // the depth it is given, so leaving several levels is leaving the highest).
        let depth = next.map_or(0, |(_, depth)| depth);
        if !(enter && depth == cx.ancestors.len()) {
            cx.leave(depth);
            cx.ancestors.truncate(depth);
        }
        match next {
            Some((n, depth)) => {
                debug_assert_eq!(depth, cx.ancestors.len(), "the walk's depth");
                node = n;
            }
            None => return,
        }
    }
}

/// What counts as one syntax error: a MISSING node, or a (named) ERROR node.
fn is_parse_error(node: Node) -> bool {
    node.is_missing() || (node.is_named() && node.is_error())
}

/// ERROR and MISSING nodes strictly inside `node`, counted as the walk counts them.
fn errors_below(node: Node) -> u32 {
    let mut n = 0;
    let mut cursor = node.walk();
    if !cursor.goto_first_child() {
        return 0;
    }
    loop {
        let x = cursor.node();
        if is_parse_error(x) {
            n += 1;
        }
        if x.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() || cursor.node().id() == node.id() {
                return n;
            }
        }
    }
}

/// What the walk needs to know of a node kind.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct KindFlags {
    pub named: bool,
    /// The language's hook acts on this kind.
    pub hooked: bool,
    /// Nothing inside a node of this kind matters to the hook: not walked into.
    pub opaque: bool,
    /// The language's plain identifier (a possible use of a module-level variable).
    pub ident: bool,
    /// Walked into only if this test of the node's text is true (`enter_if` of the
    /// language's row).
    pub enter_if: Option<fn(&[u8]) -> bool>,
}

/// Call `hook` on `node` alone, as the walk would; returns whether it asked for the
/// children and how many frames it opened. For tests of the kind filters.
#[cfg(test)]
pub(crate) fn hook_alone<'a>(cx: &mut Cx<'a>, node: Node<'a>, hook: Hook) -> (bool, usize) {
    cx.current = Some(node);
    let visit = hook(cx, node);
    (visit == Visit::Children, cx.frames.len())
}

/// A language's hook: told every named node in pre-order, it records what the node means.
pub(crate) type Hook = for<'t> fn(&mut Cx<'t>, Node<'t>) -> Visit;

impl<'a> Cx<'a> {
    pub fn new(lang: Language, file: &'a FileContext, src: &'a [u8]) -> Cx<'a> {
        let (prefix_sep, inner_sep) = match lang {
            Language::Go => (".", "."),
            Language::Rust => ("::", "::"),
            _ => ("::", "."),
        };
        Cx {
            file,
            src,
            src_str: std::str::from_utf8(src).ok(),
            out: FileExtract::default(),
            frames: Vec::new(),
            prefix_sep,
            inner_sep,
            ancestors: Vec::new(),
            visited: Vec::new(),
            current: None,
            module_vars: Default::default(),
            locals: Vec::new(),
            globals: Vec::new(),
            var_use: |_, _, _| None,
            typed: Vec::new(),
            var_seen: Default::default(),
        }
    }

    /// Watch the uses of these module-level variables inside functions.
    pub fn watch_module_vars(&mut self, names: Vec<Node<'a>>, var_use: VarUse) {
        let src = self.src;
        self.module_vars = names
            .into_iter()
            .map(|n| &src[n.start_byte()..n.end_byte()])
            .collect();
        self.var_use = var_use;
    }

    /// Depth of the innermost open function frame (a callable symbol or an anonymous
    /// function), if any.
    fn function_frame_depth(&self) -> Option<usize> {
        self.frames.iter().rev().find_map(|f| match f.kind {
            FrameKind::Symbol(i) if self.out.symbols[i].kind.is_callable() => Some(f.depth),
            FrameKind::Anon { .. } => Some(f.depth),
            _ => None,
        })
    }

    /// `name` (a node of the source) is declared in the innermost open function: it
    /// hides a module-level variable of that name there (unless declared `global`).
    pub fn local(&mut self, name: Node<'a>) {
        if self.module_vars.is_empty() {
            return;
        }
        let text = &self.src[name.start_byte()..name.end_byte()];
        if !self.module_vars.contains(text) || self.globals.iter().any(|(_, g)| *g == text) {
            return;
        }
        if let Some(d) = self.function_frame_depth() {
            self.locals.push((d, text));
        }
    }

    /// `name` is a parameter of the function whose node is being visited (its frame is
    /// about to open at this depth, or has just opened).
    pub fn param_local(&mut self, name: &str) {
        if self.module_vars.is_empty() {
            return;
        }
        if let Some(&text) = self.module_vars.get(bare_param(name).as_bytes()) {
            self.locals.push((self.ancestors.len(), text));
        }
    }

    /// Python `global NAME` in the innermost open function.
    pub fn global(&mut self, name: Node<'a>) {
        let text = &self.src[name.start_byte()..name.end_byte()];
        if let Some(d) = self.function_frame_depth() {
            self.globals.push((d, text));
        }
    }

    /// A name among a macro's tokens (`println!("{}", TOTAL)`): a read of a module-level
    /// variable when it is one.
    pub fn token_read(&mut self, node: Node<'a>) {
        if !self.module_vars.is_empty() {
            self.record_use(node, Some(false));
        }
    }

    /// An identifier inside a function: record its use of a module-level variable, if it
    /// is one; `known` is the use when the language's reading of the syntax is not
    /// needed (macro tokens).
    fn record_use(&mut self, node: Node<'a>, known: Option<bool>) {
        let text = &self.src[node.start_byte()..node.end_byte()];
        if !self.module_vars.contains(text) || self.locals.iter().any(|(_, l)| *l == text) {
            return;
        }
        let Some(symbol) = self.innermost_callable() else {
            return;
        };
        let write = match (known, self.parent_of(node)) {
            (Some(w), _) => Some(w),
            (None, Some(parent)) => (self.var_use)(self, node, parent),
            (None, None) => Some(false),
        };
        let Some(write) = write else {
            return;
        };
        if !self.var_seen.insert((symbol, text, write)) {
            return;
        }
        let name = String::from_utf8_lossy(text);
        let field = self.qualify_parts(&[&name]);
        self.out.accesses.push(super::Access {
            symbol: Some(symbol),
            object: String::new(),
            field,
            write,
            line: Cx::line(node),
        });
    }

    /// Depth of `node` when it is the node being visited or one of its ancestors.
    fn depth_of(&self, node: Node<'a>) -> Option<usize> {
        if self.current.is_some_and(|c| c.id() == node.id()) {
            return Some(self.ancestors.len());
        }
        self.ancestors.iter().rposition(|a| a.id() == node.id())
    }

    /// The parent of `node` (the node being visited or an ancestor of it), in constant time.
    pub fn parent_of(&self, node: Node<'a>) -> Option<Node<'a>> {
        match self.depth_of(node) {
            Some(0) => None,
            Some(d) => Some(self.ancestors[d - 1]),
            None => node.parent(),
        }
    }

    /// The named siblings before `node` (the node being visited or an ancestor), in order.
    pub fn prev_siblings(&self, node: Node<'a>) -> &[Node<'a>] {
        let Some(d) = self.depth_of(node) else {
            return &[];
        };
        let level = &self.visited[d];
        // An ancestor was recorded at its own visit; the node being visited is not yet.
        match level.last() {
            Some(last) if last.id() == node.id() => &level[..level.len() - 1],
            _ => level,
        }
    }

    pub fn finish(mut self) -> FileExtract {
        // The hash covers what a symbol's vector is made of beyond its source span: its
        // qualified name (a moved file renames it) and its doc comment (above the span
        // in Go, Rust and JSDoc), so that an edit of either embeds it again.
        for s in &mut self.out.symbols {
            let mut h = blake3::Hasher::new();
            h.update(&s.body_hash);
            h.update(s.qualified_name.as_bytes());
            h.update(&[0]);
            h.update(s.doc.as_deref().unwrap_or("").as_bytes());
            s.body_hash = *h.finalize().as_bytes();
        }
        self.out.lossy_utf8 = self.src_str.is_none();
        self.out
    }

    /// Close every frame and scope opened at `depth` or deeper: the walk is leaving the
    /// node at `depth` (and any deeper ones still open).
    fn leave(&mut self, depth: usize) {
        while self.frames.last().is_some_and(|f| f.depth >= depth) {
            self.frames.pop();
        }
        close_scope(&mut self.locals, depth);
        close_scope(&mut self.globals, depth);
        close_scope(&mut self.typed, depth);
    }

    /// The innermost symbol when it is a function or method (not when a class, struct or
    /// module is nearer): what a call, access or variable use belongs to.
    fn innermost_callable(&self) -> Option<usize> {
        let i = self.innermost_symbol()?;
        self.out.symbols[i].kind.is_callable().then_some(i)
    }

    // ------------------------------------------------------------------ text helpers

    pub fn text(&self, node: Node) -> Cow<'a, str> {
        self.slice(node.start_byte()..node.end_byte())
    }

    /// The source text of a byte range (with replacement characters if the file is not
    /// UTF-8).
    fn slice(&self, range: std::ops::Range<usize>) -> Cow<'a, str> {
        match self.src_str.and_then(|s| s.get(range.clone())) {
            Some(text) => Cow::Borrowed(text),
            None => String::from_utf8_lossy(&self.src[range]),
        }
    }

    /// Does the node's source text start with `prefix`? (A cheap filter before looking
    /// at children.)
    pub fn starts_with(&self, node: Node, prefix: &[u8]) -> bool {
        self.src
            .get(node.start_byte()..)
            .is_some_and(|t| t.starts_with(prefix))
    }

    pub fn field_text(&self, node: Node, field: &'static str) -> Option<String> {
        node.field(field).map(|n| self.text(n).into_owned())
    }

    /// Text with runs of whitespace collapsed to one space.
    pub fn collapsed(&self, node: Node) -> String {
        collapse_ws(&self.text(node))
    }

    pub fn line(node: Node) -> u32 {
        node.start_position().row as u32 + 1
    }

    // ------------------------------------------------------------------ frames

    fn innermost_symbol(&self) -> Option<usize> {
        self.frames.iter().rev().find_map(|f| match f.kind {
            FrameKind::Symbol(i) => Some(i),
            _ => None,
        })
    }

    /// True when the innermost naming frame is a type-like symbol or an impl scope:
    /// a function defined here is a method.
    pub fn in_type_scope(&self) -> bool {
        for f in self.frames.iter().rev() {
            match &f.kind {
                FrameKind::Symbol(i) => return self.out.symbols[*i].kind.is_type_like(),
                FrameKind::Scope { .. } => return true,
                FrameKind::Anon { .. } => return false,
                FrameKind::Control { .. } => {}
            }
        }
        false
    }

    /// Does `node`'s text start with `<receiver>.`, the receiver of the innermost method
    /// (Go: `func (c *T)` -> `c.`)? Allocation-free: it runs on every selector.
    pub fn starts_with_receiver(&self, node: Node) -> bool {
        let Some(i) = self.innermost_symbol() else {
            return false;
        };
        let s = &self.out.symbols[i];
        let name = match s.signature.strip_prefix("func (") {
            Some(rest) if s.kind == SymbolKind::Method => rest.split([' ', ')']).next(),
            _ => None,
        };
        match name {
            Some(n) if !n.is_empty() => self
                .src
                .get(node.start_byte()..)
                .is_some_and(|t| t.starts_with(n.as_bytes()) && t.get(n.len()) == Some(&b'.')),
            _ => false,
        }
    }

    /// True when no function, method or anonymous function encloses the current node.
    pub fn at_top_level(&self) -> bool {
        !self.frames.iter().any(|f| match f.kind {
            FrameKind::Symbol(i) => self.out.symbols[i].kind.is_callable(),
            FrameKind::Anon { .. } => true,
            _ => false,
        })
    }

    /// The type an enclosing `impl` block is for, when it is the innermost naming frame.
    pub fn enclosing_receiver(&self) -> Option<String> {
        for f in self.frames.iter().rev() {
            match &f.kind {
                FrameKind::Scope { receiver, .. } => return receiver.clone(),
                FrameKind::Symbol(_) | FrameKind::Anon { .. } => return None,
                FrameKind::Control { .. } => {}
            }
        }
        None
    }

    /// Names of the enclosing symbols and scopes, outermost first.
    fn scope_names(&self) -> Vec<&str> {
        self.frames
            .iter()
            .filter_map(|f| match &f.kind {
                FrameKind::Symbol(i) => Some(self.out.symbols[*i].name.as_str()),
                FrameKind::Scope { name, .. } => Some(name.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Qualified name of `parts` relative to the file's prefix (no enclosing scopes).
    pub fn qualify_parts(&self, parts: &[&str]) -> String {
        let mut q = String::with_capacity(self.file.prefix.len() + 32);
        q.push_str(&self.file.prefix);
        for (i, p) in parts.iter().enumerate() {
            if q.is_empty() {
            } else if i == 0 {
                q.push_str(self.prefix_sep);
            } else {
                q.push_str(self.inner_sep);
            }
            q.push_str(p);
        }
        q
    }

    /// Qualified name of the current scope (enclosing symbols and impl blocks), if any.
    pub fn scope_qualified(&self) -> Option<String> {
        let parts = self.scope_names();
        (!parts.is_empty()).then(|| self.qualify_parts(&parts))
    }

    /// Qualified name of `name` inside the current scopes.
    pub fn qualify(&self, name: &str) -> String {
        let mut parts = self.scope_names();
        parts.push(name);
        self.qualify_parts(&parts)
    }

    /// Frames close when the walk leaves the node they were opened on, found by depth:
    /// so a frame can only be opened on the node being visited.
    fn assert_current(&self, node: Node) {
        debug_assert!(
            self.current.is_some_and(|c| c.id() == node.id()),
            "frames are opened on the node being visited"
        );
    }

    /// Open a naming scope that is not a symbol (e.g. a Rust `impl Type` block).
    pub fn push_scope(&mut self, node: Node, name: String, receiver: Option<String>) {
        self.assert_current(node);
        self.frames.push(Frame {
            depth: self.ancestors.len(),
            kind: FrameKind::Scope { name, receiver },
        });
    }

    /// Open an anonymous function.
    pub fn push_anon(&mut self, node: Node, counts_for_parent: bool) {
        self.assert_current(node);
        self.frames.push(Frame {
            depth: self.ancestors.len(),
            kind: FrameKind::Anon { counts_for_parent },
        });
    }

    /// Record a symbol and open its frame on `frame_node` (whose subtree holds its members).
    pub fn push_symbol(&mut self, frame_node: Node, mut sym: Symbol) -> usize {
        self.assert_current(frame_node);
        sym.parent = self.innermost_symbol();
        if sym.parent_name.is_none() {
            sym.parent_name = self.scope_qualified();
        }
        let idx = self.out.symbols.len();
        if sym.kind.is_callable() {
            if !self.module_vars.is_empty() {
                for p in &sym.parameters {
                    self.param_local(&p.name);
                }
            }
            let depth = self.ancestors.len();
            for p in sym.parameters.iter().filter(|p| p.ty.is_some()) {
                self.typed.push((depth, bare_param(&p.name).to_string()));
            }
        }
        self.out.symbols.push(sym);
        self.frames.push(Frame {
            depth: self.ancestors.len(),
            kind: FrameKind::Symbol(idx),
        });
        idx
    }

    /// Record a symbol that has no members (a constant): no frame is opened.
    pub fn add_leaf_symbol(&mut self, mut sym: Symbol) -> usize {
        sym.parent = self.innermost_symbol();
        sym.parent_name = self.scope_qualified();
        self.out.symbols.push(sym);
        self.out.symbols.len() - 1
    }

    /// A new symbol spanning `span_node` and `sig_node` (the definition itself), with its
    /// signature running from `sig_node`'s start up to `body` (or its end when there is
    /// no body).
    pub fn new_symbol(
        &self,
        kind: SymbolKind,
        name: &str,
        span_node: Node,
        sig_node: Node,
        body: Option<Node>,
    ) -> Symbol {
        // The span runs from the first of the two nodes (attributes, decorators or an
        // enclosing declaration come first) to the last end.
        let (first, last) = (
            if sig_node.start_byte() < span_node.start_byte() {
                sig_node
            } else {
                span_node
            },
            if sig_node.end_byte() > span_node.end_byte() {
                sig_node
            } else {
                span_node
            },
        );
        let start = first.start_byte();
        let end = last.end_byte();
        let sig_end = body.map_or(sig_node.end_byte(), |b| b.start_byte());
        let sig_end = sig_end.max(sig_node.start_byte());
        let signature = signature_text(&self.slice(sig_node.start_byte()..sig_end));
        let callable = kind.is_callable();
        Symbol {
            name: name.to_string(),
            qualified_name: self.qualify(name),
            kind,
            parent: None,
            parent_name: None,
            start_line: first.start_position().row as u32 + 1,
            end_line: last.end_position().row as u32 + 1,
            start_byte: start as u32,
            end_byte: end as u32,
            signature,
            parameters: Vec::new(),
            return_type: None,
            receiver: None,
            doc: None,
            decorators: Vec::new(),
            complexity: callable.then_some(1),
            nesting: callable.then_some(0),
            body_hash: *blake3::hash(&self.src[start..end]).as_bytes(),
        }
    }

    // ------------------------------------------------------------------ complexity

    /// The function whose complexity a decision point here counts toward, if any.
    fn counting_function(&self) -> Option<usize> {
        for f in self.frames.iter().rev() {
            match f.kind {
                FrameKind::Symbol(i) => {
                    return self.out.symbols[i].kind.is_callable().then_some(i);
                }
                FrameKind::Anon {
                    counts_for_parent: false,
                } => return None,
                _ => {}
            }
        }
        None
    }

    /// Add `n` decision points to the enclosing function.
    pub fn decision(&mut self, n: u32) {
        if let Some(i) = self.counting_function() {
            if let Some(c) = self.out.symbols[i].complexity.as_mut() {
                *c += n;
            }
        }
    }

    /// Open a control structure on `node`. `same_level` is for `else if` chains, which
    /// continue their `if` rather than nest in it.
    pub fn push_control(&mut self, node: Node, same_level: bool) {
        self.assert_current(node);
        let mut outer = 0;
        for f in self.frames.iter().rev() {
            match f.kind {
                FrameKind::Control { depth } => {
                    outer = depth;
                    break;
                }
                FrameKind::Symbol(_) | FrameKind::Anon { .. } => break,
                FrameKind::Scope { .. } => {}
            }
        }
        let depth = if same_level { outer.max(1) } else { outer + 1 };
        if let Some(i) = self.counting_function() {
            let n = self.out.symbols[i].nesting.get_or_insert(0);
            *n = (*n).max(depth);
        }
        self.frames.push(Frame {
            depth: self.ancestors.len(),
            kind: FrameKind::Control { depth },
        });
    }

    // ------------------------------------------------------------------ facts

    /// Record a call whose called expression is `callee_node`.
    pub fn call(&mut self, callee_node: Node, line: u32) {
        self.call_text(collapse_ws(&self.text(callee_node)), line);
    }

    /// Record a call whose called expression is `callee` (already collapsed; cut to
    /// `MAX_CALLEE` bytes here).
    pub fn call_text(&mut self, callee: String, line: u32) {
        let callee = truncate(callee, MAX_CALLEE);
        let symbol = self.innermost_callable();
        self.out.calls.push(CallSite {
            symbol,
            callee,
            line,
        });
    }

    /// Record that `name` has the type (or is the result of the call) `value`, in the
    /// innermost symbol (a function, or a class/struct for its fields).
    pub fn bind(&mut self, name: String, value: String) {
        if name.is_empty() || value.is_empty() || value == "=" {
            return;
        }
        if !name.contains('.') {
            if let Some(d) = self.function_frame_depth() {
                self.typed.push((d, name.clone()));
            }
        }
        let symbol = self.innermost_symbol();
        self.out.bindings.push(super::Binding {
            symbol,
            name,
            value: truncate(value, MAX_CALLEE),
        });
    }

    /// Record a field access `object.field` by the innermost function: a write when
    /// `node` (the access) is the left side of an assignment or an increment, nothing
    /// when it is the called function of a call (a method call, recorded as a call).
    pub fn access(&mut self, node: Node<'a>, object: Node<'a>, field: Node<'a>) {
        let parent = self.parent_of(node);
        let is_field = |p: Node, name: &'static str| is_field(p, name, node);
        let write = match parent {
            Some(p) => match p.kind_str() {
                "call" | "call_expression" if is_field(p, "function") => return,
                "assignment"
                | "augmented_assignment"
                | "assignment_expression"
                | "augmented_assignment_expression"
                | "compound_assignment_expr" => is_field(p, "left"),
                "update_expression" | "inc_statement" | "dec_statement" => true,
                // Go: `c.x, c.y = ...` has the accesses in the left expression list.
                "expression_list" => self.parent_of(p).is_some_and(|g| {
                    g.kind_str() == "assignment_statement"
                        && g.field("left").is_some_and(|l| l.id() == p.id())
                }),
                _ => false,
            },
            None => false,
        };
        let Some(symbol) = self.innermost_callable() else {
            return;
        };
        let access = super::Access {
            symbol: Some(symbol),
            object: self.text(object).into_owned(),
            field: self.text(field).into_owned(),
            write,
            line: Self::line(node),
        };
        self.out.accesses.push(access);
    }

    /// A field access on a plain name (`cart.items`, not `self.items`) when the name has
    /// a declared or inferred type in the open functions: recorded like [`Cx::access`].
    pub fn typed_access(&mut self, node: Node<'a>, object: Node<'a>, field: Node<'a>) {
        if object.kind_str() != "identifier" || self.typed.is_empty() {
            return;
        }
        let name = &self.src[object.start_byte()..object.end_byte()];
        if self.typed.iter().any(|(_, t)| t.as_bytes() == name) {
            self.access(node, object, field);
        }
    }

    /// A loop `for <left> in/of <right>`: the variable (when a plain identifier) is an
    /// element of what it iterates over (`~right`, see [`super::Binding`]).
    pub fn bind_loop(&mut self, node: Node<'a>, left: &'static str, right: &'static str) {
        if let (Some(l), Some(r)) = (node.field(left), node.field(right)) {
            if l.kind_str() == "identifier" {
                let (l, r) = (self.text(l).into_owned(), self.collapsed(r));
                self.bind(l, format!("~{r}"));
            }
        }
    }

    pub fn import(&mut self, imp: Import) {
        self.out.imports.push(imp);
    }

    /// Record that the current innermost symbol (or `child` as written) relates to `base`.
    pub fn inherit(
        &mut self,
        child: Option<usize>,
        child_text: &str,
        base: &str,
        relation: Relation,
        line: u32,
    ) {
        let symbol = match child {
            Some(i) => self.out.symbols[i].qualified_name.clone(),
            None => child_text.to_string(),
        };
        self.out.inherits.push(Inherit {
            symbol,
            symbol_index: child,
            base: collapse_ws(base),
            relation,
            line,
        });
    }

    /// Parameters with an optional type, where the language puts names and types in fields.
    pub fn param(&self, name: Node, ty: Option<Node>) -> Param {
        Param {
            name: self.text(name).into_owned(),
            ty: ty.map(|t| strip_type_colon(&self.collapsed(t))),
        }
    }

    // ------------------------------------------------------------------ comments

    /// Comments immediately above `node` (no blank line between), oldest first, passing
    /// over siblings for which `skip` is true (attributes, decorators).
    pub fn comments_above(
        &self,
        node: Node<'a>,
        is_comment: impl Fn(Node) -> bool,
        skip: impl Fn(Node) -> bool,
    ) -> Vec<Node<'a>> {
        let mut out = Vec::new();
        let mut next_line = node.start_position().row;
        for &n in self.prev_siblings(node).iter().rev() {
            let end_row = n.end_position().row;
            // A line comment's node may end at column 0 of the next row.
            let end_row = if n.end_position().column == 0 && end_row > n.start_position().row {
                end_row - 1
            } else {
                end_row
            };
            if end_row + 1 < next_line {
                break;
            }
            if is_comment(n) {
                out.push(n);
            } else if !skip(n) {
                break;
            }
            next_line = n.start_position().row;
        }
        out.reverse();
        out
    }
}

// ---------------------------------------------------------------------- free helpers

pub(crate) fn collapse_ws(s: &str) -> String {
    let b = s.as_bytes();
    if b.is_ascii() {
        // Bytes, not chars: source text is nearly always ASCII. Most texts (callee names,
        // one-line signatures) have single spaces inside and none at the ends already.
        let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
        let clean = !b.first().is_some_and(|&c| ws(c))
            && !b.last().is_some_and(|&c| ws(c))
            && !b
                .iter()
                .enumerate()
                .any(|(i, &c)| ws(c) && (c != b' ' || ws(b[i + 1])));
        if clean {
            return s.to_string();
        }
        let mut out = Vec::with_capacity(b.len());
        let mut pending = false;
        for &c in b {
            if ws(c) {
                pending = !out.is_empty();
            } else {
                if pending {
                    out.push(b' ');
                    pending = false;
                }
                out.push(c);
            }
        }
        return String::from_utf8(out).expect("ASCII in, ASCII out");
    }
    let mut out = String::with_capacity(s.len());
    let mut pending = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending = !out.is_empty();
        } else {
            if pending {
                out.push(' ');
                pending = false;
            }
            out.push(c);
        }
    }
    out
}

/// A parameter's name as used in the body: `mut x`, `*args`, `&self`, `x?`, `...rest` ->
/// `x`, `args`, `self`, `x`, `rest`.
fn bare_param(written: &str) -> &str {
    written
        .rsplit(' ')
        .next()
        .unwrap_or(written)
        .trim_matches(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
}

/// Drop the names of scopes at `depth` or deeper (the walk is leaving them).
fn close_scope<T>(names: &mut Vec<(usize, T)>, depth: usize) {
    while names.last().is_some_and(|l| l.0 >= depth) {
        names.pop();
    }
}

fn truncate(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

fn signature_text(text: &str) -> String {
    let s = collapse_ws(text);
    let s = s
        .trim_end_matches(['{', ':', '=', ' '])
        .trim_end()
        .to_string();
    truncate(s, MAX_SIGNATURE)
}

fn strip_type_colon(s: &str) -> String {
    s.strip_prefix(':').map(str::trim).unwrap_or(s).to_string()
}

/// Split a callee expression at its last member separator (`.`, `?.`, `::`, `->`) that is
/// not inside brackets: `self.repo.save` -> (`self.repo`, `save`).
pub fn split_callee(callee: &str) -> (Option<&str>, &str) {
    let bytes = callee.as_bytes();
    let mut depth = 0i32;
    let mut i = bytes.len();
    while i > 0 {
        i -= 1;
        match bytes[i] {
            b')' | b']' | b'>' if !(bytes[i] == b'>' && i > 0 && bytes[i - 1] == b'-') => {
                depth += 1
            }
            b'(' | b'[' | b'<' => depth -= 1,
            b'.' if depth == 0 => {
                let recv_end = if i > 0 && bytes[i - 1] == b'?' {
                    i - 1
                } else {
                    i
                };
                return (Some(callee[..recv_end].trim()), callee[i + 1..].trim());
            }
            b':' if depth == 0 && i > 0 && bytes[i - 1] == b':' => {
                return (Some(callee[..i - 1].trim()), callee[i + 1..].trim());
            }
            b'>' if depth == 0 && i > 0 && bytes[i - 1] == b'-' => {
                return (Some(callee[..i - 1].trim()), callee[i + 1..].trim());
            }
            _ => {}
        }
    }
    (None, callee)
}

/// Strip `//`, `///`, `//!`, `#`, `/* */`, `/** */` markers and leading ` * ` from comment
/// text, and dedent; returns None for an empty result.
pub(crate) fn clean_comment_lines<'s>(
    comments: impl IntoIterator<Item = &'s str>,
) -> Option<String> {
    let mut lines: Vec<String> = Vec::new();
    for c in comments {
        let c = c.trim();
        if let Some(body) = c.strip_prefix("/*") {
            let body = body.strip_suffix("*/").unwrap_or(body);
            let body = body.trim_start_matches(['*', '!']);
            for l in body.lines() {
                let t = l.trim_start();
                let t = t
                    .strip_prefix('*')
                    .map_or(t, |r| r.strip_prefix(' ').unwrap_or(r));
                lines.push(t.trim_end().to_string());
            }
        } else {
            let body = c
                .strip_prefix("///")
                .or_else(|| c.strip_prefix("//!"))
                .or_else(|| c.strip_prefix("//"))
                .or_else(|| c.strip_prefix('#'))
                .unwrap_or(c);
            let body = body.strip_prefix(' ').unwrap_or(body);
            lines.push(body.trim_end().to_string());
        }
    }
    finish_doc(lines)
}

/// Python's `inspect.cleandoc` for a docstring literal (quotes and prefixes included).
pub(crate) fn clean_docstring(literal: &str) -> Option<String> {
    let s = literal.trim_start_matches(|c: char| "rRuUbBfF".contains(c));
    let s = ["\"\"\"", "'''", "\"", "'"]
        .iter()
        .find_map(|q| s.strip_prefix(q).and_then(|r| r.strip_suffix(q)))
        .unwrap_or(s);
    let mut raw = s.lines();
    let first = raw.next().unwrap_or("").trim().to_string();
    let rest: Vec<&str> = raw.collect();
    let indent = rest
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut lines = vec![first];
    for l in rest {
        lines.push(l.get(indent..).unwrap_or("").trim_end().to_string());
    }
    finish_doc(lines)
}

fn finish_doc(mut lines: Vec<String>) -> Option<String> {
    while lines.first().is_some_and(|l| l.trim().is_empty()) {
        lines.remove(0);
    }
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    if lines.is_empty() {
        return None;
    }
    // Dedent comment blocks whose every line shares leading spaces.
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    Some(
        lines
            .iter()
            .map(|l| l.get(indent..).unwrap_or("").to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapse_ws_keeps_single_spaces_and_drops_the_rest() {
        for (text, want) in [
            ("fn f(a: u8) -> u8", "fn f(a: u8) -> u8"),
            ("  fn f(\n    a: u8,\n)  ", "fn f( a: u8, )"),
            ("a  b\tc", "a b c"),
            ("a\u{a0}b\u{2003} c", "a b c"),
            ("", ""),
            (" ", ""),
        ] {
            assert_eq!(collapse_ws(text), want, "{text:?}");
        }
    }

    #[test]
    fn split_callee_handles_members_paths_and_brackets() {
        assert_eq!(split_callee("self.repo.save"), (Some("self.repo"), "save"));
        assert_eq!(split_callee("std::fs::read"), (Some("std::fs"), "read"));
        assert_eq!(split_callee("foo"), (None, "foo"));
        assert_eq!(split_callee("a.b(c.d).e"), (Some("a.b(c.d)"), "e"));
        assert_eq!(split_callee("obj?.run"), (Some("obj"), "run"));
        assert_eq!(split_callee("Vec::<u8>::new"), (Some("Vec::<u8>"), "new"));
    }

    #[test]
    fn clean_docstring_dedents_like_cleandoc() {
        let doc =
            clean_docstring("\"\"\"Summary.\n\n    Details here.\n      indented\n    \"\"\"");
        assert_eq!(
            doc.as_deref(),
            Some("Summary.\n\nDetails here.\n  indented")
        );
        assert_eq!(clean_docstring("'one line'").as_deref(), Some("one line"));
        assert_eq!(clean_docstring("\"\"\"   \"\"\""), None);
    }

    #[test]
    fn clean_comment_lines_strips_markers() {
        let doc = clean_comment_lines(["/// Adds.", "///", "/// More."]);
        assert_eq!(doc.as_deref(), Some("Adds.\n\nMore."));
        let doc = clean_comment_lines(["/**\n * Parses.\n * @param x it\n */"]);
        assert_eq!(doc.as_deref(), Some("Parses.\n@param x it"));
        let doc = clean_comment_lines(["// Add adds.", "// Twice."]);
        assert_eq!(doc.as_deref(), Some("Add adds.\nTwice."));
    }
}

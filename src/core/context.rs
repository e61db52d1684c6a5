//! `context`: the code a reader (an LLM or a person) needs to understand or change some
//! symbols, within a token budget.
//!
//! # Gravity expansion
//!
//! From the seeds, a priority queue over the graph adds the node with the strongest
//! *pull* next, until the budget is spent:
//!
//! ```text
//! affinity(seed) = seed weight (1.0 for a named target; 1 / (1 + 0.25 k) for the k-th search hit)
//! affinity(v)    = max over edges u -> v from an included node u of
//!                  affinity(u) * W[relation] * C[confidence] * fan(u, relation)
//! pull(v)        = affinity(v) * (1 + 0.3 ln(1 + centrality(v))) / (max(size(v), 24) / 24)^0.2
//! ```
//!
//! `W` (below) says how much a reader of `u` needs `v` by how they relate: what `u` calls
//! matters more than who calls it, its base class more than its subclasses. `C` trusts
//! name-only and dynamic-dispatch edges less. `fan` = 1/sqrt(max(1, d/4)) for a node with
//! `d` callers (or callees) spreads the pull of a hub over its many neighbours, so one
//! widely used function does not flood the budget with its callers. Distance from the
//! seeds enters through the product of `W`s (each hop weakens the pull); centrality is
//! PageRank (1.0 = average); size is the estimated tokens of the form the node would
//! take, so a small, close, central node comes before a large, far, peripheral one.
//!
//! Forms: seeds come whole (their body; a type's body lists its methods by signature,
//! the methods being items of their own). Another node comes whole when its affinity
//! is at least [`BODY_MIN`] and its body fits, else as its signature and doc comment.
//! A seed too large for the budget comes as its signature, cut to the budget if even
//! that is too long. Each item's cost is the tokens of its markdown block (header,
//! reason and code), and the whole document is counted again at the end, so the output
//! never exceeds the budget.
//!
//! [`Strategy::Bfs`] is the baseline the benchmark compares with: plain breadth-first
//! order over the same edges, every node whole when it fits.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};
use std::path::Path;
use std::sync::Arc;

use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use serde::Serialize;

use crate::core::error::Result;
use crate::core::graph::{GNode, Graph};
use crate::core::graph_store::{source_spans, SourceSpan};
use crate::core::lang::{Language, SymbolKind};
use crate::core::resolve::{Confidence, LinkKind};
use crate::core::store::Store;
use crate::core::tokens::Tokenizer;

type Nx = NodeIndex<u32>;

/// How a node relates to the included node that pulls it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    /// `v` is called by `u`.
    Callee,
    /// `v` calls `u`.
    Caller,
    /// `v` is a base class, interface or trait of `u`.
    Base,
    /// `v` extends or implements `u`.
    Subtype,
    /// `v` contains `u` (its class, struct or trait).
    Container,
    /// `v` is a member of `u`.
    Member,
    /// `v` reads or writes a field that `u` reads or writes.
    SharesField,
}

impl Relation {
    /// W: how much a reader of `u` needs `v`.
    fn weight(self) -> f64 {
        match self {
            Relation::Callee => 0.8,
            Relation::Container => 0.7,
            Relation::Base => 0.7,
            Relation::Caller => 0.6,
            Relation::Member => 0.5,
            Relation::Subtype => 0.4,
            Relation::SharesField => 0.4,
        }
    }
}

/// C: how far an edge of this confidence is trusted.
fn confidence_weight(c: Confidence) -> f64 {
    match c {
        Confidence::Exact | Confidence::Import => 1.0,
        Confidence::Dynamic => 0.6,
        Confidence::Name => 0.4,
        Confidence::Unresolved => 0.0,
    }
}

/// How strongly size lowers pull.
const SIZE_EXPONENT: f64 = 0.2;
/// Nodes at least this close to the seeds come whole when they fit.
pub const BODY_MIN: f64 = 0.5;
/// Neighbours of one node beyond which each gets a smaller share of its pull.
const FAN_FREE: f64 = 4.0;
/// Accessors of one field followed at most.
const FIELD_FAN_MAX: usize = 64;
/// Nodes taken from the queue at most (a bound on the work for huge graphs).
const MAX_VISITS: usize = 5000;
/// Nodes in a row that did not fit, after which the budget counts as spent.
const MAX_MISSES: usize = 64;
/// Below this many tokens left, nothing useful fits.
const MIN_ITEM: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    Gravity,
    Bfs,
}

impl Strategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Gravity => "gravity",
            Strategy::Bfs => "bfs",
        }
    }
}

/// A starting point of the expansion.
#[derive(Debug, Clone)]
pub struct Seed {
    pub node: Nx,
    pub weight: f64,
    /// Why it is a seed ("target", "search hit 1 for ...").
    pub why: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Form {
    Body,
    Signature,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContextItem {
    pub qualified_name: String,
    pub kind: String,
    pub language: String,
    pub file: String,
    pub start_line: u32,
    pub end_line: u32,
    pub form: Form,
    /// Cut to fit the budget (only ever a seed's signature).
    pub truncated: bool,
    pub reason: String,
    /// Edges from the nearest seed.
    pub depth: u32,
    pub pull: f64,
    /// Tokens of this item's markdown block (header, reason and code).
    pub tokens: usize,
    pub text: String,
    /// Other symbols this body shows in full (not repeated as items of their own).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shows: Vec<String>,
    #[serde(skip)]
    node: Nx,
}

#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub qualified_name: String,
    pub file: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct ContextReport {
    pub targets: Vec<String>,
    pub seeds: Vec<String>,
    pub strategy: &'static str,
    pub tokenizer: &'static str,
    pub budget: usize,
    /// Tokens of the whole markdown document (title and every item).
    pub total_tokens: usize,
    /// Nodes the expansion looked at.
    pub considered: usize,
    pub items: Vec<ContextItem>,
    /// Symbols that would have been included but whose code could not be read as
    /// indexed (file changed since `leindex index`, unreadable or gone).
    pub skipped: Vec<Skipped>,
}

/// Source spans and file contents, loaded on demand.
struct Sources<'a> {
    store: &'a Store,
    root: &'a Path,
    spans: HashMap<i64, SourceSpan>,
    /// File text, or why it cannot be used.
    files: HashMap<String, std::result::Result<Arc<str>, String>>,
}

impl<'a> Sources<'a> {
    fn load(&mut self, ids: &[i64]) -> Result<()> {
        let missing: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| !self.spans.contains_key(id))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        for s in source_spans(self.store.conn(), self.store.db_file(), &missing)? {
            self.spans.insert(s.node.id, s);
        }
        Ok(())
    }

    /// The members of a symbol (its `contains` edges in the graph), in file order.
    fn children(&mut self, graph: &Graph, n: Nx) -> Result<Vec<SourceSpan>> {
        let ids: Vec<i64> = graph
            .g
            .edges_directed(n, Direction::Outgoing)
            .filter(|e| e.weight().kind == LinkKind::Contains)
            .filter_map(|e| graph.symbol_id(e.target()))
            .collect();
        self.load(&ids)?;
        let mut v: Vec<SourceSpan> = ids
            .iter()
            .filter_map(|id| self.spans.get(id).cloned())
            .collect();
        v.sort_by_key(|s| s.start_byte);
        Ok(v)
    }

    /// The file's text as indexed, or why it cannot be had.
    fn file(&mut self, span: &SourceSpan) -> std::result::Result<Arc<str>, String> {
        let rel = &span.node.file;
        if let Some(f) = self.files.get(rel) {
            return f.clone();
        }
        let got = match std::fs::read(self.root.join(rel)) {
            Err(e) => Err(format!("cannot read {rel}: {e}")),
            Ok(bytes) if blake3::hash(&bytes).as_bytes()[..] != span.file_hash[..] => Err(format!(
                "{rel} changed since it was indexed (run `leindex index`)"
            )),
            Ok(bytes) => Ok(Arc::from(String::from_utf8_lossy(&bytes).as_ref())),
        };
        self.files.insert(rel.clone(), got.clone());
        got
    }
}

/// Does the body of `outer` show `inner` in full? A function's body shows everything
/// nested in it; a type's body shows its members except multi-line methods, which it
/// lists by signature.
fn shows(outer: &SourceSpan, inner: &SourceSpan) -> bool {
    let elided = inner.node.kind.is_callable() && inner.node.line != inner.node.end_line;
    outer.node.file == inner.node.file
        && outer.node.id != inner.node.id
        && outer.start_byte <= inner.start_byte
        && inner.end_byte <= outer.end_byte
        && (outer.node.kind.is_callable() || !elided)
}

/// Start of the line holding byte `at`.
fn line_start(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1)
}

/// Start of the comment, doc comment, attribute and decorator lines right above the
/// line starting at `start` (no blank line between).
fn leading_start(text: &str, start: usize, lang: Language) -> usize {
    let mut begin = start;
    for _ in 0..40 {
        if begin == 0 {
            break;
        }
        let prev = line_start(text, begin - 1);
        let line = text[prev..begin].trim();
        let lead = line.starts_with("//")
            || line.starts_with("/*")
            || line.starts_with('*')
            || line.starts_with('@')
            || (line.starts_with("#[") && lang == Language::Rust)
            || (line.starts_with('#') && lang == Language::Python);
        if !lead || line.is_empty() {
            break;
        }
        begin = prev;
    }
    begin
}

fn indent_of(text: &str, line_begin: usize) -> &str {
    let rest = &text[line_begin..];
    &rest[..rest.len() - rest.trim_start_matches([' ', '\t']).len()]
}

/// Lines of doc comment a signature shows at most (its first paragraph).
const DOC_LINES_MAX: usize = 8;

/// The first paragraph of a doc comment, at most [`DOC_LINES_MAX`] lines.
fn doc_summary(doc: &str) -> String {
    let para = doc.trim().split("\n\n").next().unwrap_or("");
    let mut lines: Vec<&str> = para.lines().collect();
    let cut = lines.len() > DOC_LINES_MAX;
    lines.truncate(DOC_LINES_MAX);
    let mut out = lines.join("\n");
    if cut || para.len() < doc.trim().len() {
        out.push_str(" ...");
    }
    out
}

/// A symbol as its signature and the summary of its doc comment, indented as in its
/// file.
fn signature_text(span: &SourceSpan, text: &str) -> String {
    let lang = span.node.language;
    let start = span.start_byte.min(text.len());
    let first = line_start(text, start);
    // Decorators and attributes inside the span come before the declaration's line.
    let mut ls = first;
    while let Some(nl) = text[ls..].find('\n') {
        let line = text[ls..ls + nl].trim_start();
        let attribute = line.starts_with('@') || (lang == Language::Rust && line.starts_with("#["));
        if !attribute || ls + nl + 1 >= span.end_byte.min(text.len()) {
            break;
        }
        ls += nl + 1;
    }
    let indent = indent_of(text, ls);
    let lead = &text[leading_start(text, first, lang)..ls];
    let sig = span.signature.trim();
    let kind = span.node.kind;
    let has_body = kind.is_callable() || kind.is_type_like() || kind == SymbolKind::Module;
    let doc = span.doc.as_deref().map(str::trim).filter(|d| !d.is_empty());
    let mut out = String::new();
    if lead.lines().count() <= DOC_LINES_MAX {
        out.push_str(lead);
    } else {
        // A long doc comment: its summary, then the attributes and decorators.
        // (Python's doc is the docstring, shown below.)
        let summary = match lang {
            Language::Python => String::new(),
            _ => doc.map(doc_summary).unwrap_or_default(),
        };
        let (open, mid, close) = match lang {
            Language::Rust => ("", "/// ", ""),
            Language::Go | Language::Python => ("", "// ", ""),
            _ => ("/**\n", " * ", " */\n"),
        };
        if !summary.is_empty() {
            out.push_str(indent);
            out.push_str(open);
            for l in summary.lines() {
                out.push_str(&format!("{indent}{mid}{}\n", l.trim()));
            }
            if !close.is_empty() {
                out.push_str(indent);
                out.push_str(close);
            }
        }
        for l in lead.lines() {
            let t = l.trim_start();
            if t.starts_with('@') || t.starts_with("#[") {
                out.push_str(l);
                out.push('\n');
            }
        }
    }
    if lang == Language::Python {
        out.push_str(indent);
        out.push_str(sig);
        if has_body {
            out.push_str(":\n");
            let inner = format!("{indent}    ");
            if let Some(doc) = doc.map(doc_summary) {
                out.push_str(&format!("{inner}\"\"\""));
                for (i, l) in doc.lines().enumerate() {
                    if i > 0 {
                        out.push('\n');
                        if !l.trim().is_empty() {
                            out.push_str(&inner);
                        }
                    }
                    out.push_str(l.trim_end());
                }
                out.push_str("\"\"\"\n");
            }
            out.push_str(&format!("{inner}..."));
        }
    } else {
        out.push_str(indent);
        out.push_str(sig);
        if has_body && !sig.ends_with(';') && !sig.ends_with('}') {
            out.push_str(" { ... }");
        }
    }
    out
}

/// A symbol's code as in its file, with the comments and attributes right above it. A
/// type's members that are symbols of their own appear by signature only.
fn body_text(span: &SourceSpan, text: &str, members: &[SourceSpan]) -> String {
    let lang = span.node.language;
    let ls = line_start(text, span.start_byte);
    let begin = leading_start(text, ls, lang);
    let end = span.end_byte.min(text.len()).max(begin);
    let mut out = String::new();
    let mut at = begin;
    for m in members {
        let inside = m.start_byte >= span.start_byte && m.end_byte <= span.end_byte;
        if !inside || !m.node.kind.is_callable() || m.node.line == m.node.end_line {
            continue;
        }
        let m_begin = leading_start(text, line_start(text, m.start_byte), lang);
        if m_begin < at || m.end_byte > end {
            continue;
        }
        out.push_str(&text[at..m_begin]);
        out.push_str(&signature_text(m, text));
        at = m.end_byte;
    }
    out.push_str(&text[at..end]);
    out
}

fn fence(lang: Language) -> &'static str {
    match lang {
        Language::Python => "python",
        Language::TypeScript => "typescript",
        Language::Tsx => "tsx",
        Language::JavaScript => "javascript",
        Language::Go => "go",
        Language::Rust => "rust",
    }
}

/// The markdown block of one item.
fn item_block(item: &ContextItem, lang: Language) -> String {
    let form = match (item.form, item.truncated) {
        (Form::Body, _) => "body",
        (Form::Signature, false) => "signature",
        (Form::Signature, true) => "signature, cut to fit",
    };
    format!(
        "## {} ({}) {}:{}-{}, {}\n{}\n```{}\n{}\n```\n\n",
        item.qualified_name,
        item.kind,
        item.file,
        item.start_line,
        item.end_line,
        form,
        item.reason,
        fence(lang),
        item.text.trim_end(),
    )
}

fn title(targets: &[String], total: usize, budget: usize) -> String {
    format!(
        "# Context for {} ({total}/{budget} tokens)\n\n",
        targets.join(", ")
    )
}

/// The markdown document: title, then each item.
pub fn render_markdown(r: &ContextReport) -> String {
    let mut out = title(&r.targets, r.total_tokens, r.budget);
    for i in &r.items {
        let lang = Language::from_name(&i.language).unwrap_or(Language::Python);
        out.push_str(&item_block(i, lang));
    }
    out
}

/// Pull on the queue, with the node; ordered by pull, then by insertion.
struct Pull(f64, u64, Nx);
impl PartialEq for Pull {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Pull {}
impl PartialOrd for Pull {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Pull {
    fn cmp(&self, o: &Self) -> Ordering {
        self.0.total_cmp(&o.0).then(o.1.cmp(&self.1))
    }
}

#[derive(Debug, Clone)]
struct Cand {
    affinity: f64,
    depth: u32,
    /// The included node that pulls this one, and how they relate (none for seeds).
    from: Option<(Nx, Relation)>,
    pull: f64,
}

/// The neighbours of `u` in the graph that are symbols, with the strength of each
/// relation (W * C * fan) and what it is.
fn neighbours(graph: &Graph, u: Nx) -> Vec<(Nx, f64, Relation)> {
    let g = &graph.g;
    let is_symbol = |n: Nx| matches!(g[n], GNode::Symbol(_));
    let calls = |dir: Direction| {
        g.edges_directed(u, dir)
            .filter(|e| e.weight().kind == LinkKind::Calls)
            .count() as f64
    };
    let fan = |d: f64| 1.0 / (d / FAN_FREE).max(1.0).sqrt();
    let (fan_out, fan_in) = (
        fan(calls(Direction::Outgoing)),
        fan(calls(Direction::Incoming)),
    );
    let mut out: Vec<(Nx, f64, Relation)> = Vec::new();
    for e in g.edges_directed(u, Direction::Outgoing) {
        let w = e.weight();
        let c = confidence_weight(w.confidence);
        let v = e.target();
        match w.kind {
            LinkKind::Calls if is_symbol(v) => {
                out.push((v, Relation::Callee.weight() * c * fan_out, Relation::Callee))
            }
            LinkKind::Inherits | LinkKind::Implements if is_symbol(v) => {
                out.push((v, Relation::Base.weight() * c, Relation::Base))
            }
            LinkKind::Contains if is_symbol(v) => {
                out.push((v, Relation::Member.weight(), Relation::Member))
            }
            LinkKind::Reads | LinkKind::Writes => {
                // A field: the other methods that use it.
                let users: Vec<Nx> = g
                    .edges_directed(v, Direction::Incoming)
                    .filter(|x| matches!(x.weight().kind, LinkKind::Reads | LinkKind::Writes))
                    .map(|x| x.source())
                    .filter(|&s| s != u && is_symbol(s))
                    .take(FIELD_FAN_MAX)
                    .collect();
                let f = fan(users.len() as f64);
                for s in users {
                    out.push((s, Relation::SharesField.weight() * f, Relation::SharesField));
                }
            }
            _ => {}
        }
    }
    for e in g.edges_directed(u, Direction::Incoming) {
        let w = e.weight();
        let c = confidence_weight(w.confidence);
        let v = e.source();
        if !is_symbol(v) {
            continue;
        }
        match w.kind {
            LinkKind::Calls => {
                out.push((v, Relation::Caller.weight() * c * fan_in, Relation::Caller))
            }
            LinkKind::Inherits | LinkKind::Implements => {
                out.push((v, Relation::Subtype.weight() * c, Relation::Subtype))
            }
            LinkKind::Contains => out.push((v, Relation::Container.weight(), Relation::Container)),
            _ => {}
        }
    }
    out
}

/// Estimated tokens of a node's code before its span is loaded: about 10 a line for a
/// body, 30 for a signature.
fn estimate_lines(graph: &Graph, n: Nx, form: Form) -> f64 {
    match (form, graph.facts(n)) {
        (Form::Body, Some(f)) => {
            (f64::from(f.end_line.saturating_sub(f.line) + 1) * 10.0).min(4000.0)
        }
        _ => 30.0,
    }
}

/// Estimated tokens of a span's code (about 3.5 bytes a token).
fn estimate(span: &SourceSpan, form: Form) -> f64 {
    let bytes = match form {
        Form::Body => span.end_byte.saturating_sub(span.start_byte),
        Form::Signature => span.signature.len() + span.doc.as_ref().map_or(0, |d| d.len()),
    };
    (bytes as f64 / 3.5).min(4000.0)
}

/// Pull of a node at this affinity; its size is that of the form it would likely take
/// (a body only when close enough and no larger than `body_cap` tokens).
fn pull(graph: &Graph, n: Nx, affinity: f64, body_cap: f64) -> f64 {
    let form = if affinity >= BODY_MIN && estimate_lines(graph, n, Form::Body) <= body_cap {
        Form::Body
    } else {
        Form::Signature
    };
    affinity * (1.0 + 0.3 * (1.0 + graph.rank_of(n)).ln())
        / (estimate_lines(graph, n, form).max(24.0) / 24.0).powf(SIZE_EXPONENT)
}

struct Builder<'a, 'g> {
    graph: &'g Graph,
    sources: Sources<'a>,
    tok: &'a Tokenizer,
    budget: usize,
    used: usize,
    items: Vec<ContextItem>,
    included: HashSet<Nx>,
    skipped: Vec<Skipped>,
    considered: usize,
}

impl Builder<'_, '_> {
    /// Is `span` already shown, inside a body included whole? (A type's body shows its
    /// multi-line methods by signature only: those are not covered.)
    /// (If so, it is noted in the item that shows it.)
    fn covered(&mut self, span: &SourceSpan) -> bool {
        let (graph, spans) = (self.graph, &self.sources.spans);
        let by = self.items.iter_mut().find(|i| {
            i.form == Form::Body
                && graph
                    .symbol_id(i.node)
                    .and_then(|id| spans.get(&id))
                    .is_some_and(|s| shows(s, span))
        });
        match by {
            Some(i) => {
                if !i.shows.contains(&span.node.qualified_name) {
                    i.shows.push(span.node.qualified_name.clone());
                }
                true
            }
            None => false,
        }
    }

    /// Qualified name of a node, from the spans loaded.
    fn label(&self, n: Nx) -> String {
        self.graph
            .symbol_id(n)
            .and_then(|id| self.sources.spans.get(&id))
            .map_or_else(|| self.graph.label(n), |s| s.node.qualified_name.clone())
    }

    fn reason(&self, cand: &Cand) -> String {
        let Some((from, rel)) = cand.from else {
            return String::new();
        };
        let f = self.label(from);
        let what = match rel {
            Relation::Callee => format!("called by `{f}`"),
            Relation::Caller => format!("calls `{f}`"),
            Relation::Base => format!("base of `{f}`"),
            Relation::Subtype => format!("extends or implements `{f}`"),
            Relation::Container => format!("contains `{f}`"),
            Relation::Member => format!("member of `{f}`"),
            Relation::SharesField => format!("uses a field that `{f}` uses"),
        };
        if cand.depth > 1 {
            format!("{what} ({} edges from a seed)", cand.depth)
        } else {
            what
        }
    }

    fn left(&self) -> usize {
        self.budget.saturating_sub(self.used)
    }

    /// Try to include `n` in the first of `forms` that fits; true when included.
    fn include(
        &mut self,
        n: Nx,
        forms: &[Form],
        cut_to_fit: bool,
        reason: String,
        depth: u32,
        pull: f64,
    ) -> Result<bool> {
        let Some(id) = self.graph.symbol_id(n) else {
            return Ok(false);
        };
        self.sources.load(&[id])?;
        let span = self.sources.spans[&id].clone();
        let text = match self.sources.file(&span) {
            Ok(t) => t,
            Err(why) => {
                self.skipped.push(Skipped {
                    qualified_name: span.node.qualified_name.clone(),
                    file: span.node.file.clone(),
                    reason: why,
                });
                return Ok(false);
            }
        };
        if self.covered(&span) {
            return Ok(false);
        }
        let lang = span.node.language;
        let mut item = ContextItem {
            qualified_name: span.node.qualified_name.clone(),
            kind: span.node.kind.as_str().to_string(),
            language: lang.name().to_string(),
            file: span.node.file.clone(),
            start_line: span.node.line,
            end_line: span.node.end_line,
            form: Form::Body,
            truncated: false,
            reason,
            depth,
            pull,
            tokens: 0,
            text: String::new(),
            shows: Vec::new(),
            node: n,
        };
        for &form in forms {
            item.form = form;
            item.text = match form {
                Form::Body => {
                    let members = if span.node.kind.is_type_like() {
                        self.sources.children(self.graph, n)?
                    } else {
                        Vec::new()
                    };
                    body_text(&span, &text, &members)
                }
                Form::Signature => signature_text(&span, &text),
            };
            item.tokens = self.tok.count(&item_block(&item, lang));
            if item.tokens <= self.left() {
                self.add(item, &span);
                return Ok(true);
            }
        }
        if cut_to_fit {
            item.form = Form::Signature;
            item.truncated = true;
            item.text = String::new();
            let frame = self.tok.count(&item_block(&item, lang));
            let full = signature_text(&span, &text);
            let mut room = self.left().saturating_sub(frame);
            // Token counts of the parts need not add up: shrink until the block fits.
            while room > 0 {
                item.text = self.tok.truncate(&full, room);
                item.tokens = self.tok.count(&item_block(&item, lang));
                if item.tokens <= self.left() && !item.text.trim().is_empty() {
                    self.add(item, &span);
                    return Ok(true);
                }
                room -= 1;
            }
        }
        Ok(false)
    }

    fn add(&mut self, mut item: ContextItem, span: &SourceSpan) {
        // A body shows what is nested in it: drop those items (but seeds) and give back
        // their cost.
        if item.form == Form::Body {
            let spans = &self.sources.spans;
            let graph = self.graph;
            let mut freed = 0;
            self.items.retain(|i| {
                let inner = i.depth > 0
                    && graph
                        .symbol_id(i.node)
                        .and_then(|id| spans.get(&id))
                        .is_some_and(|s| shows(span, s));
                if inner {
                    freed += i.tokens;
                    item.shows.push(i.qualified_name.clone());
                    item.shows.extend(i.shows.iter().cloned());
                }
                !inner
            });
            self.used -= freed;
        }
        self.used += item.tokens;
        self.included.insert(item.node);
        self.items.push(item);
    }
}

/// How much and how to expand.
#[derive(Debug, Clone, Copy)]
pub struct ContextOptions {
    /// Most tokens of the whole markdown document.
    pub budget: usize,
    pub strategy: Strategy,
}

/// Build the context of `seeds` within the budget.
pub fn build(
    store: &Store,
    root: &Path,
    graph: &Graph,
    seeds: &[Seed],
    targets: Vec<String>,
    opts: ContextOptions,
    tok: &Tokenizer,
) -> Result<ContextReport> {
    let ContextOptions { budget, strategy } = opts;
    let mut b = Builder {
        graph,
        sources: Sources {
            store,
            root,
            spans: HashMap::new(),
            files: HashMap::new(),
        },
        tok,
        budget: 0,
        used: 0,
        items: Vec::new(),
        included: HashSet::new(),
        skipped: Vec::new(),
        considered: 0,
    };
    // The title's room, counted with the widest numbers it can show.
    let title_room = tok.count(&title(&targets, budget, budget));
    b.budget = budget.saturating_sub(title_room);
    let seed_ids: Vec<i64> = seeds
        .iter()
        .filter_map(|s| graph.symbol_id(s.node))
        .collect();
    b.sources.load(&seed_ids)?;
    match strategy {
        Strategy::Gravity => gravity(&mut b, seeds)?,
        Strategy::Bfs => bfs(&mut b, seeds)?,
    }
    let Builder {
        mut items,
        skipped,
        considered,
        ..
    } = b;
    order(graph, &mut items);
    let mut report = ContextReport {
        seeds: seeds.iter().map(|s| graph.label(s.node)).collect(),
        targets,
        strategy: strategy.as_str(),
        tokenizer: tok.kind().as_str(),
        budget,
        total_tokens: 0,
        considered,
        items,
        skipped,
    };
    // The whole document, counted again: token counts of parts need not add up exactly.
    loop {
        // The title shows the total: count until the count it shows is the count.
        for _ in 0..4 {
            let n = tok.count(&render_markdown(&report));
            if n == report.total_tokens {
                break;
            }
            report.total_tokens = n;
        }
        if report.total_tokens <= budget || report.items.is_empty() {
            break;
        }
        let last = report
            .items
            .iter()
            .rposition(|i| !seeds.iter().any(|s| s.node == i.node))
            .unwrap_or(report.items.len() - 1);
        report.items.remove(last);
    }
    Ok(report)
}

fn seed_forms(b: &mut Builder, seed: &Seed) -> Result<bool> {
    b.include(
        seed.node,
        &[Form::Body, Form::Signature],
        true,
        seed.why.clone(),
        0,
        seed.weight,
    )
}

fn gravity(b: &mut Builder, seeds: &[Seed]) -> Result<()> {
    let graph = b.graph;
    let mut cands: HashMap<Nx, Cand> = HashMap::new();
    let mut heap: BinaryHeap<Pull> = BinaryHeap::new();
    let mut seq = 0u64;
    let mut done: HashSet<Nx> = HashSet::new();
    // Seeds first, in order: they come whole when they fit.
    let mut frontier: Vec<Nx> = Vec::new();
    for s in seeds {
        if !done.insert(s.node) {
            continue;
        }
        b.considered += 1;
        seed_forms(b, s)?;
        cands.insert(
            s.node,
            Cand {
                affinity: s.weight,
                depth: 0,
                from: None,
                pull: f64::INFINITY,
            },
        );
        frontier.push(s.node);
    }
    let mut expand = |b: &mut Builder,
                      u: Nx,
                      cands: &mut HashMap<Nx, Cand>,
                      heap: &mut BinaryHeap<Pull>,
                      done: &HashSet<Nx>|
     -> Result<()> {
        let base = cands[&u].clone();
        let ns: Vec<(Nx, f64, Relation)> = neighbours(graph, u)
            .into_iter()
            .filter(|(v, w, _)| !done.contains(v) && *w > 0.0)
            .collect();
        for (v, w, rel) in ns {
            let affinity = base.affinity * w;
            if affinity < 0.01 || cands.get(&v).is_some_and(|c| c.affinity >= affinity) {
                continue;
            }
            let p = pull(graph, v, affinity, b.budget as f64 / 3.0);
            cands.insert(
                v,
                Cand {
                    affinity,
                    depth: base.depth + 1,
                    from: Some((u, rel)),
                    pull: p,
                },
            );
            seq += 1;
            heap.push(Pull(p, seq, v));
        }
        Ok(())
    };
    for u in frontier {
        expand(b, u, &mut cands, &mut heap, &done)?;
    }
    let (mut visits, mut misses) = (0, 0);
    while let Some(Pull(p, _, v)) = heap.pop() {
        if b.left() < MIN_ITEM || visits >= MAX_VISITS || misses >= MAX_MISSES {
            break;
        }
        if done.contains(&v) || cands.get(&v).is_none_or(|c| c.pull != p) {
            continue; // included already, or a stale entry (a stronger pull was queued)
        }
        done.insert(v);
        visits += 1;
        b.considered += 1;
        let cand = cands[&v].clone();
        if let Some(id) = graph.symbol_id(v) {
            b.sources.load(&[id])?;
        }
        // A body may take at most a third of what is left, so that one large
        // function does not crowd out everything else.
        let forms: &[Form] = if cand.affinity >= BODY_MIN
            && b.sources
                .spans
                .get(&b.graph.symbol_id(v).unwrap_or(-1))
                .is_some_and(|s| estimate(s, Form::Body) <= b.left() as f64 / 3.0)
        {
            &[Form::Body, Form::Signature]
        } else {
            &[Form::Signature]
        };
        let reason = b.reason(&cand);
        if b.include(v, forms, false, reason, cand.depth, cand.affinity)? {
            misses = 0;
            expand(b, v, &mut cands, &mut heap, &done)?;
        } else {
            misses += 1;
        }
    }
    Ok(())
}

fn bfs(b: &mut Builder, seeds: &[Seed]) -> Result<()> {
    let graph = b.graph;
    let mut seen: HashSet<Nx> = HashSet::new();
    let mut queue: VecDeque<(Nx, Cand)> = VecDeque::new();
    for s in seeds {
        if seen.insert(s.node) {
            b.considered += 1;
            seed_forms(b, s)?;
            queue.push_back((
                s.node,
                Cand {
                    affinity: s.weight,
                    depth: 0,
                    from: None,
                    pull: 0.0,
                },
            ));
        }
    }
    let mut first = true;
    let (mut visits, mut misses) = (0, 0);
    while let Some((u, cand)) = queue.pop_front() {
        if !first || cand.depth > 0 {
            if b.left() < MIN_ITEM || visits >= MAX_VISITS || misses >= MAX_MISSES {
                break;
            }
            visits += 1;
            b.considered += 1;
            let reason = b.reason(&cand);
            if b.include(u, &[Form::Body], false, reason, cand.depth, 0.0)? {
                misses = 0;
            } else {
                misses += 1;
            }
        }
        first = first && cand.depth == 0;
        for (v, _, rel) in neighbours(graph, u) {
            if seen.insert(v) {
                queue.push_back((
                    v,
                    Cand {
                        affinity: 0.0,
                        depth: cand.depth + 1,
                        from: Some((u, rel)),
                        pull: 0.0,
                    },
                ));
            }
        }
    }
    Ok(())
}

/// Definitions before their users: depth-first over "uses" (calls, extends, is a member
/// of) among the items, each item after what it uses; cycles are broken where they
/// close. Roots are taken in the order the items were chosen.
fn order(graph: &Graph, items: &mut Vec<ContextItem>) {
    let pos: HashMap<Nx, usize> = items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.node, i))
        .collect();
    let uses = |n: Nx| -> Vec<usize> {
        let mut v: Vec<usize> = Vec::new();
        for e in graph.g.edges_directed(n, Direction::Outgoing) {
            if matches!(
                e.weight().kind,
                LinkKind::Calls | LinkKind::Inherits | LinkKind::Implements
            ) {
                if let Some(&i) = pos.get(&e.target()) {
                    v.push(i);
                }
            }
        }
        for e in graph.g.edges_directed(n, Direction::Incoming) {
            if e.weight().kind == LinkKind::Contains {
                if let Some(&i) = pos.get(&e.source()) {
                    v.push(i);
                }
            }
        }
        v.sort_unstable();
        v.dedup();
        v
    };
    let mut state = vec![0u8; items.len()]; // 0 new, 1 on the stack, 2 placed
    let mut out: Vec<usize> = Vec::with_capacity(items.len());
    for root in 0..items.len() {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, Vec<usize>)> = vec![(root, uses(items[root].node))];
        state[root] = 1;
        while let Some((n, next)) = stack.last_mut() {
            if let Some(m) = next.pop() {
                if state[m] == 0 {
                    state[m] = 1;
                    let deps = uses(items[m].node);
                    stack.push((m, deps));
                }
            } else {
                state[*n] = 2;
                out.push(*n);
                stack.pop();
            }
        }
    }
    let mut taken: Vec<Option<ContextItem>> = items.drain(..).map(Some).collect();
    for i in out {
        if let Some(it) = taken[i].take() {
            items.push(it);
        }
    }
}

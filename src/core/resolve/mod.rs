//! Resolve: raw call sites, imports and inheritance -> edges between symbols.
//!
//! Resolution runs at the end of every index run that changed something, inside the
//! run's transaction, over the whole repository: a change in one file can change what a
//! name in another file means. It loads everything into a [`Universe`] (symbols, their
//! members, modules, import bindings), then resolves each call site with what the
//! language makes visible without type inference: scopes, imports, `self`/`this`, the
//! receiver type of methods, annotated parameter types, base classes and embedding,
//! interfaces and traits. Every edge says how it was found ([`Confidence`]); a call that
//! cannot be resolved becomes an edge to a named placeholder, never a guess.
//!
//! The language differences (module keys, import forms, path separators, the names of
//! `self`, builtins) are in `lang.rs`; the algorithm here is shared.

mod lang;

use std::collections::{HashMap, HashSet};

use crate::core::lang::{
    split_callee, Access, Binding, CallSite, Import, Language, Param, Relation, SymbolKind,
};

/// Version of what resolution produces. Bump it whenever a change to the resolver would
/// give other edges for the same facts: a graph resolved by another version is
/// resolved again by the first command that reads it.
pub const RESOLVE_VERSION: u32 = 5;

/// How an edge was found, weakest first. The string forms are part of the JSON contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// The callee could not be determined; the edge goes to a placeholder named as written.
    Unresolved = 0,
    /// Only the name matched (a method called on a receiver of unknown type); when several
    /// symbols match, each gets an edge.
    Name = 1,
    /// Dispatch through an interface or trait, or to an override: the edge goes to every
    /// implementation in the repository.
    Dynamic = 2,
    /// Through an import (or to something outside the repository the import names).
    Import = 3,
    /// Same file or package, `self`/`this` through the class and its bases.
    Exact = 4,
}

impl Confidence {
    pub const ALL: [Confidence; 5] = [
        Confidence::Unresolved,
        Confidence::Name,
        Confidence::Dynamic,
        Confidence::Import,
        Confidence::Exact,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Unresolved => "unresolved",
            Confidence::Name => "name",
            Confidence::Dynamic => "dynamic",
            Confidence::Import => "import",
            Confidence::Exact => "exact",
        }
    }
    pub fn parse(s: &str) -> Option<Confidence> {
        Confidence::ALL.into_iter().find(|c| c.as_str() == s)
    }
    pub fn from_u8(v: u8) -> Option<Confidence> {
        Confidence::ALL.get(v as usize).copied()
    }
}

/// The kind of a resolved edge. The string forms are part of the JSON contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkKind {
    Calls = 0,
    Inherits = 1,
    Implements = 2,
    /// Parent -> member (from `nodes.parent_id` and, for Go methods and Rust impl
    /// items, the type their qualified parent name names).
    Contains = 3,
    /// A file's module-level code -> a file it imports.
    Imports = 4,
    /// A method -> a field of its own type it reads (a placeholder `Type.field`).
    Reads = 5,
    /// A method -> a field of its own type it writes.
    Writes = 6,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Calls => "calls",
            LinkKind::Inherits => "inherits",
            LinkKind::Implements => "implements",
            LinkKind::Contains => "contains",
            LinkKind::Imports => "imports",
            LinkKind::Reads => "reads",
            LinkKind::Writes => "writes",
        }
    }
    pub fn from_u8(v: u8) -> Option<LinkKind> {
        [
            LinkKind::Calls,
            LinkKind::Inherits,
            LinkKind::Implements,
            LinkKind::Contains,
            LinkKind::Imports,
            LinkKind::Reads,
            LinkKind::Writes,
        ]
        .get(v as usize)
        .copied()
    }
}

/// Where a resolved edge goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Dst {
    /// A symbol of the repository (its node id).
    Node(i64),
    /// A file of the repository (its file id): what an import names.
    File(i64),
    /// Outside the repository, or unknown: a placeholder named as written/qualified.
    External(String),
}

/// One resolved edge, from a symbol (or a file's module-level code) of `file_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub src: Option<i64>,
    pub dst: Dst,
    pub kind: LinkKind,
    pub confidence: Confidence,
    pub line: u32,
}

/// At most this many name-only candidates become edges; beyond that the call is
/// reported unresolved (an edge to every `get` in a repository says nothing).
pub const NAME_ONLY_MAX: usize = 4;

// ---------------------------------------------------------------------------------------
// Input: what the store gives the resolver.

/// A symbol as the resolver needs it.
pub struct NodeIn {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: SymbolKind,
    pub name: String,
    pub qualified_name: String,
    pub parent_name: Option<String>,
    /// Only Go methods' signatures are needed (the receiver's name); others may be empty.
    pub signature: String,
    pub return_type: Option<String>,
    /// First and last line of the symbol's span.
    pub line: u32,
    pub end_line: u32,
    /// Cyclomatic complexity and deepest nesting (functions and methods).
    pub complexity: Option<u32>,
    pub nesting: Option<u32>,
    /// A test function by its language's conventions.
    pub test: bool,
    /// A Python `@property` / `@cached_property` or a TS/JS getter: reading it calls it.
    pub property: bool,
    pub parameters: Vec<Param>,
    /// A Rust method's `impl` type when it is not a named type of the repository
    /// (`*const T`, `u8`, `[T]`): which values the method can be called on.
    pub impl_type: Option<String>,
}

/// An inheritance fact as stored.
pub struct InheritIn {
    pub src_id: Option<i64>,
    pub child: String,
    pub base: String,
    pub relation: Relation,
    pub line: u32,
}

/// One file and everything extracted from it, as stored.
pub struct FileIn {
    pub id: i64,
    pub path: String,
    pub language: Language,
    /// The prefix of qualified names in the file (Go import path, Rust module path).
    pub prefix: String,
    pub nodes: Vec<NodeIn>,
    pub calls: Vec<CallSite>,
    pub imports: Vec<Import>,
    pub inherits: Vec<InheritIn>,
    pub bindings: Vec<Binding>,
    pub accesses: Vec<Access>,
}

// ---------------------------------------------------------------------------------------
// The universe: every symbol, indexed for lookups.

type Ix = u32;
/// Typed names of one scope: (name, value as in [`Binding`]).
type Bindings = Vec<(Box<str>, Box<str>)>;
/// Resolutions of one file, per (caller, callee as written).
type Memo<'a> = HashMap<(Option<Ix>, &'a str), Vec<(Dst, Confidence)>>;

struct Node {
    id: i64,
    file: Ix,
    parent: Option<Ix>,
    kind: SymbolKind,
    name: Box<str>,
    qname: Box<str>,
    parent_name: Option<Box<str>>,
    signature: Box<str>,
    ret: Option<Box<str>>,
    params: Vec<Param>,
    /// A Python `@property` / `@cached_property` or a TS/JS getter.
    property: bool,
    /// See [`NodeIn::impl_type`].
    impl_type: Option<Box<str>>,
}

struct File {
    id: i64,
    path: String,
    lang: Language,
    key: String,
    /// Module-level symbols by name.
    top: HashMap<Box<str>, Vec<Ix>>,
    imports: Vec<Import>,
    calls: Vec<CallSite>,
    /// Node index of each of the file's symbols, in stored order.
    nodes: Vec<Ix>,
    /// Module-level typed names: (name, value as in [`Binding`]).
    bindings: Bindings,
    accesses: Vec<Access>,
}

/// What a name refers to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Ent {
    Node(Ix),
    /// A module: a language-specific key (Python dotted name, TS file path, Go import
    /// path, Rust module path).
    Module(String),
    /// Something outside the repository, named as it would be written.
    Ext(String),
}

/// The resolver's view of the repository.
pub struct Universe {
    files: Vec<File>,
    nodes: Vec<Node>,
    children: Vec<Vec<Ix>>,
    by_id: HashMap<i64, Ix>,
    by_qname: HashMap<Box<str>, Vec<Ix>>,
    /// Members by the qualified name of their parent (Go methods, Rust impl items).
    by_parent_name: HashMap<Box<str>, Vec<Ix>>,
    /// Callables by name, per language family (name-only fallback).
    by_name: HashMap<(u8, Box<str>), Vec<Ix>>,
    /// Module key -> files.
    modules: HashMap<String, Vec<Ix>>,
    /// Trailing parts of Python module keys -> full keys (`src.shop.cart` under `shop.cart`).
    module_suffix: HashMap<String, Vec<String>>,
    /// Resolved bases per node (extends, embeds), in declaration order.
    bases: HashMap<Ix, Vec<Ix>>,
    /// Interfaces/traits a type implements (explicitly: TS `implements`, Rust `impl T for`).
    implements: HashMap<Ix, Vec<Ix>>,
    /// Typed names declared in a symbol (locals of a function, fields of a type).
    bindings: HashMap<Ix, Bindings>,
    /// tsconfig.json `paths`/`baseUrl` aliases.
    ts_configs: Vec<crate::core::walk::TsConfig>,
    /// (type, field) pairs written through `self`/`this`/the receiver in the type's methods.
    field_writes: HashSet<(Ix, Box<str>)>,
    /// Rust `macro_rules!` macros by name.
    macros: HashMap<Box<str>, Vec<Ix>>,
    /// Bases outside the repository, as written (`unittest.TestCase`), per node.
    ext_bases: HashMap<Ix, Vec<String>>,
    /// Inverse of `bases` and `implements`.
    subs: HashMap<Ix, Vec<Ix>>,
    /// Inheritance facts per file after resolution: (file, src, dst, kind, line).
    inherit_links: Vec<(Ix, Ix, Ix, LinkKind, u32)>,
    /// Go: interface -> implementing types (by method set), computed on demand.
    go_impls: std::sync::RwLock<HashMap<Ix, Vec<Ix>>>,
}

/// Result of resolving a run: per file id, its edges, plus counts for the summary.
pub struct Resolved {
    pub links: Vec<(i64, Vec<Link>)>,
}

pub fn family(l: Language) -> u8 {
    match l {
        Language::Python => 0,
        Language::TypeScript | Language::Tsx | Language::JavaScript => 1,
        Language::Go => 2,
        Language::Rust => 3,
    }
}

impl Universe {
    pub fn build(input: Vec<FileIn>) -> Universe {
        let mut u = Universe {
            files: Vec::with_capacity(input.len()),
            nodes: Vec::new(),
            children: Vec::new(),
            by_id: HashMap::new(),
            by_qname: HashMap::new(),
            by_parent_name: HashMap::new(),
            by_name: HashMap::new(),
            modules: HashMap::new(),
            module_suffix: HashMap::new(),
            bases: HashMap::new(),
            implements: HashMap::new(),
            ext_bases: HashMap::new(),
            macros: HashMap::new(),
            field_writes: HashSet::new(),
            ts_configs: Vec::new(),
            bindings: HashMap::new(),
            subs: HashMap::new(),
            inherit_links: Vec::new(),
            go_impls: Default::default(),
        };
        let mut id_to_ix: HashMap<i64, Ix> = HashMap::new();
        let mut pending_inherits = Vec::new();
        for f in input {
            let fix = u.files.len() as Ix;
            let key = lang::module_key(f.language, &f.path, &f.prefix);
            let mut nodes = Vec::with_capacity(f.nodes.len());
            let mut top: HashMap<Box<str>, Vec<Ix>> = HashMap::new();
            for n in f.nodes {
                let ix = u.nodes.len() as Ix;
                id_to_ix.insert(n.id, ix);
                let parent = n.parent_id.and_then(|p| id_to_ix.get(&p).copied());
                if parent.is_none() && n.parent_name.is_none() {
                    top.entry(n.name.as_str().into()).or_default().push(ix);
                }
                u.nodes.push(Node {
                    id: n.id,
                    file: fix,
                    parent,
                    kind: n.kind,
                    name: n.name.into(),
                    qname: n.qualified_name.into(),
                    parent_name: n.parent_name.map(Into::into),
                    signature: n.signature.into(),
                    ret: n.return_type.map(Into::into),
                    property: n.property,
                    params: n.parameters,
                    impl_type: n.impl_type.map(Into::into),
                });
                u.children.push(Vec::new());
                if let Some(p) = parent {
                    u.children[p as usize].push(ix);
                }
                nodes.push(ix);
            }
            for h in f.inherits {
                pending_inherits.push((fix, h));
            }
            let mut file_bindings = Vec::new();
            for b in f.bindings {
                let pair = (b.name.into_boxed_str(), b.value.into_boxed_str());
                match b.symbol.and_then(|i| nodes.get(i).copied()) {
                    Some(n) => u.bindings.entry(n).or_default().push(pair),
                    None => file_bindings.push(pair),
                }
            }
            if f.language == Language::Python {
                let parts: Vec<&str> = key.split('.').collect();
                for i in 1..parts.len() {
                    u.module_suffix
                        .entry(parts[i..].join("."))
                        .or_default()
                        .push(key.clone());
                }
            }
            u.modules.entry(key.clone()).or_default().push(fix);
            u.files.push(File {
                id: f.id,
                path: f.path,
                lang: f.language,
                key,
                top,
                imports: f.imports,
                calls: f.calls,
                nodes,
                bindings: file_bindings,
                accesses: f.accesses,
            });
        }
        for (ix, n) in u.nodes.iter().enumerate() {
            let ix = ix as Ix;
            u.by_qname.entry(n.qname.clone()).or_default().push(ix);
            if let Some(p) = &n.parent_name {
                if n.parent.is_none() {
                    u.by_parent_name.entry(p.clone()).or_default().push(ix);
                }
            }
            if n.kind.is_callable() {
                let fam = family(u.files[n.file as usize].lang);
                u.by_name.entry((fam, n.name.clone())).or_default().push(ix);
            }
            if n.kind == SymbolKind::Macro {
                u.macros.entry(n.name.clone()).or_default().push(ix);
            }
            // Rust inline modules and TS namespaces are modules too.
            if n.kind == SymbolKind::Module {
                u.modules.entry(n.qname.to_string()).or_default();
            }
        }
        u.by_id = id_to_ix;
        u.resolve_inherits(pending_inherits);
        let mut writes = HashSet::new();
        for (fix, file) in u.files.iter().enumerate() {
            for a in file.accesses.iter().filter(|a| a.write) {
                let Some(c) = a.symbol.and_then(|i| file.nodes.get(i).copied()) else {
                    continue;
                };
                if let Some(t) = u.self_type(fix as Ix, Some(c), &a.object) {
                    writes.insert((t, a.field.as_str().into()));
                }
            }
        }
        u.field_writes = writes;
        u
    }

    /// Resolve TS/JS non-relative specifiers through these tsconfig aliases too.
    pub fn with_ts_configs(mut self, configs: Vec<crate::core::walk::TsConfig>) -> Universe {
        self.ts_configs = configs;
        self
    }

    fn resolve_inherits(&mut self, facts: Vec<(Ix, InheritIn)>) {
        let mut out = Vec::new();
        for (fix, h) in facts {
            let child = match h.src_id.and_then(|id| self.by_id.get(&id).copied()) {
                Some(c) => Some(c),
                None => match self.resolve_path(fix, None, &lang::clean_type(&h.child)) {
                    Some((Ent::Node(c), _)) => Some(c),
                    _ => None,
                },
            };
            let base = match self.resolve_path(fix, None, &lang::clean_type(&h.base)) {
                Some((Ent::Node(b), _)) => Some(b),
                Some((Ent::Ext(name), _)) => {
                    if let Some(c) = child {
                        self.ext_bases.entry(c).or_default().push(name);
                    }
                    None
                }
                _ => None,
            };
            let (Some(child), Some(base)) = (child, base) else {
                continue;
            };
            if child == base {
                continue;
            }
            let kind = match h.relation {
                Relation::Extends | Relation::Embeds => LinkKind::Inherits,
                Relation::Implements => LinkKind::Implements,
            };
            out.push((fix, child, base, kind, h.line));
        }
        for &(_, child, base, kind, _) in &out {
            match kind {
                LinkKind::Implements => self.implements.entry(child).or_default().push(base),
                _ => self.bases.entry(child).or_default().push(base),
            }
            self.subs.entry(base).or_default().push(child);
        }
        self.inherit_links = out;
    }

    fn lang(&self, f: Ix) -> Language {
        self.files[f as usize].lang
    }

    // -----------------------------------------------------------------------------------
    // Lookups

    /// Direct members of a type or module node named `name` (no bases).
    fn own_members(&self, n: Ix, name: &str) -> Vec<Ix> {
        let mut out: Vec<Ix> = Vec::new();
        for c in self.members_of(n) {
            if &*self.nodes[c as usize].name == name && !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }

    /// Members named `name` of a type, looked up through its bases in MRO-like order
    /// (depth first, left to right); the first type that has it wins. Traits a type
    /// implements are searched last (Rust default methods).
    fn type_members(&self, n: Ix, name: &str) -> Vec<Ix> {
        let order = self.mro(n);
        for &t in &order {
            let out = self.own_members(t, name);
            if !out.is_empty() {
                return out;
            }
        }
        for &t in &order {
            if let Some(ifaces) = self.implements.get(&t) {
                for &i in ifaces {
                    let out = self.own_members(i, name);
                    if !out.is_empty() {
                        return out;
                    }
                }
            }
        }
        Vec::new()
    }

    /// What `name` means as a member of `ent`.
    fn member(&self, ent: &Ent, name: &str, depth: u32) -> Option<(Ent, bool)> {
        if depth > 8 {
            return None;
        }
        match ent {
            Ent::Node(n) => {
                let node = &self.nodes[*n as usize];
                let found = if node.kind == SymbolKind::Module {
                    self.own_members(*n, name)
                } else {
                    self.type_members(*n, name)
                };
                found.first().map(|&c| (Ent::Node(c), false))
            }
            Ent::Module(key) => self.module_member(key, name, depth),
            Ent::Ext(s) => {
                let sep = match s.contains("::") {
                    true => "::",
                    false => ".",
                };
                Some((Ent::Ext(format!("{s}{sep}{name}")), false))
            }
        }
    }

    /// A module's member: a symbol defined in it, a name it imports (re-exports), or a
    /// submodule. The flag says whether an import was followed.
    fn module_member(&self, key: &str, name: &str, depth: u32) -> Option<(Ent, bool)> {
        let files = self.modules.get(key)?;
        for &f in files {
            if let Some(v) = self.files[f as usize].top.get(name) {
                return Some((Ent::Node(v[0]), false));
            }
        }
        // Inline modules / namespaces: members by parent name.
        if let Some(v) = self.by_parent_name.get(key) {
            if let Some(&c) = v.iter().find(|&&c| &*self.nodes[c as usize].name == name) {
                return Some((Ent::Node(c), false));
            }
        }
        if let Some(qs) = self.by_qname.get(key) {
            for &q in qs {
                let out = self.own_members(q, name);
                if let Some(&c) = out.first() {
                    return Some((Ent::Node(c), false));
                }
            }
        }
        let lang = self.lang(*files.first()?);
        let sub = lang::submodule_key(lang, key, name);
        let is_sub = self.modules.contains_key(&sub);
        // Python: a submodule (`from . import base_events`) before the names the package
        // imports, whose lookup can loop back here. Elsewhere a module and a function may
        // share a name (Rust `pub use crate::memchr::memchr`): imports first.
        if is_sub && lang == Language::Python {
            return Some((Ent::Module(sub), false));
        }
        for &f in files {
            if let Some((e, _)) = self.import_binding(f, name, depth + 1) {
                return Some((e, true));
            }
        }
        is_sub.then_some((Ent::Module(sub), false))
    }

    /// What `name` is bound to by the imports of file `f`.
    fn import_binding(&self, f: Ix, name: &str, depth: u32) -> Option<(Ent, bool)> {
        if depth > 8 {
            return None;
        }
        let file = &self.files[f as usize];
        let mut star = Vec::new();
        for imp in &file.imports {
            match lang::binds(file.lang, imp, name) {
                lang::Binding::None => {}
                lang::Binding::Module(m) => {
                    return Some((self.module_ent(f, &m), true));
                }
                lang::Binding::Member(m, member) => {
                    let module = self.module_ent(f, &m);
                    if let Ent::Module(key) = &module {
                        if key == &file.key {
                            // `export default x` names a local symbol.
                            if let Some(v) = file.top.get(member.as_str()) {
                                return Some((Ent::Node(v[0]), false));
                            }
                            continue;
                        }
                    }
                    return match self.member(&module, &member, depth + 1) {
                        Some((e, _)) => Some((e, true)),
                        None => match module {
                            Ent::Module(k) => Some((Ent::Ext(format!("{k}.{member}")), true)),
                            other => Some((other, true)),
                        },
                    };
                }
                lang::Binding::Star(m) => star.push(m),
            }
        }
        for m in star {
            let module = self.module_ent(f, &m);
            if matches!(module, Ent::Module(_)) {
                if let Some((e, _)) = self.member(&module, name, depth + 1) {
                    return Some((e, true));
                }
            }
        }
        None
    }

    /// The module an import names, seen from file `f`.
    fn module_ent(&self, f: Ix, spec: &str) -> Ent {
        let file = &self.files[f as usize];
        let mut keys = lang::module_candidates(file.lang, &file.key, &file.path, spec);
        if keys.is_empty() && family(file.lang) == family(Language::TypeScript) {
            keys = lang::ts_alias_candidates(&self.ts_configs, &file.path, spec);
        }
        for key in keys {
            if self.modules.contains_key(&key) {
                return Ent::Module(key);
            }
            if file.lang == Language::Python {
                if let Some(v) = self.module_suffix.get(&key) {
                    if v.len() == 1 {
                        return Ent::Module(v[0].clone());
                    }
                }
            }
        }
        Ent::Ext(spec.trim_start_matches('.').to_string())
    }

    /// What a bare `name` means at a point in file `f` inside `caller`.
    fn scope_lookup(&self, f: Ix, caller: Option<Ix>, name: &str) -> Option<(Ent, bool)> {
        let lang = self.lang(f);
        // Nested definitions in the enclosing functions (and Rust inline modules).
        let mut cur = caller;
        while let Some(c) = cur {
            let node = &self.nodes[c as usize];
            if node.kind.is_callable() || node.kind == SymbolKind::Module {
                let out = self.own_members(c, name);
                if let Some(&n) = out.first() {
                    return Some((Ent::Node(n), false));
                }
            }
            cur = node.parent;
        }
        let file = &self.files[f as usize];
        if let Some(v) = file.top.get(name) {
            return Some((Ent::Node(v[0]), false));
        }
        // The rest of the module: other files of a Go package, Rust module siblings.
        if matches!(lang, Language::Go | Language::Rust) {
            if let Some((e, via)) = self.module_member_local(&file.key, name) {
                return Some((e, via));
            }
        }
        if let Some(b) = self.import_binding(f, name, 0) {
            return Some(b);
        }
        if lang == Language::Rust {
            // A child module, or a crate-level name in 2015-style paths.
            let sub = lang::submodule_key(lang, &file.key, name);
            if self.modules.contains_key(&sub) {
                return Some((Ent::Module(sub), false));
            }
            let krate = file.key.split("::").next().unwrap_or("");
            if name == krate {
                return Some((Ent::Module(krate.to_string()), false));
            }
        }
        None
    }

    /// Members of a module defined in its files (not through imports).
    fn module_member_local(&self, key: &str, name: &str) -> Option<(Ent, bool)> {
        for &f in self.modules.get(key)? {
            if let Some(v) = self.files[f as usize].top.get(name) {
                return Some((Ent::Node(v[0]), false));
            }
        }
        None
    }

    /// Resolve a path as written (`a.b.c`, `a::b::c`) from a point in file `f`.
    fn resolve_path(&self, f: Ix, caller: Option<Ix>, path: &str) -> Option<(Ent, bool)> {
        self.resolve_path_d(f, caller, path, 0)
    }

    fn resolve_path_d(
        &self,
        f: Ix,
        caller: Option<Ix>,
        path: &str,
        depth: u32,
    ) -> Option<(Ent, bool)> {
        if depth > 6 {
            return None;
        }
        let lang = self.lang(f);
        let parts = lang::split_path(lang, path)?;
        let (first, rest) = parts.split_first()?;
        let mut via = false;
        let mut ent = match lang::path_root(lang, &self.files[f as usize].key, first) {
            Some(key) => Ent::Module(key),
            None => {
                if let Some(t) = self.self_type(f, caller, first) {
                    Ent::Node(t)
                } else if let Some(t) = (lang != Language::Rust)
                    .then(|| self.param_type(f, caller, first))
                    .flatten()
                {
                    via |= t.1;
                    t.0
                } else if let Some((e, v)) = self.binding_type(f, caller, first, depth) {
                    via |= v;
                    e
                } else {
                    let (e, v) = self.scope_lookup(f, caller, first)?;
                    via |= v;
                    e
                }
            }
        };
        for p in rest {
            let (e, v) = self
                .member(&ent, p, 0)
                .or_else(|| self.field_type(&ent, p, depth))?;
            via |= v;
            ent = e;
        }
        Some((ent, via))
    }

    /// A Rust value receiver (`self.items`, `repo`, `cfg.store`): a local, a parameter
    /// or `self`, then fields.
    fn resolve_value(&self, f: Ix, caller: Option<Ix>, recv: &str) -> Option<(Ent, bool)> {
        self.resolve_value_d(f, caller, recv, 0)
    }

    fn resolve_value_d(
        &self,
        f: Ix,
        caller: Option<Ix>,
        recv: &str,
        depth: u32,
    ) -> Option<(Ent, bool)> {
        if depth > 6 {
            return None;
        }
        let parts = lang::split_path(self.lang(f), recv)?;
        let (first, rest) = parts.split_first()?;
        let (mut ent, mut via) = match self.self_type(f, caller, first) {
            Some(t) => (Ent::Node(t), false),
            None => self
                .param_type(f, caller, first)
                .or_else(|| self.binding_type(f, caller, first, depth))?,
        };
        for p in rest {
            let (e, v) = self.field_type(&ent, p, depth)?;
            via |= v;
            ent = e;
        }
        Some((ent, via))
    }

    /// The type of the local or module-level variable `name`, seen from `caller`.
    fn binding_type(
        &self,
        f: Ix,
        caller: Option<Ix>,
        name: &str,
        depth: u32,
    ) -> Option<(Ent, bool)> {
        let mut cur = caller;
        while let Some(c) = cur {
            let node = &self.nodes[c as usize];
            if !node.kind.is_callable() {
                break;
            }
            if let Some(v) = self.bindings.get(&c) {
                if let Some(val) = latest_binding(v, name, self.lang(f)) {
                    return self.eval_value(f, Some(c), val, depth + 1);
                }
            }
            // A parameter of an enclosing function, seen from a function nested in it.
            if Some(c) != caller && node.params.iter().any(|p| param_is(&p.name, name)) {
                return self.param_type(f, Some(c), name);
            }
            cur = node.parent;
        }
        let file = &self.files[f as usize];
        let val = latest_binding(&file.bindings, name, self.lang(f))?;
        self.eval_value(f, None, val, depth + 1)
    }

    /// The type text a name (`xs`, or a field `self.xs`) is declared with, with the file
    /// and scope to resolve it in.
    fn declared_text(
        &self,
        f: Ix,
        ctx: Option<Ix>,
        path: &str,
    ) -> Option<(String, Ix, Option<Ix>)> {
        self.declared_text_d(f, ctx, path, 0)
    }

    fn declared_text_d(
        &self,
        f: Ix,
        ctx: Option<Ix>,
        path: &str,
        depth: u32,
    ) -> Option<(String, Ix, Option<Ix>)> {
        let lang = self.lang(f);
        let parts = lang::split_path(lang, path)?;
        match parts.as_slice() {
            [name] => {
                let c = ctx?;
                let mut cur = Some(c);
                while let Some(n) = cur {
                    let node = &self.nodes[n as usize];
                    if !node.kind.is_callable() {
                        break;
                    }
                    if let Some(ty) = node
                        .params
                        .iter()
                        .find(|p| param_is(&p.name, name))
                        .and_then(|p| p.ty.clone())
                    {
                        return Some((ty, f, Some(n)));
                    }
                    if let Some(v) = self
                        .bindings
                        .get(&n)
                        .and_then(|v| latest_binding(v, name, lang))
                    {
                        // Rust pointer arithmetic keeps the pointer's type:
                        // `let cur = start.add(n)` is declared as `start` is.
                        if let Some(call) = v.strip_prefix('=').filter(|_| lang == Language::Rust) {
                            if let (Some(r), m) = split_callee(call) {
                                if depth < 4 && lang::RUST_SAME_TYPE_METHODS.contains(&m) {
                                    return self.declared_text_d(f, Some(n), r, depth + 1);
                                }
                            }
                        }
                        // `const { xs } = this`: declared as `this.xs` is.
                        if let Some(other) = v.strip_prefix('@') {
                            if depth < 4 {
                                return self.declared_text_d(f, Some(n), other, depth + 1);
                            }
                        }
                        return (!is_value(v)).then(|| (v.to_string(), f, Some(n)));
                    }
                    cur = node.parent;
                }
                None
            }
            [obj, field] => {
                let t = self.self_type(f, ctx, obj)?;
                let keys = field_keys(field);
                for ty in self.mro(t) {
                    for n in std::iter::once(ty).chain(self.members_of(ty)) {
                        if let Some((_, v)) = self
                            .bindings
                            .get(&n)
                            .and_then(|v| v.iter().find(|(k, _)| keys.iter().any(|x| **k == **x)))
                        {
                            if !is_value(v) {
                                return Some((v.to_string(), self.nodes[n as usize].file, Some(n)));
                            }
                        }
                    }
                }
                None
            }
            _ => None,
        }
    }

    /// The type a field `name` of type `ent` is declared with (or assigned in a method).
    fn field_type(&self, ent: &Ent, name: &str, depth: u32) -> Option<(Ent, bool)> {
        let Ent::Node(t) = ent else { return None };
        if depth > 6 {
            return None;
        }
        let keys = field_keys(name);
        for ty in self.mro(*t) {
            let file = self.nodes[ty as usize].file;
            if let Some(v) = self.bindings.get(&ty) {
                if let Some((_, val)) = v.iter().find(|(n, _)| keys.iter().any(|k| **n == **k)) {
                    return self.eval_value(file, Some(ty), val, depth + 1);
                }
            }
            for m in self.members_of(ty) {
                if let Some(v) = self.bindings.get(&m) {
                    if let Some((_, val)) =
                        v.iter().find(|(n, _)| keys[1..].iter().any(|k| **n == **k))
                    {
                        let mf = self.nodes[m as usize].file;
                        return self.eval_value(mf, Some(m), val, depth + 1);
                    }
                }
            }
        }
        None
    }

    /// What a binding's value is: a declared type, or what a call returns / constructs.
    fn eval_value(&self, f: Ix, ctx: Option<Ix>, value: &str, depth: u32) -> Option<(Ent, bool)> {
        if depth > 6 {
            return None;
        }
        let lang = self.lang(f);
        // `~xs`: an element of `xs` (a Go range variable); the declared types of `xs` lose
        // their slice marks in `clean_type`, so `xs`'s own type is the element's.
        if let Some(of) = value.strip_prefix('~') {
            // The element type of a declared container (`List[Item]`, `Item[]`,
            // `Vec<Item>`, `[]Item`) when the ranged name's declaration says it.
            if let Some((decl, df, dctx)) = self.declared_text(f, ctx, of) {
                if let Some(elem) = lang::element_type(&decl) {
                    if let Some(t) =
                        self.resolve_type(df, dctx, &lang::clean_return_type(&elem), depth + 1)
                    {
                        return Some(t);
                    }
                }
            }
            return match self.resolve_path_d(f, ctx, of, depth + 1)? {
                (Ent::Node(t), via) if self.nodes[t as usize].kind.is_type() => {
                    Some((Ent::Node(t), via))
                }
                _ => None,
            };
        }
        // Another name's value (`const conn = connection`): that name's type.
        if let Some(other) = value.strip_prefix('@') {
            return self.resolve_value_d(f, ctx, other, depth + 1);
        }
        // A parameter of a function passed as an argument: the type the called function
        // declares for that parameter of that argument.
        if let Some(rest) = value.strip_prefix('^') {
            let mut parts = rest.splitn(3, '^');
            let arg: usize = parts.next()?.parse().ok()?;
            let param: usize = parts.next()?.parse().ok()?;
            let callee = lang::clean_callee(lang, parts.next()?);
            let (Ent::Node(mut n), via) = self.resolve_path_d(f, ctx, &callee, depth + 1)? else {
                return None;
            };
            if self.nodes[n as usize].kind.is_type() {
                n = self.constructor_of(n)?;
            }
            let node = &self.nodes[n as usize];
            if !node.kind.is_callable() {
                return None;
            }
            let fn_type = node.params.get(arg)?.ty.as_deref()?;
            let ty = lang::function_type_param(fn_type, param)?;
            let (t, v2) =
                self.resolve_type(node.file, Some(n), &lang::clean_type(ty), depth + 1)?;
            return Some((t, via || v2));
        }
        let Some(callee) = value.strip_prefix('=') else {
            return self.resolve_type(f, ctx, &lang::clean_type(value), depth);
        };
        let callee = lang::clean_callee(lang, callee);
        let (ent, via) = self.resolve_path_d(f, ctx, &callee, depth + 1)?;
        match ent {
            Ent::Node(n) => {
                let node = &self.nodes[n as usize];
                if node.kind.is_type() {
                    return Some((Ent::Node(n), via));
                }
                if !node.kind.is_callable() {
                    return None;
                }
                let ret = lang::clean_return_type(node.ret.as_deref()?);
                let (e, v2) = self.resolve_type(node.file, Some(n), &ret, depth + 1)?;
                Some((e, via || v2))
            }
            Ent::Ext(s) => Some((Ent::Ext(format!("{s}()")), true)),
            Ent::Module(_) => None,
        }
    }

    /// A type path: only types (and externals) count.
    fn resolve_type(&self, f: Ix, ctx: Option<Ix>, ty: &str, depth: u32) -> Option<(Ent, bool)> {
        if ty.is_empty() {
            return None;
        }
        match self.resolve_path_d(f, ctx, ty, depth + 1)? {
            (Ent::Node(t), via) if self.nodes[t as usize].kind.is_type() => {
                Some((Ent::Node(t), via))
            }
            (Ent::Ext(s), via) => Some((Ent::Ext(s), via)),
            _ => None,
        }
    }

    /// Does `ty` declare field `name` (a declaration in its body, or an assignment in
    /// one of its methods)?
    fn declares_field(&self, ty: Ix, name: &str) -> bool {
        let keys = field_keys(name);
        let has = |n: Ix| {
            self.bindings
                .get(&n)
                .is_some_and(|v| v.iter().any(|(k, _)| keys.iter().any(|x| **k == **x)))
        };
        if has(ty) || self.field_writes.contains(&(ty, name.into())) {
            return true;
        }
        for m in self.members_of(ty) {
            if has(m) {
                return true;
            }
        }
        false
    }

    /// Every member of a type: its children, and what names it as parent (Go methods,
    /// Rust impl items).
    fn members_of(&self, ty: Ix) -> impl Iterator<Item = Ix> + '_ {
        self.children[ty as usize].iter().copied().chain(
            self.by_parent_name
                .get(&self.nodes[ty as usize].qname)
                .into_iter()
                .flatten()
                .copied(),
        )
    }

    /// A type and its bases, depth first, left to right.
    fn mro(&self, n: Ix) -> Vec<Ix> {
        let mut seen = HashSet::new();
        let mut stack = vec![n];
        let mut order = Vec::new();
        while let Some(t) = stack.pop() {
            if !seen.insert(t) || order.len() > 64 {
                continue;
            }
            order.push(t);
            if let Some(bs) = self.bases.get(&t) {
                for &b in bs.iter().rev() {
                    stack.push(b);
                }
            }
        }
        order
    }

    /// The type `self`, `this`, `cls`, `Self` or a Go receiver name stands for.
    fn self_type(&self, f: Ix, caller: Option<Ix>, word: &str) -> Option<Ix> {
        let lang = self.lang(f);
        let c = caller?;
        let node = &self.nodes[c as usize];
        if !lang::is_self(lang, word, &node.signature) {
            return None;
        }
        self.enclosing_type(c)
    }

    /// The type a method belongs to.
    fn enclosing_type(&self, c: Ix) -> Option<Ix> {
        let node = &self.nodes[c as usize];
        if let Some(p) = node.parent {
            let pn = &self.nodes[p as usize];
            if pn.kind.is_type() {
                return Some(p);
            }
            // A function nested in a method: `self` is the method's.
            if pn.kind.is_callable() {
                return self.enclosing_type(p);
            }
        }
        let pname = node.parent_name.as_deref()?;
        self.by_qname
            .get(pname)?
            .iter()
            .copied()
            .find(|&t| self.nodes[t as usize].kind != SymbolKind::Module)
    }

    /// The declared type of a parameter named `word` of `caller`.
    fn param_type(&self, f: Ix, caller: Option<Ix>, word: &str) -> Option<(Ent, bool)> {
        let c = caller?;
        let ty = self.nodes[c as usize]
            .params
            .iter()
            .find(|p| param_is(&p.name, word))?
            .ty
            .as_deref()?;
        let ty = lang::clean_type(ty);
        if ty.is_empty() {
            return None;
        }
        let parent = self.nodes[c as usize].parent;
        match self.resolve_path(
            f,
            parent.filter(|&p| self.nodes[p as usize].kind.is_callable()),
            &ty,
        ) {
            Some((Ent::Node(t), via)) if self.nodes[t as usize].kind.is_type() => {
                Some((Ent::Node(t), via))
            }
            // A type from a library (`t *testing.T`): its methods are external.
            Some((Ent::Ext(s), via)) => Some((Ent::Ext(s), via)),
            _ => None,
        }
    }

    // -----------------------------------------------------------------------------------
    // Calls

    fn resolve_call(
        &self,
        f: Ix,
        caller: Option<Ix>,
        callee: &str,
        out: &mut Vec<(Dst, Confidence)>,
    ) {
        let lang = self.lang(f);
        let callee = lang::clean_callee(lang, callee);
        if let Some(m) = callee.strip_suffix('!') {
            // A `macro_rules!` of the repository: the file's own, else the crate's
            // (`#[macro_export]` or textual scope), else the language's or external.
            let name = m.rsplit("::").next().unwrap_or(m);
            if let Some(v) = self.macros.get(name) {
                let krate = |x: Ix| {
                    let k = &self.files[x as usize].key;
                    k.split("::").next().unwrap_or("").to_string()
                };
                let here = krate(f);
                let same_file: Vec<Ix> = v
                    .iter()
                    .copied()
                    .filter(|&x| self.nodes[x as usize].file == f)
                    .collect();
                let (picked, c) = if !same_file.is_empty() {
                    (same_file, Confidence::Exact)
                } else {
                    let same_crate: Vec<Ix> = v
                        .iter()
                        .copied()
                        .filter(|&x| krate(self.nodes[x as usize].file) == here)
                        .collect();
                    (same_crate, Confidence::Import)
                };
                if !picked.is_empty() {
                    for x in picked {
                        out.push((Dst::Node(self.nodes[x as usize].id), c));
                    }
                    return;
                }
            }
            let conf = if lang::is_builtin(lang, &callee) {
                Confidence::Import
            } else {
                Confidence::Unresolved
            };
            out.push((Dst::External(format!("{m}!")), conf));
            return;
        }
        let (recv, name) = split_callee(&callee);
        if name.is_empty() {
            return;
        }
        match recv {
            None => self.call_bare(f, caller, name, out),
            Some(r) => {
                // Rust: `a.b()` calls a method on a value, `a::b()` a path.
                let value =
                    lang == Language::Rust && !callee[r.len()..].trim_start().starts_with("::");
                self.call_member(f, caller, r, name, value, out)
            }
        }
    }

    fn call_bare(&self, f: Ix, caller: Option<Ix>, name: &str, out: &mut Vec<(Dst, Confidence)>) {
        let lang = self.lang(f);
        // `super(...)` in a TS/JS constructor: the base class's constructor.
        if name == "super" && lang::is_super(lang, "super") {
            if let Some(t) = caller.and_then(|c| self.enclosing_type(c)) {
                if let Some(&b) = self.bases.get(&t).and_then(|v| v.first()) {
                    self.push_callable(b, Confidence::Exact, out);
                    return;
                }
                if let Some(b) = self.ext_bases.get(&t).and_then(|v| v.first()) {
                    out.push((
                        Dst::External(format!("{b}.constructor")),
                        Confidence::Import,
                    ));
                    return;
                }
            }
        }
        // `cls(...)` in a classmethod, `Self(...)` in Rust.
        if let Some(t) = self.self_type(f, caller, name) {
            self.push_callable(t, Confidence::Exact, out);
            return;
        }
        match self.scope_lookup(f, caller, name) {
            Some((Ent::Node(n), via)) => self.push_callable(n, conf(via), out),
            Some((Ent::Ext(s), _)) => out.push((Dst::External(s), Confidence::Import)),
            Some((Ent::Module(_), _)) => {}
            None => {
                if lang::is_builtin(lang, name) {
                    out.push((Dst::External(name.to_string()), Confidence::Import));
                } else {
                    self.name_only(f, None, name, out);
                }
            }
        }
    }

    /// An edge to a resolved symbol: a class called is its constructor.
    fn push_callable(&self, n: Ix, c: Confidence, out: &mut Vec<(Dst, Confidence)>) {
        let node = &self.nodes[n as usize];
        let target = match node.kind {
            SymbolKind::Class => self.constructor_of(n).unwrap_or(n),
            _ => n,
        };
        out.push((Dst::Node(self.nodes[target as usize].id), c));
    }

    /// The constructor of type `t` (`__init__`, `constructor`), when its language has
    /// one and the type declares it.
    fn constructor_of(&self, t: Ix) -> Option<Ix> {
        let ctor = lang::constructor_name(self.lang(self.nodes[t as usize].file))?;
        self.type_members(t, ctor).first().copied()
    }

    fn call_member(
        &self,
        f: Ix,
        caller: Option<Ix>,
        recv: &str,
        name: &str,
        value: bool,
        out: &mut Vec<(Dst, Confidence)>,
    ) {
        let lang = self.lang(f);
        let written_sep = if value { "." } else { lang::sep(lang) };
        // super().m() / super.m()
        if lang::is_super(lang, recv) {
            if let Some(t) = caller.and_then(|c| self.enclosing_type(c)) {
                for &b in self.bases.get(&t).map(Vec::as_slice).unwrap_or(&[]) {
                    if let Some(&m) = self.type_members(b, name).first() {
                        out.push((Dst::Node(self.nodes[m as usize].id), Confidence::Exact));
                        return;
                    }
                }
                // A base outside the repository.
                if let Some(b) = self.ext_bases.get(&t).and_then(|v| v.first()) {
                    out.push((Dst::External(format!("{b}.{name}")), Confidence::Import));
                    return;
                }
            }
            out.push((
                Dst::External(format!("super.{name}")),
                Confidence::Unresolved,
            ));
            return;
        }
        let target = if value {
            self.resolve_value(f, caller, recv)
        } else {
            self.resolve_path(f, caller, recv)
        };
        // A call's result (`repo.find(id).save()`, `Foo::new().run()`): its return type.
        let target = match target {
            None if recv.ends_with(')') => self.call_result_type(f, caller, recv),
            t => t,
        };
        let target = target.or_else(|| self.element_of(f, caller, recv));
        if target.is_none() {
            // A global of the language (`console.log`, `Math.max`, `u64::from`).
            let first = recv
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .next()
                .unwrap_or("");
            if !value
                && lang::is_builtin(lang, first)
                && self.scope_lookup(f, caller, first).is_none()
            {
                out.push((
                    Dst::External(format!("{recv}{written_sep}{name}")),
                    Confidence::Import,
                ));
                return;
            }
        }
        match target {
            Some((Ent::Node(t), via)) => {
                let tn = &self.nodes[t as usize];
                let is_self = self.self_type(f, caller, recv).is_some();
                let found = match tn.kind {
                    SymbolKind::Module => self.own_members(t, name),
                    k if k.is_type() => self.type_members(t, name),
                    // A call on a function's result or a constant: type unknown.
                    _ => {
                        self.name_only(f, Some((recv, written_sep)), name, out);
                        return;
                    }
                };
                if found.is_empty() {
                    // Defined only in subclasses (template methods): the overrides.
                    if self.overrides(t, name, out) {
                        return;
                    }
                    // A field holding a function (`this.now = now`): what it holds is not
                    // known here, and it is not a same-named function elsewhere.
                    if tn.kind != SymbolKind::Module
                        && self
                            .mro(t)
                            .into_iter()
                            .any(|b| self.declares_field(b, name))
                    {
                        out.push((
                            Dst::External(format!("{recv}{written_sep}{name}")),
                            Confidence::Unresolved,
                        ));
                        return;
                    }
                    // Inherited from a base outside the repository.
                    if let Some(b) = self.ext_bases.get(&t).and_then(|v| v.first()) {
                        out.push((
                            Dst::External(format!("{b}{}{name}", lang::sep_ext(lang, b))),
                            Confidence::Import,
                        ));
                        return;
                    }
                    // A Rust enum variant: the enum.
                    if tn.kind == SymbolKind::Enum && !value {
                        out.push((Dst::Node(tn.id), conf(via)));
                        return;
                    }
                    self.name_only(f, Some((recv, written_sep)), name, out);
                    return;
                }
                let c = if is_self {
                    Confidence::Exact
                } else {
                    conf(via)
                };
                for &m in &found {
                    let mk = self.nodes[m as usize].kind;
                    if mk == SymbolKind::Class {
                        self.push_callable(m, c, out);
                    } else {
                        out.push((Dst::Node(self.nodes[m as usize].id), c));
                    }
                    // Through an interface or trait: every implementation too — of the
                    // receiver's own interface when it is one (a Go interface embedding
                    // another narrows the implementations), else of the method's owner.
                    let receiver_iface =
                        matches!(tn.kind, SymbolKind::Interface | SymbolKind::Trait);
                    let owner = if receiver_iface {
                        Some(t)
                    } else {
                        self.enclosing_type(m)
                    };
                    if let Some(o) = owner {
                        let ok = self.nodes[o as usize].kind;
                        if matches!(ok, SymbolKind::Interface | SymbolKind::Trait) {
                            for imp in self.implementations(o, name) {
                                out.push((
                                    Dst::Node(self.nodes[imp as usize].id),
                                    Confidence::Dynamic,
                                ));
                            }
                        }
                    }
                }
            }
            Some((Ent::Module(key), via)) => match self.module_member(&key, name, 0) {
                Some((Ent::Node(n), v2)) => self.push_callable(n, conf(via || v2), out),
                Some((Ent::Ext(s), _)) => out.push((Dst::External(s), Confidence::Import)),
                _ => out.push((
                    Dst::External(format!("{key}{}{name}", lang::sep(lang))),
                    Confidence::Unresolved,
                )),
            },
            Some((Ent::Ext(s), _)) => out.push((
                Dst::External(format!("{s}{}{name}", lang::sep_ext(lang, &s))),
                Confidence::Import,
            )),
            None => {
                if value
                    && lang == Language::Rust
                    && self.foreign_receiver(f, caller, recv, name, out)
                {
                    return;
                }
                self.name_only(f, Some((recv, written_sep)), name, out)
            }
        }
    }

    /// Rust: a method called on a name declared with a type that is not the repository's
    /// (`end: *const u8`, `n: usize`, `xs: &[u8]`): only methods of `impl`s for that
    /// shape of type can be it (`impl<T> Pointer for *const T`), else it is the
    /// language's own (`start.add(1)`), not a same-named method of some other type.
    /// False when the declared type says nothing (undeclared, or a generic parameter).
    fn foreign_receiver(
        &self,
        f: Ix,
        caller: Option<Ix>,
        recv: &str,
        name: &str,
        out: &mut Vec<(Dst, Confidence)>,
    ) -> bool {
        if !recv.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return false;
        }
        let Some((decl, _, _)) = self.declared_text(f, caller, recv) else {
            return false;
        };
        let Some(shape) = lang::rust_type_shape(&decl).filter(|s| s.is_foreign()) else {
            return false;
        };
        let fam = family(Language::Rust);
        let mut any = false;
        for &c in self.by_name.get(&(fam, name.into())).into_iter().flatten() {
            let node = &self.nodes[c as usize];
            let fits = node.kind == SymbolKind::Method
                && node
                    .impl_type
                    .as_deref()
                    .and_then(lang::rust_type_shape)
                    .is_some_and(|imp| imp.admits(&shape));
            if fits {
                out.push((Dst::Node(node.id), Confidence::Name));
                any = true;
            }
        }
        if !any {
            out.push((
                Dst::External(format!("{recv}.{name}")),
                Confidence::Unresolved,
            ));
        }
        true
    }

    /// The type of what the call `call` (`a.b(x)`, `Foo::new()`) returns, when its callee
    /// resolves to one symbol (or a library function) through code or imports.
    fn call_result_type(&self, f: Ix, caller: Option<Ix>, call: &str) -> Option<(Ent, bool)> {
        let open = matching_open(call)?;
        let callee = call[..open].trim();
        if callee.is_empty() || callee.len() >= call.len() {
            return None;
        }
        let mut found = Vec::new();
        self.resolve_call(f, caller, callee, &mut found);
        found.retain(|(_, c)| *c >= Confidence::Import);
        let [(dst, c)] = found.as_slice() else {
            return None;
        };
        let via = *c == Confidence::Import;
        match dst {
            Dst::External(s) => Some((Ent::Ext(format!("{s}()")), true)),
            Dst::File(_) => None,
            Dst::Node(id) => {
                let n = *self.by_id.get(id)?;
                let node = &self.nodes[n as usize];
                if node.kind.is_type() {
                    return Some((Ent::Node(n), via));
                }
                let lang = self.lang(node.file);
                if Some(&*node.name) == lang::constructor_name(lang) {
                    return self.enclosing_type(n).map(|t| (Ent::Node(t), via));
                }
                let ret = lang::clean_return_type(node.ret.as_deref()?);
                let (e, v2) = self.resolve_type(node.file, Some(n), &ret, 1)?;
                Some((e, via || v2))
            }
        }
    }

    /// An element taken out of a declared container: `xs[i]`, `xs.shift()!`, `xs.pop()`
    /// (TypeScript/JavaScript), `xs[i]` (Python, Go, Rust), with `xs: Item[]`.
    fn element_of(&self, f: Ix, caller: Option<Ix>, recv: &str) -> Option<(Ent, bool)> {
        let lang = self.lang(f);
        let r = recv.trim_end_matches(['!', '?']);
        let base = if let Some(open) = r.strip_suffix(']').and_then(|x| x.rfind('[')) {
            &r[..open]
        } else {
            let open = matching_open(r)?;
            let (Some(obj), m) = split_callee(&r[..open]) else {
                return None;
            };
            let ecma = matches!(
                lang,
                Language::TypeScript | Language::Tsx | Language::JavaScript
            );
            if !(ecma && lang::ECMA_ELEMENT_METHODS.contains(&m)) {
                return None;
            }
            obj
        };
        if base.is_empty()
            || !base
                .chars()
                .all(|c| c.is_alphanumeric() || "_$.".contains(c))
        {
            return None;
        }
        let (decl, df, dctx) = self.declared_text(f, caller, base)?;
        let elem = lang::element_type(&decl)?;
        self.resolve_type(df, dctx, &lang::clean_return_type(&elem), 1)
    }

    /// Methods named `name` of every type that implements interface/trait `iface`.
    fn implementations(&self, iface: Ix, name: &str) -> Vec<Ix> {
        let mut types: Vec<Ix> = Vec::new();
        let mut seen = HashSet::new();
        let mut stack = vec![iface];
        while let Some(t) = stack.pop() {
            for &s in self.subs.get(&t).map(Vec::as_slice).unwrap_or(&[]) {
                if seen.insert(s) {
                    types.push(s);
                    stack.push(s);
                }
            }
        }
        if self.lang(self.nodes[iface as usize].file) == Language::Go {
            for t in self.go_implementers(iface) {
                if seen.insert(t) {
                    types.push(t);
                }
            }
        }
        let mut out = Vec::new();
        for t in types {
            let v = self.own_members(t, name);
            out.extend(v);
        }
        out
    }

    /// Go: the named types whose method set covers the interface's methods.
    fn go_implementers(&self, iface: Ix) -> Vec<Ix> {
        if let Some(v) = self.go_impls.read().expect("no panics hold it").get(&iface) {
            return v.clone();
        }
        let mut methods: Vec<&str> = Vec::new();
        self.method_names(iface, &mut methods, 0);
        let mut out = Vec::new();
        if !methods.is_empty() {
            // Candidates: types with a method named like the interface's first method.
            let fam = family(Language::Go);
            if let Some(cands) = self.by_name.get(&(fam, methods[0].into())) {
                for &m in cands {
                    let Some(t) = self.enclosing_type(m) else {
                        continue;
                    };
                    if self.nodes[t as usize].kind == SymbolKind::Interface || out.contains(&t) {
                        continue;
                    }
                    let mut have = Vec::new();
                    self.method_names(t, &mut have, 0);
                    if methods.iter().all(|x| have.contains(x)) {
                        out.push(t);
                    }
                }
            }
        }
        self.go_impls
            .write()
            .expect("no panics hold it")
            .insert(iface, out.clone());
        out
    }

    /// Names of a type's methods, with those promoted from embedded types.
    fn method_names<'s>(&'s self, t: Ix, out: &mut Vec<&'s str>, depth: u32) {
        if depth > 8 {
            return;
        }
        out.extend(self.members_of(t).map(|c| &*self.nodes[c as usize].name));
        if let Some(bs) = self.bases.get(&t) {
            for &b in bs {
                self.method_names(b, out, depth + 1);
            }
        }
    }

    /// Overrides of `name` in the subclasses of `t`; true if any.
    fn overrides(&self, t: Ix, name: &str, out: &mut Vec<(Dst, Confidence)>) -> bool {
        let imps = self.implementations(t, name);
        for &m in &imps {
            out.push((Dst::Node(self.nodes[m as usize].id), Confidence::Dynamic));
        }
        !imps.is_empty()
    }

    /// The last resort: symbols of the same language named `name`.
    fn name_only(
        &self,
        f: Ix,
        recv: Option<(&str, &str)>,
        name: &str,
        out: &mut Vec<(Dst, Confidence)>,
    ) {
        let lang = self.lang(f);
        let fam = family(lang);
        let cands: Vec<Ix> = self
            .by_name
            .get(&(fam, name.into()))
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|&c| {
                        let k = self.nodes[c as usize].kind;
                        // A method call can only reach methods; a bare call, functions.
                        // Functions nested in other functions are not visible from here.
                        let nested = self.nodes[c as usize]
                            .parent
                            .is_some_and(|p| self.nodes[p as usize].kind.is_callable());
                        match recv {
                            Some(_) => k == SymbolKind::Method,
                            None => k == SymbolKind::Function && !nested,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let written = match recv {
            Some((r, sep)) => format!("{r}{sep}{name}"),
            None => name.to_string(),
        };
        // All candidates are one interface/trait method and its implementations:
        // dynamic dispatch, whatever their number.
        let iface = cands.iter().copied().find(|&c| {
            self.enclosing_type(c).is_some_and(|o| {
                matches!(
                    self.nodes[o as usize].kind,
                    SymbolKind::Interface | SymbolKind::Trait
                )
            })
        });
        if let Some(i) = iface {
            let owner = self.enclosing_type(i).expect("found above");
            let imps = self.implementations(owner, name);
            if cands.iter().all(|c| *c == i || imps.contains(c)) {
                for c in cands {
                    out.push((Dst::Node(self.nodes[c as usize].id), Confidence::Dynamic));
                }
                return;
            }
        }
        // Nearest first: candidates in the caller's file, else in its directory (package).
        let cands = if cands.len() > 1 {
            let dir = |x: Ix| {
                let p = &self.files[x as usize].path;
                p.rsplit_once('/').map_or("", |(d, _)| d)
            };
            let here = dir(f);
            let same_file: Vec<Ix> = cands
                .iter()
                .copied()
                .filter(|&c| self.nodes[c as usize].file == f)
                .collect();
            let same_dir: Vec<Ix> = cands
                .iter()
                .copied()
                .filter(|&c| dir(self.nodes[c as usize].file) == here)
                .collect();
            if !same_file.is_empty() {
                same_file
            } else if !same_dir.is_empty() {
                same_dir
            } else {
                cands
            }
        } else {
            cands
        };
        let common = recv.is_some() && lang::is_common_method(lang, name);
        if cands.is_empty() || cands.len() > NAME_ONLY_MAX || common {
            out.push((Dst::External(written), Confidence::Unresolved));
            return;
        }
        for c in cands {
            out.push((Dst::Node(self.nodes[c as usize].id), Confidence::Name));
        }
    }

    /// Resolve everything: every call site of every file, and inheritance.
    pub fn resolve_all(&self) -> Resolved {
        use rayon::prelude::*;
        let mut per_file: Vec<(i64, Vec<Link>)> = (0..self.files.len() as Ix)
            .into_par_iter()
            .map(|f| {
                let file = &self.files[f as usize];
                let mut links = Vec::with_capacity(file.calls.len());
                let mut buf = Vec::new();
                let mut memo: Memo = HashMap::new();
                for c in &file.calls {
                    let caller = c.symbol.and_then(|i| file.nodes.get(i).copied());
                    let src = caller.map(|c| self.nodes[c as usize].id);
                    let key = (caller, c.callee.as_str());
                    let res = match memo.get(&key) {
                        Some(r) => r,
                        None => {
                            buf.clear();
                            self.resolve_call(f, caller, &c.callee, &mut buf);
                            dedupe(&mut buf);
                            memo.entry(key).or_insert_with(|| buf.clone())
                        }
                    };
                    for (dst, confidence) in res {
                        links.push(Link {
                            src,
                            dst: dst.clone(),
                            kind: LinkKind::Calls,
                            confidence: *confidence,
                            line: c.line,
                        });
                    }
                }
                // Fields read and written through the method's own receiver.
                let lang_of_file = file.lang;
                for a in &file.accesses {
                    let Some(caller) = a.symbol.and_then(|i| file.nodes.get(i).copied()) else {
                        continue;
                    };
                    // A module-level variable of the file (its qualified name): the
                    // symbol when it is one (a constant, a static), else a placeholder.
                    if a.object.is_empty() {
                        let dst = match self.by_qname.get(a.field.as_str()).and_then(|v| v.first())
                        {
                            Some(&n) => Dst::Node(self.nodes[n as usize].id),
                            None => Dst::External(a.field.clone()),
                        };
                        links.push(Link {
                            src: Some(self.nodes[caller as usize].id),
                            dst,
                            kind: if a.write {
                                LinkKind::Writes
                            } else {
                                LinkKind::Reads
                            },
                            confidence: Confidence::Exact,
                            line: a.line,
                        });
                        continue;
                    }
                    // Through the method's own receiver, or a name of a known type
                    // (`cart.items` with `cart: Cart`), whose type must declare the field.
                    let (t, own, via) = match self.self_type(f, Some(caller), &a.object) {
                        Some(t) => (t, true, false),
                        None => match self.resolve_value(f, Some(caller), &a.object) {
                            Some((Ent::Node(t), via)) if self.nodes[t as usize].kind.is_type() => {
                                (t, false, via)
                            }
                            _ => continue,
                        },
                    };
                    let src = Some(self.nodes[caller as usize].id);
                    let confidence = if via {
                        Confidence::Import
                    } else {
                        Confidence::Exact
                    };
                    // Reading a property (`@property`, a TS getter) is calling it; naming
                    // another method (`callback=self.handle`) is neither a call nor a field.
                    let member = self.type_members(t, &a.field);
                    if let Some(&m) = member.first() {
                        let node = &self.nodes[m as usize];
                        if node.kind.is_callable() {
                            if node.property && !a.write {
                                links.push(Link {
                                    src,
                                    dst: Dst::Node(node.id),
                                    kind: LinkKind::Calls,
                                    confidence,
                                    line: a.line,
                                });
                            }
                            if node.property || lang_of_file != Language::Rust {
                                continue;
                            }
                        }
                    }
                    // The field belongs to the first type in the MRO that declares it.
                    let owner = self
                        .mro(t)
                        .into_iter()
                        .find(|&ty| self.declares_field(ty, &a.field));
                    let owner = match (owner, own) {
                        (Some(o), _) => o,
                        (None, true) => t,
                        // Not a field the type is known to have: not guessed.
                        (None, false) => continue,
                    };
                    links.push(Link {
                        src,
                        dst: Dst::External(format!(
                            "{}.{}",
                            self.nodes[owner as usize].qname, a.field
                        )),
                        kind: if a.write {
                            LinkKind::Writes
                        } else {
                            LinkKind::Reads
                        },
                        confidence,
                        line: a.line,
                    });
                }
                // Imports: one edge per imported module of the repository.
                let mut seen = HashSet::new();
                for imp in &file.imports {
                    if imp.module.is_empty() {
                        continue; // `export default x`: the file itself
                    }
                    let mut targets: Vec<Ix> = match self.module_ent(f, &imp.module) {
                        Ent::Module(key) => self.modules.get(&key).cloned().unwrap_or_default(),
                        _ => Vec::new(),
                    };
                    // `from . import x` / `use a::{b}` name submodules too.
                    for n in &imp.names {
                        if let Some((Ent::Module(key), _)) =
                            self.member(&self.module_ent(f, &imp.module), &n.name, 0)
                        {
                            targets.extend(self.modules.get(&key).into_iter().flatten());
                        }
                    }
                    for t in targets {
                        if t != f && seen.insert(t) {
                            links.push(Link {
                                src: None,
                                dst: Dst::File(self.files[t as usize].id),
                                kind: LinkKind::Imports,
                                confidence: Confidence::Import,
                                line: imp.line,
                            });
                        }
                    }
                }
                (file.id, links)
            })
            .collect();
        let index: HashMap<i64, usize> = per_file
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (*id, i))
            .collect();
        for &(fix, child, base, kind, line) in &self.inherit_links {
            let fid = self.files[fix as usize].id;
            if let Some(&i) = index.get(&fid) {
                per_file[i].1.push(Link {
                    src: Some(self.nodes[child as usize].id),
                    dst: Dst::Node(self.nodes[base as usize].id),
                    kind,
                    confidence: Confidence::Exact,
                    line,
                });
            }
        }
        Resolved { links: per_file }
    }
}

/// The names a field `x` is bound under: declared in the type (`x`), or assigned in a
/// method (`self.x`, `this.x`).
fn field_keys(name: &str) -> [String; 3] {
    [
        name.to_string(),
        format!("self.{name}"),
        format!("this.{name}"),
    ]
}

/// What `name` is bound to in one scope: its declared type if it has one (`let x: T`,
/// then `x = f()`: the declaration says what every value is), else its latest value.
/// In Rust a later `let` may shadow a name with another type, so there the latest wins.
fn latest_binding<'s>(scope: &'s Bindings, name: &str, lang: Language) -> Option<&'s str> {
    let mut named = scope.iter().rev().filter(|(n, _)| &**n == name);
    let latest = named.next()?;
    if lang == Language::Rust || !is_value(&latest.1) {
        return Some(&latest.1);
    }
    Some(
        named
            .find(|(_, v)| !is_value(v))
            .unwrap_or(latest)
            .1
            .as_ref(),
    )
}

/// A binding that is a value to evaluate (a call's result, an element, an alias, a
/// lambda parameter), or `?` (a field declared without a type to tell), not a declared
/// type.
fn is_value(v: &str) -> bool {
    v.starts_with(['=', '~', '@', '^', '?'])
}

/// Is a parameter written `written` (`*p`, `&x`, `opt?`) the name `name`?
fn param_is(written: &str, name: &str) -> bool {
    written.trim_start_matches(['*', '&']).trim_end_matches('?') == name
}

/// Byte offset of the `(` matching a call's final `)`.
fn matching_open(call: &str) -> Option<usize> {
    let b = call.as_bytes();
    if b.last() != Some(&b')') {
        return None;
    }
    let mut depth = 0i32;
    for i in (0..b.len()).rev() {
        match b[i] {
            b')' => depth += 1,
            b'(' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn conf(via_import: bool) -> Confidence {
    if via_import {
        Confidence::Import
    } else {
        Confidence::Exact
    }
}

fn dedupe(v: &mut Vec<(Dst, Confidence)>) {
    let mut seen = HashSet::new();
    v.retain(|(d, _)| seen.insert(d.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_round_trips_and_orders() {
        for c in Confidence::ALL {
            assert_eq!(Confidence::parse(c.as_str()), Some(c));
            assert_eq!(Confidence::from_u8(c as u8), Some(c));
        }
        assert!(Confidence::Exact > Confidence::Import);
        assert!(Confidence::Dynamic > Confidence::Name);
        assert!(Confidence::Name > Confidence::Unresolved);
    }
}

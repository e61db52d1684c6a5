//! Language support: what each language *is* (extensions, grammar, extractor) and the
//! plain data that extraction produces.
//!
//! Invariant: no tree-sitter type escapes this module. Extraction turns one parsed file
//! into a [`FileExtract`] of owned strings and numbers; everything downstream (store,
//! graph, search) works on that.
//!
//! Adding a language means: one entry in [`LANGUAGES`], one module with an `extract`
//! function built on [`engine::Cx`], and fixture tests. Nothing else changes.

mod ecma;
pub(crate) mod engine;
mod go;
mod preorder;
mod python;
mod rust;

use serde::Serialize;

/// Version of what extraction produces. Bump it whenever a change to extraction would
/// give different facts for the same file: an index made by another version is rebuilt
/// in full, because its unchanged files would otherwise keep stale facts.
pub const EXTRACT_VERSION: u32 = 14;

/// A language leindex indexes. The string forms are part of the JSON contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    Python,
    TypeScript,
    Tsx,
    JavaScript,
    Go,
    Rust,
}

/// One row of the language table.
pub struct LanguageSpec {
    pub language: Language,
    pub name: &'static str,
    pub extensions: &'static [&'static str],
    grammar: fn() -> tree_sitter::Language,
    extract: engine::Hook,
    /// Node kinds `extract` acts on.
    kinds: &'static [&'static str],
    /// Node kinds whose insides hold nothing `extract` acts on (types, literals, import
    /// paths): the walk does not go into them (the hook still sees the node itself).
    opaque: &'static [&'static str],
    /// Node kinds the walk goes into only when a test of their source text says
    /// something inside may matter (a Python string only if it can interpolate, a
    /// TypeScript type only if it can declare members): most cannot, and stepping
    /// through their nodes is most of what an extraction costs beyond parsing.
    enter_if: EnterIf,
    /// The file's module-level variables (their name nodes).
    module_vars: for<'t> fn(&engine::Cx<'t>, tree_sitter::Node<'t>) -> Vec<tree_sitter::Node<'t>>,
    /// How an identifier inside a function uses a variable (read, write, neither).
    var_use: engine::VarUse,
}

/// Node kinds with a test of their text that says whether the walk goes into them.
type EnterIf = &'static [(&'static str, fn(&[u8]) -> bool)];

/// The language table: the only place that knows which languages exist.
pub static LANGUAGES: &[LanguageSpec] = &[
    LanguageSpec {
        language: Language::Python,
        name: "python",
        extensions: &["py", "pyi"],
        grammar: || tree_sitter_python::LANGUAGE.into(),
        extract: python::extract,
        kinds: python::KINDS,
        opaque: python::OPAQUE,
        enter_if: python::ENTER_IF,
        module_vars: python::module_vars,
        var_use: python::var_use,
    },
    LanguageSpec {
        language: Language::TypeScript,
        name: "typescript",
        extensions: &["ts", "mts", "cts"],
        grammar: || tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        extract: ecma::extract,
        kinds: ecma::KINDS,
        opaque: ecma::OPAQUE,
        enter_if: ecma::ENTER_IF,
        module_vars: ecma::module_vars,
        var_use: ecma::var_use,
    },
    LanguageSpec {
        language: Language::Tsx,
        name: "tsx",
        extensions: &["tsx"],
        grammar: || tree_sitter_typescript::LANGUAGE_TSX.into(),
        extract: ecma::extract,
        kinds: ecma::KINDS,
        opaque: ecma::OPAQUE,
        enter_if: ecma::ENTER_IF,
        module_vars: ecma::module_vars,
        var_use: ecma::var_use,
    },
    LanguageSpec {
        language: Language::JavaScript,
        name: "javascript",
        extensions: &["js", "jsx", "mjs", "cjs"],
        grammar: || tree_sitter_javascript::LANGUAGE.into(),
        extract: ecma::extract,
        kinds: ecma::KINDS,
        opaque: ecma::OPAQUE,
        enter_if: ecma::ENTER_IF,
        module_vars: ecma::module_vars,
        var_use: ecma::var_use,
    },
    LanguageSpec {
        language: Language::Go,
        name: "go",
        extensions: &["go"],
        grammar: || tree_sitter_go::LANGUAGE.into(),
        extract: go::extract,
        kinds: go::KINDS,
        opaque: go::OPAQUE,
        enter_if: &[],
        module_vars: go::module_vars,
        var_use: go::var_use,
    },
    LanguageSpec {
        language: Language::Rust,
        name: "rust",
        extensions: &["rs"],
        grammar: || tree_sitter_rust::LANGUAGE.into(),
        extract: rust::extract,
        kinds: rust::KINDS,
        opaque: rust::OPAQUE,
        enter_if: &[],
        module_vars: rust::module_vars,
        var_use: rust::var_use,
    },
];

impl Language {
    pub fn spec(self) -> &'static LanguageSpec {
        LANGUAGES
            .iter()
            .find(|s| s.language == self)
            .expect("every Language has a row in LANGUAGES")
    }
    pub fn name(self) -> &'static str {
        self.spec().name
    }
    pub fn from_name(name: &str) -> Option<Language> {
        LANGUAGES
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.language)
    }
    /// The language of a file, by its extension.
    pub fn from_path(path: &std::path::Path) -> Option<Language> {
        let ext = path.extension()?.to_str()?;
        LANGUAGES
            .iter()
            .find(|s| s.extensions.contains(&ext))
            .map(|s| s.language)
    }
    pub fn grammar(self) -> tree_sitter::Language {
        (self.spec().grammar)()
    }
    /// Per node kind id: is it named, does the extractor act on it? Built once.
    fn kind_flags(self) -> &'static [engine::KindFlags] {
        use std::sync::OnceLock;
        static FLAGS: OnceLock<Vec<Vec<engine::KindFlags>>> = OnceLock::new();
        let all = FLAGS.get_or_init(|| {
            LANGUAGES
                .iter()
                .map(|spec| {
                    let grammar = (spec.grammar)();
                    (0..grammar.node_kind_count())
                        .map(|id| {
                            let id = id as u16;
                            let named = grammar.node_kind_is_named(id);
                            let hooked = named
                                && grammar
                                    .node_kind_for_id(id)
                                    .is_some_and(|name| spec.kinds.contains(&name));
                            let opaque = named
                                && grammar
                                    .node_kind_for_id(id)
                                    .is_some_and(|name| spec.opaque.contains(&name));
                            let ident = named && grammar.node_kind_for_id(id) == Some("identifier");
                            let enter_if = grammar.node_kind_for_id(id).and_then(|name| {
                                spec.enter_if.iter().find(|e| e.0 == name).map(|e| e.1)
                            });
                            engine::KindFlags {
                                named,
                                hooked,
                                opaque,
                                ident,
                                enter_if: enter_if.filter(|_| named),
                            }
                        })
                        .collect()
                })
                .collect()
        });
        let i = LANGUAGES
            .iter()
            .position(|s| s.language == self)
            .expect("every Language has a row in LANGUAGES");
        &all[i]
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What kind of thing a symbol is. The string forms are part of the JSON contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SymbolKind {
    Function,
    Method,
    Class,
    Struct,
    Enum,
    Trait,
    Interface,
    Type,
    Module,
    Constant,
    /// A Rust `macro_rules!` macro.
    Macro,
}

impl SymbolKind {
    pub const ALL: [SymbolKind; 11] = [
        SymbolKind::Function,
        SymbolKind::Method,
        SymbolKind::Class,
        SymbolKind::Struct,
        SymbolKind::Enum,
        SymbolKind::Trait,
        SymbolKind::Interface,
        SymbolKind::Type,
        SymbolKind::Module,
        SymbolKind::Constant,
        SymbolKind::Macro,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            SymbolKind::Function => "function",
            SymbolKind::Method => "method",
            SymbolKind::Class => "class",
            SymbolKind::Struct => "struct",
            SymbolKind::Enum => "enum",
            SymbolKind::Trait => "trait",
            SymbolKind::Interface => "interface",
            SymbolKind::Type => "type",
            SymbolKind::Module => "module",
            SymbolKind::Constant => "constant",
            SymbolKind::Macro => "macro",
        }
    }
    pub fn parse(s: &str) -> Option<SymbolKind> {
        SymbolKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn is_callable(self) -> bool {
        matches!(self, SymbolKind::Function | SymbolKind::Method)
    }
    /// Kinds that name a type: the type-like ones and type aliases.
    pub fn is_type(self) -> bool {
        self.is_type_like() || self == SymbolKind::Type
    }
    /// Kinds whose members are methods.
    pub fn is_type_like(self) -> bool {
        matches!(
            self,
            SymbolKind::Class
                | SymbolKind::Struct
                | SymbolKind::Enum
                | SymbolKind::Trait
                | SymbolKind::Interface
        )
    }
}

/// A parameter of a function or method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Param {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: Option<String>,
}

/// A definition found in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Symbol {
    pub name: String,
    pub qualified_name: String,
    pub kind: SymbolKind,
    /// Index of the enclosing symbol in [`FileExtract::symbols`].
    pub parent: Option<usize>,
    /// Qualified name of the enclosing symbol, also when it lives elsewhere
    /// (a Go method's receiver type).
    pub parent_name: Option<String>,
    pub start_line: u32,
    pub end_line: u32,
    pub start_byte: u32,
    pub end_byte: u32,
    pub signature: String,
    pub parameters: Vec<Param>,
    pub return_type: Option<String>,
    pub receiver: Option<String>,
    pub doc: Option<String>,
    pub decorators: Vec<String>,
    pub complexity: Option<u32>,
    pub nesting: Option<u32>,
    /// BLAKE3 of the symbol's source text, qualified name and doc comment: what later
    /// stages compare to skip work (a symbol keeps its vector while it is the same).
    pub body_hash: [u8; 32],
}

/// A call site. `symbol` is the innermost enclosing function or method, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSite {
    pub symbol: Option<usize>,
    /// The called expression as written, whitespace collapsed (`self.repo.save`).
    pub callee: String,
    pub line: u32,
}

impl CallSite {
    /// The called name and its receiver: `self.repo.save` -> (`self.repo`, `save`).
    pub fn split(&self) -> (Option<&str>, &str) {
        split_callee(&self.callee)
    }
}

pub use engine::split_callee;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ImportName {
    pub name: String,
    pub alias: Option<String>,
}

/// An import statement (one per imported module).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub module: String,
    pub names: Vec<ImportName>,
    pub alias: Option<String>,
    pub line: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    Extends,
    Implements,
    Embeds,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Extends => "extends",
            Relation::Implements => "implements",
            Relation::Embeds => "embeds",
        }
    }
}

/// An inheritance fact: `symbol` extends / implements / embeds `base`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inherit {
    /// Qualified name of the child when it is defined in this file, else the type as written.
    pub symbol: String,
    /// Index of the child symbol when it is defined in this file.
    pub symbol_index: Option<usize>,
    pub base: String,
    pub relation: Relation,
    pub line: u32,
}

/// A name whose type the code states: a local variable, a module-level variable or a
/// field. `value` is the type as written (`*Cart`, `Vec<u8>`, `Optional[Repo]`) or, when
/// the name is assigned the result of a call or constructor, `=` and the callee as
/// written (`=cart.New`, `=Foo::new`, `=Repo`), or, for a loop variable, `~` and what it
/// iterates over (`~c.lines`); `@other` for a copy of another name (`const c = conn`,
/// `const { xs } = this` -> `@this.xs`); `^ARG^PARAM^CALLEE` for a parameter of a
/// function passed as argument ARG to CALLEE (typed by CALLEE's declaration); `?` for a
/// field declared without a type to tell. Resolution uses it to type receivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// Index of the enclosing symbol (function, method, or the class/struct of a field).
    pub symbol: Option<usize>,
    /// The name as written: `x`, or `self.x`/`this.x` for a field assigned in a method.
    pub name: String,
    pub value: String,
}

/// A field read or written through the method's own receiver (`self.items = []`,
/// `this.total`, `c.lines` in a Go method of `c`, `self.index` in Rust) or a name of a
/// known type (`cart.items`); or, with an empty `object`, a module-level variable of the
/// file (`field` is then its qualified name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    /// Index of the enclosing function or method.
    pub symbol: Option<usize>,
    /// The receiver as written (`self`, `this`, `c`).
    pub object: String,
    pub field: String,
    pub write: bool,
    pub line: u32,
}

/// Everything extracted from one file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileExtract {
    pub symbols: Vec<Symbol>,
    pub calls: Vec<CallSite>,
    pub imports: Vec<Import>,
    pub inherits: Vec<Inherit>,
    pub bindings: Vec<Binding>,
    pub accesses: Vec<Access>,
    /// Module-level documentation (Python module docstring, Rust `//!`, Go package doc).
    pub doc: Option<String>,
    /// Number of ERROR and MISSING nodes tree-sitter recovered from.
    pub parse_errors: u32,
    /// The file is not valid UTF-8 (its texts carry replacement characters).
    pub lossy_utf8: bool,
}

/// What extraction needs to know about the file besides its bytes.
#[derive(Debug, Clone)]
pub struct FileContext {
    /// Path relative to the root, `/`-separated.
    pub rel_path: String,
    /// Prefix of qualified names: the path (Python, TS/JS), the import path (Go), the
    /// module path (Rust).
    pub prefix: String,
}

/// Parse `source` as `language` with a thread-local parser and extract its facts.
/// Never fails: a file tree-sitter cannot parse at all yields an empty extract with
/// `parse_errors = 1`.
pub fn parse_and_extract(language: Language, ctx: &FileContext, source: &[u8]) -> FileExtract {
    match parse(language, source) {
        Some(tree) => extract(language, ctx, source, &tree),
        None => FileExtract {
            parse_errors: 1,
            lossy_utf8: std::str::from_utf8(source).is_err(),
            ..Default::default()
        },
    }
}

/// Tree-sitter allocates and frees a node per token; mimalloc does that markedly faster
/// than glibc's malloc under two parsing threads (see README, Performance).
fn use_mimalloc_for_tree_sitter() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: runs once, before this process creates its first parser, so no
        // tree-sitter memory allocated by one allocator is ever freed by the other.
        unsafe {
            tree_sitter::set_allocator(
                Some(libmimalloc_sys::mi_malloc),
                Some(libmimalloc_sys::mi_calloc),
                Some(libmimalloc_sys::mi_realloc),
                Some(libmimalloc_sys::mi_free),
            );
        }
    });
}

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e`, mimalloc.h).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// While one of these lives, mimalloc keeps the memory freed in this process instead of
/// handing it back to the system after a delay (`purge_delay`): parsing frees each
/// file's tree and allocates the next one's, and purged pages were soon faulted in and
/// zeroed again by the kernel (large corpus, cold index, 2 alternating pairs: 45.7 s ->
/// 44.5 s, system time 2.7-3.2 s -> 1.8-1.9 s). When the last one is dropped, the delay
/// is restored and what was kept is returned, so that the embedding step that follows an
/// index run does not add its memory to it (the bench's peak RSS, embedding included,
/// went from 0.9 to 1.15 GiB while the memory was kept to the end of the process).
pub struct KeepFreedMemory(());

/// Live `KeepFreedMemory` values, and the delay to restore.
static KEEPERS: std::sync::Mutex<(usize, std::ffi::c_long)> = std::sync::Mutex::new((0, 0));

impl KeepFreedMemory {
    pub fn start() -> KeepFreedMemory {
        let mut k = KEEPERS.lock().unwrap_or_else(|e| e.into_inner());
        if k.0 == 0 {
            // SAFETY: reads and sets a process-wide option; -1 means never purge.
            unsafe {
                k.1 = libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY);
                libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
            }
        }
        k.0 += 1;
        KeepFreedMemory(())
    }
}

impl Drop for KeepFreedMemory {
    fn drop(&mut self) {
        let mut k = KEEPERS.lock().unwrap_or_else(|e| e.into_inner());
        k.0 -= 1;
        if k.0 == 0 {
            // SAFETY: restores the option read in `start`; `mi_collect` only frees
            // memory no allocation holds.
            unsafe {
                libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, k.1);
                libmimalloc_sys::mi_collect(true);
            }
        }
    }
}

/// Parse only (no extraction): the baseline the corpus benchmark compares against.
pub fn parse(language: Language, source: &[u8]) -> Option<tree_sitter::Tree> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static PARSERS: RefCell<HashMap<Language, tree_sitter::Parser>> = RefCell::new(HashMap::new());
    }
    use_mimalloc_for_tree_sitter();
    PARSERS.with(|p| {
        let mut map = p.borrow_mut();
        let parser = map.entry(language).or_insert_with(|| {
            let mut parser = tree_sitter::Parser::new();
            parser
                .set_language(&language.grammar())
                .expect("bundled grammar is ABI-compatible with the tree-sitter crate");
            parser
        });
        parser.parse(source, None)
    })
}

fn extract(
    language: Language,
    ctx: &FileContext,
    source: &[u8],
    tree: &tree_sitter::Tree,
) -> FileExtract {
    let mut cx = engine::Cx::new(language, ctx, source);
    let root = tree.root_node();
    let spec = language.spec();
    let vars = (spec.module_vars)(&cx, root);
    if !vars.is_empty() {
        cx.watch_module_vars(vars, spec.var_use);
    }
    engine::walk(
        &mut cx,
        root,
        language.spec().extract,
        language.kind_flags(),
    );
    cx.finish()
}

/// Split an identifier into lower-case words: `parseHTTPRequest` -> `parse http request`,
/// `retry_backoff` -> `retry backoff`, `a::b.c` -> `a b c`.
pub fn split_identifier(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    for_each_word(s, |w| words.push(w.to_string()));
    words
}

/// Append the words of `s` ([`split_identifier`]) to `out`, separated by spaces:
/// what the index's full-text `words` column holds, without a vector per name.
pub fn push_words(out: &mut String, s: &str) {
    if s.is_ascii() {
        // The usual case, on bytes: lower-cased into a buffer, one copy into `out`.
        let mut buf = Vec::with_capacity(s.len() + 8);
        for_each_ascii_word(s.as_bytes(), |w| {
            if !buf.is_empty() {
                buf.push(b' ');
            }
            buf.extend(w.iter().map(u8::to_ascii_lowercase));
        });
        out.push_str(std::str::from_utf8(&buf).expect("ASCII in, ASCII out"));
        return;
    }
    let mut first = true;
    for_each_word(s, |w| {
        if !std::mem::take(&mut first) {
            out.push(' ');
        }
        out.push_str(w);
    });
}

/// What separates the parts of a qualified name. A symbol's name is its whole qualified
/// name or what follows one of these (extraction keeps to it in every language, tested in
/// tests/cli/index_mixed.rs): exact qualified-name look-ups rely on it
/// (`graph_store::ids_qualified`).
pub const NAME_SEPARATORS: [char; 3] = ['.', ':', '/'];

/// The full-text `words` of a file's symbols, one after another: the words of each
/// qualified name and then of the name (`push_words` of each, a space between). A
/// qualified name is split once after its last `.`, `:` or `/`: the words of what precedes it
/// (`pkg/mod.py::`, `pkg/mod.py::Class.`) are kept for the next symbols (the last few
/// such prefixes), and the name is usually what follows it. Splitting at a separator
/// changes no word: words never span one.
#[derive(Default)]
pub struct SymbolWords {
    /// (prefix, its words), the most recently used last.
    prefixes: Vec<(String, String)>,
    rest_words: String,
}

impl SymbolWords {
    const PREFIXES: usize = 4;

    pub fn push(&mut self, out: &mut String, qualified_name: &str, name: &str) {
        // After the last separator (ASCII: one byte), where a name starts.
        let cut = qualified_name.rfind(NAME_SEPARATORS).map_or(0, |i| i + 1);
        let (prefix, rest) = qualified_name.split_at(cut);
        match self.prefixes.iter().position(|(p, _)| p == prefix) {
            Some(i) => {
                let hit = self.prefixes.remove(i);
                self.prefixes.push(hit);
            }
            None => {
                if self.prefixes.len() == Self::PREFIXES {
                    self.prefixes.remove(0);
                }
                let mut words = String::new();
                push_words(&mut words, prefix);
                self.prefixes.push((prefix.to_string(), words));
            }
        }
        let prefix_words = &self.prefixes.last().expect("just pushed").1;
        self.rest_words.clear();
        push_words(&mut self.rest_words, rest);
        out.push_str(prefix_words);
        if !prefix_words.is_empty() && !self.rest_words.is_empty() {
            out.push(' ');
        }
        out.push_str(&self.rest_words);
        out.push(' ');
        if name == rest {
            out.push_str(&self.rest_words);
        } else {
            push_words(out, name);
        }
    }
}

/// Call `f` with each word of `s`, lower-cased, in order (see [`split_identifier`]).
fn for_each_word(s: &str, mut f: impl FnMut(&str)) {
    if s.is_ascii() {
        // The usual case, on bytes.
        let mut word = String::new();
        for_each_ascii_word(s.as_bytes(), |w| {
            word.clear();
            word.extend(w.iter().map(|b| b.to_ascii_lowercase() as char));
            f(&word);
        });
        return;
    }
    for part in s.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        word_bounds(&chars, |from, to| {
            f(&chars[from..to].iter().collect::<String>().to_lowercase())
        });
    }
}

/// Call `f` with each word of ASCII text, as it is (not lower-cased): parts are runs of
/// ASCII letters and digits, split by [`word_bounds`].
fn for_each_ascii_word(b: &[u8], mut f: impl FnMut(&[u8])) {
    for part in b.split(|c| !c.is_ascii_alphanumeric()) {
        word_bounds(part, |from, to| f(&part[from..to]));
    }
}

/// A letter or digit as the word rules see it: bytes of ASCII text, or chars.
trait WordChar: Copy {
    fn lower(self) -> bool;
    fn upper(self) -> bool;
    fn alpha(self) -> bool;
    fn digit(self) -> bool;
}

impl WordChar for u8 {
    fn lower(self) -> bool {
        self.is_ascii_lowercase()
    }
    fn upper(self) -> bool {
        self.is_ascii_uppercase()
    }
    fn alpha(self) -> bool {
        self.is_ascii_alphabetic()
    }
    fn digit(self) -> bool {
        self.is_ascii_digit()
    }
}

impl WordChar for char {
    fn lower(self) -> bool {
        self.is_lowercase()
    }
    fn upper(self) -> bool {
        self.is_uppercase()
    }
    fn alpha(self) -> bool {
        self.is_alphabetic()
    }
    fn digit(self) -> bool {
        self.is_ascii_digit()
    }
}

/// Call `emit(from, to)` for each word of one alphanumeric run: a new word starts at a
/// lower->upper step, before the last capital of a capital run followed by a lower-case
/// letter (`HTTPRequest`), and between letters and digits.
fn word_bounds<C: WordChar>(part: &[C], mut emit: impl FnMut(usize, usize)) {
    if part.is_empty() {
        return;
    }
    let mut start = 0;
    for i in 1..part.len() {
        let (prev, cur) = (part[i - 1], part[i]);
        let next_lower = part.get(i + 1).is_some_and(|c| c.lower());
        let boundary = (prev.lower() && cur.upper())
            || (prev.upper() && cur.upper() && next_lower)
            || (prev.alpha() && cur.digit())
            || (prev.digit() && cur.alpha());
        if boundary {
            emit(start, i);
            start = i;
        }
    }
    emit(start, part.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_identifier_handles_camel_snake_and_acronyms() {
        assert_eq!(
            split_identifier("parseHTTPRequest"),
            ["parse", "http", "request"]
        );
        assert_eq!(split_identifier("retry_backoff"), ["retry", "backoff"]);
        assert_eq!(
            split_identifier("crate::io::Utf8Reader"),
            ["crate", "io", "utf", "8", "reader"]
        );
        assert_eq!(split_identifier("__init__"), ["init"]);
        // Outside ASCII the same rules apply by character.
        assert_eq!(
            split_identifier("größeZählerHTTP2"),
            ["größe", "zähler", "http", "2"]
        );
        assert_eq!(split_identifier("ÄBCdef"), ["äb", "cdef"]);
    }

    #[test]
    fn push_words_joins_the_split_words() {
        for s in [
            "parseHTTPRequest",
            "pkg/mod.py::Class.method",
            "größeZähler_x9y",
            "",
            "__",
            "a::b.c",
        ] {
            let mut out = String::from("x");
            push_words(&mut out, s);
            assert_eq!(out, format!("x{}", split_identifier(s).join(" ")), "{s}");
        }
    }

    #[test]
    fn freed_memory_is_kept_while_asked_for() {
        // SAFETY: reads an option.
        let delay = || unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        let outer = KeepFreedMemory::start();
        let inner = KeepFreedMemory::start();
        assert_eq!(delay(), -1);
        drop(inner);
        assert_eq!(delay(), -1, "another keeper is alive");
        drop(outer);
        // Other tests' index runs may hold their own keepers meanwhile.
        let k = KEEPERS.lock().unwrap_or_else(|e| e.into_inner());
        if k.0 == 0 {
            assert_eq!(delay(), k.1, "restored");
            assert_ne!(k.1, -1);
        }
    }

    /// A file's symbols one after another, as the index writes them: the words must be
    /// those of each name on its own, whatever came before.
    #[test]
    fn symbol_words_are_each_symbols_own() {
        let symbols = [
            ("pkg/mod.py::Class", "Class"),
            ("pkg/mod.py::Class.getHTTPServer", "getHTTPServer"),
            ("pkg/mod.py::Class.x2y", "x2y"),
            ("pkg/mod.py::Class.__init__", "__init__"),
            ("pkg/mod.py::_auto_fn", "_auto_fn"),
            (
                "crate::a-0.1::error_handling::into_response",
                "into_response",
            ),
            ("pkg/mod.py::Other", "Other"),
            ("crate::a::Größe::neu", "neu"),
            ("crate::a::Größe::größeZähler", "größeZähler"),
            ("main", "main"),
            ("Page.[Symbol.asyncIterator]", "[Symbol.asyncIterator]"),
            ("a::", "weird"),
            ("::b", "b"),
            ("", ""),
            ("pkg.Type.Method", "Method"),
        ];
        let mut words = SymbolWords::default();
        for (qualified, name) in symbols {
            let mut out = String::from("x");
            words.push(&mut out, qualified, name);
            let mut expected = String::from("x");
            push_words(&mut expected, qualified);
            expected.push(' ');
            push_words(&mut expected, name);
            assert_eq!(out, expected, "{qualified} / {name}");
        }
    }

    /// ASCII text is split on bytes, other text on chars: the same rule must give the
    /// same words.
    #[test]
    fn word_bounds_agree_on_bytes_and_chars() {
        for part in [
            "parseHTTPRequest",
            "utf8Reader",
            "HTTP2Server",
            "x",
            "ABCdef",
            "a1b2",
        ] {
            let mut on_bytes = Vec::new();
            word_bounds(part.as_bytes(), |a, b| on_bytes.push((a, b)));
            let chars: Vec<char> = part.chars().collect();
            let mut on_chars = Vec::new();
            word_bounds(&chars, |a, b| on_chars.push((a, b)));
            assert_eq!(on_bytes, on_chars, "{part}");
            assert!(!on_bytes.is_empty(), "{part}");
        }
    }

    /// The walk calls a language's hook only for the kinds in its `kinds` list; this
    /// checks, on every fixture file, that the hook does nothing for any other kind, so a
    /// kind handled by the hook but missing from the list cannot go unnoticed.
    #[test]
    fn hooks_ignore_every_kind_outside_their_list() {
        fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    files(&p, out);
                } else if Language::from_path(&p).is_some() {
                    out.push(p);
                }
            }
        }
        let mut all = Vec::new();
        files(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
            &mut all,
        );
        let mut checked = std::collections::HashSet::new();
        for path in all {
            let lang = Language::from_path(&path).unwrap();
            let spec = lang.spec();
            let src = std::fs::read(&path).unwrap();
            let Some(tree) = parse(lang, &src) else {
                continue;
            };
            let ctx = FileContext {
                rel_path: "x".into(),
                prefix: "p".into(),
            };
            let mut cursor = tree.walk();
            let mut stack = vec![tree.root_node()];
            while let Some(node) = stack.pop() {
                for c in node.children(&mut cursor) {
                    stack.push(c);
                }
                if !node.is_named() || spec.kinds.contains(&node.kind()) {
                    continue;
                }
                let mut cx = engine::Cx::new(lang, &ctx, &src);
                let (children, frames) = engine::hook_alone(&mut cx, node, spec.extract);
                let out = cx.finish();
                let nothing = FileExtract {
                    lossy_utf8: out.lossy_utf8,
                    ..Default::default()
                };
                assert!(
                    children && frames == 0 && out == nothing,
                    "{}: the {} hook acts on `{}`, which is missing from its kinds list",
                    path.display(),
                    spec.name,
                    node.kind()
                );
                checked.insert((spec.name, node.kind()));
            }
        }
        assert!(checked.len() > 100, "only {} kinds checked", checked.len());
    }

    /// A kinds list shared by several grammars (TS, TSX, JS) may name kinds that only
    /// some of them have; each kind must exist in at least one.
    #[test]
    fn kinds_lists_name_real_node_kinds() {
        for spec in LANGUAGES {
            for kind in spec.kinds {
                let exists = LANGUAGES
                    .iter()
                    .filter(|s| std::ptr::eq(s.kinds, spec.kinds))
                    .any(|s| (s.grammar)().id_for_node_kind(kind, true) != 0);
                assert!(
                    exists,
                    "{}: `{kind}` is not a node kind of its grammar",
                    spec.name
                );
            }
        }
    }

    /// ERROR nodes have a kind id outside the grammar's table; the walk must still go
    /// into them, or everything tree-sitter recovered inside a syntax error is lost.
    #[test]
    fn calls_inside_syntax_errors_are_still_extracted() {
        let src = b"x = [1, 2\ndef inside():\n    return call_me()\n\nfoo(((\n";
        let ctx = FileContext {
            rel_path: "e.py".into(),
            prefix: "e.py".into(),
        };
        let x = parse_and_extract(Language::Python, &ctx, src);
        assert!(x.parse_errors > 0);
        assert!(
            x.calls.iter().any(|c| c.callee == "call_me" && c.line == 3),
            "calls: {:?}",
            x.calls
        );
    }

    #[test]
    fn language_from_path_uses_the_table() {
        use std::path::Path;
        assert_eq!(
            Language::from_path(Path::new("a/b.pyi")),
            Some(Language::Python)
        );
        assert_eq!(Language::from_path(Path::new("x.tsx")), Some(Language::Tsx));
        assert_eq!(
            Language::from_path(Path::new("x.cjs")),
            Some(Language::JavaScript)
        );
        assert_eq!(Language::from_path(Path::new("README.md")), None);
    }
}

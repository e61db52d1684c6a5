//! What resolution needs to know about each language: module keys, what an import
//! binds, how paths are written, the names of `self`, constructors and builtins.

use crate::core::lang::{Import, Language};
use crate::core::walk::TsConfig;

/// The key of the module a file is: Python dotted name, TS/JS file path, Go import path,
/// Rust module path (the last two are the file's qualified-name prefix).
pub fn module_key(lang: Language, path: &str, prefix: &str) -> String {
    match lang {
        Language::Python => {
            let stem = path
                .strip_suffix(".py")
                .or_else(|| path.strip_suffix(".pyi"))
                .unwrap_or(path);
            let stem = stem
                .strip_suffix("/__init__")
                .or_else(|| (stem == "__init__").then_some(""))
                .unwrap_or(stem);
            stem.replace('/', ".")
        }
        Language::Go | Language::Rust => prefix.to_string(),
        _ => path.to_string(),
    }
}

/// The key of module `key`'s child module `name`.
pub fn submodule_key(lang: Language, key: &str, name: &str) -> String {
    match lang {
        Language::Python if key.is_empty() => name.to_string(),
        Language::Python => format!("{key}.{name}"),
        Language::Rust => format!("{key}::{name}"),
        Language::Go => format!("{key}/{name}"),
        // TS/JS modules are files: a namespace's members are found by parent name.
        _ => format!("{key}\0{name}"),
    }
}

/// What one import binds a name to.
pub enum Binding {
    None,
    /// The name is the module itself (`import a.b as c`, `import * as m`, Go packages).
    Module(String),
    /// The name is a member of a module (`from m import x as name`).
    Member(String, String),
    /// A glob import that may provide the name (`from m import *`, `use m::*`).
    Star(String),
}

/// What `imp` binds `name` to, if anything.
pub fn binds(lang: Language, imp: &Import, name: &str) -> Binding {
    match lang {
        Language::Go => {
            let bound = match imp.alias.as_deref() {
                Some(".") => return Binding::Star(imp.module.clone()),
                Some("_") => return Binding::None,
                Some(a) => a,
                None => go_package_name(&imp.module),
            };
            if bound == name {
                Binding::Module(imp.module.clone())
            } else {
                Binding::None
            }
        }
        _ if imp.names.is_empty() => {
            let bound = match imp.alias.as_deref() {
                Some(a) => a,
                None if lang == Language::Python => imp.module.split('.').next().unwrap_or(""),
                None => last_segment(lang, &imp.module),
            };
            if bound != name {
                return Binding::None;
            }
            if lang == Language::Python && imp.alias.is_none() {
                Binding::Module(bound.to_string())
            } else {
                Binding::Module(imp.module.clone())
            }
        }
        _ => {
            let mut star = None;
            for n in &imp.names {
                if n.name == "*" {
                    match &n.alias {
                        Some(a) if a == name => return Binding::Module(imp.module.clone()),
                        Some(_) => {}
                        None => star = Some(imp.module.clone()),
                    }
                    continue;
                }
                let bound = n.alias.as_deref().unwrap_or(if n.name == "self" {
                    last_segment(lang, &imp.module)
                } else {
                    &n.name
                });
                if bound == name {
                    if n.name == "self" {
                        return Binding::Module(imp.module.clone());
                    }
                    return Binding::Member(imp.module.clone(), n.name.clone());
                }
            }
            star.map_or(Binding::None, Binding::Star)
        }
    }
}

fn last_segment(lang: Language, module: &str) -> &str {
    match lang {
        Language::Rust => module.rsplit("::").next().unwrap_or(module),
        Language::Python => module.rsplit('.').next().unwrap_or(module),
        _ => module.rsplit('/').next().unwrap_or(module),
    }
}

/// The name a Go import binds by default: the last path element, without a major
/// version suffix (`example.com/x/v2` -> `x`, `gopkg.in/yaml.v3` -> `yaml`).
fn go_package_name(path: &str) -> &str {
    let mut parts = path.rsplit('/');
    let last = parts.next().unwrap_or(path);
    let is_major =
        last.len() > 1 && last.starts_with('v') && last[1..].bytes().all(|b| b.is_ascii_digit());
    let last = if is_major {
        parts.next().unwrap_or(last)
    } else {
        last
    };
    match last.split_once(".v") {
        Some((stem, v)) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => stem,
        _ => last,
    }
}

/// The module keys an import's module string may mean, most likely first.
pub fn module_candidates(lang: Language, key: &str, path: &str, spec: &str) -> Vec<String> {
    match lang {
        Language::Python => {
            let dots = spec.len() - spec.trim_start_matches('.').len();
            if dots == 0 {
                return vec![spec.to_string()];
            }
            let mut parts: Vec<&str> = if key.is_empty() {
                Vec::new()
            } else {
                key.split('.').collect()
            };
            let is_package = path.ends_with("__init__.py") || path.ends_with("__init__.pyi");
            if !is_package {
                parts.pop();
            }
            for _ in 1..dots {
                parts.pop();
            }
            let rest = &spec[dots..];
            let mut k = parts.join(".");
            if !rest.is_empty() {
                if !k.is_empty() {
                    k.push('.');
                }
                k.push_str(rest);
            }
            vec![k]
        }
        Language::TypeScript | Language::Tsx | Language::JavaScript => {
            if spec.is_empty() {
                return vec![path.to_string()];
            }
            if !spec.starts_with('.') {
                return Vec::new();
            }
            let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
            let Some(base) = normalize(dir, spec) else {
                return Vec::new();
            };
            ts_file_candidates(&base)
        }
        Language::Go => vec![spec.to_string()],
        Language::Rust => {
            let parts: Vec<&str> = spec.split("::").collect();
            let Some((first, rest)) = parts.split_first() else {
                return Vec::new();
            };
            let join = |root: String| {
                let mut k = root;
                for r in rest {
                    k.push_str("::");
                    k.push_str(r);
                }
                k
            };
            if let Some(root) = path_root(lang, key, first) {
                return vec![join(root)];
            }
            let krate = key.split("::").next().unwrap_or("");
            vec![
                join(format!("{key}::{first}")),
                join(format!("{krate}::{first}")),
                join(first.to_string()),
            ]
        }
    }
}

/// The files a TS/JS module path (without or with an extension) may be.
pub fn ts_file_candidates(base: &str) -> Vec<String> {
    let mut out = vec![base.to_string()];
    let stem = base
        .strip_suffix(".js")
        .or_else(|| base.strip_suffix(".jsx"))
        .or_else(|| base.strip_suffix(".mjs"))
        .or_else(|| base.strip_suffix(".cjs"));
    if let Some(stem) = stem {
        for ext in ["ts", "tsx", "mts", "cts"] {
            out.push(format!("{stem}.{ext}"));
        }
    }
    for ext in ["ts", "tsx", "d.ts", "js", "jsx", "mjs", "cjs", "mts", "cts"] {
        out.push(format!("{base}.{ext}"));
    }
    for ext in ["ts", "tsx", "js", "jsx"] {
        out.push(if base.is_empty() {
            format!("index.{ext}")
        } else {
            format!("{base}/index.{ext}")
        });
    }
    out
}

/// What a non-relative TS/JS specifier may mean through a tsconfig's `paths` and
/// `baseUrl` (the tsconfig nearest to the file), as module keys.
pub fn ts_alias_candidates(configs: &[TsConfig], path: &str, spec: &str) -> Vec<String> {
    let cfg = configs
        .iter()
        .filter(|c| c.dir.is_empty() || path.starts_with(&format!("{}/", c.dir)))
        .max_by_key(|c| c.dir.len());
    let Some(cfg) = cfg else {
        return Vec::new();
    };
    let mut bases = Vec::new();
    for (pattern, targets) in &cfg.paths {
        match pattern.strip_suffix('*') {
            Some(prefix) if spec.starts_with(prefix) => {
                let rest = &spec[prefix.len()..];
                bases.extend(targets.iter().map(|t| t.replacen('*', rest, 1)));
            }
            None if pattern == spec => bases.extend(targets.iter().cloned()),
            _ => {}
        }
    }
    if let Some(b) = &cfg.base_url {
        bases.push(if b.is_empty() {
            spec.to_string()
        } else {
            format!("{b}/{spec}")
        });
    }
    bases.iter().flat_map(|b| ts_file_candidates(b)).collect()
}

/// `dir` joined with a relative specifier, `.` and `..` removed.
fn normalize(dir: &str, spec: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for p in spec.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// A module key the first segment of a path stands for by itself (Rust `crate`, `super`).
pub fn path_root(lang: Language, key: &str, first: &str) -> Option<String> {
    if lang != Language::Rust {
        return None;
    }
    match first {
        "crate" => Some(key.split("::").next().unwrap_or("").to_string()),
        "super" => Some(key.rsplit_once("::").map_or(key, |(p, _)| p).to_string()),
        "self" => Some(key.to_string()),
        _ => None,
    }
}

/// The segments of a path as written, or `None` when it is not a plain path (a call's
/// result, an index, a literal).
pub fn split_path(lang: Language, path: &str) -> Option<Vec<String>> {
    let path = path.trim();
    if path.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    let normalized = if lang == Language::Rust {
        path.replace("::", ".")
    } else {
        // `a?.b` and `a!.b` (TS non-null assertion) name the same member.
        path.replace("?.", ".")
            .replace("!.", ".")
            .trim_end_matches('!')
            .to_string()
    };
    for p in normalized.split('.') {
        let p = p.trim();
        let ok = !p.is_empty()
            && p.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
        if !ok {
            // `super()` is the only call allowed in a receiver path.
            return None;
        }
        out.push(p.to_string());
    }
    Some(out)
}

/// Is `word` the receiver of the enclosing method?
pub fn is_self(lang: Language, word: &str, signature: &str) -> bool {
    match lang {
        // By convention (parameter lists leave `self`/`cls` out).
        Language::Python => matches!(word, "self" | "cls"),
        Language::TypeScript | Language::Tsx | Language::JavaScript => word == "this",
        Language::Rust => matches!(word, "self" | "Self"),
        Language::Go => go_receiver_name(signature) == Some(word),
    }
}

/// `func (c *Cart) Add(...)` -> `c`.
fn go_receiver_name(signature: &str) -> Option<&str> {
    let rest = signature
        .strip_prefix("func")?
        .trim_start()
        .strip_prefix('(')?;
    let name = rest.split([' ', ')']).next()?.trim();
    (!name.is_empty() && !name.starts_with('*')).then_some(name)
}

pub fn is_super(lang: Language, recv: &str) -> bool {
    match lang {
        Language::Python => recv.replace(' ', "").starts_with("super("),
        Language::TypeScript | Language::Tsx | Language::JavaScript => recv == "super",
        _ => false,
    }
}

/// The name of the constructor a call of a class runs.
pub fn constructor_name(lang: Language) -> Option<&'static str> {
    match lang {
        Language::Python => Some("__init__"),
        Language::TypeScript | Language::Tsx | Language::JavaScript => Some("constructor"),
        _ => None,
    }
}

pub fn sep(lang: Language) -> &'static str {
    match lang {
        Language::Rust => "::",
        _ => ".",
    }
}

pub fn sep_ext(lang: Language, ext: &str) -> &'static str {
    if lang == Language::Rust || ext.contains("::") {
        "::"
    } else {
        "."
    }
}

/// A type as written, reduced to the path of the named type: `*pkg.Cart[T]` ->
/// `pkg.Cart`, `&mut Vec<T>` -> `Vec`, `Optional["Cart"]` -> `Cart`.
pub fn clean_type(ty: &str) -> String {
    let mut t = ty.trim();
    loop {
        let before = t;
        for p in [
            "*",
            "&",
            "mut ",
            "dyn ",
            "impl ",
            "const ",
            "readonly ",
            "'",
            "\"",
            "[]",
        ] {
            t = strip_lifetime(t);
            t = t.strip_prefix(p).unwrap_or(t).trim_start();
        }
        for wrapper in ["Optional[", "typing.Optional[", "Type[", "type["] {
            if let Some(inner) = t.strip_prefix(wrapper) {
                t = inner.strip_suffix(']').unwrap_or(inner);
            }
        }
        // TypeScript's utility types keep the members of the type they wrap.
        for wrapper in ["Partial<", "Readonly<", "Required<", "NonNullable<"] {
            if let Some(inner) = t.strip_prefix(wrapper) {
                t = inner.strip_suffix('>').unwrap_or(inner);
            }
        }
        if t == before {
            break;
        }
    }
    let end = t
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == ':' || c == '$'))
        .unwrap_or(t.len());
    t[..end].trim_end_matches([':', '.']).to_string()
}

/// A Rust type reduced to what decides which methods a value of it has: raw pointer
/// kind, slice, and the base name (`&'a mut *const u8` -> `*const` + `u8`).
#[derive(Debug, PartialEq, Eq)]
pub struct RustShape<'t> {
    pub pointer: &'static str,
    pub slice: bool,
    pub base: &'t str,
}

impl RustShape<'_> {
    /// A type of the language (pointer, slice, primitive, standard library), whose
    /// methods are its own unless an `impl` of the repository adds some.
    pub fn is_foreign(&self) -> bool {
        !self.pointer.is_empty() || self.slice || RUST_STD_TYPES.contains(&self.base)
    }

    /// Can an `impl` for `self` (a generic `T` or a concrete base) apply to `value`?
    pub fn admits(&self, value: &RustShape) -> bool {
        self.pointer == value.pointer
            && self.slice == value.slice
            && (self.base == value.base || is_type_param(self.base))
    }
}

/// A generic type parameter by its usual spelling: `T`, `U`, `T2`.
fn is_type_param(name: &str) -> bool {
    let mut c = name.chars();
    c.next().is_some_and(|f| f.is_ascii_uppercase())
        && name.len() <= 2
        && c.all(|x| x.is_ascii_digit() || x.is_ascii_uppercase())
}

/// Array methods that return one of the array's elements.
pub const ECMA_ELEMENT_METHODS: &[&str] = &["shift", "pop", "at", "find", "findLast"];

/// Methods of Rust's raw pointers that return a pointer of the same type.
pub const RUST_SAME_TYPE_METHODS: &[&str] = &[
    "add",
    "sub",
    "offset",
    "byte_add",
    "byte_sub",
    "byte_offset",
    "wrapping_add",
    "wrapping_sub",
    "wrapping_offset",
];

const RUST_STD_TYPES: &[&str] = &[
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32",
    "f64", "bool", "char", "str", "String", "Vec", "Option", "Result", "Box",
];

pub fn rust_type_shape(ty: &str) -> Option<RustShape<'_>> {
    let mut t = ty.trim();
    loop {
        let before = t;
        t = strip_lifetime(t.trim_start_matches('&').trim_start());
        t = t.strip_prefix("mut ").unwrap_or(t).trim_start();
        if t == before {
            break;
        }
    }
    let mut pointer = "";
    for p in ["*const ", "*mut "] {
        if let Some(rest) = t.strip_prefix(p) {
            pointer = p.trim_end();
            t = rest.trim_start();
            break;
        }
    }
    let slice = t.starts_with('[');
    if slice {
        t = t[1..].split([';', ']']).next()?.trim();
        t = t.trim_start_matches('&').trim_start();
    }
    let end = t
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(t.len());
    let base = t[..end].rsplit("::").next()?;
    (!base.is_empty()).then_some(RustShape {
        pointer,
        slice,
        base,
    })
}

/// The declared type of parameter `i` (not counting `this`) of a function type:
/// `(this: O, source: Observable<T>, sub: Subscriber<R>) => void`, 1 -> `Subscriber<R>`.
/// Also through an optional or union wrapper: `((x: A) => void) | undefined`.
pub fn function_type_param(fn_type: &str, i: usize) -> Option<&str> {
    let mut t = fn_type.trim();
    while let Some(inner) = t
        .strip_prefix('(')
        .filter(|x| x.trim_start().starts_with('('))
    {
        t = inner.trim_start();
    }
    // Generic parameters first: `<T>(x: T) => T`.
    if t.starts_with('<') {
        t = t[close_of(t, 0)? + 1..].trim_start();
    }
    if !t.starts_with('(') {
        return None;
    }
    let close = close_of(t, 0)?;
    if !t[close + 1..].trim_start().starts_with("=>") {
        return None;
    }
    let inner = &t[1..close];
    let mut depth = 0i32;
    let mut start = 0;
    let mut params = Vec::new();
    for (k, c) in inner.char_indices() {
        match c {
            '(' | '<' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            '>' if !inner[..k].ends_with('=') => depth -= 1,
            ',' if depth == 0 => {
                params.push(&inner[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    params.push(&inner[start..]);
    let p = params
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty() && !p.starts_with("this:") && !p.starts_with("this :"))
        .nth(i)?;
    let colon = p.find(':')?;
    let ty = p[colon + 1..].trim();
    (!ty.is_empty()).then_some(ty)
}

/// Byte offset of the bracket closing the one at `open` (`(`, `<`, `[`, `{`).
fn close_of(t: &str, open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (k, c) in t[open..].char_indices() {
        match c {
            '(' | '<' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            '>' if !t[..open + k].ends_with('=') => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return Some(open + k);
        }
    }
    None
}

/// `t` without a leading Rust lifetime (`'a One` -> `One`); a quoted name (`'Cart'`) is
/// left as it is.
fn strip_lifetime(t: &str) -> &str {
    if let Some(rest) = t.strip_prefix('\'') {
        let id = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if id > 0 && rest[id..].starts_with(char::is_whitespace) {
            return rest[id..].trim_start();
        }
    }
    t
}

/// A return type reduced to the type a caller gets to call methods on: the first of a Go
/// result list, the inside of `Result<..>`, `Option<..>`, `Box<..>`, `Promise<..>`,
/// `Optional[..]`.
pub fn clean_return_type(ty: &str) -> String {
    let mut t = ty.trim();
    if let Some(inner) = t.strip_prefix('(') {
        t = inner.split([',', ')']).next().unwrap_or("").trim();
        // Named results: `(c *Cart, err error)`.
        if let Some((_, ty)) = t.split_once(' ') {
            if !ty.trim().is_empty() {
                t = ty.trim();
            }
        }
    }
    t = t.trim_start_matches("->").trim();
    loop {
        let before = t;
        for w in [
            "Result<",
            "Option<",
            "Box<",
            "Rc<",
            "Arc<",
            "Promise<",
            "io::Result<",
            "anyhow::Result<",
            "Optional[",
            "Awaitable[",
            "Iterator[",
        ] {
            if let Some(inner) = t.strip_prefix(w) {
                t = inner;
            }
        }
        t = t
            .trim_start_matches(['&', '*'])
            .trim_start_matches("mut ")
            .trim();
        if t == before {
            break;
        }
    }
    clean_type(t)
}

/// The element type of a container type as written: `List[Item]`, `Sequence[Item]`,
/// `Item[]`, `Array<Item>`, `Vec<Item>`, `&[Item]`, `[]*Item`; `None` when it is not one.
pub fn element_type(ty: &str) -> Option<String> {
    let t = ty
        .trim()
        .trim_start_matches('&')
        .trim_start_matches("mut ")
        .trim();
    if let Some(inner) = t.strip_suffix("[]") {
        return Some(inner.trim().to_string());
    }
    if let Some(inner) = t.strip_prefix("[]") {
        return Some(inner.trim().to_string());
    }
    let opens = [
        "List[",
        "list[",
        "Sequence[",
        "Iterable[",
        "Iterator[",
        "Set[",
        "set[",
        "FrozenSet[",
        "frozenset[",
        "Collection[",
        "MutableSequence[",
        "Deque[",
        "deque[",
        "typing.List[",
        "typing.Sequence[",
        "typing.Iterable[",
        "Array<",
        "ReadonlyArray<",
        "Set<",
        "Iterable<",
        "Vec<",
        "VecDeque<",
        "HashSet<",
        "BTreeSet<",
        "[",
    ];
    let open = opens.iter().find(|o| t.starts_with(**o))?;
    let rest = &t[open.len()..];
    // Up to the first top-level `,` or the closing bracket (`[T; N]` arrays too).
    let mut depth = 0i32;
    for (i, c) in rest.char_indices() {
        match c {
            '[' | '<' | '(' => depth += 1,
            ']' | '>' | ')' if depth > 0 => depth -= 1,
            ']' | '>' | ',' | ';' if depth == 0 => return Some(rest[..i].trim().to_string()),
            _ => {}
        }
    }
    None
}

/// A callee as written, without what does not name the callee: type arguments
/// (`f::<T>`, `F[int]`), a leading Rust `self::`, surrounding parentheses.
pub fn clean_callee(lang: Language, callee: &str) -> String {
    let mut s = callee.trim().to_string();
    while s.starts_with('(') && s.ends_with(')') && s.len() >= 2 {
        s = s[1..s.len() - 1].trim().to_string();
    }
    match lang {
        Language::Rust => {
            // Remove turbofish and generic arguments in paths: `Vec::<u8>::new`, `<T>::f`.
            let mut out = String::with_capacity(s.len());
            let mut depth = 0;
            let b = s.as_bytes();
            let mut i = 0;
            while i < b.len() {
                let c = b[i] as char;
                if c == '<' && depth == 0 && out.ends_with("::") {
                    out.truncate(out.len() - 2);
                    depth = 1;
                } else if c == '<' && depth > 0 {
                    depth += 1;
                } else if c == '>' && depth > 0 {
                    depth -= 1;
                } else if depth == 0 {
                    out.push(c);
                }
                i += 1;
            }
            let out = out
                .strip_prefix("self::")
                .map(str::to_string)
                .unwrap_or(out);
            out
        }
        Language::Go => {
            if s.ends_with(']') {
                if let Some(i) = s.rfind('[') {
                    s.truncate(i);
                }
            }
            s
        }
        _ => s,
    }
}

/// Method names so common on the language's standard types (lists, maps, strings,
/// iterators, promises) that a call of one on a receiver of unknown type is far more
/// likely the standard one than a same-named method of the repository: such calls stay
/// unresolved instead of becoming name-only guesses.
pub fn is_common_method(lang: Language, name: &str) -> bool {
    let list: &[&str] = match lang {
        Language::Python => &[
            "append",
            "extend",
            "insert",
            "pop",
            "remove",
            "clear",
            "copy",
            "get",
            "items",
            "keys",
            "values",
            "update",
            "setdefault",
            "join",
            "split",
            "strip",
            "lstrip",
            "rstrip",
            "startswith",
            "endswith",
            "replace",
            "format",
            "encode",
            "decode",
            "lower",
            "upper",
            "read",
            "write",
            "close",
            "discard",
            "index",
            "count",
            "sort",
            "find",
            "group",
            "match",
            "search",
            "sub",
        ],
        Language::TypeScript | Language::Tsx | Language::JavaScript => &[
            "push",
            "pop",
            "shift",
            "unshift",
            "map",
            "filter",
            "forEach",
            "reduce",
            "find",
            "findIndex",
            "some",
            "every",
            "includes",
            "indexOf",
            "slice",
            "splice",
            "concat",
            "join",
            "sort",
            "keys",
            "values",
            "entries",
            "get",
            "set",
            "has",
            "delete",
            "clear",
            "add",
            "then",
            "catch",
            "finally",
            "toString",
            "split",
            "replace",
            "trim",
            "startsWith",
            "endsWith",
            "toLowerCase",
            "toUpperCase",
            "call",
            "apply",
            "bind",
            "flatMap",
            "fill",
            "at",
            "test",
            "exec",
            "emit",
            "on",
            "off",
        ],
        Language::Go => &[
            "Error", "String", "Len", "Write", "Read", "Close", "Lock", "Unlock", "RLock",
            "RUnlock", "Done", "Wait", "Get", "Set", "Load", "Store",
        ],
        Language::Rust => &[
            "iter",
            "iter_mut",
            "into_iter",
            "map",
            "and_then",
            "filter",
            "collect",
            "get",
            "get_mut",
            "insert",
            "remove",
            "push",
            "pop",
            "len",
            "is_empty",
            "clone",
            "into",
            "from",
            "as_ref",
            "as_mut",
            "unwrap",
            "expect",
            "unwrap_or",
            "unwrap_or_else",
            "ok",
            "err",
            "next",
            "contains",
            "contains_key",
            "to_string",
            "to_owned",
            "as_str",
            "as_bytes",
            "extend",
            "clear",
            "take",
            "replace",
            "cmp",
            "eq",
            "fmt",
            "hash",
            "borrow",
            "borrow_mut",
            "lock",
            "read",
            "write",
            "entry",
            "first",
            "last",
            "split",
            "trim",
            "parse",
            "chars",
            "bytes",
            "lines",
            "sum",
            "count",
            "min",
            "max",
            "rev",
            "zip",
            "enumerate",
            "fold",
            "any",
            "all",
            "find",
            "position",
            "sort",
            "sort_by",
            "dedup",
            "truncate",
            "drain",
            "retain",
            "with",
            "ok_or",
            "map_err",
            "is_some",
            "is_none",
            "is_ok",
            "is_err",
            "default",
        ],
    };
    list.contains(&name)
}

/// Names every file of the language sees without importing them.
pub fn is_builtin(lang: Language, name: &str) -> bool {
    let list: &[&str] = match lang {
        Language::Python => PY_BUILTINS,
        Language::TypeScript | Language::Tsx | Language::JavaScript => JS_GLOBALS,
        Language::Go => GO_BUILTINS,
        Language::Rust => RUST_PRELUDE,
    };
    list.contains(&name)
}

const PY_BUILTINS: &[&str] = &[
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
    "__import__",
    "Exception",
    "ValueError",
    "TypeError",
    "KeyError",
    "IndexError",
    "RuntimeError",
    "AttributeError",
    "NotImplementedError",
    "OSError",
    "IOError",
    "StopIteration",
    "AssertionError",
    "ImportError",
    "LookupError",
    "ArithmeticError",
    "ZeroDivisionError",
    "OverflowError",
    "UnicodeError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "FileNotFoundError",
    "PermissionError",
    "TimeoutError",
    "EOFError",
    "SystemExit",
    "KeyboardInterrupt",
    "BaseException",
    "Warning",
    "DeprecationWarning",
    "UserWarning",
    "RuntimeWarning",
    "SyntaxError",
    "NameError",
    "RecursionError",
    "BufferError",
    "ConnectionError",
    "BrokenPipeError",
    "NotADirectoryError",
    "IsADirectoryError",
    "FileExistsError",
    "ChildProcessError",
    "ProcessLookupError",
    "InterruptedError",
    "BlockingIOError",
    "StopAsyncIteration",
    "GeneratorExit",
    "SystemError",
    "ReferenceError",
    "MemoryError",
    "FloatingPointError",
    "TabError",
    "IndentationError",
    "UnboundLocalError",
    "EnvironmentError",
    "PendingDeprecationWarning",
    "FutureWarning",
    "ImportWarning",
    "UnicodeWarning",
    "BytesWarning",
    "ResourceWarning",
    "EncodingWarning",
    "SyntaxWarning",
    "ExceptionGroup",
    "BaseExceptionGroup",
    "NotImplemented",
    "Ellipsis",
];

const JS_GLOBALS: &[&str] = &[
    "console",
    "Math",
    "JSON",
    "Object",
    "Array",
    "String",
    "Number",
    "Boolean",
    "Symbol",
    "BigInt",
    "Date",
    "RegExp",
    "Error",
    "TypeError",
    "RangeError",
    "SyntaxError",
    "ReferenceError",
    "EvalError",
    "URIError",
    "AggregateError",
    "Promise",
    "Map",
    "Set",
    "WeakMap",
    "WeakSet",
    "WeakRef",
    "Proxy",
    "Reflect",
    "Intl",
    "ArrayBuffer",
    "SharedArrayBuffer",
    "DataView",
    "Atomics",
    "Uint8Array",
    "Int8Array",
    "Uint16Array",
    "Int16Array",
    "Uint32Array",
    "Int32Array",
    "Float32Array",
    "Float64Array",
    "BigInt64Array",
    "BigUint64Array",
    "Uint8ClampedArray",
    "parseInt",
    "parseFloat",
    "isNaN",
    "isFinite",
    "encodeURI",
    "encodeURIComponent",
    "decodeURI",
    "decodeURIComponent",
    "setTimeout",
    "clearTimeout",
    "setInterval",
    "clearInterval",
    "setImmediate",
    "clearImmediate",
    "queueMicrotask",
    "structuredClone",
    "require",
    "process",
    "Buffer",
    "globalThis",
    "window",
    "document",
    "navigator",
    "fetch",
    "URL",
    "URLSearchParams",
    "TextEncoder",
    "TextDecoder",
    "AbortController",
    "Event",
    "EventTarget",
    "Headers",
    "Request",
    "Response",
    "FormData",
    "Blob",
    "File",
    "crypto",
    "performance",
    "atob",
    "btoa",
    "alert",
    "module",
    "exports",
    "Function",
    "Iterator",
    "eval",
    "import",
];

const GO_BUILTINS: &[&str] = &[
    "append",
    "cap",
    "clear",
    "close",
    "complex",
    "copy",
    "delete",
    "imag",
    "len",
    "make",
    "max",
    "min",
    "new",
    "panic",
    "print",
    "println",
    "real",
    "recover",
    "string",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
    "float32",
    "float64",
    "complex64",
    "complex128",
    "byte",
    "rune",
    "bool",
    "error",
    "any",
];

const RUST_PRELUDE: &[&str] = &[
    "std",
    "core",
    "alloc",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "f32",
    "f64",
    "bool",
    "char",
    "str",
    "Rc",
    "Arc",
    "Cow",
    "Some",
    "None",
    "Ok",
    "Err",
    "drop",
    "Box",
    "Vec",
    "String",
    "Option",
    "Result",
    "Default",
    "Clone",
    "ToString",
    "Into",
    "From",
    "Iterator",
    "println!",
    "print!",
    "eprintln!",
    "eprint!",
    "format!",
    "vec!",
    "panic!",
    "assert!",
    "assert_eq!",
    "assert_ne!",
    "debug_assert!",
    "debug_assert_eq!",
    "debug_assert_ne!",
    "write!",
    "writeln!",
    "unreachable!",
    "unimplemented!",
    "todo!",
    "matches!",
    "format_args!",
    "concat!",
    "stringify!",
    "include_str!",
    "include_bytes!",
    "env!",
    "option_env!",
    "cfg!",
    "line!",
    "file!",
    "column!",
    "module_path!",
    "dbg!",
    "thread_local!",
    "compile_error!",
    "debug_assert_matches!",
    "assert_matches!",
    "include!",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::lang::ImportName;

    #[test]
    fn python_module_keys_and_relative_imports() {
        assert_eq!(
            module_key(Language::Python, "shop/cart.py", ""),
            "shop.cart"
        );
        assert_eq!(module_key(Language::Python, "shop/__init__.py", ""), "shop");
        assert_eq!(module_key(Language::Python, "__init__.py", ""), "");
        let c = |path: &str, spec: &str| {
            let key = module_key(Language::Python, path, "");
            module_candidates(Language::Python, &key, path, spec)
        };
        assert_eq!(c("shop/cart.py", ".models"), ["shop.models"]);
        assert_eq!(c("shop/__init__.py", ".cart"), ["shop.cart"]);
        assert_eq!(c("shop/sub/x.py", "..cart"), ["shop.cart"]);
        assert_eq!(c("shop/cart.py", "."), ["shop"]);
        assert_eq!(c("shop/cart.py", "os.path"), ["os.path"]);
    }

    #[test]
    fn ts_specifiers_resolve_to_file_candidates() {
        let c = module_candidates(Language::TypeScript, "src/a/b.ts", "src/a/b.ts", "../c.js");
        assert_eq!(c[0], "src/c.js");
        assert!(c.contains(&"src/c.ts".to_string()));
        let c = module_candidates(Language::TypeScript, "src/b.ts", "src/b.ts", "./lib");
        assert!(c.contains(&"src/lib/index.ts".to_string()));
        assert!(c.contains(&"src/lib.tsx".to_string()));
        assert!(module_candidates(Language::TypeScript, "a.ts", "a.ts", "react").is_empty());
        let cfg = TsConfig {
            dir: "web".into(),
            base_url: Some("web/src".into()),
            paths: vec![("@app/*".into(), vec!["web/src/app/*".into()])],
        };
        let c = ts_alias_candidates(std::slice::from_ref(&cfg), "web/src/x.ts", "@app/cart");
        assert!(c.contains(&"web/src/app/cart.ts".to_string()), "{c:?}");
        let c = ts_alias_candidates(std::slice::from_ref(&cfg), "web/src/x.ts", "util/money");
        assert!(c.contains(&"web/src/util/money.ts".to_string()), "{c:?}");
        assert!(ts_alias_candidates(&[cfg], "other/x.ts", "@app/cart").is_empty());
    }

    #[test]
    fn rust_paths_and_go_package_names() {
        let c = module_candidates(
            Language::Rust,
            "shop::cart",
            "src/cart.rs",
            "crate::pricing",
        );
        assert_eq!(c, ["shop::pricing"]);
        let c = module_candidates(Language::Rust, "shop::pricing::discount", "", "super::x");
        assert_eq!(c, ["shop::pricing::x"]);
        assert_eq!(go_package_name("example.com/x/v2"), "x");
        assert_eq!(go_package_name("gopkg.in/yaml.v3"), "yaml");
        assert_eq!(go_package_name("encoding/json"), "json");
        assert_eq!(go_receiver_name("func (c *Cart) Add(p Item)"), Some("c"));
        assert_eq!(go_receiver_name("func Add()"), None);
    }

    #[test]
    fn types_and_callees_are_reduced_to_paths() {
        assert_eq!(clean_type("*pkg.Cart[T]"), "pkg.Cart");
        assert_eq!(clean_type("&mut Vec<u8>"), "Vec");
        assert_eq!(clean_type("Optional[\"Cart\"]"), "Cart");
        assert_eq!(clean_type("&'a mut One<'a>"), "One");
        assert_eq!(clean_type("'Cart'"), "Cart");
        assert_eq!(clean_type("Partial<Observer<T>>"), "Observer");
        let p = rust_type_shape("&'a mut *const u8").unwrap();
        assert_eq!((p.pointer, p.slice, p.base), ("*const", false, "u8"));
        assert!(p.is_foreign());
        assert!(rust_type_shape("*const T").unwrap().admits(&p));
        assert!(!rust_type_shape("*mut T").unwrap().admits(&p));
        assert!(!rust_type_shape("u8").unwrap().admits(&p));
        let s = rust_type_shape("&[u8]").unwrap();
        assert!(s.slice && s.is_foreign() && rust_type_shape("[u8]").unwrap().admits(&s));
        assert!(!rust_type_shape("V").unwrap().is_foreign());
        assert!(!rust_type_shape("Searcher<'a>").unwrap().is_foreign());
        let init = "(this: O, source: Observable<T>, sub?: Subscriber<Map<K, V>>) => () => void";
        assert_eq!(function_type_param(init, 0), Some("Observable<T>"));
        assert_eq!(function_type_param(init, 1), Some("Subscriber<Map<K, V>>"));
        assert_eq!(function_type_param(init, 2), None);
        assert_eq!(
            function_type_param("((x: A) => void) | undefined", 0),
            Some("A")
        );
        assert_eq!(function_type_param("<T>(x: T, y: B) => T", 1), Some("B"));
        assert_eq!(function_type_param("Handler", 0), None);
        assert_eq!(function_type_param("(x) => void", 0), None);
        assert_eq!(clean_type("Cart | None"), "Cart");
        assert_eq!(clean_return_type("(*Cart, error)"), "Cart");
        assert_eq!(element_type("List[LineItem]").as_deref(), Some("LineItem"));
        assert_eq!(element_type("Item[]").as_deref(), Some("Item"));
        assert_eq!(element_type("&[Rule]").as_deref(), Some("Rule"));
        assert_eq!(
            element_type("Vec<Box<dyn Rule>>").as_deref(),
            Some("Box<dyn Rule>")
        );
        assert_eq!(element_type("[]*Line").as_deref(), Some("*Line"));
        assert_eq!(element_type("Dict[str, int]"), None);
        assert_eq!(element_type("Cart"), None);
        assert_eq!(clean_return_type("(c *Cart, err error)"), "Cart");
        assert_eq!(clean_return_type("Result<Self, Error>"), "Self");
        assert_eq!(clean_return_type("Option<&mut Node<T>>"), "Node");
        assert_eq!(clean_return_type("Promise<Repo>"), "Repo");
        assert_eq!(
            clean_callee(Language::Rust, "Vec::<u8>::with_capacity"),
            "Vec::with_capacity"
        );
        assert_eq!(clean_callee(Language::Rust, "self::helper"), "helper");
        assert_eq!(clean_callee(Language::Go, "Map[K, V]"), "Map");
    }

    #[test]
    fn imports_bind_names() {
        let imp = Import {
            module: ".pricing".into(),
            names: vec![ImportName {
                name: "apply_discount".into(),
                alias: Some("discount".into()),
            }],
            alias: None,
            line: 1,
        };
        assert!(
            matches!(binds(Language::Python, &imp, "discount"), Binding::Member(m, n) if m == ".pricing" && n == "apply_discount")
        );
        assert!(matches!(
            binds(Language::Python, &imp, "apply_discount"),
            Binding::None
        ));
        let imp = Import {
            module: "os.path".into(),
            names: vec![],
            alias: None,
            line: 1,
        };
        assert!(matches!(binds(Language::Python, &imp, "os"), Binding::Module(m) if m == "os"));
        let imp = Import {
            module: "example.com/shop/pricing".into(),
            names: vec![],
            alias: None,
            line: 1,
        };
        assert!(matches!(
            binds(Language::Go, &imp, "pricing"),
            Binding::Module(_)
        ));
    }
}

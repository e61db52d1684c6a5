#!/usr/bin/env python3
"""Reference call edges for a Rust crate directory, from rust-analyzer.

Usage:
  python3 reference_rust.py [--out FILE] [--features F,..] [--no-default-features]
                            [--cargo-toml PATH] [--edition E] [--crate-name N]
                            [--no-ctors] [--keep-workdir] CORPUS_DIR

CORPUS_DIR is a crate source tree (src/lib.rs, optional tests/, benches/, examples/).
The corpora under /tmp/corpora/*/rust/<crate>-<version>/ hold only .rs files, so the
crate's Cargo.toml (for its edition and default features) is looked up in
~/.cargo/registry/src/*/<crate>-<version>/Cargo.toml unless --cargo-toml is given.

How it works (no cargo, no build scripts, no proc-macro expansion):
 1. copy CORPUS_DIR to a temporary work dir and write a rust-project.json there: the
    library crate (cfg `test` and the default features), and one crate per
    tests/*.rs, benches/*.rs, examples/*.rs depending on it; the sysroot from
    `rustc --print sysroot` so std types are inferred. Non-optional [dependencies]
    found in ~/.cargo/registry are added as (non-member) crates, recursively.
 2. `rust-analyzer scip WORKDIR` (timed) -> index.scip, decoded with a small built-in
    protobuf reader (no protobuf package needed).
 3. every non-definition occurrence whose symbol is defined in the corpus by
    `fn NAME` (function, method, trait method) or `macro_rules! NAME` is a candidate;
    `rust-analyzer parse` of the file gives the syntax tree, and the occurrence is a
    call site when it is the callee name of a CALL_EXPR (last path segment), the
    method name of a METHOD_CALL_EXPR, or the macro name of a MACRO_CALL. Inside a
    macro call's token tree (`assert_eq!(a.len(), 1)`), where there is no syntax tree,
    the token counts as a call when the text after it is `(`, `::<..>(` or `!`
    (in_macro: true). Tuple-struct and tuple-variant constructions `Foo(..)`,
    `E::V(..)` count too (kind ctor; the callee is the struct or the variant name,
    which the matching maps to the enum); --no-ctors leaves them out.
 4. caller = innermost FN node containing the call (closures are not callers; their
    calls belong to the enclosing fn); caller_line = line of its name; call_line =
    line where the call expression starts (the receiver for a method chain, as a
    tree-sitter call_expression starts); callee_line = line of the defining name.
 5. rust-analyzer's SCIP symbols are not unique for fn items nested in fn bodies (the
    enclosing fn is not part of the symbol) nor for methods of several impls of one
    generic trait for one type (`impl From<A> for E` and `impl From<B> for E` both
    give `impl#[E]from()`): a nested fn is picked by the fn enclosing the call, else the
    single definition not nested in a fn; a call whose symbol stays ambiguous is dropped (counted as "ambiguous" in the summary).

Output: JSON lines {"caller_file","caller_line","call_line","token_line","callee_file",
"callee_line","kind": "call"|"method"|"macro"|"ctor", "in_macro": bool, "callee_name"}; paths relative to
CORPUS_DIR, lines 1-based, caller_line null at module level. A summary (timings,
counts) goes to stderr.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None

RESERVED = {"ripgrep", "grep", "ignore", "globset", "serde_json", "bytes"}
REGISTRY_GLOB = os.path.expanduser("~/.cargo/registry/src/*/")


def crate_base(dirname):
    m = re.match(r"^(.*?)-(\d+\.\d+\.\d+.*)$", dirname)
    return (m.group(1), m.group(2)) if m else (dirname, None)


def is_reserved(name):
    return name in RESERVED or name.startswith("grep-")


# ---------------------------------------------------------------- protobuf (SCIP)

def _varint(buf, i):
    shift = 0
    result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7


def _fields(buf, start=0, end=None):
    """Yield (field number, wire type, value) of one protobuf message; value is an int
    for varints and a (start, end) slice for length-delimited fields."""
    i = start
    end = len(buf) if end is None else end
    while i < end:
        key, i = _varint(buf, i)
        field, wt = key >> 3, key & 7
        if wt == 0:
            v, i = _varint(buf, i)
            yield field, wt, v
        elif wt == 2:
            n, i = _varint(buf, i)
            yield field, wt, (i, i + n)
            i += n
        elif wt == 1:
            i += 8
        elif wt == 5:
            i += 4
        else:
            raise ValueError("unsupported wire type %d" % wt)


def decode_scip(buf):
    """Documents of a SCIP Index: [(relative_path, position_encoding,
    [(range list, symbol, roles)])]."""
    docs = []
    for f, wt, v in _fields(buf):
        if f != 2 or wt != 2:
            continue  # metadata, external_symbols
        path, enc, occs = None, 0, []
        for df, dwt, dv in _fields(buf, *v):
            if df == 1 and dwt == 2:
                path = buf[dv[0]:dv[1]].decode()
            elif df == 6 and dwt == 0:
                enc = dv
            elif df == 2 and dwt == 2:
                rng, sym, roles = [], "", 0
                for of, owt, ov in _fields(buf, *dv):
                    if of == 1:
                        if owt == 2:  # packed
                            j = ov[0]
                            while j < ov[1]:
                                x, j = _varint(buf, j)
                                rng.append(x)
                        else:
                            rng.append(ov)
                    elif of == 2 and owt == 2:
                        sym = buf[ov[0]:ov[1]].decode()
                    elif of == 3 and owt == 0:
                        roles = ov
                occs.append((rng, sym, roles))
        docs.append((path, enc, occs))
    return docs


# ---------------------------------------------------------------- project set-up

def find_registry_dir(name, version=None):
    dirs = []
    for reg in glob.glob(REGISTRY_GLOB):
        if version:
            d = os.path.join(reg, "%s-%s" % (name, version))
            if os.path.isdir(d):
                return d
        dirs += [d for d in glob.glob(os.path.join(reg, name + "-*"))
                 if re.match(re.escape(name) + r"-\d", os.path.basename(d))]

    def key(d):
        v = crate_base(os.path.basename(d))[1] or "0"
        return [int(x) if x.isdigit() else 0 for x in re.split(r"[.+-]", v)]
    return max(dirs, key=key) if dirs else None


def load_toml(path):
    if not path or not os.path.exists(path) or tomllib is None:
        return {}
    with open(path, "rb") as f:
        return tomllib.load(f)


def expand_features(manifest, wanted):
    feats = manifest.get("features", {})
    out, todo = set(), list(wanted)
    while todo:
        f = todo.pop()
        if f in out or "/" in f or f.startswith("dep:"):
            continue
        out.add(f)
        todo += feats.get(f, [])
    return out


def crate_entry(root_module, name, edition, features, deps, member, extra_cfg=()):
    cfg = list(extra_cfg) + ['feature="%s"' % f for f in sorted(features)]
    return {"display_name": name, "root_module": root_module, "edition": edition,
            "deps": deps, "cfg": cfg, "is_workspace_member": member}


def add_registry_deps(manifest, crates, index, depth=0):
    """Append non-optional [dependencies] from the registry; return rust-project deps."""
    deps = []
    if depth > 4:
        return deps
    for key, spec in manifest.get("dependencies", {}).items():
        if isinstance(spec, dict) and spec.get("optional"):
            continue
        pkg = spec.get("package", key) if isinstance(spec, dict) else key
        d = find_registry_dir(pkg)
        if not d:
            print("warning: dependency %s not in ~/.cargo/registry (unresolved)" % pkg,
                  file=sys.stderr)
            continue
        if d not in index:
            m = load_toml(os.path.join(d, "Cargo.toml"))
            lib = m.get("lib", {}).get("path", "src/lib.rs")
            sub = add_registry_deps(m, crates, index, depth + 1)
            feats = expand_features(m, ["default"])
            index[d] = len(crates)
            crates.append(crate_entry(os.path.join(d, lib), pkg.replace("-", "_"),
                                      m.get("package", {}).get("edition", "2015"),
                                      feats, sub, False))
        deps.append({"crate": index[d], "name": key.replace("-", "_")})
    return deps


def write_project(work, crate_name, edition, features, manifest):
    sysroot = subprocess.run(["rustc", "--print", "sysroot"], capture_output=True,
                             text=True, check=True).stdout.strip()
    crates, index = [], {}
    deps = add_registry_deps(manifest, crates, index)
    lib_idx = None
    if os.path.exists(os.path.join(work, "src/lib.rs")):
        lib_idx = len(crates)
        crates.append(crate_entry("src/lib.rs", crate_name, edition, features, deps, True,
                                  ["test"]))
    roots = []
    if os.path.exists(os.path.join(work, "src/main.rs")):
        roots.append("src/main.rs")
    for sub in ("src/bin", "tests", "benches", "examples"):
        roots += sorted(os.path.relpath(p, work) for p in glob.glob(os.path.join(work, sub, "*.rs")))
        roots += sorted(os.path.relpath(p, work) for p in glob.glob(os.path.join(work, sub, "*/main.rs")))
    for r in roots:
        d = list(deps)
        if lib_idx is not None:
            d.append({"crate": lib_idx, "name": crate_name})
        name = re.sub(r"\W", "_", os.path.splitext(r)[0])
        crates.append(crate_entry(r, name, edition, features, d, True, ["test"]))
    # Without sysroot_src rust-analyzer loads no std at all (every std type unknown).
    project = {"sysroot": sysroot,
               "sysroot_src": os.path.join(sysroot, "lib/rustlib/src/rust/library"),
               "crates": crates}
    with open(os.path.join(work, "rust-project.json"), "w") as f:
        json.dump(project, f, indent=1)
    return project


# ---------------------------------------------------------------- syntax trees

TREE_LINE = re.compile(r"^( *)([A-Z_0-9]+)@(\d+)\.\.(\d+)")


def parse_tree(ra, text):
    """Flat node list [(kind, start, end, parent index)] from `rust-analyzer parse`."""
    out = subprocess.run([ra, "parse"], input=text.encode(), capture_output=True, check=True).stdout
    nodes, stack = [], []  # stack of (indent, index)
    for line in out.decode("utf-8", "replace").splitlines():
        m = TREE_LINE.match(line)
        if not m:
            continue  # continuation of a multi-line token text
        ind = len(m.group(1))
        while stack and stack[-1][0] >= ind:
            stack.pop()
        parent = stack[-1][1] if stack else -1
        nodes.append((m.group(2), int(m.group(3)), int(m.group(4)), parent))
        stack.append((ind, len(nodes) - 1))
    return nodes


def analyse_tree(nodes):
    """Function spans, callee-name token -> (call start, kind), token-tree spans."""
    children = [[] for _ in nodes]
    for i, n in enumerate(nodes):
        if n[3] >= 0:
            children[n[3]].append(i)

    def child(i, kind):
        for c in children[i]:
            if nodes[c][0] == kind:
                return c
        return None

    def last_segment_name(path_i):
        seg = child(path_i, "PATH_SEGMENT")
        if seg is None:
            return None
        nr = child(seg, "NAME_REF")
        return nodes[nr][1] if nr is not None else None

    fns, calls, trees = [], {}, []
    for i, (kind, s, e, _p) in enumerate(nodes):
        if kind == "FN":
            nm = child(i, "NAME")
            fns.append((s, e, nodes[nm][1] if nm is not None else s))
        elif kind == "CALL_EXPR":
            f = children[i][0] if children[i] else None
            if f is not None and nodes[f][0] == "PATH_EXPR":
                p = child(f, "PATH")
                tok = last_segment_name(p) if p is not None else None
                if tok is not None:
                    calls[tok] = (s, "call")
        elif kind == "METHOD_CALL_EXPR":
            nr = child(i, "NAME_REF")
            if nr is not None:
                calls[nodes[nr][1]] = (s, "method")
        elif kind == "MACRO_CALL":
            p = child(i, "PATH")
            tok = last_segment_name(p) if p is not None else None
            if tok is not None:
                calls[tok] = (s, "macro")
            tt = child(i, "TOKEN_TREE")
            if tt is not None:
                trees.append((nodes[tt][1], nodes[tt][2]))
    return fns, calls, trees


CALL_AFTER = re.compile(rb"\s*(?:::\s*<[^;{}()]*?>\s*)?\(")


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus_dir")
    ap.add_argument("--out")
    ap.add_argument("--crate-name")
    ap.add_argument("--cargo-toml")
    ap.add_argument("--edition")
    ap.add_argument("--features", default="")
    ap.add_argument("--no-default-features", action="store_true")
    ap.add_argument("--no-ctors", dest="ctors", action="store_false",
                    help="leave out tuple-struct and tuple-variant constructions Foo(..), "
                         "E::V(..) (kind ctor; emitted by default)")
    ap.add_argument("--rust-analyzer", default=os.environ.get("RUST_ANALYZER", "rust-analyzer"))
    ap.add_argument("--keep-workdir", action="store_true")
    a = ap.parse_args()

    root = os.path.abspath(a.corpus_dir)
    base, version = crate_base(os.path.basename(root.rstrip("/")))
    if is_reserved(base):
        print("excluded reserved crate %s: not used for reference edges" % base, file=sys.stderr)
        return 3
    toml_path = a.cargo_toml
    if not toml_path:
        d = find_registry_dir(base, version)
        toml_path = os.path.join(d, "Cargo.toml") if d and (version is None or d.endswith(version)) else None
    manifest = load_toml(toml_path)
    pkg = manifest.get("package", {})
    crate_name = a.crate_name or manifest.get("lib", {}).get("name") or base.replace("-", "_")
    edition = a.edition or pkg.get("edition", "2021")
    wanted = [] if a.no_default_features else ["default"]
    wanted += [f for f in a.features.split(",") if f]
    features = expand_features(manifest, wanted)
    if not manifest:
        features |= set(wanted) - {"default"}
        print("warning: no Cargo.toml found; edition %s, features %s" % (edition, sorted(features)),
              file=sys.stderr)

    work = tempfile.mkdtemp(prefix="leindex-ra-")
    stats = {"corpus": root, "crate": crate_name, "edition": edition,
             "features": sorted(features), "cargo_toml": toml_path}
    try:
        shutil.copytree(root, os.path.join(work, "c"), ignore=shutil.ignore_patterns("target", ".git"))
        work_c = os.path.join(work, "c")
        project = write_project(work_c, crate_name, edition, features, manifest)
        stats["crates_in_project"] = len(project["crates"])
        ver = subprocess.run([a.rust_analyzer, "--version"], capture_output=True, text=True).stdout.strip()
        stats["rust_analyzer"] = ver
        scip = os.path.join(work, "index.scip")
        t0 = time.time()
        r = subprocess.run([a.rust_analyzer, "scip", work_c, "--output", scip],
                           capture_output=True, text=True)
        stats["scip_seconds"] = round(time.time() - t0, 2)
        if r.returncode != 0 or not os.path.exists(scip):
            print(r.stderr[-4000:], file=sys.stderr)
            return 1
        with open(scip, "rb") as f:
            docs = decode_scip(f.read())

        texts = {}

        def text_of(rel):
            if rel not in texts:
                p = os.path.join(root, rel)
                texts[rel] = open(p, "rb").read() if os.path.isfile(p) else None
            return texts[rel]

        def line_starts(rel):
            t = text_of(rel)
            starts = [0]
            for m in re.finditer(b"\n", t):
                starts.append(m.end())
            return starts

        starts_cache = {}

        def to_offset(rel, line, col, enc):
            if rel not in starts_cache:
                starts_cache[rel] = line_starts(rel)
            st = starts_cache[rel]
            ls = st[line]
            if enc in (0, 1):  # UTF-8 code units (rust-analyzer's default for SCIP)
                return ls + col
            le = st[line + 1] if line + 1 < len(st) else len(texts[rel])
            s = texts[rel][ls:le].decode("utf-8", "replace")
            units = 0
            for k, ch in enumerate(s):
                if units >= col:
                    return ls + len(s[:k].encode())
                units += (2 if ord(ch) > 0xFFFF else 1) if enc == 2 else 1
            return ls + len(s.encode())

        def line_of(rel, off):
            st = starts_cache.setdefault(rel, line_starts(rel))
            lo, hi = 0, len(st) - 1
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if st[mid] <= off:
                    lo = mid
                else:
                    hi = mid - 1
            return lo + 1

        variant_cache = {}

        def tuple_variants(rel):
            """Offsets of the names of the tuple variants (`A(T)`) of enums in a file."""
            if rel not in variant_cache:
                nodes = parse_tree(a.rust_analyzer, texts[rel].decode("utf-8", "replace"))
                kids = {}
                for i, n in enumerate(nodes):
                    kids.setdefault(n[3], []).append(i)
                out = set()
                for i, n in enumerate(nodes):
                    if n[0] == "VARIANT":
                        ks = [nodes[k] for k in kids.get(i, [])]
                        if any(k[0] == "TUPLE_FIELD_LIST" for k in ks):
                            out.update(k[1] for k in ks if k[0] == "NAME")
                variant_cache[rel] = out
            return variant_cache[rel]

        # Definitions in the corpus: symbol -> [(file, offset, kind)]
        defs = {}
        for rel, enc, occs in docs:
            if not rel or text_of(rel) is None:
                continue
            t = texts[rel]
            for rng, sym, roles in occs:
                if not roles & 1 or not sym:
                    continue
                key = (rel, sym) if sym.startswith("local ") else sym
                off = to_offset(rel, rng[0], rng[1], enc)
                before = t[max(0, off - 64):off].rstrip()
                if re.search(rb"(?:^|\W)fn$", before):
                    kind = "fn"
                elif before.endswith(b"macro_rules!"):
                    kind = "macro"
                elif re.search(rb"(?:^|\W)struct$", before):
                    kind = "struct"
                elif not sym.startswith("local ") and sym.endswith("#") and \
                        re.match(rb"[A-Za-z0-9_]+\s*\(", t[off:off + 200]) and \
                        off in tuple_variants(rel):
                    kind = "struct"  # tuple enum variant: constructed like a tuple struct
                else:
                    continue
                if (rel, off, kind) not in defs.setdefault(key, []):
                    defs[key].append((rel, off, kind))

        edges, seen = [], set()
        counts = {"candidates": 0, "calls": 0, "in_macro": 0, "not_call": 0, "ambiguous": 0}
        for rel, enc, occs in docs:
            if not rel or text_of(rel) is None:
                continue
            t = texts[rel]
            cands = []
            for rng, sym, roles in occs:
                if roles & 1 or not sym:
                    continue
                ds = defs.get((rel, sym) if sym.startswith("local ") else sym)
                if not ds or (ds[0][2] == "struct" and not a.ctors):
                    continue
                cands.append((to_offset(rel, rng[0], rng[1], enc), ds))
            if not cands:
                continue
            counts["candidates"] += len(cands)
            fns, calls, trees = analyse_tree(parse_tree(a.rust_analyzer, t.decode("utf-8", "replace")))
            # The parse tree counts bytes of the text as decoded/re-encoded; identical
            # for valid UTF-8 sources.

            def enclosing_fn(o, exclude_name_at=None):
                inner = [f for f in fns if f[0] <= o < f[1] and f[2] != exclude_name_at]
                return max(inner, key=lambda f: f[0]) if inner else None

            def pick(off, ds):
                """One definition for a symbol rust-analyzer defines more than once.
                Its SCIP symbols drop the enclosing fn of a nested `fn` item (every
                `fn imp()` nested in a module's functions is `module/imp().`) and the
                trait of an impl method (`impl#[Error]from()` for each From impl).
                Nested fns: take the one whose enclosing fn encloses the call,
                innermost. Otherwise ambiguous: dropped."""
                if len(ds) == 1:
                    return ds[0]
                best, best_start, top = None, -1, []
                for d in ds:
                    f = enclosing_fn(d[1], exclude_name_at=d[1]) if d[0] == rel else None
                    if f is None:
                        top.append(d)  # not nested in a fn (a nested fn elsewhere is out of reach)
                    elif f[0] <= off < f[1] and f[0] > best_start:
                        best, best_start = d, f[0]
                if best is None and len(top) == 1:
                    best = top[0]
                if best is None:
                    counts["ambiguous"] += 1
                return best

            for off, ds in cands:
                picked = pick(off, ds)
                if picked is None:
                    continue
                dfile, doff, dkind = picked
                hit = calls.get(off)
                in_macro = False
                if hit is None:
                    if not any(s <= off < e for s, e in trees):
                        counts["not_call"] += 1
                        continue
                    m = re.match(rb"[A-Za-z0-9_]+", t[off:])
                    tail = t[off + (m.end() if m else 0):]
                    if dkind == "macro":
                        if not tail.startswith(b"!"):
                            counts["not_call"] += 1
                            continue
                    elif not CALL_AFTER.match(tail):
                        counts["not_call"] += 1
                        continue
                    before = t[max(0, off - 2):off]
                    hit = (off, "method" if before.endswith(b".") else ("macro" if dkind == "macro" else "call"))
                    in_macro = True
                call_start, ckind = hit
                if dkind == "struct":
                    if ckind != "call":
                        continue
                    ckind = "ctor"
                elif (dkind == "macro") != (ckind == "macro"):
                    continue
                caller = enclosing_fn(off)
                rec = {
                    "caller_file": rel,
                    "caller_line": line_of(rel, caller[2]) if caller else None,
                    "call_line": line_of(rel, call_start),
                    "token_line": line_of(rel, off),
                    "callee_file": dfile,
                    "callee_line": line_of(dfile, doff),
                    "kind": ckind,
                    "in_macro": in_macro,
                    "callee_name": (re.match(rb"[A-Za-z0-9_]*", texts[dfile][doff:]).group(0).decode()),
                }
                k = (rel, off, dfile, doff)
                if k in seen:
                    continue
                seen.add(k)
                counts["calls"] += 1
                counts["in_macro"] += in_macro
                edges.append(rec)
        edges.sort(key=lambda r: (r["caller_file"], r["call_line"], r["callee_file"], r["callee_line"]))
        out = "".join(json.dumps(e) + "\n" for e in edges)
        if a.out:
            with open(a.out, "w") as f:
                f.write(out)
        else:
            sys.stdout.write(out)
        stats.update(counts)
        stats["documents"] = sum(1 for d in docs if d[0] and text_of(d[0]) is not None)
        stats["definitions"] = len(defs)
        stats["edges"] = len(edges)
        print(json.dumps(stats), file=sys.stderr)
        return 0
    finally:
        if a.keep_workdir:
            print("workdir kept: %s" % work, file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

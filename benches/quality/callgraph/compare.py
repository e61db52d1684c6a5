#!/usr/bin/env python3
"""Call-graph quality check: leindex's resolved `calls` edges against trusted analyzers.

    python:  jedi goto (reference_python.py) on CPython standard-library packages
    go:      golang.org/x/tools callgraph -algo=static (and -algo=cha for interface
             dispatch, reported apart) on Go standard-library packages (reference_go.py)

Both sides are reduced to caller->callee pairs of leindex function/method nodes (Python
constructors: the class's __init__, or the class when it has none). A reference endpoint
(file, def line) maps to the innermost leindex node of the right kind whose
[line, end_line] contains that line.

    recall    = reference pairs that leindex also has / reference pairs
    precision = leindex pairs also in the reference / leindex pairs from call sites the
                reference resolved (same caller, same call line, some in-corpus callee)

per confidence level, cumulative (exact; +import; +dynamic; +name). See README.md.
"""
import argparse
import ast
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dispatch import Dispatch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
DEFAULT_LEINDEX = os.path.join(REPO, "target", "release", "leindex")
VENV = os.environ.get("LEINDEX_CALLGRAPH_VENV", "/tmp/leindex-callgraph-venv")
CACHE = os.environ.get("LEINDEX_CALLGRAPH_CACHE", "/tmp/leindex-callgraph-cache")

LEVELS = ["exact", "import", "dynamic", "name"]
FUNC_KINDS = {"function", "method"}
CLASS_KINDS = {"class"}

# Reserved packages: never used for quality measurement; dropped wherever a path component
# names them (crate directories may carry a -<version> suffix).
RESERVED = {
    "python": ["rich", "requests", "flask", "httpx"],
    "typescript": ["graphql", "zod", "ky", "express"],
    "go": ["expr", "cobra", "gjson", "mux"],
    "rust": ["ripgrep", "grep", "grep-*", "ignore", "globset", "serde_json", "bytes"],
}
_RESERVED_RE = re.compile(
    r"^(?:%s)(?:-v?\d[\w.+-]*)?(?:\.py|\.go)?$" % "|".join(
        re.escape(n[:-2]) + r"-[A-Za-z0-9_]+" if n.endswith("-*") else re.escape(n)
        for names in RESERVED.values() for n in names),
    re.IGNORECASE)

# CPython standard library: self-contained packages and large modules (~220 files).
PY_STDLIB_PACKAGES = [
    "json", "email", "http", "logging", "asyncio", "concurrent", "urllib", "xml", "unittest",
    "importlib", "collections", "tomllib", "wsgiref", "html", "zoneinfo", "re",
    "argparse.py", "dataclasses.py", "textwrap.py", "shutil.py", "tempfile.py",
    "configparser.py", "subprocess.py", "inspect.py", "pathlib.py", "enum.py",
    "functools.py", "string.py", "ast.py", "tokenize.py", "selectors.py",
    "socketserver.py", "smtplib.py", "csv.py", "pprint.py", "difflib.py", "optparse.py",
    "gettext.py", "mailbox.py",
]
# Go standard library packages (GOROOT/src, module "std"); ~250 files for linux/amd64.
GO_STD_PACKAGES = [
    "strings", "bytes", "bufio", "errors", "io", "sort", "strconv", "fmt", "flag", "path",
    "path/filepath", "unicode/utf8", "unicode/utf16", "container/list", "container/heap",
    "encoding/json", "encoding/xml", "encoding/csv", "encoding/base64", "net/url", "mime",
    "mime/multipart", "text/template", "text/template/parse", "html/template", "regexp",
    "regexp/syntax", "go/ast", "go/parser", "go/scanner", "go/token", "go/printer",
    "go/format", "go/doc", "go/constant", "go/types", "archive/tar", "archive/zip",
    "compress/flate", "compress/gzip", "image", "image/png",
]
SKIP_DIRS = {"test", "tests", "idle_test", "__pycache__", "testdata", ".leindex", "site-packages"}


def is_reserved(relpath):
    return any(_RESERVED_RE.match(p) for p in relpath.split("/"))


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- corpus


def python_files(src, packages):
    files, excluded = [], []
    for pkg in packages:
        if is_reserved(pkg):
            excluded.append(pkg)
            continue
        p = os.path.join(src, pkg)
        if os.path.isfile(p):
            files.append(pkg)
            continue
        for dp, dn, fn in os.walk(p):
            dn[:] = sorted(d for d in dn if d not in SKIP_DIRS and not d.startswith("."))
            for n in sorted(fn):
                if n.endswith(".py"):
                    rel = os.path.relpath(os.path.join(dp, n), src).replace(os.sep, "/")
                    if is_reserved(rel):
                        excluded.append(rel)
                    else:
                        files.append(rel)
    return files, excluded


def corpus_packages(src):
    """Top-level package dirs/modules of a corpus dir like /tmp/corpora/medium/python."""
    return sorted(n for n in os.listdir(src) if not n.startswith(".")
                  and (os.path.isdir(os.path.join(src, n)) or n.endswith(".py")))


def sample(files, n, seed):
    if not n or len(files) <= n:
        return sorted(files)
    return sorted(random.Random("%s" % seed).sample(sorted(files), n))


# --------------------------------------------------------------------------- references


def _cached(kind, key_obj, produce):
    os.makedirs(CACHE, exist_ok=True)
    h = hashlib.sha256(json.dumps(key_obj, sort_keys=True).encode()).hexdigest()[:16]
    path = os.path.join(CACHE, "%s-%s.jsonl" % (kind, h))
    if not os.path.exists(path):
        tmp = path + ".part"
        produce(tmp)
        os.replace(tmp, path)
    else:
        log("[ref] cached %s" % path)
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()], path


def python_reference(src, files, args):
    py = args.python or os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        sys.exit("no jedi venv at %s: run benches/quality/callgraph/setup.sh" % VENV)
    jedi_ver = subprocess.check_output([py, "-c", "import jedi;print(jedi.__version__)"], text=True).strip()
    script = os.path.join(HERE, "reference_python.py")
    with open(script, "rb") as f:
        script_hash = hashlib.sha256(f.read()).hexdigest()[:12]
    key = {"src": os.path.realpath(src), "files": files, "jedi": jedi_ver, "script": script_hash,
           "dyn": args.dynamic_params}

    def produce(out):
        lst = out + ".files"
        with open(lst, "w") as f:
            f.write("".join(x + "\n" for x in files))
        cmd = [py, script, src, "--files-from", lst, "--out", out, "--jobs", str(args.jobs),
               "--dynamic-params", args.dynamic_params]
        if not args.verbose:
            cmd.append("--quiet")
        log("[ref] " + " ".join(cmd))
        subprocess.run(cmd, check=True)
        os.unlink(lst)

    if args.no_cache:
        key["nonce"] = time.time()
    recs, path = _cached("python", key, produce)
    return recs, "jedi %s (Script.goto, follow_imports=True, dynamic params: %s)" % (
        jedi_ver, args.dynamic_params), path


def go_reference(src, pkgs, files, algo, args):
    sys.path.insert(0, HERE)
    import reference_go

    ver = subprocess.check_output(["go", "env", "GOVERSION"], text=True).strip()
    key = {"src": os.path.realpath(src), "pkgs": pkgs, "files": files, "algo": algo, "go": ver}
    with open(os.path.join(HERE, "reference_go.py"), "rb") as f:
        key["script"] = hashlib.sha256(f.read()).hexdigest()[:12]
    if args.no_cache:
        key["nonce"] = time.time()

    def produce(out):
        log("[ref] callgraph -algo=%s on %d packages" % (algo, len(pkgs)))
        with open(out, "w") as f:
            for rec in reference_go.run(src, pkgs, algo, set(files)):
                f.write(json.dumps(rec, sort_keys=True) + "\n")

    recs, path = _cached("go-" + algo, key, produce)
    return recs, "%s, golang.org/x/tools callgraph (Debian golang-golang-x-tools %s) -algo=%s" % (
        ver, _dpkg_version("golang-golang-x-tools"), algo), path


def _dpkg_version(pkg):
    try:
        return subprocess.check_output(["dpkg-query", "-W", "-f=${Version}", pkg], text=True,
                                       stderr=subprocess.DEVNULL).strip()
    except Exception:  # noqa: BLE001
        return "?"


# --------------------------------------------------------------------------- leindex


def run_leindex(binary, src, files, lang, keep, go_mod=False):
    tmp = tempfile.mkdtemp(prefix="leindex-callgraph-")
    for rel in files:
        dst = os.path.join(tmp, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(os.path.join(src, rel), dst)
    # GOROOT/src/go.mod says `module std`, yet std's import paths carry no module prefix
    # ("unicode/utf8", not "std/unicode/utf8"): copied, it makes leindex name every package
    # std/... and miss every cross-package call. Left out by default; --go-mod copies it.
    if lang == "go" and go_mod and os.path.exists(os.path.join(src, "go.mod")):
        shutil.copyfile(os.path.join(src, "go.mod"), os.path.join(tmp, "go.mod"))
    t0 = time.time()
    subprocess.run([binary, "index", "-q", tmp], check=True)
    t1 = time.time()
    out = subprocess.run([binary, "graph", "--json", "--root", tmp], check=True,
                         stdout=subprocess.PIPE).stdout
    log("[leindex] index %.1fs, graph %.1fs, %s" % (t1 - t0, time.time() - t1, tmp))
    if not keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return json.loads(out)


class Graph:
    def __init__(self, doc):
        self.nodes = {n["id"]: n for n in doc["nodes"]}
        # Nodes of one file with the same qualified name (a def under `if/else`, Go
        # per-platform variants) are one node: every id maps to the first.
        first = {}
        self.canon = {}
        for n in doc["nodes"]:
            self.canon[n["id"]] = first.setdefault((n.get("file"), n.get("qualified_name")), n["id"])
        self.by_file = defaultdict(list)
        for n in doc["nodes"]:
            if n.get("file") and n.get("line") is not None:
                self.by_file[n["file"]].append(n)
        self.edges = []
        for e in doc["edges"]:
            if e.get("kind") != "calls":
                continue
            e = dict(e)
            if e.get("src") is not None:
                e["src"] = self.canon.get(e["src"], e["src"])
            if e.get("dst") is not None:
                e["dst"] = self.canon.get(e["dst"], e["dst"])
            self.edges.append(e)
        self.other_edges = Counter(e.get("kind") for e in doc["edges"] if e.get("kind") != "calls")
        self.dispatch = Dispatch(doc)

    def innermost(self, file, line, kinds):
        best = None
        for n in self.by_file.get(file, ()):
            if n["kind"] in kinds and n["line"] <= line <= (n.get("end_line") or n["line"]):
                span = (n.get("end_line") or n["line"]) - n["line"]
                if best is None or span < best[0] or (span == best[0] and n["line"] > best[1]["line"]):
                    best = (span, n)
        return self.canon[best[1]["id"]] if best else None


# --------------------------------------------------------------------------- comparison


class Src:
    """Source lines of the corpus files, and the names each file imports."""

    def __init__(self, root, lang):
        self.root, self.lang = root, lang
        self._lines, self._imports = {}, {}

    def line(self, file, n):
        if file not in self._lines:
            try:
                with open(os.path.join(self.root, file), encoding="utf-8", errors="replace") as f:
                    self._lines[file] = f.read().splitlines()
            except OSError:
                self._lines[file] = []
        ls = self._lines[file]
        return ls[n - 1] if n and 0 < n <= len(ls) else ""

    def imports(self, file):
        if file in self._imports:
            return self._imports[file]
        names = set()
        self.line(file, 1)
        text = "\n".join(self._lines.get(file, []))
        if self.lang == "python":
            try:
                for node in ast.walk(ast.parse(text)):
                    if isinstance(node, ast.Import):
                        for a in node.names:
                            names.add(a.asname or a.name.split(".")[0])
            except SyntaxError:
                pass
        else:
            for m in re.finditer(r'^\s*(?:import\s+)?(?:(\w+|\.)\s+)?"([\w./-]+)"', text, re.M):
                names.add(m.group(1) or m.group(2).rsplit("/", 1)[-1])
        self._imports[file] = names
        return names


def call_form(srcs, lang, file, line, name):
    """Syntactic form of the call `...name(` on that line, for grouping misses."""
    text = srcs.line(file, line)
    if not name:
        return "?"
    name = name.rsplit(".", 1)[-1].split("[")[0].strip("()*")
    m = None
    for m in re.finditer(r"(?<![\w.])((?:[\w\]\)]+\s*\.\s*)*)%s\s*(?:\[[^\]]*\]\s*)?\(" % re.escape(name), text):
        break
    if m is None:
        # receiver on a previous line (a.\n b()) or the name is not followed by '('
        return "multi-line/other"
    recv = re.sub(r"\s+", "", m.group(1))
    if not recv:
        return "plain name()"
    first = recv.split(".")[0]
    if lang == "python":
        if recv == "self.":
            return "self.method()"
        if recv == "cls.":
            return "cls.method()"
        if recv.startswith("super()"):
            return "super().method()"
        if first.endswith(")") or first.endswith("]"):
            return "call/index result .method()"
        if first in srcs.imports(file):
            return "module.func()"
        if recv.startswith("self."):
            return "self.attr.method()"
        if recv.count(".") > 1:
            return "a.b.method()"
        if first[:1].isupper():
            return "Class.method()"
        return "local/param.method()"
    if first.endswith(")") or first.endswith("]"):
        return "call/index result .Method()"
    if recv.count(".") == 1 and first in srcs.imports(file):
        return "pkg.Func()"
    if recv.count(".") > 1:
        return "a.b.Method()"
    return "recv.Method()"


def last_ident(text):
    """Last identifier of a callee text: '(*go/types.Checker).expr' -> 'expr',
    'slices.Index[int]' -> 'Index', 'a.b[i].f' -> 'f', 'func() {...}' -> None."""
    if not text:
        return None
    t = text.strip()
    if t.endswith("]") and "[" in t:
        t = t[:t.rindex("[")]
    m = re.search(r"([A-Za-z_]\w*)\W*$", t)
    return m.group(1) if m else None


def ref_name(r):
    return last_ident(r.get("callee_name"))


def args_files(args):
    f = getattr(args, "files", None)
    if f and not isinstance(f, set):
        args.files = f = set(f)
    return f


def compare(lang, graph, refs, srcs, args):
    """Match reference records against leindex call edges.

    A call site is (caller, line, callee name): several calls often share a line
    (`f(g(x))`), so the name tells them apart. The reference's name is the callee token
    (python) or the callee function's name (go); leindex's is the resolved node's name
    (plus the class name for a constructor resolved to __init__) or, for an unresolved
    edge, the last identifier of its target text."""
    g = graph
    unmapped = Counter()

    def ref_caller(r):
        if r.get("caller_line") is None:
            return ("mod", r["caller_file"])
        nid = g.innermost(r["caller_file"], r["caller_line"], FUNC_KINDS)
        if nid is None:
            if "$" in (r.get("caller_name") or ""):
                return ("mod", r["caller_file"])  # Go func literal at package level
            return ("missing", r["caller_file"], r["caller_line"])
        return ("node", nid)

    def ref_callee(r):
        kinds = CLASS_KINDS if r.get("callee_kind") == "class" else FUNC_KINDS
        nid = g.innermost(r["callee_file"], r["callee_line"], kinds)
        if nid is None:
            return ("missing", r["callee_file"], r["callee_line"])
        return ("node", nid)

    def le_caller(e):
        n = g.nodes.get(e.get("src")) if e.get("src") is not None else None
        if n is None or n["kind"] not in FUNC_KINDS:
            return ("mod", e["file"])
        return ("node", n["id"])

    def le_names(e):
        if e.get("dst") is None:
            n = last_ident(e.get("target"))
            return {n} if n else set()
        n = g.nodes.get(e["dst"])
        if n is None:
            return set()
        names = {n["name"]}
        if n["name"] == "__init__":
            q = (n.get("qualified_name") or "").split("::")[-1].split(".")
            if len(q) >= 2:
                names.add(q[-2])
        return names

    dst_kinds = FUNC_KINDS | (CLASS_KINDS if lang == "python" else set())

    # ---- reference: pairs; call sites (caller, line, name) -> callee keys
    ref_pairs = set()
    ref_site = defaultdict(set)        # (caller, line, name) -> callee keys
    ref_cl = defaultdict(set)          # (caller, line) -> callee keys (any name)
    ref_edges = []                     # (caller, call_line, token_line, callee, rec)
    ext_sites = set()                  # (caller, line, name) resolved outside the corpus only
    for r in refs:
        if r.get("callee_file") is not None and args_files(args) and r["callee_file"] not in args_files(args):
            r = dict(r, callee_file=None, callee_line=None)  # resolved into a file not in the sample
        caller = ref_caller(r)
        lines = {r["call_line"], r.get("token_line") or r["call_line"]}
        name = ref_name(r)
        if r.get("callee_file") is None:
            for l in lines:
                ext_sites.add((caller, l, name))
            continue
        callee = ref_callee(r)
        if caller[0] == "missing":
            unmapped["caller def has no leindex function node"] += 1
        if callee[0] == "missing":
            unmapped["callee def has no leindex %s node" % (
                "class" if r.get("callee_kind") == "class" else "function")] += 1
        ref_pairs.add((caller, callee))
        for l in lines:
            ref_site[(caller, l, name)].add(callee)
            ref_cl[(caller, l)].add(callee)
        ref_edges.append((caller, r["call_line"], r.get("token_line") or r["call_line"], callee, r))
    ext_sites -= set(ref_site)

    # ---- leindex edges
    le_by_level = defaultdict(list)    # level -> [(caller, line, dst, edge, verdict)]
    le_at_line = defaultdict(list)     # (file, line) -> edges (any src, any dst)
    for e in g.edges:
        le_at_line[(e["file"], e["line"])].append(e)
    dst_other = Counter()
    for e in g.edges:
        if e.get("dst") is None:
            continue
        dn = g.nodes.get(e["dst"])
        if dn is None or dn["kind"] not in dst_kinds:
            dst_other[dn["kind"] if dn else "?"] += 1
            continue
        c, l, d = le_caller(e), e["line"], ("node", e["dst"])
        want = set()
        judged = d in ref_cl.get((c, l), ())
        for n in le_names(e):
            if (c, l, n) in ref_site:
                judged = True
                want |= ref_site[(c, l, n)]
        if judged:
            verdict = "correct" if d in want or d in ref_cl.get((c, l), ()) else "wrong"
        elif any((c, l, n) in ext_sites for n in le_names(e)):
            verdict = "external"
        else:
            verdict = "unjudged"
        le_by_level[e.get("confidence")].append((c, l, d, e, verdict, want))

    # Dispatch-aware: a wrong edge (c, l) -> X is correct by dispatch when a callee R the
    # reference gives at that call has X's name and X's enclosing type is a transitive
    # subtype of R's by leindex's inherits/implements edges (dispatch.py).
    dispatch_ok = {}                   # (c, l, d) -> qualified-name fallback used
    for lvl in LEVELS:
        for c, l, d, e, v, want in le_by_level.get(lvl, []):
            if v != "wrong":
                continue
            for r in sorted(want | ref_cl.get((c, l), set()), key=str):
                if r[0] == "node":
                    ok, fallback = g.dispatch.is_dispatch(d[1], r[1])
                    if ok:
                        dispatch_ok[(c, l, d)] = dispatch_ok.get((c, l, d), True) and fallback

    rows, site_rows = [], []
    cum = []
    for i, lvl in enumerate(LEVELS):
        cum = cum + le_by_level.get(lvl, [])
        label = ("+" if i else "") + lvl
        pairs = {(c, d) for c, l, d, e, v, w in cum}
        judged = {(c, d) for c, l, d, e, v, w in cum if v in ("correct", "wrong")}
        ext = {(c, d) for c, l, d, e, v, w in cum if v == "external"} - judged
        tp_r = len(ref_pairs & pairs)
        tp_p = len(judged & ref_pairs)
        tp_d = tp_p + len({(c, d) for c, l, d, e, v, w in cum if v == "wrong" and (c, l, d) in dispatch_ok}
                          - ref_pairs)
        rows.append({
            "level": label, "ref_pairs": len(ref_pairs), "le_pairs": len(pairs),
            "found": tp_r, "recall": tp_r / len(ref_pairs) if ref_pairs else None,
            "judged_pairs": len(judged), "correct": tp_p,
            "precision": tp_p / len(judged) if judged else None,
            "correct_dispatch_aware": tp_d,
            "precision_dispatch_aware": tp_d / len(judged) if judged else None,
            "unjudged_pairs": len(pairs - judged - ext), "pairs_at_external_sites": len(ext),
        })
        have = {(c, l, d) for c, l, d, e, v, w in cum}
        found = sum(1 for c, l1, l2, d, _ in ref_edges if (c, l1, d) in have or (c, l2, d) in have)
        sj = {(c, l, d): v for c, l, d, e, v, w in cum if v in ("correct", "wrong")}
        correct = sum(1 for v in sj.values() if v == "correct")
        correct_d = sum(1 for k, v in sj.items() if v == "correct" or k in dispatch_ok)
        site_rows.append({"level": label, "ref_site_edges": len(ref_edges), "found": found,
                          "recall": found / len(ref_edges) if ref_edges else None,
                          "judged": len(sj), "correct": correct,
                          "precision": correct / len(sj) if sj else None,
                          "correct_dispatch_aware": correct_d,
                          "precision_dispatch_aware": correct_d / len(sj) if sj else None,
                          "external": len({(c, l, d) for c, l, d, e, v, w in cum if v == "external"})})

    def qn(key):
        if key[0] == "node":
            n = g.nodes[key[1]]
            return n.get("qualified_name") or n.get("name")
        if key[0] == "mod":
            return "<module %s>" % key[1]
        return "<no leindex node at %s:%s>" % (key[1], key[2])

    # ---- false negatives (site level, all levels)
    have = {(c, l, d) for lvl in LEVELS for c, l, d, e, v, w in le_by_level.get(lvl, [])}
    fn = defaultdict(list)
    for c, l1, l2, d, r in ref_edges:
        if (c, l1, d) in have or (c, l2, d) in have:
            continue
        name = ref_name(r)
        form = call_form(srcs, lang, r["caller_file"], l2, r.get("callee_name"))
        if c[0] == "missing":
            cat = "caller def is no leindex function node"
        elif d[0] == "missing":
            cat = "callee def is no leindex node"
        else:
            here = [e for l in sorted({l1, l2}) for e in le_at_line.get((r["caller_file"], l), [])
                    if e.get("kind") == "calls"]
            named = [e for e in here if name in le_names(e)]
            mine = [e for e in named if le_caller(e) == c]
            near = [e for dl in (-3, -2, -1, 1, 2, 3) for e in le_at_line.get((r["caller_file"], l1 + dl), [])
                    if le_caller(e) == c and e.get("dst") == d[1]]
            if near:
                cat = "found at another line (call line convention)"
            elif not named:
                cat = "no leindex call edge of that name at this line" if here else "no leindex call edge at this line"
            elif not mine:
                cat = "leindex has the call under another caller"
            elif any(e.get("dst") is not None for e in mine):
                cat = "resolved to another callee"
            else:
                cat = "unresolved in leindex (dst null)"
        fn[(cat, form)].append((r, c, d, l1))

    # ---- false positives: judged wrong, or at a site the reference resolved outside
    fp = defaultdict(list)
    for lvl in LEVELS:
        for c, l, d, e, v, want in le_by_level.get(lvl, []):
            if v == "wrong":
                fp[(lvl, "wrong callee at a call the reference resolved" + (
                    " (correct by dispatch)" if (c, l, d) in dispatch_ok else ""))].append((e, c, d, want))
            elif v == "external":
                fp[(lvl, "in-corpus callee where the reference resolved OUTSIDE the corpus")].append((e, c, d, None))

    return {
        "rows": rows, "site_rows": site_rows, "unmapped": unmapped, "dst_other": dst_other,
        "fn": fn, "fp": fp, "qn": qn, "ref_sites": len(ref_site), "ext_sites": len(ext_sites),
        "ref_edges": len(ref_edges), "ref_pairs": len(ref_pairs), "le_names": le_names,
        "le_caller": le_caller, "dispatch_ok": dispatch_ok,
    }


def dynamic_dispatch(graph, cha_refs, res):
    """Interface method call sites (CHA's "dynamic method call" edges): what does leindex
    resolve there? Calls of func values are counted apart (their callee names differ from
    the call's)."""
    g = graph
    sites = defaultdict(set)
    funcvalue_sites = set()
    for r in cha_refs:
        if r.get("dynamic") != "dynamic" or r.get("callee_file") is None:
            continue
        if "method" not in (r.get("description") or ""):
            funcvalue_sites.add((r["caller_file"], r["call_line"]))
            continue
        nid = g.innermost(r["callee_file"], r["callee_line"], FUNC_KINDS)
        sites[(r["caller_file"], r["call_line"], ref_name(r))].add(nid)

    def iface_decl(nid):
        n = g.nodes[nid]
        return g.innermost(n["file"], n["line"], {"interface"}) is not None

    counts = Counter()
    examples = defaultdict(list)
    for (f, l, name), targets in sorted(sites.items(), key=str):
        es = [e for e in graph_edges_at(g, f, l) if name in res["le_names"](e)]
        resolved = [e for e in es if e.get("dst") is not None]
        concrete = [e for e in resolved if not iface_decl(e["dst"])]
        confs = "/".join(sorted({e["confidence"] for e in resolved}))
        if not es:
            k = "no leindex call edge of that name"
        elif not resolved:
            k = "unresolved in leindex"
        elif not concrete:
            k = "resolved only to the interface's method declaration (%s)" % confs
        else:
            hit = sum(e["dst"] in targets for e in concrete)
            if hit == len(concrete):
                k = "resolved, every concrete target CHA-possible (%s)" % confs
            elif hit:
                k = "resolved, some concrete targets not CHA-possible (%s)" % confs
            else:
                k = "resolved, no target CHA-possible (%s)" % confs
            res.setdefault("cha_recall", Counter())
            res["cha_recall"]["found"] += len({e["dst"] for e in concrete} & targets)
        res.setdefault("cha_recall", Counter())["targets"] += len(targets)
        counts[k] += 1
        examples[k].append((f, l, len(targets), resolved))
    return counts, examples, len(sites), len(funcvalue_sites)


_EDGE_INDEX = {}


def graph_edges_at(g, f, l):
    idx = _EDGE_INDEX.get(id(g))
    if idx is None:
        idx = defaultdict(list)
        for e in g.edges:
            idx[(e["file"], e["line"])].append(e)
        _EDGE_INDEX[id(g)] = idx
    return idx.get((f, l), [])


# --------------------------------------------------------------------------- report


def pct(x):
    return "   -  " if x is None else "%5.1f%%" % (100 * x)


def _edge_str(res, e):
    qn = res["qn"]
    src = qn(("node", e["src"])).split("::")[-1] if e.get("src") is not None else "<module>"
    dst = qn(("node", e["dst"])) if e.get("dst") is not None else (e.get("target") or "?")
    return "%s -> %s [%s]" % (src, dst, e.get("confidence"))


def report(lang, res, srcs, args):
    print("\npair level (caller -> callee functions, deduplicated)")
    print("  %-9s %7s %6s %6s  %7s %7s %6s  %8s %8s  %8s %7s" % (
        "level", "recall", "found", "ref", "precis.", "correct", "judged", "unjudged", "ext-site",
        "disp-aw.", "correct"))
    for r in res["rows"]:
        print("  %-9s %7s %6d %6d  %7s %7d %6d  %8d %8d  %8s %7d" % (
            r["level"], pct(r["recall"]), r["found"], r["ref_pairs"], pct(r["precision"]),
            r["correct"], r["judged_pairs"], r["unjudged_pairs"], r["pairs_at_external_sites"],
            pct(r["precision_dispatch_aware"]), r["correct_dispatch_aware"]))
    print("  judged: pairs from calls the reference resolved into the corpus (same caller, line"
          " and callee name);\n  unjudged: pairs only from calls the reference left unresolved;"
          " ext-site: pairs only from calls\n  the reference resolved outside the corpus"
          " (builtins, excluded packages): almost surely wrong.\n  disp-aw.: precision, dispatch-aware:"
          " a wrong pair also counts as correct when its callee\n  overrides/implements the same-named"
          " method the reference gives at that call (by leindex's own\n  inherits/implements edges;"
          " %d call-site edges credited at +name, %d of them with an enclosing\n  type found by"
          " qualified name). Row +dynamic = what `impact --min-confidence dynamic` shows." % (
              len(res["dispatch_ok"]), sum(1 for v in res["dispatch_ok"].values() if v)))
    print("\ncall-site level (caller, call line, callee)")
    print("  %-9s %7s %6s %6s  %7s %7s %6s  %8s  %8s %7s" % (
        "level", "recall", "found", "ref", "precis.", "correct", "judged", "ext-site", "disp-aw.", "correct"))
    for r in res["site_rows"]:
        print("  %-9s %7s %6d %6d  %7s %7d %6d  %8d  %8s %7d" % (
            r["level"], pct(r["recall"]), r["found"], r["ref_site_edges"], pct(r["precision"]),
            r["correct"], r["judged"], r["external"], pct(r["precision_dispatch_aware"]),
            r["correct_dispatch_aware"]))
    if res["unmapped"]:
        print("\nreference endpoints without a leindex node: %s" % dict(res["unmapped"]))
    if res["dst_other"]:
        print("leindex call edges to other node kinds (not compared): %s" % dict(res["dst_other"]))
    qn = res["qn"]
    n_show = args.show_misses
    fn = res["fn"]
    print("\nfalse negatives by category, then call form (site level, any confidence): %d" %
          sum(len(v) for v in fn.values()))
    by_cat = Counter()
    for (cat, form), v in fn.items():
        by_cat[cat] += len(v)
    for cat, n in by_cat.most_common():
        print("  %6d  %s" % (n, cat))
        forms = Counter({form: len(v) for (c, form), v in fn.items() if c == cat})
        for form, m in forms.most_common():
            print("          %6d  %s" % (m, form))
            for r, c, d, l in fn[(cat, form)][:n_show]:
                tl = r.get("token_line") or l
                name = ref_name(r)
                here = [e for ll in sorted({l, tl}) for e in graph_edges_at(res["graph"], r["caller_file"], ll)
                        if name in res["le_names"](e)] or \
                       [e for ll in sorted({l, tl}) for e in graph_edges_at(res["graph"], r["caller_file"], ll)]
                print("                  %s:%d  %s" % (r["caller_file"], tl, srcs.line(r["caller_file"], tl).strip()[:120]))
                print("                      want %s -> %s" % (qn(c).split("::")[-1], qn(d)))
                for e in here[:3]:
                    print("                      have %s" % _edge_str(res, e))
    fp = res["fp"]
    print("\nfalse positives by confidence (site level): %d" % sum(len(v) for v in fp.values()))
    for (lvl, where), v in sorted(fp.items(), key=lambda kv: -len(kv[1])):
        print("  %6d  %-7s %s" % (len(v), lvl, where))
        for e, c, d, want in v[:n_show]:
            print("                  %s:%d  %s" % (e["file"], e["line"], srcs.line(e["file"], e["line"]).strip()[:120]))
            print("                      have %s%s" % (_edge_str(res, e),
                  ("\n                      want %s" % ", ".join(qn(x) for x in sorted(want, key=str)[:3])) if want else ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lang", choices=["python", "go"], required=True)
    ap.add_argument("--leindex", default=DEFAULT_LEINDEX)
    ap.add_argument("--src", help="corpus root (python: default the CPython stdlib dir; "
                                  "go: default GOROOT/src)")
    ap.add_argument("--packages", help="comma-separated packages/modules relative to --src "
                                       "(default: a built-in stdlib list; 'ALL' = every top-level entry)")
    ap.add_argument("--limit-files", type=int, default=0, help="random sample of N files (0: all)")
    ap.add_argument("--seed", default="0")
    ap.add_argument("--jobs", type=int, default=2, help="jedi worker processes")
    ap.add_argument("--dynamic-params", choices=["off", "local", "full"], default="local")
    ap.add_argument("--python", help="python with jedi (default the setup.sh venv)")
    ap.add_argument("--go-mod", action="store_true", help="go: copy --src/go.mod into the leindex copy")
    ap.add_argument("--no-cha", action="store_true", help="go: skip the -algo=cha interface report")
    ap.add_argument("--graph-json", help="use this `leindex graph --json` output instead of running leindex")
    ap.add_argument("--json-out")
    ap.add_argument("--show-misses", type=int, default=3, help="examples per miss category")
    ap.add_argument("--no-cache", action="store_true", help="recompute the reference")
    ap.add_argument("--keep", action="store_true", help="keep the temporary leindex repository")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    lang = args.lang
    print("== call-graph quality: %s (%s)" % (lang, time.strftime("%Y-%m-%d")))
    print("reserved (never measured): %s" % ", ".join(
        "%s: %s" % (k, " ".join(v)) for k, v in RESERVED.items()))
    if lang == "python":
        src = args.src or sysconfig.get_paths()["stdlib"]
        if args.packages == "ALL":
            pkgs = corpus_packages(src)
        elif args.packages:
            pkgs = args.packages.split(",")
        else:
            pkgs = PY_STDLIB_PACKAGES
        all_files, excluded = python_files(src, pkgs)
        used = [p for p in pkgs if not is_reserved(p)]
    else:
        sys.path.insert(0, HERE)
        import reference_go

        src = args.src or reference_go.go_root_src()
        if args.packages == "ALL":
            sys.exit("--packages ALL is for python corpora only")
        pkgs = args.packages.split(",") if args.packages else GO_STD_PACKAGES
        excluded = [p for p in pkgs if any(_RESERVED_RE.match(x) for x in p.split("/"))]
        used = [p for p in pkgs if p not in excluded]
        pf = reference_go.package_files(src, used)
        all_files = sorted({f for fs in pf.values() for f in fs})
    src = os.path.realpath(src)
    files = sample(all_files, args.limit_files, args.seed)
    print("corpus: %s" % src)
    print("packages used (%d): %s" % (len(used), " ".join(used)))
    print("excluded as reserved: %s" % (" ".join(sorted(set(excluded))) or "none of the chosen packages"))
    print("files: %d of %d%s" % (len(files), len(all_files),
                                 " (random sample, seed %s)" % args.seed if len(files) < len(all_files) else ""))

    t0 = time.time()
    if lang == "python":
        refs, tool, ref_path = python_reference(src, files, args)
    else:
        refs, tool, ref_path = go_reference(src, used, files, "static", args)
    print("reference: %s; %d records (%s), %.0fs" % (tool, len(refs), ref_path, time.time() - t0))

    if args.graph_json:
        # a saved `leindex graph --json` of a copy of these files (tests, re-scoring)
        with open(args.graph_json) as f:
            doc = json.load(f)
    else:
        doc = run_leindex(args.leindex, src, files, lang, args.keep, args.go_mod)
    graph = Graph(doc)
    conf = Counter()
    for e in graph.edges:
        conf[e.get("confidence") if e.get("dst") is not None else "dst=null"] += 1
    print("leindex: %d nodes, %d call edges: %s; other edges: %s" % (
        len(graph.nodes), len(graph.edges), dict(conf), dict(graph.other_edges)))

    srcs = Src(src, lang)
    args.files = set(files)
    res = compare(lang, graph, refs, srcs, args)
    res["graph"] = graph
    print("reference: %d call-site edges into the corpus (%d caller->callee pairs, %d call sites);"
          " %d more sites resolved only outside the corpus" % (
              res["ref_edges"], res["ref_pairs"], res["ref_sites"], res["ext_sites"]))
    report(lang, res, srcs, args)

    dyn = None
    if lang == "go" and not args.no_cha:
        cha, ctool, _ = go_reference(src, used, files, "cha", args)
        counts, examples, n, nfv = dynamic_dispatch(graph, cha, res)
        cr = res.get("cha_recall", Counter())
        print("\ninterface method call sites (%s, 'dynamic method call' edges): %d sites, "
              "%d CHA targets, %d of them (%s) among leindex's targets; %d func-value call sites"
              " not scored" % (ctool, n, cr["targets"], cr["found"],
                               pct(cr["found"] / cr["targets"] if cr["targets"] else None).strip(), nfv))
        for k, v in counts.most_common():
            print("  %6d  %s" % (v, k))
            for f, l, nt, resolved in examples[k][:args.show_misses]:
                print("                  %s:%d  %s   (%d CHA targets%s)" % (
                    f, l, srcs.line(f, l).strip()[:100], nt,
                    "; leindex: " + ", ".join(res["qn"](("node", e["dst"])) for e in resolved[:3]) if resolved else ""))
        dyn = dict(counts)

    if args.json_out:
        out = {
            "lang": lang, "date": time.strftime("%Y-%m-%d"), "reference": tool, "src": src,
            "packages": used, "excluded": sorted(set(excluded)), "files": len(files),
            "pairs": res["rows"], "sites": res["site_rows"], "unmapped": dict(res["unmapped"]),
            "leindex_edges": dict(conf), "dynamic_dispatch": dyn,
            "false_negatives": [
                {"category": cat, "form": form, "file": r["caller_file"], "line": r.get("token_line") or l,
                 "source": srcs.line(r["caller_file"], r.get("token_line") or l).strip(),
                 "caller": res["qn"](c), "want": res["qn"](d)}
                for (cat, form), v in res["fn"].items() for r, c, d, l in v],
            "false_positives": [
                {"confidence": lvl, "where": where, "file": e["file"], "line": e["line"],
                 "source": srcs.line(e["file"], e["line"]).strip(), "caller": res["qn"](c),
                 "got": res["qn"](d), "want": [res["qn"](x) for x in sorted(w, key=str)] if w else None}
                for (lvl, where), v in res["fp"].items() for e, c, d, w in v],
        }
        with open(args.json_out, "w") as f:
            json.dump(out, f, indent=1)
        print("\nwrote %s" % args.json_out)


if __name__ == "__main__":
    main()

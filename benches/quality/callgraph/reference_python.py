#!/usr/bin/env python3
"""Reference Python call graph at function granularity, from jedi.

For every ``ast.Call`` in the given files whose callee is a plain name (``f()``) or an
attribute (``x.f()``), jedi's ``Script.goto(line, col, follow_imports=True)`` is asked
where the callee token is defined. Definitions of type ``function`` or ``class`` in one of
the given files (the corpus) are kept; a class maps to the ``__init__`` that ``C()`` runs:
its own, else the first one found in its in-corpus bases (depth first, left to right), else
the class itself (no __init__, or one inherited from outside the corpus). A call that jedi
resolves only outside the corpus (builtins, other modules) gives one record with
``callee_file: null`` and ``external: <jedi full name>``. When jedi answers with a typeshed
stub (.pyi) whose module and qualified name are defined in a corpus file, that definition
is used instead.

Output: JSON lines, one per (call site, callee definition)::

    {"caller_file": "json/decoder.py", "caller_line": 332,   # def line of the innermost
                                                              # enclosing (async) def, or
                                                              # null for module/class level
     "call_line": 337,         # line of the ast.Call node's start
     "token_line": 337,        # line of the callee name token (differs for a.\n b() chains)
     "callee_file": "json/decoder.py", "callee_line": 343,   # the def (or class) line
     "callee_kind": "function" | "class" | "init",   # init: the class's (inherited) __init__
     "callee_name": "raw_decode"}

Paths are relative to ROOT. Needs jedi (benches/quality/callgraph/setup.sh installs it in a
venv); run with that venv's python.

Usage:
    reference_python.py ROOT [FILES...] [--files-from LIST] [--out OUT.jsonl] [--jobs N]
                             [--limit-files N] [--timeout-per-file S]
                             [--dynamic-params off|local|full]
FILES (or LIST, one path per line) are relative to ROOT; default: every .py under ROOT.
"""
import argparse
import ast
import json
import os
import signal
import sys
import time

_PROJECT = None
_ROOT = None
_FILES = None          # absolute paths of the corpus files (the callee must be one of them)
_AST_CACHE = {}
_SCRIPTS = {}
_INIT_CACHE = {}


def _parse_defs(abspath):
    """{def line -> name} and {class line -> (own __init__ line or None, [base token
    (line, byte col)])} of a file."""
    if abspath in _AST_CACHE:
        return _AST_CACHE[abspath]
    funcs, classes = {}, {}
    try:
        with open(abspath, "rb") as f:
            tree = ast.parse(f.read(), filename=abspath)
    except (SyntaxError, ValueError, OSError):
        tree = None
    if tree is not None:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                funcs[node.lineno] = node.name
            elif isinstance(node, ast.ClassDef):
                init = None
                for stmt in node.body:
                    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "__init__":
                        init = stmt.lineno  # last one wins, as at run time
                bases = []
                for b in node.bases:
                    if isinstance(b, ast.Name):
                        bases.append((b.lineno, b.col_offset))
                    elif isinstance(b, ast.Attribute) and b.end_lineno is not None:
                        bases.append((b.end_lineno, b.end_col_offset - len(b.attr.encode("utf-8"))))
                    else:
                        bases.append(None)  # e.g. a call: unknown base
                classes[node.lineno] = (init, bases)
    _AST_CACHE[abspath] = (funcs, classes)
    return funcs, classes


class _Timeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Timeout()


def _call_sites(tree):
    """Yield (call_node, token_line, token_col_bytes, callee_name, enclosing_def_or_None)."""
    stack = []

    def visit(node, encl):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # Decorators, defaults and annotations run in the enclosing scope.
            for d in node.decorator_list:
                visit(d, encl)
            visit(node.args, encl)
            if node.returns is not None:
                visit(node.returns, encl)
            for stmt in node.body:
                visit(stmt, node)
            return
        if isinstance(node, ast.Call):
            fn = node.func
            if isinstance(fn, ast.Name):
                stack.append((node, fn.lineno, fn.col_offset, fn.id, encl))
            elif isinstance(fn, ast.Attribute) and fn.end_lineno is not None:
                stack.append((node, fn.end_lineno, fn.end_col_offset - len(fn.attr.encode("utf-8")), fn.attr, encl))
        for child in ast.iter_child_nodes(node):
            visit(child, encl)

    visit(tree, None)
    return stack


def _init_worker(root, files, dynamic_params="local"):
    global _PROJECT, _ROOT, _FILES
    import jedi

    # jedi infers a parameter's type from the calls of its function ("dynamic params").
    # Searching other modules for those calls makes it ~3x slower for little gain on
    # the corpora tried (json, logging: identical edges), so by default it searches only
    # the function's own module.
    jedi.settings.dynamic_params = dynamic_params != "off"
    jedi.settings.dynamic_params_for_other_modules = dynamic_params == "full"

    _ROOT = os.path.realpath(root)
    _FILES = {os.path.realpath(os.path.join(_ROOT, f)) for f in files}
    _PROJECT = jedi.Project(_ROOT)
    signal.signal(signal.SIGALRM, _on_alarm)


def _in_corpus(path):
    """The definition's file if it is one of the corpus files, else None."""
    if path is None:
        return None
    p = os.path.realpath(str(path))
    return p if p in _FILES else None


_MODULES = None


def _by_full_name(full_name):
    """A corpus (file, def line, kind) for a jedi full name like
    'asyncio.events.AbstractEventLoop.sock_sendall', or None. jedi answers some goto's with
    the typeshed stub (.pyi) of a standard-library module instead of its source; when the
    source is a corpus file that defines that qualified name, it is the real callee."""
    global _MODULES
    if not full_name:
        return None
    if _MODULES is None:
        _MODULES = {}
        for f in _FILES:
            rel = os.path.relpath(f, _ROOT)[:-3].replace(os.sep, ".")
            _MODULES[rel[:-9] if rel.endswith(".__init__") else rel] = f
    parts = full_name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        f = _MODULES.get(".".join(parts[:i]))
        if f is None:
            continue
        try:
            with open(f, "rb") as fh:
                body = ast.parse(fh.read()).body
        except (SyntaxError, ValueError, OSError):
            return None
        node = None
        for name in parts[i:]:
            found = None
            for stmt in body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and stmt.name == name:
                    found = stmt  # last definition wins, as at run time
            if found is None:
                return None
            node, body = found, getattr(found, "body", [])
        if isinstance(node, ast.ClassDef):
            return f, node.lineno, "class"
        return f, node.lineno, "function"
    return None


def _char_col(abspath, line, col_bytes):
    with open(abspath, "rb") as f:
        text = f.read().decode("utf-8", "replace").splitlines()
    t = text[line - 1] if 0 < line <= len(text) else ""
    return len(t.encode("utf-8")[:col_bytes].decode("utf-8", "replace"))


def _constructor(abspath, class_line, depth=0):
    """What `C()` runs, for class C defined at class_line: (file, line, kind) of the first
    __init__ found in C and then its in-corpus bases (depth first, left to right: the MRO
    for single inheritance), or C itself when there is none or a base is outside the corpus
    or unknown (its __init__, if any, is not a corpus node)."""
    import jedi

    key = (abspath, class_line)
    if key in _INIT_CACHE:
        return _INIT_CACHE[key]
    _INIT_CACHE[key] = (abspath, class_line, "class")  # cycle guard
    res = (abspath, class_line, "class")
    funcs, classes = _parse_defs(abspath)
    init, bases = classes.get(class_line, (None, []))
    if init is not None:
        res = (abspath, init, "init")
    elif depth < 20:
        for b in bases:
            if b is None:
                break
            if abspath not in _SCRIPTS:
                with open(abspath, encoding="utf-8", errors="replace") as f:
                    _SCRIPTS[abspath] = jedi.Script(f.read(), path=abspath, project=_PROJECT)
            try:
                defs = [d for d in _SCRIPTS[abspath].goto(b[0], _char_col(abspath, *b), follow_imports=True)
                        if d.type == "class"]
            except Exception:  # noqa: BLE001
                defs = []
            target = _in_corpus(defs[0].module_path) if defs else None
            if target is None or defs[0].line not in _parse_defs(target)[1]:
                break  # base outside the corpus (object, Exception, ...) or unresolved
            sub = _constructor(target, defs[0].line, depth + 1)
            if sub[2] == "init":
                res = sub
                break
    _INIT_CACHE[key] = res
    return res


def process_file(args):
    rel, timeout = args
    import jedi

    abspath = os.path.join(_ROOT, rel)
    t0 = time.time()
    out = []
    stats = {"file": rel, "calls": 0, "resolved_in_corpus": 0, "timed_out": False, "error": None}
    try:
        with open(abspath, "rb") as f:
            raw = f.read()
        code = raw.decode("utf-8")
        tree = ast.parse(raw, filename=abspath)
    except Exception as e:  # noqa: BLE001
        stats["error"] = "parse: %s" % e
        return out, stats
    lines = code.splitlines(True)
    sites = _call_sites(tree)
    stats["calls"] = len(sites)
    if timeout:
        signal.alarm(int(timeout))
    try:
        script = jedi.Script(code, path=abspath, project=_PROJECT)
        for call, tline, tcol_bytes, name, encl in sites:
            line_text = lines[tline - 1] if tline - 1 < len(lines) else ""
            col = len(line_text.encode("utf-8")[:tcol_bytes].decode("utf-8", "replace"))
            try:
                defs = script.goto(tline, col, follow_imports=True)
            except _Timeout:
                raise
            except Exception:  # noqa: BLE001  (jedi internal errors on odd code)
                continue
            seen = set()
            external = None
            for d in defs:
                if d.type not in ("function", "class"):
                    continue
                target, line, kind = _in_corpus(d.module_path), d.line, d.type
                if target is None or line is None:
                    alt = _by_full_name(d.full_name) if str(d.module_path or "").endswith(".pyi") else None
                    if alt is None:
                        external = external or d.full_name or d.name
                        continue
                    target, line, kind = alt
                funcs, classes = _parse_defs(target)
                if kind == "class":
                    if line not in classes:
                        continue
                    target, line, kind = _constructor(target, line)
                elif line not in funcs:
                    continue  # e.g. a lambda or a stub; not a def
                key = (target, line)
                if key in seen:
                    continue
                seen.add(key)
                out.append({
                    "caller_file": rel,
                    "caller_line": encl.lineno if encl is not None else None,
                    "call_line": call.lineno,
                    "token_line": tline,
                    "callee_file": os.path.relpath(target, _ROOT),
                    "callee_line": line,
                    "callee_kind": kind,
                    "callee_name": name,
                })
            if seen:
                stats["resolved_in_corpus"] += 1
            elif external:
                # resolved, but outside the corpus (builtins, other stdlib modules): lets
                # compare.py flag a leindex edge into the corpus there as wrong
                out.append({
                    "caller_file": rel,
                    "caller_line": encl.lineno if encl is not None else None,
                    "call_line": call.lineno, "token_line": tline,
                    "callee_file": None, "callee_line": None, "callee_kind": None,
                    "callee_name": name, "external": external,
                })
    except _Timeout:
        stats["timed_out"] = True
    finally:
        if timeout:
            signal.alarm(0)
    stats["seconds"] = round(time.time() - t0, 2)
    return out, stats


def list_files(root, files, files_from, limit):
    if files_from:
        with open(files_from) as f:
            files = files + [l.strip() for l in f if l.strip()]
    if not files:
        for dp, dn, fn in os.walk(root):
            dn[:] = sorted(d for d in dn if not d.startswith("."))
            for n in sorted(fn):
                if n.endswith(".py"):
                    files.append(os.path.relpath(os.path.join(dp, n), root))
    files = sorted(set(files))
    if limit:
        files = files[:limit]
    return files


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("root")
    ap.add_argument("files", nargs="*")
    ap.add_argument("--files-from")
    ap.add_argument("--out", help="JSON-lines output (default stdout)")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--limit-files", type=int, default=0)
    ap.add_argument("--timeout-per-file", type=float, default=300, help="seconds; 0 = none")
    ap.add_argument("--dynamic-params", choices=["off", "local", "full"], default="local",
                    help="jedi's parameter-type inference from call sites: off, within the "
                         "module (default), or across modules (slow)")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)

    root = os.path.realpath(a.root)
    files = list_files(root, list(a.files), a.files_from, a.limit_files)
    work = [(f, a.timeout_per_file) for f in files]
    out = open(a.out, "w") if a.out else sys.stdout
    t0 = time.time()
    totals = {"files": 0, "calls": 0, "resolved_in_corpus": 0, "edges": 0, "timed_out": [], "errors": []}

    def consume(res):
        edges, st = res
        totals["files"] += 1
        totals["calls"] += st["calls"]
        totals["resolved_in_corpus"] += st["resolved_in_corpus"]
        totals["edges"] += sum(1 for e in edges if e["callee_file"])
        if st["timed_out"]:
            totals["timed_out"].append(st["file"])
        if st["error"]:
            totals["errors"].append("%s: %s" % (st["file"], st["error"]))
        for e in edges:
            out.write(json.dumps(e, sort_keys=True) + "\n")
        if not a.quiet:
            print("[jedi] %d/%d %s calls=%d resolved=%d %.1fs%s" % (
                totals["files"], len(files), st["file"], st["calls"], st["resolved_in_corpus"],
                st.get("seconds", 0), " TIMEOUT" if st["timed_out"] else ""), file=sys.stderr)

    if a.jobs <= 1:
        _init_worker(root, files, a.dynamic_params)
        for w in work:
            consume(process_file(w))
    else:
        import multiprocessing as mp

        with mp.Pool(a.jobs, initializer=_init_worker, initargs=(root, files, a.dynamic_params)) as pool:
            for res in pool.imap_unordered(process_file, work):
                consume(res)
    if a.out:
        out.close()
    import jedi

    print("[jedi] jedi %s: %d files, %d call sites, %d resolved in corpus, %d edges, %.0fs; "
          "timed out: %s; errors: %s" % (
              jedi.__version__, totals["files"], totals["calls"], totals["resolved_in_corpus"],
              totals["edges"], time.time() - t0, totals["timed_out"] or "none",
              totals["errors"] or "none"), file=sys.stderr)


if __name__ == "__main__":
    main()

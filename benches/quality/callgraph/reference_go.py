#!/usr/bin/env python3
"""Reference Go call graph at function granularity, from golang.org/x/tools/cmd/callgraph.

Runs ``callgraph -algo=ALGO PKG...`` (Debian's golang-golang-x-tools) from a module root
(default: the Go standard library, GOROOT/src, module "std") with a format template that
prints the caller's and callee's declaration positions and the call position, and keeps
the edges whose call site lies in one of the packages' files (``go list`` GoFiles, i.e. the
files built for this GOOS/GOARCH, without tests).

Output: JSON lines, one per (call site, callee)::

    {"caller_file": "strings/strings.go", "caller_line": 981,  # line of the func/method name;
                                                               # for a func literal, the
                                                               # literal's line; null for a
                                                               # package initializer
     "call_line": 982,                                         # callgraph's call position
     "callee_file": "strings/strings.go" | null,               # null: callee outside the set
     "callee_line": 453, "callee_name": "strings.HasPrefix",
     "caller_name": "strings.TrimPrefix",
     "dynamic": "static" | "dynamic",                          # "dynamic": interface/func-value
     "description": "static method call",                      # callgraph's: static function
                                                               # call, static method call,
                                                               # dynamic method call (interface),
                                                               # dynamic function call (func
                                                               # value), go/defer variants
     "algo": "static"}

Paths are relative to the module root. ``-algo=static`` gives static calls only (functions
and concrete methods); ``-algo=cha`` adds every method that could satisfy an interface call
(class-hierarchy analysis), tagged "dynamic". Callees without a source position (synthetic
wrappers, package initializers) and func literals / bound-method closures (names with "$")
are dropped: only declared functions and methods are callees. A func literal's own calls
are kept, with the literal as caller (compare.py maps it to the enclosing declaration).

Usage:
    reference_go.py [--root GOROOT/src] [--algo static|cha] [--out OUT.jsonl]
                    [--files-out FILES.txt] PKG...
"""
import argparse
import json
import os
import subprocess
import sys

SEP = "\x1f"
FORMAT = SEP.join([
    "{{.Caller.Prog.Fset.Position .Caller.Pos}}",
    "{{.Filename}}:{{.Line}}",
    "{{.Callee.Prog.Fset.Position .Callee.Pos}}",
    "{{.Dynamic}}",
    "{{.Caller}}",
    "{{.Callee}}",
    "{{.Description}}",
])


def go_root_src():
    goroot = subprocess.check_output(["go", "env", "GOROOT"], text=True).strip()
    return os.path.join(goroot, "src")


def package_files(root, pkgs):
    """{pkg import path: [file relative to root]} from `go list` (GoFiles + CgoFiles)."""
    root = os.path.realpath(root)
    out = subprocess.check_output(
        ["go", "list", "-f", "{{.ImportPath}}\t{{.Dir}}\t{{range .GoFiles}}{{.}} {{end}}{{range .CgoFiles}}{{.}} {{end}}"]
        + list(pkgs),
        cwd=root, text=True)
    res = {}
    for line in out.splitlines():
        imp, d, files = line.split("\t")
        res[imp] = sorted(os.path.relpath(os.path.realpath(os.path.join(d, f)), root)
                          for f in files.split())
    return res


def split_pos(s):
    """'path:line:col' or 'path:line' -> (path, line); '-' -> (None, None)."""
    if not s or s == "-":
        return None, None
    parts = s.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit():
        return parts[0], int(parts[1])
    parts = s.rsplit(":", 1)
    if len(parts) == 2 and parts[1].isdigit():
        return parts[0], int(parts[1])
    return None, None


def run(root, pkgs, algo, files=None):
    """Yield reference edge dicts. files: set of root-relative files to keep (default: all
    of the packages' GoFiles)."""
    root = os.path.realpath(root)
    if files is None:
        files = {f for fs in package_files(root, pkgs).values() for f in fs}
    proc = subprocess.run(["callgraph", "-algo=" + algo, "-format", FORMAT] + list(pkgs),
                          cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit("callgraph failed (exit %d)" % proc.returncode)

    def rel(p):
        if p is None:
            return None
        p = os.path.relpath(os.path.realpath(p), root)
        return p if p in files else None

    seen = set()
    for line in proc.stdout.splitlines():
        f = line.split(SEP)
        if len(f) != 7:
            continue
        caller_pos, call_pos, callee_pos, dyn, caller_name, callee_name, desc = f
        call_file, call_line = split_pos(call_pos)
        call_rel = rel(call_file)
        if call_rel is None:
            continue  # call site outside the chosen files
        cfile, cline = split_pos(caller_pos)
        crel = rel(cfile)
        if crel is None:
            cline = None  # package initializer (synthetic "init"): module level
        crel = call_rel if crel is None else crel
        tfile, tline = split_pos(callee_pos)
        if tfile is None:
            continue  # synthetic callee (wrapper, thunk, init): no declaration
        if "$" in callee_name:
            continue  # a func literal (F$1) or bound method value (T.M$bound): not a declaration
        trel = rel(tfile)
        rec = {
            "caller_file": crel, "caller_line": cline, "call_line": call_line,
            "callee_file": trel, "callee_line": tline if trel else None,
            "callee_name": callee_name, "caller_name": caller_name,
            "dynamic": dyn, "algo": algo, "description": desc,
        }
        key = (crel, cline, call_line, trel, rec["callee_line"], callee_name if trel is None else None)
        if key in seen:
            continue
        seen.add(key)
        yield rec


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pkgs", nargs="+")
    ap.add_argument("--root", default=None, help="module root to run in (default GOROOT/src)")
    ap.add_argument("--algo", default="static", choices=["static", "cha", "rta", "vta"])
    ap.add_argument("--out")
    ap.add_argument("--files-out", help="write the packages' files (root-relative), one a line")
    a = ap.parse_args(argv)
    root = a.root or go_root_src()
    pf = package_files(root, a.pkgs)
    files = {f for fs in pf.values() for f in fs}
    if a.files_out:
        with open(a.files_out, "w") as fo:
            fo.write("".join(f + "\n" for f in sorted(files)))
    out = open(a.out, "w") if a.out else sys.stdout
    n = n_in = 0
    for rec in run(root, a.pkgs, a.algo, files):
        n += 1
        n_in += rec["callee_file"] is not None
        out.write(json.dumps(rec, sort_keys=True) + "\n")
    if a.out:
        out.close()
    ver = subprocess.check_output(["go", "env", "GOVERSION"], text=True).strip()
    print("[callgraph] %s -algo=%s: %d packages, %d files, %d edges from them (%d to in-set callees)"
          % (ver, a.algo, len(pf), len(files), n, n_in), file=sys.stderr)


if __name__ == "__main__":
    main()

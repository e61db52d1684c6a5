#!/usr/bin/env python3
"""Score a `leindex graph --json` call graph against reference edges (JSON lines from
reference_ts.js / reference_rust.py / reference_python.py / reference_go.py).

Matching rule: every reference endpoint (file, def line) is mapped to the innermost
leindex node of a callable or type kind (see --kinds) whose [line, end_line] contains
it; a null caller_line, or a line no such node contains, maps to the file itself
(module level). A TypeScript constructor node (name `constructor`) is replaced by its
class on both sides, so `new Foo()` resolved to the class or to its constructor is the
same answer. Nodes of one file with the same qualified name (TypeScript overload
signatures and their implementation, Rust cfg variants) count as one node.

  recall    = reference (caller, callee) pairs that leindex also has (any confidence)
              / reference pairs
  precision = leindex call pairs (non-null dst) at a (caller, call line) the reference
              resolved, that the reference also has / such leindex pairs
Both are reported overall and per leindex confidence (a recall hit counts for the best
confidence of the edges that produce the pair). sites_by_confidence looks at call sites
instead of pairs: for the leindex edges of one call (caller, line, callee name) with one
confidence, whether the candidate set contains the reference target and its size; this
is the fairer view of `dynamic` (every override is a candidate, the reference names only
the statically declared method) and of `name`.

precision (dispatch-aware): as precision, but a leindex pair the reference lacks also counts
as correct when, at one of its judged call sites, the reference's callee R has the same name
as the leindex callee X and X's enclosing type is a transitive subtype of R's by leindex's own
inherits/implements edges (dispatch.py: the enclosing type is the `contains` parent or, for
Rust impl methods, which have none, the type named by the qualified name's prefix). The strict
figure is unchanged; both per confidence, with the same denominators. precision at
min-confidence dynamic: both figures over the exact/import/dynamic edges only (what
`impact --min-confidence dynamic` shows).

precision (CHA): when the reference file also has records marked `dispatch` (reference_ts.js:
the overrides and implementations a call may run, found by the TypeScript checker's reading
of the corpus' `extends`/`implements` clauses, as Go's `callgraph -algo=cha` does for
interface calls), a leindex pair also counts as correct when such a record has it. Those
records never count toward recall.

False negatives are classified by what leindex has at the call site (same file and
call line; among them those whose target's last identifier is the callee name):
in_macro_args (a Rust call inside a macro's token tree that leindex does not have),
no_call (no call edge on that line at all),
name_mismatch (calls on that line, none of that name), unresolved (only dst=null
edges), wrong_target (resolved, to other nodes only),
caller_mismatch (the pair exists for another caller) and callee_not_node (the
reference callee maps to no leindex node). False positives: other_target (the
reference resolves a call of the same name on that line elsewhere) or no_such_call
(the reference has no in-corpus call of that name on that line: a call leindex bound
by name to a corpus definition, usually an external or std callee).

Usage:
  compare_simple.py --reference REF.jsonl (--graph GRAPH.json | --leindex BIN --root DIR)
                    [--examples N] [--misses OUT.jsonl] [--json]
With --leindex, DIR is copied to a temporary dir (the corpus stays untouched), indexed
with `BIN index -q` and exported with `BIN graph --json --root`.
"""
import argparse
import bisect
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from dispatch import Dispatch

DEFAULT_KINDS = "function,method,class,struct,enum,trait,interface,constructor,union,impl"


def load_graph(args):
    if args.graph:
        with open(args.graph) as f:
            return json.load(f), None
    work = tempfile.mkdtemp(prefix="leindex-cmp-")
    dst = os.path.join(work, os.path.basename(os.path.abspath(args.root)))
    shutil.copytree(args.root, dst)
    t0 = time.time()
    subprocess.run([args.leindex, "index", "-q", dst], check=True)
    t1 = time.time()
    out = subprocess.run([args.leindex, "graph", "--json", "--root", dst], check=True,
                         capture_output=True).stdout
    t2 = time.time()
    shutil.rmtree(work, ignore_errors=True)
    return json.loads(out), {"index_seconds": round(t1 - t0, 2), "graph_seconds": round(t2 - t1, 2)}


class Nodes:
    def __init__(self, graph, kinds):
        self.by_id = {}
        self.by_file = collections.defaultdict(list)
        for n in graph["nodes"]:
            self.by_id[n["id"]] = n
            if n.get("kind") in kinds and n.get("file") and n.get("line"):
                self.by_file[n["file"]].append(n)
        for lst in self.by_file.values():
            lst.sort(key=lambda n: (n["line"], -(n.get("end_line") or n["line"])))
        self.canon_cache = {}
        # Overloads: nodes of one file with the same qualified name (TypeScript overload
        # signatures + implementation, Rust cfg variants) count as one, the widest span.
        groups = collections.defaultdict(list)
        for n in graph["nodes"]:
            if n.get("kind") in kinds and n.get("file"):
                groups[(n["file"], n.get("qualified_name"))].append(n)
        self.group_rep = {}
        for lst in groups.values():
            rep = max(lst, key=lambda n: ((n.get("end_line") or n["line"]) - n["line"], n["line"]))
            for n in lst:
                self.group_rep[n["id"]] = rep

    def innermost(self, file, line):
        best = None
        for n in self.by_file.get(file, ()):
            if n["line"] > line:
                break
            end = n.get("end_line") or n["line"]
            if end >= line:
                if best is None or (n["line"], -end) >= (best["line"], -(best.get("end_line") or best["line"])):
                    best = n
        return best

    def canon(self, node):
        """Constructor -> its class; else the node itself."""
        if node is None:
            return None
        nid = node["id"]
        if nid in self.canon_cache:
            return self.canon_cache[nid]
        node = self.group_rep.get(nid, node)
        out = node["id"]
        if node.get("name") == "constructor":
            best = None
            for n in self.by_file.get(node["file"], ()):
                if n["id"] != nid and n.get("kind") == "class" and n["line"] <= node["line"] and \
                        (n.get("end_line") or n["line"]) >= (node.get("end_line") or node["line"]):
                    best = n
            if best is not None:
                out = best["id"]
        self.canon_cache[nid] = out
        return out


CONF_ORDER = ["exact", "import", "dynamic", "name", "unresolved"]


def last_ident(s):
    m = re.findall(r"[A-Za-z_$][A-Za-z0-9_$]*", s or "")
    return m[-1] if m else ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reference", required=True)
    ap.add_argument("--graph")
    ap.add_argument("--leindex")
    ap.add_argument("--root")
    ap.add_argument("--kinds", default=DEFAULT_KINDS)
    ap.add_argument("--exclude-kind", action="append", default=[],
                    help="drop reference records with this `kind` field (e.g. macro)")
    ap.add_argument("--exclude-callee-kind", action="append", default=[],
                    help="drop reference records with this `callee_kind` (e.g. PropertySignature)")
    ap.add_argument("--exclude-in-macro", action="store_true",
                    help="drop reference records with in_macro true (Rust calls inside macro arguments)")
    ap.add_argument("--examples", type=int, default=3)
    ap.add_argument("--misses", help="write every FN/FP record here (JSON lines)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if not a.graph and not (a.leindex and a.root):
        ap.error("need --graph, or --leindex and --root")

    graph, timing = load_graph(a)
    kinds = set(a.kinds.split(","))
    nodes = Nodes(graph, kinds)

    def caller_key(file, line):
        n = nodes.innermost(file, line) if line else None
        return (file, nodes.canon(n) if n else None)

    # leindex call edges
    li_pairs = {}                      # (caller_key, dst) -> best confidence
    li_sites = collections.defaultdict(list)   # (file, line) -> [(caller_key, dst, conf, target)]
    li_edges = []
    for e in graph["edges"]:
        if e.get("kind") != "calls":
            continue
        src = nodes.by_id.get(e.get("src"))
        if src is not None and src.get("kind") in kinds:
            ck = (e["file"], nodes.canon(src))
        else:
            ck = (e["file"], None)
        dst = nodes.by_id.get(e.get("dst")) if e.get("dst") is not None else None
        dk = nodes.canon(nodes.innermost(dst["file"], dst["line"]) if dst.get("kind") not in kinds else dst) \
            if dst is not None else None
        conf = e.get("confidence", "unresolved") if dk is not None else "unresolved"
        li_sites[(e["file"], e["line"])].append((ck, dk, conf, e.get("target") or ""))
        li_edges.append((ck, e["line"], dk, conf, e.get("target") or "", e))
        if dk is not None:
            old = li_pairs.get((ck, dk))
            if old is None or CONF_ORDER.index(conf) < CONF_ORDER.index(old):
                li_pairs[(ck, dk)] = conf

    # reference
    refs = []
    cha = []
    with open(a.reference) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                if r.get("kind") in a.exclude_kind or r.get("callee_kind") in a.exclude_callee_kind \
                        or (a.exclude_in_macro and r.get("in_macro")):
                    continue
                if r.get("dispatch"):
                    cha.append(r)
                    continue
                refs.append(r)
    # Pairs a class hierarchy analysis allows at the reference's call sites (TS: records
    # marked `dispatch`, an override or implementation of the declared callee).
    cha_pairs = set()
    for r in cha:
        cn = nodes.innermost(r["callee_file"], r["callee_line"])
        if cn:
            cha_pairs.add((caller_key(r["caller_file"], r["caller_line"]), nodes.canon(cn)))
    ref_pairs = {}
    ref_sites = collections.defaultdict(list)   # (caller_key, call_line) -> [(callee key, rec)]
    for r in refs:
        ck = caller_key(r["caller_file"], r["caller_line"])
        cn = nodes.innermost(r["callee_file"], r["callee_line"])
        dk = nodes.canon(cn) if cn else None
        r["_ck"], r["_dk"] = ck, dk
        ref_pairs.setdefault((ck, dk), r)
        ref_sites[(ck, r["call_line"])].append((dk, r))

    # recall
    found = collections.Counter()
    fn = []
    for (ck, dk), r in ref_pairs.items():
        conf = li_pairs.get((ck, dk)) if dk is not None else None
        if conf:
            found[conf] += 1
            continue
        site = li_sites.get((r["caller_file"], r["call_line"]), [])
        # the leindex edges of this call: same line, same callee name (any for `new`)
        named = [x for x in site if r.get("kind") in ("new", "super", "ctor")
                 or last_ident(x[3]) == r.get("callee_name")]
        if dk is None:
            cat = "callee_not_node"
        elif r.get("in_macro") and not named:
            cat = "in_macro_args"
        elif not site:
            cat = "no_call"
        elif not named:
            cat = "name_mismatch"
        elif any(d == dk for _c, d, _f, _t in named):
            cat = "caller_mismatch"
        elif all(d is None for _c, d, _f, _t in named):
            cat = "unresolved"
        else:
            cat = "wrong_target"
        site = named or site
        fn.append((cat, r, site))
    n_ref = len(ref_pairs)

    # precision. A pair is judged when one of its edges is at a (caller, call line) the
    # reference resolved; strict: the reference has the pair. Dispatch-aware (dispatch.py):
    # also correct when, at such a site, the reference's callee R has the same name as the
    # leindex callee X and X's enclosing type is a transitive subtype of R's (leindex's own
    # inherits/implements edges). The pair's confidence is that of its first judged edge,
    # or of the first edge the reference confirms.
    disp = Dispatch(graph)

    def judge(edges):
        judged = {}
        for ck, line, dk, conf, target, e in edges:
            if dk is None or (ck, line) not in ref_sites:
                continue
            key = (ck, dk)
            ok = key in ref_pairs
            by_dispatch = None         # None, or whether the qualified-name fallback was needed
            if not ok:
                for rdk, _r in ref_sites[(ck, line)]:
                    if rdk is not None:
                        d_ok, fallback = disp.is_dispatch(dk, rdk)
                        if d_ok:
                            by_dispatch = fallback
                            if not fallback:
                                break
            prev = judged.get(key)
            if prev is None or (not prev[0] and ok):
                judged[key] = [ok, conf, line, target, e,
                               by_dispatch if by_dispatch is not None else (prev[5] if prev else None)]
            elif by_dispatch is not None and (prev[5] is None or prev[5]):
                prev[5] = by_dispatch
        return judged

    def tally(judged):
        n, ok, dok = collections.Counter(), collections.Counter(), collections.Counter()
        for okk, conf, _l, _t, _e, by_d in judged.values():
            n[conf] += 1
            ok[conf] += okk
            dok[conf] += okk or by_d is not None
        return n, ok, dok

    def tally_cha(judged):
        ok = collections.Counter()
        for key, (okk, conf, _l, _t, _e, _b) in judged.items():
            ok[conf] += okk or key in cha_pairs
        return ok

    judged = judge(li_edges)
    prec, prec_ok, prec_dok = tally(judged)
    prec_cok = tally_cha(judged)
    dyn_judged = judge([x for x in li_edges if x[3] in ("exact", "import", "dynamic")])
    dprec, dprec_ok, dprec_dok = tally(dyn_judged)
    credited = [v for v in judged.values() if not v[0] and v[5] is not None]
    fp = []
    for key, (ok, conf, line, target, e, by_d) in judged.items():
        if not ok:
            names = {r.get("callee_name") for _d, r in ref_sites[(key[0], line)]}
            cat = "other_target" if last_ident(target) in names else "no_such_call"
            fp.append((cat, key, line, target, e, ref_sites[(key[0], line)], by_d is not None))

    # Per call site (caller, line, callee name) and confidence: does the candidate set
    # leindex emits contain the reference target, and how many candidates are there
    # (dynamic dispatch and name matches emit several edges for one call).
    groups = collections.defaultdict(set)
    for ck, line, dk, conf, target, e in li_edges:
        if dk is not None and (ck, line) in ref_sites:
            groups[(ck, line, last_ident(target), conf)].add(dk)
    site = collections.defaultdict(lambda: [0, 0, 0])
    for (ck, line, _n, conf), dks in groups.items():
        ref_here = {d for d, _r in ref_sites[(ck, line)]}
        st = site[conf]
        st[0] += 1
        st[1] += bool(dks & ref_here)
        st[2] += len(dks)
    def frac(ok, n):
        return round(sum(ok.values()) / sum(n.values()), 4) if sum(n.values()) else None

    def by_conf(ok, n):
        return {c: "%d/%d=%.3f" % (ok[c], n[c], ok[c] / n[c]) for c in CONF_ORDER if n[c]}

    res = {
        "reference": a.reference, "reference_records": len(refs), "reference_pairs": n_ref,
        "leindex_nodes": len(graph["nodes"]), "leindex_call_edges": len(li_edges),
        "leindex_resolved_call_edges": sum(1 for x in li_edges if x[2] is not None),
        "recall": round(sum(found.values()) / n_ref, 4) if n_ref else None,
        "recall_callee_is_node": round(sum(found.values()) / max(1, sum(1 for k in ref_pairs if k[1] is not None)), 4),
        "recall_by_confidence": {c: round(found[c] / n_ref, 4) for c in CONF_ORDER if found[c]},
        "precision": frac(prec_ok, prec),
        "precision_pairs_judged": sum(prec.values()),
        "precision_by_confidence": by_conf(prec_ok, prec),
        "precision_dispatch_aware": frac(prec_dok, prec),
        "precision_cha": frac(prec_cok, prec) if cha else None,
        "precision_cha_by_confidence": by_conf(prec_cok, prec) if cha else None,
        "reference_dispatch_records": len(cha),
        "precision_dispatch_aware_by_confidence": by_conf(prec_dok, prec),
        "dispatch_credited_pairs": "%d (enclosing type by qualified name, no contains edge: %d)"
                                   % (len(credited), sum(1 for v in credited if v[5])),
        "precision_min_conf_dynamic": frac(dprec_ok, dprec),
        "precision_min_conf_dynamic_dispatch_aware": frac(dprec_dok, dprec),
        "precision_min_conf_dynamic_pairs_judged": sum(dprec.values()),
        "sites_by_confidence": {c: "%d sites, %.3f contain the reference target, %.2f candidates/site"
                                % (site[c][0], site[c][1] / site[c][0], site[c][2] / site[c][0])
                                for c in CONF_ORDER if site[c][0]},
        "fn_categories": dict(collections.Counter(c for c, _r, _s in fn).most_common()),
        "fp_categories": dict(collections.Counter(x[0] for x in fp).most_common()),
    }
    if timing:
        res.update(timing)

    root = a.root
    src_cache = {}

    def src(file, line):
        if not root or not line:
            return ""
        if file not in src_cache:
            try:
                with open(os.path.join(root, file), encoding="utf-8", errors="replace") as fh:
                    src_cache[file] = fh.read().split("\n")
            except OSError:
                src_cache[file] = []
        lines = src_cache[file]
        return lines[line - 1].strip()[:110] if 0 < line <= len(lines) else ""

    if a.misses:
        with open(a.misses, "w") as out:
            for cat, r, site in fn:
                out.write(json.dumps({"type": "fn", "category": cat,
                                      **{k: v for k, v in r.items() if not k.startswith("_")},
                                      "leindex_at_site": [[t, c] for _c, _d, c, t in site],
                                      "source": src(r["caller_file"], r["call_line"])}) + "\n")
            for cat, key, line, target, e, site, by_dispatch in fp:
                dn = nodes.by_id.get(key[1], {})
                out.write(json.dumps({"type": "fp", "category": cat, "file": key[0][0], "line": line,
                                      "correct_by_dispatch": by_dispatch,
                                      "target": target, "confidence": e.get("confidence"),
                                      "leindex_dst": "%s:%s %s" % (dn.get("file"), dn.get("line"), dn.get("qualified_name")),
                                      "reference_at_site": ["%s:%s %s" % (r["callee_file"], r["callee_line"], r.get("callee_name")) for _d, r in site],
                                      "source": src(key[0][0], line)}) + "\n")
    if a.json:
        print(json.dumps(res, indent=1))
        return 0
    for k, v in res.items():
        print("%-28s %s" % (k, v))
    if a.examples:
        by = collections.defaultdict(list)
        for cat, r, site in fn:
            by[cat].append(r)
        for cat, lst in by.items():
            print("\nFN %s (%d):" % (cat, len(lst)))
            for r in lst[:a.examples]:
                print("  %s:%s  %s  -> %s:%s %s" % (r["caller_file"], r["call_line"], src(r["caller_file"], r["call_line"]),
                                                     r["callee_file"], r["callee_line"], r.get("callee_name", "")))
        byp = collections.defaultdict(list)
        for x in fp:
            byp[x[0]].append(x)
        for cat, lst in byp.items():
            print("\nFP %s (%d):" % (cat, len(lst)))
            for _c, key, line, target, e, site, _bd in lst[:a.examples]:
                dn = nodes.by_id.get(key[1], {})
                print("  %s:%s  %s  [%s %s] -> %s:%s %s" % (key[0][0], line, src(key[0][0], line), target,
                                                           e.get("confidence"), dn.get("file"), dn.get("line"),
                                                           dn.get("qualified_name")))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Self-test of compare.py's matching and metrics on a hand-made graph (no jedi, no Go,
no leindex needed):  python3 benches/quality/callgraph/test_compare.py"""
import os
import sys
import tempfile
import types
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402

A = '''import os
from pkg.b import g


class C:
    def __init__(self):
        self.m()

    @staticmethod
    def m():
        return g(os.path.join("a"))


def f():
    C()
    len("x")
    g(1)
'''
B = '''def g(x):
    return x


class D:
    def g(self):
        pass


def h():
    return D()
'''

NODES = [
    {"id": 1, "qualified_name": "pkg/a.py::C", "name": "C", "kind": "class", "file": "pkg/a.py", "line": 5, "end_line": 11},
    {"id": 2, "qualified_name": "pkg/a.py::C.__init__", "name": "__init__", "kind": "method", "file": "pkg/a.py", "line": 6, "end_line": 7},
    # line 9: the span starts at the decorator
    {"id": 3, "qualified_name": "pkg/a.py::C.m", "name": "m", "kind": "method", "file": "pkg/a.py", "line": 9, "end_line": 11},
    {"id": 4, "qualified_name": "pkg/a.py::f", "name": "f", "kind": "function", "file": "pkg/a.py", "line": 14, "end_line": 17},
    {"id": 5, "qualified_name": "pkg/b.py::g", "name": "g", "kind": "function", "file": "pkg/b.py", "line": 1, "end_line": 2},
    {"id": 6, "qualified_name": "pkg/b.py::D", "name": "D", "kind": "class", "file": "pkg/b.py", "line": 5, "end_line": 7},
    {"id": 8, "qualified_name": "pkg/b.py::D.g", "name": "g", "kind": "method", "file": "pkg/b.py", "line": 6, "end_line": 7},
    {"id": 9, "qualified_name": "pkg/b.py::len", "name": "len", "kind": "function", "file": "pkg/b.py", "line": 13, "end_line": 14},
    {"id": 7, "qualified_name": "pkg/b.py::h", "name": "h", "kind": "function", "file": "pkg/b.py", "line": 10, "end_line": 11},
]
EDGES = [
    {"src": 2, "dst": 3, "kind": "calls", "confidence": "exact", "file": "pkg/a.py", "line": 7, "target": "pkg/a.py::C.m"},
    {"src": 3, "dst": 5, "kind": "calls", "confidence": "import", "file": "pkg/a.py", "line": 11, "target": "pkg/b.py::g"},
    {"src": 3, "dst": None, "kind": "calls", "confidence": "unresolved", "file": "pkg/a.py", "line": 11, "target": "os.path.join"},
    # f -> C() missed (unresolved); f -> g(1) found only by name; a wrong name edge at len("x")
    {"src": 4, "dst": None, "kind": "calls", "confidence": "unresolved", "file": "pkg/a.py", "line": 15, "target": "C"},
    {"src": 4, "dst": 7, "kind": "calls", "confidence": "name", "file": "pkg/a.py", "line": 16, "target": "pkg/b.py::h"},
    {"src": 4, "dst": 9, "kind": "calls", "confidence": "name", "file": "pkg/a.py", "line": 16, "target": "pkg/b.py::len"},
    {"src": 4, "dst": 5, "kind": "calls", "confidence": "name", "file": "pkg/a.py", "line": 17, "target": "pkg/b.py::g"},
    # a wrong callee of the right name (judged) and one of another name (another call: unjudged)
    {"src": 4, "dst": 8, "kind": "calls", "confidence": "dynamic", "file": "pkg/a.py", "line": 17, "target": "pkg/b.py::D.g"},
    {"src": 4, "dst": 7, "kind": "calls", "confidence": "dynamic", "file": "pkg/a.py", "line": 17, "target": "pkg/b.py::h"},
    {"src": 7, "dst": 6, "kind": "calls", "confidence": "exact", "file": "pkg/b.py", "line": 11, "target": "pkg/b.py::D"},
    {"src": 1, "dst": 2, "kind": "contains", "confidence": "exact", "file": "pkg/a.py", "line": 6, "target": None},
]


def ref(caller_file, caller_line, call_line, callee_file, callee_line, kind="function", name="x", token_line=None):
    return {"caller_file": caller_file, "caller_line": caller_line, "call_line": call_line,
            "token_line": token_line or call_line, "callee_file": callee_file,
            "callee_line": callee_line, "callee_kind": kind, "callee_name": name}


REFS = [
    ref("pkg/a.py", 7, 7, "pkg/a.py", 10, name="m"),          # self.m(): def line 10 (decorator at 9)
    ref("pkg/a.py", 10, 11, "pkg/b.py", 1, name="g"),
    ref("pkg/a.py", 14, 15, "pkg/a.py", 6, kind="init", name="C"),
    ref("pkg/a.py", 14, 16, None, None, name="len"),           # resolved outside the corpus
    ref("pkg/a.py", 14, 17, "pkg/b.py", 1, name="g"),
    ref("pkg/b.py", 10, 11, "pkg/b.py", 5, kind="class", name="D"),
]
# caller_line is the def line: fix the first ref (caller __init__ at line 6)
REFS[0]["caller_line"] = 6


class CompareTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        os.makedirs(os.path.join(self.dir, "pkg"))
        for name, text in (("a.py", A), ("b.py", B)):
            with open(os.path.join(self.dir, "pkg", name), "w") as f:
                f.write(text)
        self.g = compare.Graph({"schema_version": 1, "nodes": NODES, "edges": EDGES})
        self.args = types.SimpleNamespace(show_misses=2)
        self.res = compare.compare("python", self.g, REFS, compare.Src(self.dir, "python"), self.args)

    def row(self, rows, level):
        return next(r for r in rows if r["level"] == level)

    def test_innermost(self):
        self.assertEqual(self.g.innermost("pkg/a.py", 10, compare.FUNC_KINDS), 3)
        self.assertEqual(self.g.innermost("pkg/a.py", 6, compare.FUNC_KINDS), 2)
        self.assertIsNone(self.g.innermost("pkg/a.py", 5, compare.FUNC_KINDS))
        self.assertEqual(self.g.innermost("pkg/a.py", 5, compare.CLASS_KINDS), 1)

    def test_pairs(self):
        rows = self.res["rows"]
        # reference pairs: init->m, m->g, f->C.__init__, f->g, h->D  (5)
        exact = self.row(rows, "exact")
        self.assertEqual(exact["ref_pairs"], 5)
        self.assertEqual(exact["found"], 2)                 # init->m, h->D
        self.assertEqual((exact["correct"], exact["judged_pairs"]), (2, 2))
        imp = self.row(rows, "+import")
        self.assertEqual(imp["found"], 3)
        dyn = self.row(rows, "+dynamic")
        # f->D.g at line 17 is judged (the reference resolved that g() call) and wrong;
        # f->h at line 17 is another name: unjudged
        self.assertEqual((dyn["correct"], dyn["judged_pairs"]), (3, 4))
        self.assertEqual(dyn["unjudged_pairs"], 1)
        name = self.row(rows, "+name")
        self.assertEqual(name["found"], 4)                  # + f->g
        self.assertAlmostEqual(name["recall"], 4 / 5)
        # f->h comes from line 16 (named h, not len: unjudged) and line 17 (unjudged)
        self.assertEqual((name["correct"], name["judged_pairs"]), (4, 5))
        self.assertEqual(name["unjudged_pairs"], 1)
        self.assertEqual(name["pairs_at_external_sites"], 1)   # f->len: jedi says builtins

    def test_sites_and_misses(self):
        s = self.row(self.res["site_rows"], "+name")
        self.assertEqual((s["found"], s["ref_site_edges"]), (4, 5))
        self.assertEqual((s["correct"], s["judged"]), (4, 5))
        cats = {cat for cat, form in self.res["fn"]}
        self.assertEqual(cats, {"unresolved in leindex (dst null)"})
        forms = {form for cat, form in self.res["fn"]}
        self.assertEqual(forms, {"plain name()"})
        fp = {k: len(v) for k, v in self.res["fp"].items()}
        self.assertEqual(fp, {("dynamic", "wrong callee at a call the reference resolved"): 1,
                              ("name", "in-corpus callee where the reference resolved OUTSIDE the corpus"): 1})

    def test_reserved(self):
        self.assertTrue(compare.is_reserved("rich/console.py"))
        self.assertTrue(compare.is_reserved("grep-searcher/src/lib.rs"))
        self.assertTrue(compare.is_reserved("serde_json-1.0.154/src/lib.rs"))
        self.assertFalse(compare.is_reserved("json/decoder.py"))
        self.assertFalse(compare.is_reserved("richtext/x.py"))


class DispatchTest(unittest.TestCase):
    def test_dispatch(self):
        from dispatch import Dispatch
        n = lambda i, qn, kind: {"id": i, "qualified_name": qn, "name": qn.split("::")[-1].split(".")[-1],
                                 "kind": kind, "file": "a.ts", "line": i, "end_line": i}
        doc = {"nodes": [n(1, "a.ts::I", "interface"), n(2, "a.ts::I.m", "method"),
                         n(3, "a.ts::B", "class"), n(4, "a.ts::B.m", "method"),
                         n(5, "a.ts::C", "class"), n(6, "a.ts::C.m", "method"),
                         n(7, "a.ts::C.k", "method"), n(8, "a.ts::D", "class"), n(9, "a.ts::D.m", "method"),
                         n(10, "crate::T", "trait"), n(11, "crate::T::m", "method"),
                         n(12, "crate::S", "struct"), n(13, "crate::S::m", "method")],
               "edges": [{"kind": "contains", "src": p, "dst": c} for p, c in
                         ((1, 2), (3, 4), (5, 6), (5, 7), (8, 9), (10, 11))] +
                        [{"kind": "implements", "src": 3, "dst": 1}, {"kind": "inherits", "src": 5, "dst": 3},
                         {"kind": "implements", "src": 12, "dst": 10}]}
        d = Dispatch(doc)
        self.assertEqual(d.is_dispatch(4, 2), (True, False))    # B.m implements I.m
        self.assertEqual(d.is_dispatch(6, 2), (True, False))    # C.m, transitively
        self.assertEqual(d.is_dispatch(6, 4), (True, False))    # C.m overrides B.m
        self.assertEqual(d.is_dispatch(4, 6), (False, False))   # base is no subtype
        self.assertEqual(d.is_dispatch(7, 2), (False, False))   # other name
        self.assertEqual(d.is_dispatch(9, 2), (False, False))   # D is unrelated
        self.assertEqual(d.is_dispatch(13, 11), (True, True))   # Rust impl method: no contains edge


if __name__ == "__main__":
    unittest.main()

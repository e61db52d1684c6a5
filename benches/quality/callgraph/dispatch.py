"""Dispatch-aware judging of leindex call edges (shared by compare_simple.py and compare.py).

The references (TypeScript checker, rust-analyzer, jedi, Go callgraph -algo=static) name
only the statically declared target of a call: for `x.m()` with `x: Base` (an interface, a
trait, a base class) that is `Base.m`, never the overrides. leindex deliberately adds
`dynamic` edges from such a call to every override, which a strict comparison counts as
wrong. Here a leindex callee X at a call site the reference resolved to R is
*correct by dispatch* when

  * X and R have the same name, and
  * X's enclosing type is a transitive proper subtype of R's enclosing type, following
    leindex's own `inherits`/`implements` edges of the same graph export (src = child,
    dst = base).

Enclosing type of a method = the node whose `contains` edge points to it. leindex emits no
`contains` edge for methods of Rust `impl` blocks, so for a member without one the type
node whose qualified name is the member's minus its last segment (`crate::a::T::m` ->
`crate::a::T`) is used instead; `is_dispatch` reports when that fallback was needed.
"""
from collections import defaultdict

TYPE_KINDS = {"class", "struct", "enum", "trait", "interface", "type", "union", "impl"}
SUPERTYPE_EDGES = ("inherits", "implements")


class Dispatch:
    def __init__(self, doc):
        self.nodes = {n["id"]: n for n in doc["nodes"]}
        self.type_qns = {n.get("qualified_name") for n in doc["nodes"]
                         if n.get("kind") in TYPE_KINDS and n.get("qualified_name")}
        self.parents = defaultdict(set)    # (file, qualified name) of a member -> type keys
        self.supers = defaultdict(set)     # type key -> direct supertype keys
        for e in doc["edges"]:
            k, s, d = e.get("kind"), e.get("src"), e.get("dst")
            if s not in self.nodes or d not in self.nodes:
                continue
            if k == "contains":
                self.parents[self._member(d)].add(self._tkey(s))
            elif k in SUPERTYPE_EDGES:
                self.supers[self._tkey(s)].add(self._tkey(d))
        self._anc = {}
        self._cache = {}

    def _tkey(self, nid):
        return self.nodes[nid].get("qualified_name") or nid

    def _member(self, nid):
        n = self.nodes[nid]
        # nodes of one file with one qualified name (overloads, cfg variants) are one member
        return (n.get("file"), n.get("qualified_name") or nid)

    def enclosing(self, nid):
        """(type keys, whether the qualified-name fallback was used)."""
        ts = self.parents.get(self._member(nid))
        if ts:
            return ts, False
        qn = self.nodes[nid].get("qualified_name") or ""
        cut = max(qn.rfind("::"), qn.rfind("."))
        parent = qn[:cut] if cut > 0 else ""
        if parent in self.type_qns:
            return {parent}, True
        return set(), False

    def ancestors(self, t):
        if t not in self._anc:
            seen, todo = set(), [t]
            while todo:
                for s in self.supers.get(todo.pop(), ()):
                    if s not in seen:
                        seen.add(s)
                        todo.append(s)
            seen.discard(t)
            self._anc[t] = seen
        return self._anc[t]

    def is_dispatch(self, x, r):
        """(ok, fallback_used): leindex callee node x is an override/implementation of the
        reference callee node r (same name, enclosing type a proper subtype)."""
        key = (x, r)
        if key in self._cache:
            return self._cache[key]
        out = (False, False)
        xn, rn = self.nodes.get(x), self.nodes.get(r)
        if xn is not None and rn is not None and x != r and xn.get("name") and xn.get("name") == rn.get("name"):
            tx, fx = self.enclosing(x)
            tr, fr = self.enclosing(r)
            if any(self.ancestors(t) & tr for t in tx):
                out = (True, fx or fr)
        self._cache[key] = out
        return out

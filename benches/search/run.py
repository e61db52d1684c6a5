#!/usr/bin/env python3
"""End-to-end retrieval quality of `leindex search`, CodeSearchNet style.

Queries and targets are the held-out test split of benches/search/eval-set.json
(query = first sentence of a function's doc comment; target = that function), 300
per language for Python, Go, Rust and TypeScript/JavaScript. Those packages were
never read by the model's training nor by the choice of its blend weights (dev
split). This script:

  1. copies the test packages from the registries on this machine into
     WORK/orig/<lang>/<package>/ (the layout the targets' qualified names assume);
  2. writes WORK/stripped/<lang>/: the same files with every doc comment removed
     (Python docstrings through `ast`; `///`, `//!`, `/** */` and `#[doc]` in Rust;
     `//` and `/* */` comment lines above code in Go; `/** */` blocks in TS/JS);
  3. runs `leindex index` on each stripped language folder and checks that every
     target it finds there has no doc comment left;
  4. runs `leindex search --json --limit 10 --mode M -- QUERY` once per query and
     mode, as a user would (process start and index open included), and scores
     MRR@10, Recall@1 and Recall@10 per language and overall; a target that the
     index does not hold (a renamed symbol) is reported and counted as a miss.

    python3 benches/search/run.py                     # all modes, 1,200 queries
    python3 benches/search/run.py --per-lang 50       # a quick look
    # the opt-in transformer re-ranking (a `--features fastembed` build, a model
    # folder from scripts/export-minilm-onnx.py, ONNX Runtime from PyPI's wheel):
    LEINDEX_MODEL_DIR=/tmp/minilm-onnx ORT_DYLIB_PATH=.../libonnxruntime.so.1.32.0 \
        python3 benches/search/run.py --modes lexical,semantic,hybrid,rerank
    python3 benches/search/run.py --split dev --modes rerank   # choose its weight

Results go to benches/search/e2e-results.json (with the sources used) and stdout.
The reserved evaluation packages (DEVELOPERS.md) are excluded by name.
"""
import argparse
import ast
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
# Debian golang-1.19-src; /usr/lib/go-1.19 exists when golang-1.19-go is installed too.
GO_SRC = next((d for d in ("/usr/lib/go-1.19/src", "/usr/share/go-1.19/src") if os.path.isdir(d)),
              "/usr/share/go-1.19/src")
RESERVED = {"rich", "requests", "flask", "httpx", "graphql", "zod", "ky", "express",
            "expr", "cobra", "gjson", "mux", "ripgrep", "grep", "ignore", "globset",
            "serde_json", "bytes"}
LANG_DIR = {"python": "python", "go": "go", "rust": "rust", "ts": "ts"}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def reserved(name):
    n = name.lower()
    return n in RESERVED or n.startswith("grep-")


def versions(want):
    """Package -> source line, from the model's SOURCES.tsv (split `want` only)."""
    out = {}
    with open(os.path.join(REPO, "models/leindex-code-v1/SOURCES.tsv")) as f:
        for line in f:
            lang, pkg, split, origin = line.rstrip("\n").split("\t")
            if split == want:
                out[(lang, pkg)] = origin
    return out


def copy_sources(work, packages, used, split):
    orig = os.path.join(work, "orig")
    shutil.rmtree(orig, ignore_errors=True)
    vers = versions(split)
    std = sysconfig.get_paths()["stdlib"]
    purelib = sysconfig.get_paths()["purelib"]
    for lang, pkgs in packages.items():
        for pkg in pkgs:
            if reserved(pkg):
                log("skip reserved:", pkg)
                continue
            dst = os.path.join(orig, LANG_DIR[lang], pkg)
            origin = vers.get((lang, pkg), "?")
            if lang == "python":
                if pkg.startswith("std-"):
                    name = pkg[4:]
                    src = os.path.join(std, name)
                    origin = "CPython stdlib " + sys.version.split()[0]
                else:
                    name = pkg
                    src = os.path.join(purelib, name)
                if not os.path.isdir(src):
                    log(f"  skip: {src} is not installed")
                    continue
                shutil.copytree(src, os.path.join(dst, name),
                                ignore=shutil.ignore_patterns("__pycache__", "test", "tests", "testing", "*.so"))
            elif lang == "go":
                shutil.copytree(os.path.join(GO_SRC, pkg), dst,
                                ignore=shutil.ignore_patterns("testdata"), symlinks=True)
            elif lang == "rust":
                want = origin.split("==")[-1] if "==" in origin else None
                cands = sorted(glob.glob(os.path.expanduser(f"~/.cargo/registry/src/*/{pkg}-[0-9]*")))
                cands = [c for c in cands if re.fullmatch(re.escape(pkg) + r"-\d.*", os.path.basename(c))]
                pick = [c for c in cands if want and os.path.basename(c) == f"{pkg}-{want}"] or cands[-1:]
                if not pick:
                    log(f"  skip: crate {pkg} is not in ~/.cargo/registry")
                    continue
                origin = "crates.io " + os.path.basename(pick[0])
                shutil.copytree(pick[0], dst, ignore=shutil.ignore_patterns("target", ".git"), symlinks=True)
            elif lang == "ts":
                spec = origin.split(" ", 1)[1] if origin.startswith("npm ") else pkg
                npmdir = os.path.join(work, "npm")
                os.makedirs(npmdir, exist_ok=True)
                tgz = [f for f in os.listdir(npmdir) if f.startswith(pkg + "-") and f.endswith(".tgz")]
                if not tgz:
                    subprocess.run(["npm", "pack", spec, "--silent"], cwd=npmdir, check=True,
                                   stdout=subprocess.DEVNULL)
                    tgz = [f for f in os.listdir(npmdir) if f.startswith(pkg + "-") and f.endswith(".tgz")]
                ex = os.path.join(work, "npmx", pkg)
                shutil.rmtree(ex, ignore_errors=True)
                os.makedirs(ex)
                subprocess.run(["tar", "xzf", os.path.join(npmdir, tgz[0]), "-C", ex], check=True)
                src = os.path.join(ex, "package")
                if os.path.isdir(os.path.join(src, "src")):
                    shutil.copytree(os.path.join(src, "src"), os.path.join(dst, "src"), symlinks=True)
                else:
                    shutil.copytree(src, dst, symlinks=True, ignore=shutil.ignore_patterns(
                        "*.min.js", "*.map", "*.d.ts", "*.d.cts", "*.d.mts", "fp", "es6", "browser"))
                origin = "npm " + spec
            used.append({"language": lang, "package": pkg, "source": origin})
            log(f"  {lang:7} {pkg:18} {origin}")


# ---- doc stripping -----------------------------------------------------------
def strip_python(text):
    """Replace every docstring statement by `pass` (keeps the code valid)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return text, 0
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                e = body[0]
                spans.append((e.lineno, e.col_offset, e.end_lineno, e.end_col_offset))
    if not spans:
        return text, 0
    lines = text.encode("utf-8").split(b"\n")
    for (l0, c0, l1, c1) in sorted(spans, reverse=True):
        head = lines[l0 - 1][:c0]
        tail = lines[l1 - 1][c1:]
        lines[l0 - 1:l1] = [head + b"pass" + tail]
    return b"\n".join(lines).decode("utf-8"), len(spans)


_BLOCK_START = re.compile(r"^\s*/\*")


def strip_lines(text, line_doc, block_doc, attr_doc=False):
    """Drop whole lines of line comments matching `line_doc` and comment blocks whose
    first line matches `block_doc` (through the line holding `*/`)."""
    out, n, i = [], 0, 0
    lines = text.split("\n")
    while i < len(lines):
        s = lines[i].lstrip()
        if line_doc(s) or (attr_doc and re.match(r"#!?\[doc\s*=.*\]\s*$", s)):
            n += 1
            i += 1
            continue
        if block_doc(s):
            j = i
            while j < len(lines) and "*/" not in (s[2:] if j == i else lines[j]):
                j += 1
            if j < len(lines):
                n += 1
                i = j + 1
                continue
        out.append(lines[i])
        i += 1
    return "\n".join(out), n


def strip_file(path, lang):
    try:
        text = open(path, encoding="utf-8").read()
    except (UnicodeDecodeError, OSError):
        return 0
    if lang == "python":
        new, n = strip_python(text)
    elif lang == "go":
        new, n = strip_lines(text, lambda s: s.startswith("//"), lambda s: s.startswith("/*"))
    elif lang == "rust":
        new, n = strip_lines(text, lambda s: s.startswith("///") or s.startswith("//!"),
                             lambda s: s.startswith("/**") or s.startswith("/*!"), attr_doc=True)
    else:
        new, n = strip_lines(text, lambda s: False, lambda s: s.startswith("/**"))
    if n:
        with open(path, "w", encoding="utf-8") as f:
            f.write(new)
    return n


EXT = {"python": (".py", ".pyi"), "go": (".go",), "rust": (".rs",),
       "ts": (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs")}


def make_stripped(work):
    src, dst = os.path.join(work, "orig"), os.path.join(work, "stripped")
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, symlinks=True)
    counts = {}
    for lang in LANG_DIR:
        n = 0
        for root, _, files in os.walk(os.path.join(dst, LANG_DIR[lang])):
            for f in files:
                if f.endswith(EXT[lang]):
                    n += strip_file(os.path.join(root, f), lang)
        counts[lang] = n
    return counts


# ---- evaluation ----------------------------------------------------------------
def search(leindex, root, query, mode):
    t = time.perf_counter()
    p = subprocess.run([leindex, "search", "--root", root, "--json", "--limit", "10",
                        "--mode", mode, "--", query], capture_output=True, text=True)
    ms = (time.perf_counter() - t) * 1000
    if p.returncode not in (0, 6):
        raise SystemExit(f"leindex search failed ({p.returncode}): {p.stderr}")
    hits = json.loads(p.stdout)["hits"] if p.stdout.strip() else []
    return [h["qualified_name"] for h in hits], ms


def rerank_search(leindex, root, query, top):
    """The hybrid's best `top` hits with the transformer's cosine (weight 0: the hybrid
    order; the blend for any weight is computed here from the cosines and scores)."""
    t = time.perf_counter()
    p = subprocess.run([leindex, "search", "--root", root, "--json", "--limit", str(top),
                        "--rerank", str(top), "--rerank-weight", "0", "--", query],
                       capture_output=True, text=True)
    ms = (time.perf_counter() - t) * 1000
    if p.returncode not in (0, 6):
        raise SystemExit(f"leindex search --rerank failed ({p.returncode}): {p.stderr}")
    hits = json.loads(p.stdout)["hits"] if p.stdout.strip() else []
    return [(h["qualified_name"], h["score"], h["rerank_cosine"]) for h in hits], ms


def blend_order(hits, w):
    def z(v):
        m = sum(v) / len(v)
        sd = (sum((x - m) ** 2 for x in v) / len(v)) ** 0.5 or 1.0
        return [(x - m) / sd for x in v]
    if not hits:
        return []
    zs, zc = z([h[1] for h in hits]), z([h[2] for h in hits])
    b = [w * c + (1 - w) * s for s, c in zip(zs, zc)]
    idx = sorted(range(len(hits)), key=lambda i: (-b[i], i))
    return [hits[i][0] for i in idx]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default="/tmp/leindex-search-bench")
    ap.add_argument("--leindex", default=os.path.join(REPO, "target/release/leindex"))
    ap.add_argument("--per-lang", type=int, default=0, help="first N queries per language (0 = all)")
    ap.add_argument("--modes", default="lexical,semantic,hybrid")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--reuse", action="store_true", help="keep WORK's copies and index")
    ap.add_argument("--out", default=None, help="default: benches/search/e2e-results[-dev].json")
    ap.add_argument("--split", default="test", choices=["test", "dev"])
    ap.add_argument("--rerank-per-lang", type=int, default=100,
                    help="queries per language for the rerank mode (0 = all; about 2.5 s each)")
    ap.add_argument("--rerank-weights", default="0.3,0.5,0.7,1.0",
                    help="weights of the transformer's cosine to report (rerank mode)")
    a = ap.parse_args()
    if a.out is None:
        a.out = os.path.join(HERE, "e2e-results.json" if a.split == "test" else "e2e-results-dev.json")
    if a.split == "dev":
        a.work = a.work.rstrip("/") + "-dev"
    ev = json.load(open(os.path.join(HERE, "eval-set.json")))
    packages = ev["packages"][a.split]
    queries = ev[a.split]
    if a.per_lang:
        seen = {}
        queries = [q for q in queries if seen.setdefault(q["lang"], []).append(q) or
                   len(seen[q["lang"]]) <= a.per_lang]
    used = []
    strip_counts = {}
    stamp = os.path.join(a.work, "sources.json")
    if not a.reuse or not os.path.exists(stamp):
        log("sources (test split of the model's training; never trained or tuned on):")
        copy_sources(a.work, packages, used, a.split)
        strip_counts = make_stripped(a.work)
        log("doc comments removed:", strip_counts)
        for lang in LANG_DIR:
            root = os.path.join(a.work, "stripped", LANG_DIR[lang])
            t = time.time()
            subprocess.run([a.leindex, "index", "-q", root], check=True)
            # first search builds nothing more, but time the index run alone
            log(f"indexed {lang} in {time.time() - t:.1f}s")
        json.dump({"used": used, "stripped": strip_counts}, open(stamp, "w"))
    else:
        s = json.load(open(stamp))
        used, strip_counts = s["used"], s["stripped"]
    # Targets present, and without a doc comment, in the stripped index.
    present, with_doc = {}, {}
    for lang in LANG_DIR:
        root = os.path.join(a.work, "stripped", LANG_DIR[lang])
        p = subprocess.run([a.leindex, "symbols", "--root", root, "--json"], capture_output=True,
                           text=True, check=True)
        syms = json.loads(p.stdout)["symbols"]
        present[lang] = {s["qualified_name"] for s in syms}
        with_doc[lang] = {s["qualified_name"] for s in syms if s.get("doc")}
    have = {(u["language"], u["package"]) for u in used}
    dropped = [q for q in queries if (q["lang"], q["package"]) not in have]
    if dropped:
        log(f"{len(dropped)} queries dropped: their package is not on this machine")
    queries = [q for q in queries if (q["lang"], q["package"]) in have]
    missing = [q for q in queries if q["target"] not in present[q["lang"]]]
    documented = [q for q in queries if q["target"] in with_doc[q["lang"]]]
    log(f"{len(queries)} queries; {len(missing)} targets not in the index (misses); "
        f"{len(documented)} targets still documented")
    modes = a.modes.split(",")
    results = {}
    if "rerank" in modes:
        modes.remove("rerank")
        sub, seen = [], {}
        for q in queries:
            seen[q["lang"]] = seen.get(q["lang"], 0) + 1
            if not a.rerank_per_lang or seen[q["lang"]] <= a.rerank_per_lang:
                sub.append(q)
        cache_path = os.path.join(a.work, "rerank-cache.jsonl")
        cache = {}
        if os.path.exists(cache_path):
            for line in open(cache_path):
                r = json.loads(line)
                cache[(r["lang"], r["query"])] = r
        out = open(cache_path, "a")
        t = time.time()
        for i, q in enumerate(sub):
            key = (q["lang"], q["query"])
            if key not in cache:
                hits, ms = rerank_search(a.leindex, os.path.join(a.work, "stripped", LANG_DIR[q["lang"]]),
                                         q["query"], 50)
                cache[key] = {"lang": q["lang"], "query": q["query"], "hits": hits, "ms": ms}
                out.write(json.dumps(cache[key]) + "\n")
                out.flush()
            if i % 50 == 49:
                log(f"rerank: {i + 1}/{len(sub)} in {time.time() - t:.0f}s")
        out.close()
        for w in [0.0] + [float(x) for x in a.rerank_weights.split(",")]:
            per = {}
            for q in sub:
                r = cache[(q["lang"], q["query"])]
                order = blend_order(r["hits"], w)[:10]
                rank = order.index(q["target"]) + 1 if q["target"] in order else None
                for key in (q["lang"], "all"):
                    d = per.setdefault(key, {"n": 0, "rr": 0.0, "r1": 0, "r10": 0, "ms": []})
                    d["n"] += 1
                    d["ms"].append(r["ms"])
                    if rank:
                        d["rr"] += 1.0 / rank
                        d["r1"] += rank == 1
                        d["r10"] += 1
            name = "hybrid (rerank subset)" if w == 0.0 else f"rerank w={w}"
            results[name] = {k: {"queries": d["n"], "mrr10": round(d["rr"] / d["n"], 3),
                                 "recall1": round(d["r1"] / d["n"], 3), "recall10": round(d["r10"] / d["n"], 3),
                                 "median_ms": round(statistics.median(d["ms"]), 1),
                                 "p95_ms": round(sorted(d["ms"])[int(0.95 * (len(d["ms"]) - 1))], 1)}
                             for k, d in per.items()}
    for mode in modes:
        # Warm the index (the first semantic search after an index run builds vectors).
        for lang in LANG_DIR:
            search(a.leindex, os.path.join(a.work, "stripped", LANG_DIR[lang]), "warm up", mode)

        def one(q):
            hits, ms = search(a.leindex, os.path.join(a.work, "stripped", LANG_DIR[q["lang"]]),
                              q["query"], mode)
            rank = hits.index(q["target"]) + 1 if q["target"] in hits else None
            return q["lang"], rank, ms

        t = time.time()
        with ThreadPoolExecutor(a.jobs) as ex:
            rows = list(ex.map(one, queries))
        log(f"{mode}: {len(rows)} searches in {time.time() - t:.0f}s")
        per = {}
        for lang, rank, ms in rows:
            for key in (lang, "all"):
                d = per.setdefault(key, {"n": 0, "rr": 0.0, "r1": 0, "r10": 0, "ms": []})
                d["n"] += 1
                d["ms"].append(ms)
                if rank:
                    d["rr"] += 1.0 / rank
                    d["r1"] += rank == 1
                    d["r10"] += 1
        results[mode] = {k: {"queries": d["n"], "mrr10": round(d["rr"] / d["n"], 3),
                             "recall1": round(d["r1"] / d["n"], 3), "recall10": round(d["r10"] / d["n"], 3),
                             "median_ms": round(statistics.median(d["ms"]), 1)}
                         for k, d in per.items()}
    print(f"{'mode':22} {'lang':7} {'n':>5} {'MRR@10':>7} {'R@1':>6} {'R@10':>6} {'ms':>7}")
    for mode in results:
        for k in ("python", "go", "rust", "ts", "all"):
            r = results[mode].get(k)
            if r:
                print(f"{mode:22} {k:7} {r['queries']:5} {r['mrr10']:7.3f} {r['recall1']:6.3f} "
                      f"{r['recall10']:6.3f} {r['median_ms']:7.1f}")
    json.dump({"command": "python3 benches/search/run.py " + " ".join(sys.argv[1:]),
               "split": a.split, "queries": len(queries), "dropped_queries": len(dropped), "missing_targets": len(missing),
               "documented_targets": len(documented), "doc_comments_removed": strip_counts,
               "sources": used, "results": results}, open(a.out, "w"), indent=1)
    log("wrote", a.out)


if __name__ == "__main__":
    main()

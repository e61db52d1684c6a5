#!/usr/bin/env python3
"""Cyclomatic-complexity agreement check: leindex vs trusted tools.

    python (lizard), go (lizard), typescript (ESLint `complexity` rule,
    classic variant), rust (rust-code-analysis-cli, per-function own value).

Usage:
    python3 benches/quality/complexity.py /tmp/corpora/small
    python3 benches/quality/complexity.py /tmp/corpora/small --per-lang 100 --langs python,go
    python3 benches/quality/complexity.py benches/quality/probes --all   # every file, no sampling

Install the tools first: bash benches/quality/setup-tools.sh
See benches/quality/README.md ("Complexity agreement") for what each tool counts.
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TOOLS = os.environ.get("LEINDEX_QUALITY_TOOLS", "/tmp/leindex-quality-tools")
DEFAULT_LEINDEX = os.path.normpath(os.path.join(HERE, "..", "..", "target", "release", "leindex"))
LANGS = ("python", "go", "typescript", "rust")

# Reserved packages (held out of every benchmark): excluded wherever a path component
# names them (crate directories carry a version suffix: serde_json-1.0.154).
RESERVED = {
    "python": ["rich", "requests", "flask", "httpx"],
    "typescript": ["graphql", "zod", "ky", "express"],
    "go": ["expr", "cobra", "gjson", "mux"],
    "rust": ["ripgrep", "grep", "grep-*", "ignore", "globset", "serde_json", "bytes"],
}
_RESERVED_RE = re.compile(
    r"^(?:%s)(?:-v?\d[\w.+-]*)?$"
    % "|".join(
        re.escape(n[:-2]) + r"-[A-Za-z0-9_]+" if n.endswith("-*") else re.escape(n)
        for names in RESERVED.values()
        for n in names
    ),
    re.IGNORECASE,
)


def is_reserved(relpath):
    return any(_RESERVED_RE.match(part) for part in relpath.split("/")[:-1])


def lang_of(path):
    if path.endswith(".py"):
        return "python"
    if path.endswith(".go"):
        return "go"
    if path.endswith(".d.ts"):
        return None
    if path.endswith((".ts", ".tsx", ".mts", ".cts")):
        return "typescript"
    if path.endswith(".rs"):
        return "rust"
    return None


def package_of(relpath):
    parts = relpath.split("/")
    if parts[0] in LANGS and len(parts) > 2:
        return parts[1]
    return parts[0] if len(parts) > 1 else "."


# --------------------------------------------------------------------------- corpus


def collect(corpus):
    by_lang = defaultdict(list)
    skipped = Counter()
    for dirpath, dirnames, filenames in os.walk(corpus):
        dirnames[:] = sorted(d for d in dirnames if d not in (".git", ".leindex", "node_modules", "target"))
        for fn in filenames:
            full = os.path.join(dirpath, fn)
            rel = os.path.relpath(full, corpus).replace(os.sep, "/")
            lang = lang_of(rel)
            if lang is None or os.path.islink(full):
                continue
            if is_reserved(rel):
                skipped[(lang, package_of(rel))] += 1
                continue
            by_lang[lang].append(rel)
    for lang in by_lang:
        by_lang[lang].sort()
    return by_lang, skipped


def sample(files, n, seed, lang):
    if n <= 0 or len(files) <= n:
        return list(files)
    rng = random.Random("%s:%s" % (seed, lang))
    return sorted(rng.sample(files, n))


# --------------------------------------------------------------------------- leindex


def run_leindex(binary, root):
    subprocess.run([binary, "index", root, "--quiet"], check=True)
    out = subprocess.run(
        [binary, "symbols", "--root", root, "--json"], check=True, stdout=subprocess.PIPE
    ).stdout
    doc = json.loads(out)
    fns = defaultdict(list)
    for s in doc.get("symbols", []):
        if s.get("kind") not in ("function", "method"):
            continue
        if s.get("complexity") is None:
            continue
        fns[s["file"]].append(
            {
                "file": s["file"],
                "line": int(s["line"]),
                "end_line": int(s.get("end_line") or s["line"]),
                "name": s.get("name") or "",
                "qname": s.get("qualified_name") or "",
                "cc": int(s["complexity"]),
            }
        )
    return fns, doc.get("count")


# --------------------------------------------------------------------------- tools


class ToolMissing(Exception):
    pass


def run_lizard(root, files):
    try:
        import lizard  # noqa: F401
    except ImportError:
        raise ToolMissing("lizard is not installed")
    import lizard

    out = defaultdict(list)
    errors = 0
    for rel in files:
        try:
            res = lizard.analyze_file(os.path.join(root, rel))
        except Exception as e:  # lizard can choke on odd files
            print("  lizard failed on %s: %s" % (rel, e), file=sys.stderr)
            errors += 1
            continue
        for f in res.function_list:
            name = f.name.split(".")[-1] if rel.endswith(".py") else f.name
            anon = rel.endswith(".go") and f.name.startswith("anonymous__")
            out[rel].append(
                {
                    "file": rel,
                    "line": f.start_line,
                    "end_line": f.end_line,
                    "name": None if anon else name,
                    "tool_name": f.name,
                    "cc": f.cyclomatic_complexity,
                    "lines": [f.start_line],
                }
            )
    return out, errors


def run_eslint(root, files, tools_dir):
    nm = os.path.join(tools_dir, "node_modules")
    if not os.path.isdir(os.path.join(nm, "eslint")):
        raise ToolMissing("eslint not found in %s" % nm)
    with tempfile.NamedTemporaryFile("w", suffix=".lst", delete=False) as lst:
        lst.write("\n".join(os.path.join(root, f) for f in files) + "\n")
    env = dict(os.environ, NODE_PATH=nm)
    proc = subprocess.run(
        ["node", os.path.join(HERE, "eslint_complexity.js"), "--files-from", lst.name],
        stdout=subprocess.PIPE,
        env=env,
        check=True,
    )
    os.unlink(lst.name)
    out = defaultdict(list)
    errors = 0
    for line in proc.stdout.decode().splitlines():
        o = json.loads(line)
        rel = os.path.relpath(o["file"], root).replace(os.sep, "/")
        if "parse_error" in o:
            errors += 1
            continue
        if o["kind"] in ("field-initializer", "static-block"):
            continue  # implicit functions: leindex has no symbol for them
        out[rel].append(
            {
                "file": rel,
                "line": o["line"],
                "end_line": o["end_line"],
                "name": o["name"],
                "tool_name": o["name"] or o["kind"],
                "cc": o["complexity"],
                "lines": sorted({o["line"], o["node_line"], o["head_line"]}),
            }
        )
    return out, errors


def run_rca(root, files, binary):
    exe = shutil.which(binary) or binary
    if not os.path.exists(exe):
        raise ToolMissing("%s not found" % binary)
    out = defaultdict(list)
    errors = 0

    def walk(rel, space):
        for sp in space.get("spaces", []):
            if sp["kind"] == "function":
                cyc = sp["metrics"]["cyclomatic"]
                kids = sum(c["metrics"]["cyclomatic"]["sum"] for c in sp.get("spaces", []))
                anon = sp["name"] == "<anonymous>"
                out[rel].append(
                    {
                        "file": rel,
                        "line": sp["start_line"],
                        "end_line": sp["end_line"],
                        "name": None if anon else sp["name"],
                        "tool_name": sp["name"],
                        "cc": int(round(cyc["sum"] - kids)),
                        "cc_sum": int(round(cyc["sum"])),
                        "lines": [sp["start_line"]],
                    }
                )
            walk(rel, sp)

    batch = 64
    for i in range(0, len(files), batch):
        chunk = files[i : i + batch]
        cmd = [exe, "-m", "-O", "json"]
        for f in chunk:
            cmd += ["-p", os.path.join(root, f)]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        seen = set()
        for line in proc.stdout.decode(errors="replace").splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                doc = json.loads(line)
            except ValueError:
                errors += 1
                continue
            rel = os.path.relpath(doc["name"], root).replace(os.sep, "/")
            seen.add(rel)
            walk(rel, doc)
        errors += len(set(chunk) - seen)
    return out, errors


# --------------------------------------------------------------------------- matching


def match_file(tool_fns, le_fns):
    """Returns (pairs, tool_unmatched, le_unmatched); pairs = [(tool, le, how)]."""
    used = set()
    pairs = []
    rest = []
    by_line = defaultdict(list)
    for i, l in enumerate(le_fns):
        by_line[l["line"]].append(i)
    # pass 1: same start line (ESLint also offers its function-node / head lines)
    for t in sorted(tool_fns, key=lambda t: t["line"]):
        cands = [i for ln in t["lines"] for i in by_line.get(ln, []) if i not in used]
        named = [i for i in cands if t["name"] is not None and le_fns[i]["name"] == t["name"]]
        if named:
            pick, how = named[0], "line+name"
        elif len(set(cands)) == 1 and t["name"] is None:
            pick, how = cands[0], "line(anon)"
        elif len(set(cands)) == 1:
            pick, how = cands[0], "line"
        else:
            rest.append(t)
            continue
        used.add(pick)
        pairs.append((t, le_fns[pick], how))
    # pass 2: same name, one start line inside the other's span (decorators, attributes,
    # doc comments included by one side only); closest start line wins
    unmatched = []
    for t in rest:
        best = None
        if t["name"] is not None:
            for i, l in enumerate(le_fns):
                if i in used or l["name"] != t["name"]:
                    continue
                if l["line"] <= t["line"] <= l["end_line"] or t["line"] <= l["line"] <= t["end_line"]:
                    d = abs(l["line"] - t["line"])
                    if best is None or d < best[0]:
                        best = (d, i)
        how = "name+span"
        if best is None and t["name"] is not None:
            # pass 3: same name, start lines within NEAR lines of each other (long doc
            # comments / attribute lists, or a span one side got wrong)
            for i, l in enumerate(le_fns):
                if i in used or l["name"] != t["name"]:
                    continue
                d = abs(l["line"] - t["line"])
                # prefer a leindex start at or above the tool's (leindex spans include
                # decorators/attributes written above the def/fn line)
                key = (l["line"] > t["line"], d)
                if d <= NEAR and (best is None or key < best[0]):
                    best = (key, i)
            how = "name+near"
        if best is None:
            unmatched.append(t)
            continue
        used.add(best[1])
        pairs.append((t, le_fns[best[1]], how))
    le_unmatched = [l for i, l in enumerate(le_fns) if i not in used]
    return pairs, unmatched, le_unmatched


NEAR = 40

_PY_ONELINE_DEF = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+\w+[ \t]*\(.*\)[^:]*:[ \t]*[^\s#]", re.M)


def stats(pairs, key="cc"):
    n = len(pairs)
    if n == 0:
        return {"n": 0}
    diffs = [p[1]["cc"] - p[0][key] for p in pairs]
    return {
        "n": n,
        "exact": sum(1 for d in diffs if d == 0) / n,
        "within1": sum(1 for d in diffs if abs(d) <= 1) / n,
        "mad": sum(abs(d) for d in diffs) / n,
        "bias": sum(diffs) / n,
        "higher": sum(1 for d in diffs if d > 0),
        "lower": sum(1 for d in diffs if d < 0),
    }


def fmt_stats(s):
    if s["n"] == 0:
        return "no matched functions"
    return (
        "exact %.1f%%  within+-1 %.1f%%  MAD %.3f  mean(leindex-tool) %+.3f  "
        "(leindex higher %d, lower %d, of %d)"
        % (100 * s["exact"], 100 * s["within1"], s["mad"], s["bias"], s["higher"], s["lower"], s["n"])
    )


# --------------------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", help="corpus tier dir (e.g. /tmp/corpora/small) or any source tree")
    ap.add_argument("--leindex", default=DEFAULT_LEINDEX, help="leindex binary (default %(default)s)")
    ap.add_argument("--per-lang", type=int, default=300, help="files sampled per language (default %(default)s)")
    ap.add_argument("--all", action="store_true", help="use every file (no sampling)")
    ap.add_argument("--seed", default="0", help="sampling seed (default %(default)s)")
    ap.add_argument("--langs", default=",".join(LANGS), help="comma list (default %(default)s)")
    ap.add_argument("--tools-dir", default=DEFAULT_TOOLS, help="where setup-tools.sh put node_modules (default %(default)s)")
    ap.add_argument("--rca", default="rust-code-analysis-cli", help="rust-code-analysis-cli binary")
    ap.add_argument("--worst", type=int, default=10, help="disagreements listed per language")
    ap.add_argument("--unmatched", type=int, default=5, help="unmatched examples listed per language")
    ap.add_argument("--json-out", help="write the full results (every matched pair) as JSON here")
    ap.add_argument("--keep", action="store_true", help="keep the temporary repo")
    args = ap.parse_args()

    corpus = os.path.abspath(args.corpus)
    langs = [l for l in args.langs.split(",") if l]
    if not os.path.isdir(corpus):
        sys.exit("corpus %s does not exist (build it: bash /work/shared/bench/make-corpora.sh /tmp/corpora)" % corpus)
    if not os.access(args.leindex, os.X_OK):
        sys.exit("leindex binary %s not found (cargo build --release)" % args.leindex)

    by_lang, skipped = collect(corpus)
    chosen = {}
    for lang in langs:
        files = by_lang.get(lang, [])
        chosen[lang] = files if args.all else sample(files, args.per_lang, args.seed, lang)

    print("# complexity agreement: leindex vs trusted tools")
    print("corpus: %s   seed: %s   per-language sample: %s" % (corpus, args.seed, "all" if args.all else args.per_lang))
    print("leindex: %s" % args.leindex)
    manifest = os.path.join(os.path.dirname(corpus), "MANIFEST.tsv")
    man = {}
    if os.path.exists(manifest):
        with open(manifest) as fh:
            for row in fh.read().splitlines()[1:]:
                cols = row.split("\t")
                if len(cols) >= 5:
                    lang = {"py": "python", "rs": "rust", "ts": "typescript"}.get(cols[0], cols[0])
                    man.setdefault((lang, cols[1]), []).append(cols[3])
    print("sources:")
    for lang in langs:
        pk = Counter(package_of(f) for f in chosen[lang])
        print("  %-10s %4d of %5d files:" % (lang, len(chosen[lang]), len(by_lang.get(lang, []))))
        for p, n in sorted(pk.items()):
            unit = re.sub(r"-\d[\w.+-]*$", "", p)
            arts = man.get((lang, p)) or man.get((lang, unit)) or []
            if lang == "rust" and unit != p:  # several versions of a crate: keep this one
                arts = [a for a in arts if a.startswith(p + ".")] or arts
            src = ", ".join(arts)
            print("      %-28s %4d files  %s" % (p, n, src))
    if skipped:
        print("  reserved packages excluded: %s" % ", ".join(
            "%s/%s (%d files)" % (l, p, n) for (l, p), n in sorted(skipped.items())))

    tmp = tempfile.mkdtemp(prefix="leindex-cc-")
    try:
        for lang in langs:
            for rel in chosen[lang]:
                dst = os.path.join(tmp, rel)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copyfile(os.path.join(corpus, rel), dst)
        le, total = run_leindex(args.leindex, tmp)
        print("leindex: %s symbols, %d functions/methods with complexity" % (total, sum(len(v) for v in le.values())))
        results = {}
        for lang in langs:
            files = chosen[lang]
            if not files:
                continue
            try:
                if lang in ("python", "go"):
                    tool, errors = run_lizard(tmp, files)
                    import lizard
                    tool_name = "lizard %s" % getattr(lizard, "version", "?")
                elif lang == "typescript":
                    tool, errors = run_eslint(tmp, files, args.tools_dir)
                    tool_name = "eslint complexity (classic)"
                else:
                    tool, errors = run_rca(tmp, files, args.rca)
                    tool_name = "rust-code-analysis-cli (own = sum - nested spaces)"
            except ToolMissing as e:
                print("\n## %s  SKIPPED: %s (run bash benches/quality/setup-tools.sh)" % (lang, e))
                results[lang] = {"skipped": str(e)}
                continue
            results[lang] = report(lang, tool_name, tmp, files, tool, le, errors, args)
        if args.json_out:
            with open(args.json_out, "w") as fh:
                json.dump(results, fh, indent=1)
            print("\nwrote %s" % args.json_out)
    finally:
        if args.keep:
            print("kept %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def report(lang, tool_name, root, files, tool, le, errors, args):
    pairs, t_un, l_un = [], [], []
    oneliner_files = set()
    for rel in files:
        p, tu, lu = match_file(tool.get(rel, []), le.get(rel, []))
        pairs += p
        t_un += tu
        l_un += lu
        if lang == "python":
            with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as fh:
                if _PY_ONELINE_DEF.search(fh.read()):
                    oneliner_files.add(rel)
    n_tool = sum(len(tool.get(f, [])) for f in files)
    n_le = sum(len(le.get(f, [])) for f in files)
    anon_tool = [t for t in t_un if t["name"] is None]
    named_tool = [t for t in t_un if t["name"] is not None]
    how = Counter(h for _, _, h in pairs)
    print("\n## %s  (%s)" % (lang, tool_name))
    print("files %d (tool errors %d); functions: tool %d, leindex %d; matched %d (%s)" % (
        len(files), errors, n_tool, n_le, len(pairs), ", ".join("%s %d" % kv for kv in sorted(how.items()))))
    oneline_le = sum(1 for l in l_un if l["line"] == l["end_line"])
    print("unmatched: tool %d named + %d anonymous/closures; leindex %d (%d of them one-line%s)" % (
        len(named_tool), len(anon_tool), len(l_un), oneline_le,
        ": lizard drops one-line python defs" if lang == "python" else ""))
    s = stats(pairs)
    print("agreement: " + fmt_stats(s))
    extra = {}
    if lang == "python":
        clean = [p for p in pairs if p[0]["file"] not in oneliner_files]
        extra["clean"] = stats(clean)
        print("  files without one-line defs (%d of %d files; lizard mishandles one-liners): %s" % (
            len(files) - len(oneliner_files), len(files), fmt_stats(extra["clean"])))
    if lang == "rust":
        extra["vs_sum"] = stats(pairs, key="cc_sum")
        print("  vs rca `sum` (closures/nested fns included): " + fmt_stats(extra["vs_sum"]))
    span_ok = [p for p in pairs if abs(p[1]["end_line"] - p[0]["end_line"]) <= 1]
    extra["span_agree"] = stats(span_ok)
    print("  pairs whose end lines agree (+-1; %d of %d): %s" % (len(span_ok), len(pairs), fmt_stats(extra["span_agree"])))
    dist = Counter(p[1]["cc"] - p[0]["cc"] for p in pairs)
    print("  diff histogram (leindex-tool): " + "  ".join("%+d:%d" % kv for kv in sorted(dist.items())))
    worst = sorted(pairs, key=lambda p: (-abs(p[1]["cc"] - p[0]["cc"]), p[0]["file"], p[0]["line"]))
    worst = [p for p in worst if p[1]["cc"] != p[0]["cc"]][: args.worst]
    if worst:
        print("worst disagreements:")
        for t, l, _ in worst:
            tag = " [one-line defs in file]" if t["file"] in oneliner_files else ""
            if abs(l["end_line"] - t["end_line"]) > 1:
                tag += " [spans differ: tool %d-%d, leindex %d-%d]" % (t["line"], t["end_line"], l["line"], l["end_line"])
            extra_sum = " (tool sum=%d)" % t["cc_sum"] if "cc_sum" in t and t["cc_sum"] != t["cc"] else ""
            print("  %s:%d %s leindex=%d tool=%d%s%s" % (t["file"], t["line"], l["name"], l["cc"], t["cc"], extra_sum, tag))
    if named_tool and args.unmatched:
        print("tool functions with no leindex match (first %d):" % args.unmatched)
        for t in named_tool[: args.unmatched]:
            print("  %s:%d-%d %s tool=%d" % (t["file"], t["line"], t["end_line"], t["tool_name"], t["cc"]))
    if l_un and args.unmatched:
        print("leindex functions with no tool match (first %d):" % args.unmatched)
        for l in l_un[: args.unmatched]:
            print("  %s:%d-%d %s leindex=%d" % (l["file"], l["line"], l["end_line"], l["name"], l["cc"]))
    return {
        "tool": tool_name,
        "files": len(files),
        "tool_errors": errors,
        "tool_functions": n_tool,
        "leindex_functions": n_le,
        "matched": len(pairs),
        "match_how": dict(how),
        "unmatched_tool_named": len(named_tool),
        "unmatched_tool_anonymous": len(anon_tool),
        "unmatched_leindex": len(l_un),
        "stats": s,
        **extra,
        "pairs": [
            {"file": t["file"], "line": t["line"], "end_line": t["end_line"], "name": l["name"],
             "leindex_line": l["line"], "leindex_end_line": l["end_line"], "leindex": l["cc"], "tool": t["cc"],
             **({"tool_sum": t["cc_sum"]} if "cc_sum" in t else {})}
            for t, l, _ in pairs
        ],
    }


if __name__ == "__main__":
    main()

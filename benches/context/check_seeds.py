#!/usr/bin/env python3
"""Check that every seed and every `needed` name in seeds.json is an exact leindex qualified name.

Usage: python3 benches/context/check_seeds.py [BENCH_DIR] [--seeds FILE] [--leindex BIN] [--index]

BENCH_DIR is the folder made by setup.sh (default /tmp/leindex-context-bench). For each repo named in
seeds.json this runs `leindex symbols --root BENCH_DIR/<repo> --json` and compares names exactly.
With --index it first runs `leindex index BENCH_DIR/<repo>`.
Exits 0 when all names exist; otherwise prints every missing name and exits 1 (2 on usage or
tool errors). Also rejects a seed listed in its own `needed`, and duplicate entries.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def default_leindex():
    env = os.environ.get("LEINDEX")
    if env:
        return env
    built = os.path.join(HERE, "..", "..", "target", "release", "leindex")
    if os.path.exists(built):
        return os.path.normpath(built)
    return shutil.which("leindex") or "leindex"


def qualified_names(leindex, root):
    proc = subprocess.run([leindex, "symbols", "--root", root, "--json"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(f"leindex symbols failed for {root} (exit {proc.returncode}):\n{proc.stderr}")
        if proc.returncode == 3:
            sys.stderr.write(f"hint: run `{leindex} index {root}` or pass --index\n")
        sys.exit(2)
    data = json.loads(proc.stdout)
    return {s["qualified_name"] for s in data["symbols"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bench_dir", nargs="?", default="/tmp/leindex-context-bench")
    ap.add_argument("--seeds", default=os.path.join(HERE, "seeds.json"))
    ap.add_argument("--leindex", default=default_leindex())
    ap.add_argument("--index", action="store_true", help="run `leindex index` on each repo first")
    args = ap.parse_args()

    with open(args.seeds) as f:
        seeds = json.load(f)["seeds"]
    repos = sorted({s["repo"] for s in seeds})

    names = {}
    for repo in repos:
        root = os.path.join(args.bench_dir, repo)
        if not os.path.isdir(root):
            sys.stderr.write(f"missing repo folder {root}: run benches/context/setup.sh first\n")
            sys.exit(2)
        if args.index:
            subprocess.run([args.leindex, "index", root], check=True, capture_output=True)
        names[repo] = qualified_names(args.leindex, root)

    problems = []
    per_repo = {}
    total_needed = 0
    for i, s in enumerate(seeds):
        repo, seed, needed = s["repo"], s["seed"], s["needed"]
        tag = f"[{i}] {repo}: {seed}"
        per_repo[repo] = per_repo.get(repo, 0) + 1
        total_needed += len(needed)
        if seed not in names[repo]:
            problems.append(f"{tag}: seed is not a qualified name")
        for n in needed:
            if n not in names[repo]:
                problems.append(f"{tag}: needed {n!r} is not a qualified name")
        if seed in needed:
            problems.append(f"{tag}: seed listed in its own needed list")
        dups = sorted({n for n in needed if needed.count(n) > 1})
        if dups:
            problems.append(f"{tag}: duplicate needed entries {dups}")
        if not needed:
            problems.append(f"{tag}: empty needed list")

    for p in problems:
        print(p)
    summary = ", ".join(f"{r}={per_repo[r]}" for r in repos)
    avg = total_needed / len(seeds) if seeds else 0
    print(f"{len(seeds)} seeds ({summary}); {total_needed} needed names, {avg:.2f} per seed; "
          f"{len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

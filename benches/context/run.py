#!/usr/bin/env python3
"""Gravity vs breadth-first context expansion: recall of hand-made lists per budget.

For every seed of seeds.json and every budget, runs
  leindex context SEED --budget B --expand gravity|bfs --json --root BENCH/REPO
and counts how many of the seed's `needed` symbols appear among the items (any form).
Prints mean recall per budget and method, overall and per repository.

Usage: python3 benches/context/run.py [BENCH_DIR] [--leindex BIN] [--budgets 1000,4000,16000]
Set up BENCH_DIR with benches/context/setup.sh and index each repo first (check_seeds.py --index).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench", nargs="?", default="/tmp/leindex-context-bench")
    ap.add_argument("--leindex", default=os.environ.get("LEINDEX", os.path.join(HERE, "../../target/release/leindex")))
    ap.add_argument("--budgets", default="1000,4000,16000")
    ap.add_argument("--seeds", default=os.path.join(HERE, "seeds.json"))
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    budgets = [int(b) for b in a.budgets.split(",")]
    data = json.load(open(a.seeds))
    print("sources:", json.dumps(data["sources"], indent=1))
    methods = ["gravity", "bfs"]
    recall = {(m, b): [] for m in methods for b in budgets}
    per_repo = {}
    over_budget = 0
    errors = 0
    times = []
    for s in data["seeds"]:
        root = os.path.join(a.bench, s["repo"])
        needed = set(s["needed"])
        for b in budgets:
            for m in methods:
                t = time.perf_counter()
                p = subprocess.run(
                    [a.leindex, "context", s["seed"], "--budget", str(b), "--expand", m,
                     "--json", "--all", "--root", root],
                    capture_output=True, text=True)
                times.append(time.perf_counter() - t)
                if p.returncode != 0:
                    print(f"error {p.returncode} for {s['seed']}: {p.stderr.strip()}", file=sys.stderr)
                    errors += 1
                    r = 0.0
                else:
                    d = json.loads(p.stdout)
                    if d["total_tokens"] > b:
                        over_budget += 1
                    got = {i["qualified_name"] for i in d["items"]}
                    got |= {n for i in d["items"] for n in i.get("shows", [])}
                    r = len(needed & got) / len(needed)
                recall[(m, b)].append(r)
                per_repo.setdefault((s["repo"], m, b), []).append(r)
                if a.verbose:
                    print(f"{s['repo']:6} {m:7} {b:6} {r:.2f} {s['seed']}")
    print(f"\n{len(data['seeds'])} seeds; mean recall of the hand-made lists")
    print(f"{'budget':>7} " + " ".join(f"{m:>8}" for m in methods))
    for b in budgets:
        print(f"{b:>7} " + " ".join(f"{statistics.mean(recall[(m, b)]):8.3f}" for m in methods))
    print("\nper repository")
    for repo in sorted({s['repo'] for s in data['seeds']}):
        row = " ".join(f"{m[0]}{b}={statistics.mean(per_repo[(repo, m, b)]):.2f}" for b in budgets for m in methods)
        print(f"{repo:7} {row}")
    print(f"\nruns over budget: {over_budget}; failed runs: {errors}; median run {statistics.median(times)*1000:.0f} ms")
    if errors or over_budget:
        sys.exit(1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Evaluate leindex's static embedding model on held-out code search.

Queries: the first sentence of a doc comment; target: that function/method; the
candidate pool: every function/method of the held-out packages of the query's
language (code with its doc comment removed, as mined by scripts/train-model.py).
Scores MRR@10 and recall@10 per language and overall for BM25, the distilled
model, the fine-tuned model, and a z-scored linear blend of BM25 and the
fine-tuned model whose weight is chosen on the dev split (never on test).

The preprocessing (leindex-v1) and the model loader are re-implemented here from
the written contract, independently of scripts/train-model.py.

    python3 benches/search/eval_model.py --work /tmp/leindex-train \
        --model models/leindex-code-v1 --baseline /tmp/leindex-train/distilled-export
"""
import argparse
import json
import math
import os
import random
import re
import struct
import sys

import numpy as np
import scipy.sparse as sp

HERE = os.path.dirname(os.path.abspath(__file__))


# ---- leindex-v1 preprocessing, from the contract ---------------------------
def words_of(text):
    runs = []
    cur = ""
    for ch in text:
        if ch == "_" or ch.isalnum():
            cur += ch
        else:
            if cur:
                runs.append(cur)
            cur = ""
    if cur:
        runs.append(cur)
    out = []
    for run in runs:
        for part in run.split("_"):
            start = 0
            for i in range(1, len(part)):
                a, b = part[i - 1], part[i]
                c = part[i + 1] if i + 1 < len(part) else None
                if (a.isnumeric() != b.isnumeric()) or (a.islower() and b.isupper()) or \
                        (a.isupper() and b.isupper() and c is not None and c.islower()):
                    out.append(part[start:i])
                    start = i
            out.append(part[start:])
    return [w.lower() for w in out if w]


class Model:
    def __init__(self, d):
        self.tokens = open(os.path.join(d, "vocab.txt"), encoding="utf-8").read().split("\n")
        raw = open(os.path.join(d, "embeddings.bin"), "rb").read()
        assert raw[:4] == b"LXE1", "bad magic"
        V, D = struct.unpack("<II", raw[4:12])
        scales = np.frombuffer(raw, "<f4", V, 12)
        q = np.frombuffer(raw, np.int8, V * D, 12 + 4 * V).reshape(V, D)
        assert len(raw) == 12 + 4 * V + V * D
        self.tokens = self.tokens[:V]
        assert len(self.tokens) == V, "vocab.txt and embeddings.bin disagree"
        self.E = q.astype(np.float32) * scales[:, None]
        self.V, self.D = V, D
        self.ids = {t: i for i, t in enumerate(self.tokens)}
        self.cache = {}

    def wordpiece(self, w):
        if w in self.cache:
            return self.cache[w]
        res = []
        if len(w) <= 100:
            i = 0
            while i < len(w):
                j = len(w)
                hit = None
                while j > i:
                    piece = w[i:j] if i == 0 else "##" + w[i:j]
                    if piece in self.ids:
                        hit = self.ids[piece]
                        break
                    j -= 1
                if hit is None:
                    res = []
                    break
                res.append(hit)
                i = j
        self.cache[w] = res
        return res

    def token_ids(self, text):
        ids = []
        for w in words_of(text):
            ids += self.wordpiece(w)
        return ids

    def embed(self, texts):
        """Rows: L2-normalised mean of token vectors (zero row for an empty text)."""
        rows, cols = [], []
        for r, t in enumerate(texts):
            ids = self.token_ids(t)
            rows += [r] * len(ids)
            cols += ids
        M = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(texts), self.V))
        n = np.asarray(M.sum(axis=1)).ravel()
        n[n == 0] = 1
        X = sp.diags(1.0 / n) @ M @ self.E
        X = np.asarray(X, dtype=np.float32)
        norm = np.linalg.norm(X, axis=1, keepdims=True)
        norm[norm == 0] = 1
        return X / norm


# ---- BM25 over the same words ------------------------------------------------
class BM25:
    def __init__(self, docs, k1=1.2, b=0.75):
        self.vocab = {}
        rows, cols, vals = [], [], []
        lens = []
        for r, d in enumerate(docs):
            tf = {}
            for w in words_of(d):
                tf[w] = tf.get(w, 0) + 1
            lens.append(sum(tf.values()))
            for w, c in tf.items():
                j = self.vocab.setdefault(w, len(self.vocab))
                rows.append(r)
                cols.append(j)
                vals.append(c)
        N = len(docs)
        tf = sp.csr_matrix((np.array(vals, np.float32), (rows, cols)), shape=(N, len(self.vocab)))
        df = np.bincount(cols, minlength=len(self.vocab))
        idf = np.log(1 + (N - df + 0.5) / (df + 0.5)).astype(np.float32)
        lens = np.array(lens, np.float32)
        avg = lens.mean() if N else 1
        tf = tf.tocoo()
        denom = tf.data + k1 * (1 - b + b * lens[tf.row] / avg)
        w = tf.data * (k1 + 1) / denom * idf[tf.col]
        self.W = sp.csr_matrix((w, (tf.row, tf.col)), shape=tf.shape).T.tocsr()  # terms x docs

    def scores(self, queries):
        rows, cols = [], []
        for r, q in enumerate(queries):
            for w in set(words_of(q)):
                j = self.vocab.get(w)
                if j is not None:
                    rows.append(r)
                    cols.append(j)
        Q = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(queries), len(self.vocab)))
        return np.asarray((Q @ self.W).todense())


def zscore(S):
    mu = S.mean(axis=1, keepdims=True)
    sd = S.std(axis=1, keepdims=True)
    sd[sd == 0] = 1
    return (S - mu) / sd


def metrics(S, targets, k=10):
    mrr, rec = [], []
    for i, t in enumerate(targets):
        s = S[i]
        # rank = 1 + number of candidates scoring strictly higher (ties resolved in the target's favour
        # only among equal scores: count half of them to be neutral)
        higher = np.sum(s > s[t])
        ties = np.sum(s == s[t]) - 1
        rank = 1 + higher + ties // 2
        mrr.append(1.0 / rank if rank <= k else 0.0)
        rec.append(1.0 if rank <= k else 0.0)
    return float(np.mean(mrr)), float(np.mean(rec))


# ---- data --------------------------------------------------------------------
TEST_NAME = re.compile(r"^(test|Test|Benchmark|Example|Fuzz)")


def load_split(work, split, per_lang, seed):
    pool = [json.loads(l) for l in open(os.path.join(work, f"pool-{split}.jsonl"))]
    pairs = [json.loads(l) for l in open(os.path.join(work, f"pairs-{split}.jsonl"))]
    by_lang = {}
    for lang in sorted({p["lang"] for p in pool}):
        P = [p for p in pool if p["lang"] == lang]
        key = {}
        for i, p in enumerate(P):
            key.setdefault((p["qualified_name"], p["code"]), i)
        cands = []
        seen_q = set()
        for q in pairs:
            if q["lang"] != lang:
                continue
            name = q["qualified_name"].replace("::", ".").split(".")[-1]
            if TEST_NAME.match(name) or "/test" in q["qualified_name"].lower():
                continue
            t = key.get((q["qualified_name"], q["code"]))
            if t is None or q["query"].lower() in seen_q:
                continue
            seen_q.add(q["query"].lower())
            cands.append({"query": q["query"], "target": q["qualified_name"], "package": q["package"], "idx": t})
        random.Random(seed).shuffle(cands)
        by_lang[lang] = (P, cands[:per_lang])
    return by_lang


def evaluate(by_lang, models, weights=None):
    """Returns {lang: {system: (mrr, recall)}} and the raw z-scores for blending."""
    res = {}
    raw = {}
    for lang, (P, Q) in by_lang.items():
        if not Q:
            continue
        docs = [p["code"] for p in P]
        qs = [q["query"] for q in Q]
        tg = [q["idx"] for q in Q]
        S = {"bm25": BM25(docs).scores(qs)}
        for name, m in models.items():
            D = m.embed(docs)
            S[name] = m.embed(qs) @ D.T
        raw[lang] = (S, tg)
        res[lang] = {n: metrics(s, tg) for n, s in S.items()}
        res[lang]["n_queries"] = len(Q)
        res[lang]["pool"] = len(P)
    return res, raw


def blend(raw, w, model="finetuned"):
    out = {}
    for lang, (S, tg) in raw.items():
        B = w * zscore(S["bm25"]) + (1 - w) * zscore(S[model])
        out[lang] = metrics(B, tg)
    return out


def overall(per_lang, sysname, key=None):
    tot_n = sum(v["n_queries"] for v in per_lang.values())
    m = sum(v[sysname][0] * v["n_queries"] for v in per_lang.values()) / tot_n
    r = sum(v[sysname][1] * v["n_queries"] for v in per_lang.values()) / tot_n
    return m, r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/leindex-train")
    ap.add_argument("--model", default=os.path.join(HERE, "..", "..", "models", "leindex-code-v1"))
    ap.add_argument("--baseline", default="/tmp/leindex-train/distilled-export")
    ap.add_argument("--per-lang", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=HERE)
    a = ap.parse_args()
    models = {"finetuned": Model(a.model)}
    if a.baseline and os.path.exists(a.baseline):
        models["distilled"] = Model(a.baseline)
    dev = load_split(a.work, "dev", a.per_lang, a.seed)
    test = load_split(a.work, "test", a.per_lang, a.seed)
    # choose the blend weight on dev
    dres, draw = evaluate(dev, {"finetuned": models["finetuned"]})
    grid = [round(x * 0.05, 2) for x in range(21)]
    best = None
    dev_curve = {}
    for w in grid:
        b = blend(draw, w)
        tot = sum(dres[l]["n_queries"] for l in b)
        m = sum(b[l][0] * dres[l]["n_queries"] for l in b) / tot
        dev_curve[w] = round(m, 4)
        if best is None or m > best[1]:
            best = (w, m)
    w = best[0]
    print(f"dev: blend weight on BM25 = {w} (dev MRR@10 {best[1]:.4f}); curve {dev_curve}")
    tres, traw = evaluate(test, models)
    b = blend(traw, w)
    for l in tres:
        tres[l][f"blend(w_bm25={w})"] = b[l]
    systems = ["bm25"] + (["distilled"] if "distilled" in models else []) + ["finetuned", f"blend(w_bm25={w})"]
    lines = ["| system | " + " | ".join(f"{l} MRR@10 / R@10" for l in tres) + " | overall MRR@10 / R@10 |",
             "|---|" + "---|" * (len(tres) + 1)]
    for s in systems:
        cells = [f"{tres[l][s][0]:.3f} / {tres[l][s][1]:.3f}" for l in tres]
        m, r = overall(tres, s)
        lines.append(f"| {s} | " + " | ".join(cells) + f" | {m:.3f} / {r:.3f} |")
    nq = {l: tres[l]["n_queries"] for l in tres}
    pool = {l: tres[l]["pool"] for l in tres}
    table = "\n".join(lines)
    print(table)
    print("queries", nq, "pool", pool)
    # the evaluation set (queries and targets only, never the code)
    evalset = {
        "description": "leindex search eval: query = first sentence of a doc comment, target = that function/method; "
                       "pool = every function/method of the held-out packages of the same language (code with its doc removed).",
        "test": [{"lang": l, "package": q["package"], "query": q["query"], "target": q["target"]}
                 for l, (P, Q) in test.items() for q in Q],
        "dev": [{"lang": l, "package": q["package"], "query": q["query"], "target": q["target"]}
                for l, (P, Q) in dev.items() for q in Q],
    }
    evalset["packages"] = {s: {l: sorted({p["package"] for p in P}) for l, (P, Q) in d.items()}
                           for s, d in (("test", test), ("dev", dev))}
    json.dump(evalset, open(os.path.join(a.out, "eval-set.json"), "w"), indent=1)
    results = {"blend_weight_bm25": w, "dev_curve_mrr10": dev_curve, "n_queries": nq, "pool_size": pool,
               "test": {l: {s: {"mrr10": round(tres[l][s][0], 4), "recall10": round(tres[l][s][1], 4)} for s in systems}
                        for l in tres},
               "overall": {s: dict(zip(("mrr10", "recall10"), map(lambda x: round(x, 4), overall(tres, s)))) for s in systems},
               "table_markdown": table}
    json.dump(results, open(os.path.join(a.out, "results.json"), "w"), indent=1)


if __name__ == "__main__":
    main()

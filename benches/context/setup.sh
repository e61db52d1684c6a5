#!/usr/bin/env bash
# Assembles the four small code bases of the context benchmark (see README.md beside this file).
# Usage: bash benches/context/setup.sh [OUT]      (default OUT=/tmp/leindex-context-bench)
#   OUT/python  CPython stdlib: json/, argparse.py, configparser.py, textwrap.py, shlex.py
#               (from the machine's python3; seeds.json was written against 3.11.7)
#   OUT/go      Go's text/template and text/template/parse (Debian golang-src, go 1.19),
#               laid out as module `text` so that `text/template/parse` imports resolve
#   OUT/rust    crates getopts 0.2.24 and semver 1.0.26 (Cargo.toml + src/), via `cargo fetch`
#   OUT/ts      npm package immer 10.1.1, its src/**/*.ts only (no .d.ts), via `npm pack`
# Each folder is its own small git repository. Nothing is indexed here: run `leindex index OUT/<lang>`.
set -euo pipefail

OUT="${1:-/tmp/leindex-context-bench}"
GETOPTS_VERSION=0.2.24
SEMVER_VERSION=1.0.26
IMMER_VERSION=10.1.1
PY_EXPECTED=3.11.7
GO_EXPECTED=1.19

log() { echo "[context-setup] $*"; }
die() { echo "[context-setup] error: $*" >&2; exit 1; }

new_repo() { # dir
  rm -rf "$1"
  mkdir -p "$1"
}
finish_repo() { # dir
  (cd "$1" && git init -q && git add -A &&
    git -c user.name=bench -c user.email=bench@localhost commit -q -m "bench snapshot")
}

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

# --- python ---------------------------------------------------------------------------------------
command -v python3 >/dev/null || die "python3 not found"
PY_VERSION="$(python3 -c 'import platform;print(platform.python_version())')"
PY_STDLIB="$(python3 -c 'import sysconfig;print(sysconfig.get_paths()["stdlib"])')"
log "python: CPython $PY_VERSION stdlib at $PY_STDLIB"
[ "$PY_VERSION" = "$PY_EXPECTED" ] ||
  log "warning: seeds.json was written against CPython $PY_EXPECTED; line numbers and some names may differ"
new_repo "$OUT/python"
mkdir -p "$OUT/python/json"
for f in "$PY_STDLIB"/json/*.py; do cp "$f" "$OUT/python/json/"; done
for f in argparse.py configparser.py textwrap.py shlex.py; do
  cp "$PY_STDLIB/$f" "$OUT/python/$f"
done
finish_repo "$OUT/python"

# --- go -------------------------------------------------------------------------------------------
GO_SRC=""
for d in /usr/lib/go-"$GO_EXPECTED"/src /usr/lib/go*/src; do
  if [ -d "$d/text/template/parse" ]; then GO_SRC="$d"; break; fi
done
[ -n "$GO_SRC" ] || die "Go's source tree not found under /usr/lib/go*/src: run 'apt-get install golang-src'"
log "go: text/template from $GO_SRC"
case "$GO_SRC" in */go-"$GO_EXPECTED"/src) ;; *) log "warning: seeds.json was written against go $GO_EXPECTED" ;; esac
new_repo "$OUT/go"
printf 'module text\n\ngo %s\n' "$GO_EXPECTED" > "$OUT/go/go.mod"
mkdir -p "$OUT/go/template/parse"
find "$GO_SRC/text/template" -maxdepth 1 -name '*.go' -exec cp {} "$OUT/go/template/" \;
find "$GO_SRC/text/template/parse" -maxdepth 1 -name '*.go' -exec cp {} "$OUT/go/template/parse/" \;
finish_repo "$OUT/go"

# --- rust -----------------------------------------------------------------------------------------
command -v cargo >/dev/null || die "cargo not found"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/fetch/src"
cat > "$TMP/fetch/Cargo.toml" <<EOF
[package]
name = "leindex-context-fetch"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
getopts = "=$GETOPTS_VERSION"
semver = "=$SEMVER_VERSION"
EOF
echo 'fn main() {}' > "$TMP/fetch/src/main.rs"
log "rust: cargo fetch getopts $GETOPTS_VERSION, semver $SEMVER_VERSION"
(cd "$TMP/fetch" && cargo fetch --quiet)
CARGO_REG="${CARGO_HOME:-$HOME/.cargo}/registry/src"
new_repo "$OUT/rust"
for spec in "getopts-$GETOPTS_VERSION" "semver-$SEMVER_VERSION"; do
  src="$(find "$CARGO_REG" -maxdepth 2 -type d -name "$spec" | head -n1)"
  [ -n "$src" ] || die "$spec not found under $CARGO_REG after cargo fetch"
  name="${spec%-*}"
  mkdir -p "$OUT/rust/$name"
  cp "$src/Cargo.toml" "$OUT/rust/$name/Cargo.toml"
  cp -r "$src/src" "$OUT/rust/$name/src"
done
finish_repo "$OUT/rust"

# --- ts -------------------------------------------------------------------------------------------
command -v npm >/dev/null || die "npm not found"
log "ts: npm pack immer@$IMMER_VERSION"
mkdir -p "$TMP/npm"
(cd "$TMP/npm" && npm pack --silent "immer@$IMMER_VERSION" >/dev/null && tar xzf "immer-$IMMER_VERSION.tgz")
new_repo "$OUT/ts"
(cd "$TMP/npm/package" && find src -name '*.ts' ! -name '*.d.ts' -print0 |
  while IFS= read -r -d '' f; do mkdir -p "$OUT/ts/$(dirname "$f")"; cp "$f" "$OUT/ts/$f"; done)
cp "$TMP/npm/package/package.json" "$OUT/ts/package.json"
finish_repo "$OUT/ts"

log "done: $OUT/{python,go,rust,ts}"
log "sources: CPython $PY_VERSION; go $(basename "$(dirname "$GO_SRC")") text/template;" \
  "getopts $GETOPTS_VERSION + semver $SEMVER_VERSION; immer $IMMER_VERSION"

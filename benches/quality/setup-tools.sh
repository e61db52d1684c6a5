#!/usr/bin/env bash
# Installs the trusted complexity tools used by benches/quality/complexity.py.
# Idempotent: each tool is skipped when the pinned version is already there.
#   lizard 1.24.3                  (pip)       -> python / go
#   eslint 10.15.0 + @typescript-eslint/parser 8.73.0 + typescript 6.0.3
#                                  (npm, into $LEINDEX_QUALITY_TOOLS, default /tmp/leindex-quality-tools)
#   rust-code-analysis-cli 0.0.25  (cargo install; slow: ~10 min on 2 cores) -> rust
# Usage: bash benches/quality/setup-tools.sh [--no-rust]
set -euo pipefail

LIZARD_VERSION=1.24.3
ESLINT_VERSION=10.15.0
TSPARSER_VERSION=8.73.0
TYPESCRIPT_VERSION=6.0.3
RCA_VERSION=0.0.25
TOOLS_DIR="${LEINDEX_QUALITY_TOOLS:-/tmp/leindex-quality-tools}"

log() { echo "[setup-tools] $*"; }

# --- lizard
if python3 -c "import lizard, sys; sys.exit(0 if lizard.version == '$LIZARD_VERSION' else 1)" 2>/dev/null; then
  log "lizard $LIZARD_VERSION present"
else
  log "installing lizard $LIZARD_VERSION"
  python3 -m pip install --quiet "lizard==$LIZARD_VERSION"
fi

# --- eslint + typescript parser (kept out of the repository)
have_npm_pkg() { # name version
  [ -f "$TOOLS_DIR/node_modules/$1/package.json" ] &&
    node -e "process.exit(require('$TOOLS_DIR/node_modules/$1/package.json').version === '$2' ? 0 : 1)"
}
if have_npm_pkg eslint "$ESLINT_VERSION" && have_npm_pkg @typescript-eslint/parser "$TSPARSER_VERSION" &&
   have_npm_pkg typescript "$TYPESCRIPT_VERSION"; then
  log "eslint $ESLINT_VERSION present in $TOOLS_DIR"
else
  log "installing eslint $ESLINT_VERSION into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  [ -f "$TOOLS_DIR/package.json" ] || echo '{"name":"leindex-quality-tools","private":true}' > "$TOOLS_DIR/package.json"
  (cd "$TOOLS_DIR" && npm install --no-audit --no-fund --silent \
    "eslint@$ESLINT_VERSION" "@typescript-eslint/parser@$TSPARSER_VERSION" "typescript@$TYPESCRIPT_VERSION")
fi

# --- rust-code-analysis-cli
if [ "${1:-}" = "--no-rust" ]; then
  log "skipping rust-code-analysis-cli"
elif command -v rust-code-analysis-cli >/dev/null &&
     [ "$(rust-code-analysis-cli --version | awk '{print $2}')" = "$RCA_VERSION" ]; then
  log "rust-code-analysis-cli $RCA_VERSION present"
else
  log "installing rust-code-analysis-cli $RCA_VERSION (slow)"
  CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/rca-target}" nice -n 10 \
    cargo install rust-code-analysis-cli --version "$RCA_VERSION" --locked
fi
log "done"

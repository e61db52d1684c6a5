#!/usr/bin/env bash
# Installs the reference analyzers used by benches/quality/callgraph/*.py. Idempotent.
#   python: jedi 0.20.0 (+ parso 0.8.7) in a venv at $LEINDEX_CALLGRAPH_VENV
#           (default /tmp/leindex-callgraph-venv); nothing is installed into the repository.
#   go:     Debian's golang-go (Go 1.19 on bookworm; GOROOT /usr/lib/go-1.19, its
#           standard library is the Go corpus) and golang-golang-x-tools 0.5.0, which
#           ships /usr/bin/callgraph.
# Usage: bash benches/quality/callgraph/setup.sh [--no-go] [--no-python]
set -euo pipefail

JEDI_VERSION=0.20.0
PARSO_VERSION=0.8.7
VENV="${LEINDEX_CALLGRAPH_VENV:-/tmp/leindex-callgraph-venv}"
log() { echo "[callgraph-setup] $*"; }

want_go=1; want_py=1
for a in "$@"; do
  case "$a" in
    --no-go) want_go=0 ;;
    --no-python) want_py=0 ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done

if [ "$want_py" = 1 ]; then
  if [ -x "$VENV/bin/python" ] &&
     "$VENV/bin/python" -c "import jedi, parso, sys; sys.exit(0 if (jedi.__version__, parso.__version__) == ('$JEDI_VERSION', '$PARSO_VERSION') else 1)" 2>/dev/null; then
    log "jedi $JEDI_VERSION present in $VENV"
  else
    log "installing jedi $JEDI_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
      "jedi==$JEDI_VERSION" "parso==$PARSO_VERSION"
  fi
fi

if [ "$want_go" = 1 ]; then
  if command -v go >/dev/null && command -v callgraph >/dev/null && [ -d "$(go env GOROOT)/src/strings" ]; then
    log "go $(go env GOVERSION) and callgraph present"
  else
    log "installing golang-go golang-golang-x-tools (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq golang-go golang-golang-x-tools >/dev/null
  fi
fi
log "done"

#!/usr/bin/env bash
# Regenerate completions/ and man/ from the clap definition in src/main.rs.
# Run after changing any command or flag; tests/cli/assets.rs fails until you do.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q
bin=target/debug/leindex
for shell in bash zsh fish elvish powershell; do
  case $shell in
    bash) out=completions/leindex.bash ;;
    zsh) out=completions/_leindex ;;
    fish) out=completions/leindex.fish ;;
    elvish) out=completions/leindex.elv ;;
    powershell) out=completions/_leindex.ps1 ;;
  esac
  "$bin" completions "$shell" > "$out"
done
"$bin" man > man/leindex.1
echo "wrote completions/ and man/leindex.1"
for cmd in index status symbols outline search impact context hotspots graph; do
  "$bin" man "$cmd" > "man/leindex-$cmd.1"
done
echo "wrote man/leindex-*.1"

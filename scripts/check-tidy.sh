#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy) over src/ with every warning an error. Needs a
# configured build/ (compile_commands.json) and Debian's clang-tidy.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/compile_commands.json ] || { echo "check-tidy: configure build/ first (scripts/build.sh)" >&2; exit 2; }
find src -name '*.cpp' | sort |
  xargs -P"$(nproc)" -n4 clang-tidy -p build --quiet --warnings-as-errors='*' 2>/dev/null
echo "check-tidy: src/ is clean under .clang-tidy"

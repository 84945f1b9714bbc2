#!/usr/bin/env bash
# Fails when a C++ file differs from what .clang-format asks for.
set -euo pipefail
cd "$(dirname "$0")/.."
find src tests examples bench -name '*.cpp' -o -name '*.h' | sort |
  xargs clang-format --dry-run -Werror
echo "check-format: every C++ file follows .clang-format"

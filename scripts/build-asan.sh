#!/usr/bin/env bash
# Configures and builds the sanitizer build in build-asan/: clang, ASan and
# UBSan over everything (core, binaries, tests), and the libFuzzer targets of
# tests/fuzz linked against the same instrumented core. The given targets,
# or everything.
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DREFRESHCTL_SANITIZE=ON -DREFRESHCTL_FUZZ=ON \
  "${launcher[@]}" >/dev/null
if [ $# -gt 0 ]; then
  for target in "$@"; do cmake --build build-asan -j"$(nproc)" --target "$target"; done
else
  cmake --build build-asan -j"$(nproc)"
fi

#!/usr/bin/env bash
# The Quick start's second command (and CI's): install what is missing, build,
# and run every test, then the bounded fuzz run of the cron parser and
# clang-tidy over src/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 600
scripts/check-packages.sh build
if [ -x tests/fuzz/run.sh ]; then
  FUZZ_SECONDS="${FUZZ_SECONDS:-60}" tests/fuzz/run.sh
fi
scripts/check-tidy.sh

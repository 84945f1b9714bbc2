#!/usr/bin/env bash
# The Quick start's second command (and CI's): install what is missing, build,
# and run every test; then the same suite under ASan + UBSan from the one
# sanitizer build (build-asan/), bounded libFuzzer runs of every fuzz target
# from that build, and clang-tidy over src/. Prints each stage's time.
#
# The plain build's suite still runs: it is the binary that ships (g++,
# RelWithDebInfo), it runs the croniter oracle and the style check, and its
# timing tests are not slowed by the sanitizers. The sanitized suite skips
# those two, which gain nothing from ASan.
set -euo pipefail
cd "$(dirname "$0")/.."

stage() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  echo "test.sh: stage '$name' took $((SECONDS - start))s"
}

stage deps scripts/deps.sh test
stage build scripts/build.sh
stage suite ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 600
stage sanitizer-build scripts/build-asan.sh
# detect_leaks: the short-lived binaries must not leak either.
stage sanitizer-suite env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$(nproc)" --timeout 900 \
  -E '^(schedule\.croniter_oracle|style\.clang_format)$'
stage packages scripts/check-packages.sh build
stage fuzz tests/fuzz/run.sh "${FUZZ_SECONDS:-20}"
stage tidy scripts/check-tidy.sh

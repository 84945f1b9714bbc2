#!/usr/bin/env bash
# Builds the cron fuzz target with clang's libFuzzer, ASan and UBSan, and runs
# it for a bounded time. Exits non-zero when the fuzzer finds a crash, a
# sanitizer report or a broken property.
#
#   tests/fuzz/run.sh [SECONDS]      (default 60)
#
# Needs clang++ with libFuzzer (Debian: clang, libclang-rt-dev), and the
# libraries refreshctl builds with (libhowardhinnant-date-dev, libfmt-dev).
set -euo pipefail

seconds="${1:-${FUZZ_SECONDS:-60}}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cxx="${CXX_FUZZ:-clang++}"

if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "run.sh: $cxx not found; install clang and libclang-rt-dev (apt-get install clang libclang-rt-dev)" >&2
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/cron-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "run.sh: building the cron fuzz target in $work"
"$cxx" -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -DUSE_OS_TZDB=1 -I"$root/src" \
  "$here/cron_fuzz.cpp" "$root"/src/schedule/cron*.cpp "$root/src/schedule/zone.cpp" \
  "$root/src/util/text.cpp" "$root/src/util/time.cpp" \
  -ldate-tz -lfmt -o "$work/cron_fuzz"

# Work on a copy of the seed corpus so that the repository stays unchanged.
mkdir -p "$work/corpus"
cp "$here"/corpus/cron/* "$work/corpus/"

echo "run.sh: fuzzing for ${seconds}s"
status=0
(cd "$work" && ./cron_fuzz -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 corpus) || status=$?
if [ "$status" -ne 0 ]; then
  mkdir -p "$root/build-fuzz-artifacts"
  cp "$work"/crash-* "$work"/timeout-* "$work"/leak-* "$root/build-fuzz-artifacts/" 2>/dev/null || true
  echo "run.sh: the fuzzer failed (exit $status); inputs kept in build-fuzz-artifacts/" >&2
  exit "$status"
fi
echo "run.sh: no failures in ${seconds}s"

#!/usr/bin/env bash
# Runs every libFuzzer target of the sanitizer build (REFRESHCTL_FUZZ, built
# by scripts/build-asan.sh into build-asan/) for a bounded time each. Exits
# non-zero when a fuzzer finds a crash, a sanitizer report or a broken
# property; the input is kept in build-fuzz-artifacts/.
#
#   tests/fuzz/run.sh [SECONDS_EACH] [TARGET...]   (default 20; all targets)
#
# Prints libFuzzer's final figures (runs, coverage, corpus size) per target.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${1:-${FUZZ_SECONDS:-20}}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(cron target_file template status redact)
build="${FUZZ_BUILD_DIR:-$root/build-asan}"

for name in "${targets[@]}"; do
  if [ ! -x "$build/tests/${name}_fuzz" ]; then
    echo "run.sh: $build/tests/${name}_fuzz is missing; build it with scripts/build-asan.sh" >&2
    exit 1
  fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/refreshctl-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT

for name in "${targets[@]}"; do
  # Work on a copy of the seed corpus so that the repository stays unchanged.
  mkdir -p "$work/$name"
  cp "$here/corpus/$name"/* "$work/$name/"
  echo "run.sh: fuzzing $name for ${seconds}s"
  status=0
  (cd "$work" && "$build/tests/${name}_fuzz" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 "$name" 2>"$work/$name.log") || status=$?
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' "$work/$name.log" |
    sed "s/^/run.sh: $name: /" || true
  echo "run.sh: $name: corpus $(ls "$work/$name" | wc -l) inputs"
  if [ "$status" -ne 0 ]; then
    tail -40 "$work/$name.log" >&2
    mkdir -p "$root/build-fuzz-artifacts"
    cp "$work"/crash-* "$work"/timeout-* "$work"/leak-* "$root/build-fuzz-artifacts/" 2>/dev/null || true
    echo "run.sh: $name failed (exit $status); inputs kept in build-fuzz-artifacts/" >&2
    exit "$status"
  fi
done
echo "run.sh: no failures in ${seconds}s each (${targets[*]})"

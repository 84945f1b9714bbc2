#!/usr/bin/env bash
# The Quick start's first command: install what is missing, build, start the
# bundled example service on loopback, and run the main job end to end on a
# database of the demo's own in a temporary directory (never the default
# database, which a real crontab line would then read); show the history.
#
# DEMO_SKIP_BUILD=1 uses the binaries already built in DEMO_BUILD_DIR
# (default build/; the test of this script sets both); DEMO_KEEP=1 keeps the
# temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${DEMO_BUILD_DIR:-build}"
if [ -z "${DEMO_SKIP_BUILD:-}" ]; then
  scripts/deps.sh build
  scripts/build.sh refreshctl refreshctl-example-service >/dev/null
fi

workdir=$(mktemp -d "${TMPDIR:-/tmp}/refreshctl-demo.XXXXXX")
cleanup() {
  kill "$service" 2>/dev/null || true
  if [ -n "${DEMO_KEEP:-}" ]; then echo "kept $workdir"; else rm -rf "$workdir"; fi
}
"$bin/refreshctl-example-service" --port 0 --port-file "$workdir/port" --duration 2s --quiet &
service=$!
trap cleanup EXIT
for _ in $(seq 50); do [ -s "$workdir/port" ] && break; sleep 0.1; done
export EXAMPLE_SERVICE="http://127.0.0.1:$(cat "$workdir/port")"
export EXAMPLE_TOKEN="demo-token-not-a-secret"
# Every command below reads this database; the default one is left alone.
export REFRESHCTL_DB="$workdir/refreshctl.db"
echo "demo database: $REFRESHCTL_DB (removed at the end; DEMO_KEEP=1 keeps it)"

set -x
"$bin/refreshctl" apply -f examples/targets/example-service.toml
"$bin/refreshctl" list
"$bin/refreshctl" run --now
"$bin/refreshctl" history --limit 10

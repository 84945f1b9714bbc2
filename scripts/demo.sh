#!/usr/bin/env bash
# The Quick start's first command: install what is missing, build, start the
# bundled example service on loopback, and run the main job end to end on the
# default SQLite database; then show the history.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
scripts/build.sh refreshctl refreshctl-example-service >/dev/null

workdir=$(mktemp -d)
build/refreshctl-example-service --port 0 --port-file "$workdir/port" --duration 2s --quiet &
service=$!
trap 'kill $service 2>/dev/null; rm -rf "$workdir"' EXIT
for _ in $(seq 50); do [ -s "$workdir/port" ] && break; sleep 0.1; done
export EXAMPLE_SERVICE="http://127.0.0.1:$(cat "$workdir/port")"
export EXAMPLE_TOKEN="demo-token-not-a-secret"

set -x
build/refreshctl apply -f examples/targets/example-service.toml
build/refreshctl list
build/refreshctl run --now
build/refreshctl history --limit 10

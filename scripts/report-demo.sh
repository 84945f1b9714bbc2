#!/usr/bin/env bash
# Makes the report screenshot in docs/ from a real run: the bundled example
# service on 127.0.0.1, three targets, three runs with a new revision between
# them, one version that fails (and is retried), one that hangs until it times
# out. Then `refreshctl report` and headless chromium, without network.
# Usage: scripts/report-demo.sh [OUT.png]   (default docs/report.png; ~40 s)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/report.png}"
scripts/build.sh refreshctl refreshctl-example-service >/dev/null

workdir=$(mktemp -d)
build/refreshctl-example-service --port 0 --port-file "$workdir/port" --duration 2s --quiet &
service=$!
trap 'kill $service 2>/dev/null; rm -rf "$workdir"' EXIT
for _ in $(seq 50); do [ -s "$workdir/port" ] && break; sleep 0.1; done
export EXAMPLE_SERVICE="http://127.0.0.1:$(cat "$workdir/port")"
export REFRESHCTL_DB="$workdir/refreshctl.db"

# name, versions, refresh duration, extra settings
target() {
  cat <<TOML
[[target]]
name = "$1"
data_type = "$1"
versions = [$2]
max_refresh_time = "8s"
poll_interval = "300ms"
$4

[target.refresh]
url = "\${env:EXAMPLE_SERVICE}/api/refresh?duration=$3"
body = '{"type": "{{data_type}}", "version": "{{version}}"}'
job_id = "/jobId"

[target.status]
url = "\${env:EXAMPLE_SERVICE}/api/status/{{job_id}}"
state = "/status"
succeeded = ["SUCCEEDED"]
failed = ["FAILED"]
message = "/errorMessage"

TOML
}
targets() {
  {
    target sales-cube '"2026-09", "2026-10", "2026-11"' "$1" ""
    target inventory-dataset '"v41", "v42", "v43-fail"' 2s 'retries = 1
retry_delay = "1s"'
    target orders-index '"eu", "us", "apac-hang"' 1500ms ""
  } >"$workdir/targets.toml"
  build/refreshctl apply -f "$workdir/targets.toml"
}

targets 4s
build/refreshctl run --now -q || true
sleep 2
targets 3s # a new revision of sales-cube
build/refreshctl run --now -q || true
sleep 2
build/refreshctl run --now -q || true
build/refreshctl report -o "$workdir/report.html"

chromium=/usr/lib/chromium/chromium
[ -x "$chromium" ] || chromium=chromium
sandbox=()
[ "$(id -u)" -ne 0 ] || sandbox=(--no-sandbox)
userns=(-n)
[ "$(id -u)" -eq 0 ] || userns=(-r -n)
HOME="$workdir" unshare "${userns[@]}" "$chromium" --headless --disable-gpu --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync "${sandbox[@]}" \
  --user-data-dir="$workdir/chromium" --hide-scrollbars --window-size=1320,1190 \
  --screenshot="$workdir/report.png" "file://$workdir/report.html" >/dev/null 2>&1
cp "$workdir/report.png" "$out"
echo "wrote $out"

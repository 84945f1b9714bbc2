#!/usr/bin/env bash
# Installs, from Debian's archive, whichever of the given packages are missing.
# Usage: scripts/deps.sh build|test
set -euo pipefail

build_packages=(cmake make g++ pkg-config ca-certificates tzdata
  libcli11-dev libcurl4-openssl-dev libsqlite3-dev libfmt-dev libtomlplusplus-dev
  nlohmann-json3-dev libhowardhinnant-date-dev libpq-dev libgtest-dev libgmock-dev)
# chromium: the report test renders the page headless, without network (unshare -n).
# systemd: systemd-analyze checks the example units; bsdutils: script(1)
# gives the terminal-output tests a pseudo-terminal. postgresql and pgbouncer:
# the tests start throwaway servers of their own (scripts/pg-test-cluster.sh,
# tests/support/pg_servers.h). dpkg-dev … lintian: the packages are built and
# checked; man-db, bash-completion, zsh, fish: the man page and the completion
# scripts are tried.
test_packages=(python3 python3-croniter clang clang-format clang-tidy libclang-rt-14-dev chromium
  systemd bsdutils openssl postgresql pgbouncer
  dpkg-dev file rpm lintian man-db bash-completion zsh fish)
# python3-prometheus-client: the metrics test parses `refreshctl metrics` with
# the reference parser of the exposition format.
test_packages+=(python3-prometheus-client)

case "${1:-build}" in
  build) wanted=("${build_packages[@]}") ;;
  test) wanted=("${build_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}" >&2
apt_install() {
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@" >/dev/null
}
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# Debian's server package creates (and starts) a "main" cluster unless
# createcluster.conf says not to, so that file is written first.
if [[ " ${missing[*]} " == *" postgresql "* ]]; then
  apt_install postgresql-common
  conf=/etc/postgresql-common/createcluster.conf
  if ! grep -Eq '^\s*create_main_cluster\s*=\s*false' "$conf"; then
    echo "create_main_cluster = false" | $sudo tee -a "$conf" >/dev/null
  fi
fi
apt_install "${missing[@]}"

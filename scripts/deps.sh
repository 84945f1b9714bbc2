#!/usr/bin/env bash
# Installs, from Debian's archive, whichever of the given packages are missing.
# Usage: scripts/deps.sh build|test
set -euo pipefail

build_packages=(cmake make g++ pkg-config ca-certificates tzdata
  libcli11-dev libcurl4-openssl-dev libsqlite3-dev libfmt-dev libtomlplusplus-dev
  nlohmann-json3-dev libhowardhinnant-date-dev libpq-dev libgtest-dev libgmock-dev)
test_packages=(python3 python3-croniter clang clang-format clang-tidy libclang-rt-14-dev
  dpkg-dev file rpm lintian man-db bash-completion zsh fish)

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
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# The install test of the deb: installs it with dpkg on this machine, uses the
# installed refreshctl (--version, man refreshctl, the completions, root's
# default database in /var/lib/refreshctl), purges it, and checks that nothing
# is left. It changes the system, so it runs only where
# REFRESHCTL_THROWAWAY_MACHINE=1 says the machine is thrown away afterwards
# (CI's .ci/run sets it; scripts/check-packages.sh calls this script there).
# The package's dependencies must be installed already (the build's are).
#
# Usage: REFRESHCTL_THROWAWAY_MACHINE=1 scripts/check-package-install.sh DEB
set -euo pipefail

fail() {
  echo "check-package-install: $*" >&2
  exit 1
}

[ $# -eq 1 ] && [ -f "$1" ] || fail "usage: $0 DEB"
deb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ "${REFRESHCTL_THROWAWAY_MACHINE:-}" = 1 ] ||
  fail "this installs and purges refreshctl system-wide; set REFRESHCTL_THROWAWAY_MACHINE=1 on a throwaway machine"
[ "$(id -u)" -eq 0 ] || fail "the install test needs root"
if dpkg-query -W -f='${Status}' refreshctl 2>/dev/null | grep -q 'ok installed'; then
  fail "refreshctl is already installed here; the install test would replace and purge it"
fi
version=$(dpkg-deb -f "$deb" Version)
tmp=$(mktemp -d)
# A /var/lib/refreshctl left by an earlier refreshctl (root's default database)
# is moved aside for the test, since the purge deletes it, and put back after.
saved=
if [ -e /var/lib/refreshctl ]; then
  saved=$tmp/var-lib-refreshctl
  mv /var/lib/refreshctl "$saved"
  echo "check-package-install: moved /var/lib/refreshctl aside to $saved; it is put back at the end" >&2
fi
restore() {
  if [ -n "$saved" ] && [ -e "$saved" ]; then
    rm -rf /var/lib/refreshctl
    mv "$saved" /var/lib/refreshctl
  fi
  rm -rf "$tmp"
}
trap restore EXIT

# dpkg, waiting up to two minutes for another apt or dpkg to finish.
dpkg_waiting() {
  local i
  for i in $(seq 60); do
    if dpkg "$@" >"$tmp/dpkg.log" 2>&1; then return 0; fi
    grep -q 'lock' "$tmp/dpkg.log" || { cat "$tmp/dpkg.log" >&2; return 1; }
    sleep 2
  done
  cat "$tmp/dpkg.log" >&2
  return 1
}
trap 'dpkg_waiting --purge refreshctl || true; restore' EXIT
dpkg_waiting -i "$deb" || fail "dpkg -i $deb failed"

[ "$(refreshctl --version)" = "refreshctl $version" ] || fail "the installed refreshctl is not $version"
[ "$(command -v refreshctl)" = /usr/bin/refreshctl ] || fail "refreshctl on PATH is $(command -v refreshctl)"
[ "$(stat -c '%a %U' /var/lib/refreshctl)" = "700 root" ] || fail "/var/lib/refreshctl is not 0700 root"
MANPAGER=cat MANWIDTH=80 man refreshctl 2>"$tmp/man.err" | grep -q 'completion bash|zsh|fish' ||
  fail "man refreshctl does not render the page: $(cat "$tmp/man.err")"
refreshctl completion bash | cmp -s - /usr/share/bash-completion/completions/refreshctl ||
  fail "refreshctl completion bash differs from the installed completion file"
# bash-completion finds the file by the command's name, as an interactive shell does.
bash -c 'source /usr/share/bash-completion/bash_completion; _completion_loader refreshctl;
         complete -p refreshctl' | grep -q -- '-F _refreshctl refreshctl' ||
  fail "bash-completion does not load the installed completion for refreshctl"
# root's default database goes to /var/lib/refreshctl, and is created 0600.
(unset REFRESHCTL_DB && refreshctl apply -f /usr/share/doc/refreshctl/examples/targets/example-service.toml) >/dev/null
[ "$(stat -c %a /var/lib/refreshctl/refreshctl.db)" = 600 ] || fail "root's default database is not 0600"

dpkg_waiting --purge refreshctl || fail "dpkg --purge refreshctl failed"
trap restore EXIT
for f in /usr/bin/refreshctl /usr/share/man/man1/refreshctl.1.gz /usr/share/doc/refreshctl \
  /usr/share/bash-completion/completions/refreshctl /usr/share/zsh/vendor-completions/_refreshctl \
  /usr/share/fish/vendor_completions.d/refreshctl.fish /usr/lib/systemd/system/refreshctl.timer \
  /var/lib/refreshctl; do
  [ ! -e "$f" ] || fail "$f is left after dpkg --purge"
done
hash -r
! command -v refreshctl >/dev/null || fail "a refreshctl is still on PATH after the purge: $(command -v refreshctl)"
[ "$(dpkg-query -W -f='${Status}' refreshctl 2>/dev/null || true)" != "install ok installed" ] ||
  fail "dpkg still lists refreshctl as installed"
echo "check-package-install: dpkg -i, refreshctl --version, man refreshctl, the completions," \
  "root's database in /var/lib/refreshctl (0700), dpkg --purge (nothing left): good"

#!/usr/bin/env bash
# Builds the deb and the rpm (CPack) from a configured Release or
# RelWithDebInfo build directory and checks them as a packager would: their
# files and fields (dpkg-deb -c/-I, rpm -qlp/-qip), the binary inside each is
# stripped and runs, the completion scripts are the binary's own, the
# changelog names this version, and lintian finds no error and no warning
# (none is overridden).
#
# With REFRESHCTL_THROWAWAY_MACHINE=1 (.ci/run sets it: CI machines are thrown
# away after each run) it then runs the install test on this machine
# (scripts/check-package-install.sh). Elsewhere it says the install test was
# skipped and why.
#
# Usage: scripts/check-packages.sh BUILD_DIR
set -euo pipefail

fail() {
  echo "check-packages: $*" >&2
  exit 1
}

[ $# -eq 1 ] && [ -f "$1/CMakeCache.txt" ] || fail "usage: $0 BUILD_DIR (a configured build directory)"
build=$(cd "$1" && pwd)
cd "$(dirname "$0")/.."
source_dir=$PWD
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")
case $build_type in
  Release | RelWithDebInfo) ;;
  *) fail "$build is a '$build_type' build; packages are made from Release or RelWithDebInfo" ;;
esac

# --- build -------------------------------------------------------------------
out=$build/packages
rm -rf "$out"
mkdir -p "$out"
cmake --build "$build" --target refreshctl refreshctl-package-files >/dev/null
(cd "$build" && cpack -G "DEB;RPM" -B "$out" >"$out/cpack.log" 2>&1) ||
  { cat "$out/cpack.log" >&2; fail "cpack failed (log above)"; }
version=$("$build/refreshctl" --version | sed 's/^refreshctl //')
arch=$(dpkg --print-architecture)
deb=$out/refreshctl_${version}_$arch.deb
rpm=$(find "$out" -maxdepth 1 -name "refreshctl-$version-*.rpm" | head -n1)
for f in "$deb" "$rpm"; do [ -f "$f" ] || fail "cpack made no ${f:-rpm} (see $out/cpack.log)"; done

# --- contents and fields --------------------------------------------------------
packaged_files=(
  usr/bin/refreshctl
  usr/share/man/man1/refreshctl.1.gz
  usr/share/bash-completion/completions/refreshctl
  usr/share/zsh/vendor-completions/_refreshctl
  usr/share/fish/vendor_completions.d/refreshctl.fish
  usr/share/doc/refreshctl/copyright
  usr/share/doc/refreshctl/changelog.gz
  usr/share/doc/refreshctl/examples/refreshctl.cron
  usr/lib/systemd/system/refreshctl.service
  usr/lib/systemd/system/refreshctl.timer
)
deb_files=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./||')
rpm_files=$(rpm -qlp "$rpm" | sed 's|^/||')
for f in "${packaged_files[@]}"; do
  grep -qx "$f" <<<"$deb_files" || fail "the deb lacks /$f"
  grep -qx "$f" <<<"$rpm_files" || fail "the rpm lacks /$f"
done
grep -qx usr/share/licenses/refreshctl/LICENSE <<<"$rpm_files" || fail "the rpm lacks its LICENSE"

deb_info=$(dpkg-deb -I "$deb")
for field in 'Package: refreshctl' 'Section: admin' 'Priority: optional' \
  'Maintainer: refreshctl maintainers <maintainers@refreshctl.example.org>'; do
  grep -qx " $field" <<<"$deb_info" || fail "dpkg-deb -I shows no '$field'"
done
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "the deb's Version is not $version"
depends=$(dpkg-deb -f "$deb" Depends)
for p in libc6 libcurl4 libsqlite3-0 libdate-tz3 libfmt9; do
  grep -q "\b$p\b" <<<"$depends" || fail "the deb's Depends lacks $p (dpkg-shlibdeps): $depends"
done
[ "$(dpkg-deb -f "$deb" Description | wc -l)" -ge 10 ] || fail "the deb's extended description is short"
grep -q 'chmod 0700 /var/lib/refreshctl' <<<"$(dpkg-deb -I "$deb" postinst)" ||
  fail "the deb's postinst does not make /var/lib/refreshctl 0700"
[ "$(dpkg-parsechangelog -l packaging/changelog -S Version)" = "$version" ] ||
  fail "packaging/changelog's newest entry is not version $version; add one"

rpm_info=$(rpm -qip "$rpm")
grep -q '^License *: Apache-2.0' <<<"$rpm_info" || fail "the rpm's License is not Apache-2.0"
rpm -qp --requires "$rpm" | grep -q '^libcurl\.so\.4' || fail "the rpm does not require libcurl.so.4"
rpm -qp --scripts "$rpm" | grep -q 'chmod 0700 /var/lib/refreshctl' ||
  fail "the rpm's post-install script does not make /var/lib/refreshctl 0700"

# --- what is inside: the binary runs, is stripped, its files are its own ------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp/deb"
mkdir "$tmp/rpm"
rpm2archive - <"$rpm" | tar -xz -C "$tmp/rpm"
for root in "$tmp/deb" "$tmp/rpm"; do
  bin=$root/usr/bin/refreshctl
  [ "$("$bin" --version)" = "refreshctl $version" ] || fail "$bin --version does not say $version"
  file "$bin" | grep -q ', stripped' || fail "$bin is not stripped: $(file -b "$bin")"
  "$bin" completion bash | cmp -s - "$root/usr/share/bash-completion/completions/refreshctl" ||
    fail "the packaged bash completion is not what the packaged binary prints"
  gzip -dc "$root/usr/share/man/man1/refreshctl.1.gz" | cmp -s - man/refreshctl.1 ||
    fail "the packaged man page is not man/refreshctl.1"
done

# --- lintian ---------------------------------------------------------------------
# Errors and warnings fail; info tags are printed for the record.
lintian_rc=0
lintian --info --fail-on error,warning "$deb" >"$tmp/lintian" 2>&1 || lintian_rc=$?
lintian_out=$(grep -v '^running with root privileges' "$tmp/lintian" || true)
[ "$lintian_rc" -eq 0 ] || { echo "$lintian_out" >&2; fail "lintian found errors or warnings in $deb"; }
echo "check-packages: lintian: no error, no warning${lintian_out:+; it notes:}"
[ -z "$lintian_out" ] || sed 's/^/  /' <<<"$lintian_out"
echo "check-packages: $(basename "$deb") and $(basename "$rpm"): contents, fields and binaries good"

# --- install test: only on a throwaway machine -----------------------------------
if [ "${REFRESHCTL_THROWAWAY_MACHINE:-}" != 1 ]; then
  echo "check-packages: install test skipped: it installs and purges refreshctl system-wide," \
    "which only a throwaway machine should undergo (set REFRESHCTL_THROWAWAY_MACHINE=1 there; .ci/run does)"
  exit 0
fi
"$source_dir/scripts/check-package-install.sh" "$deb"

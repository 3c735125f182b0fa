#!/usr/bin/env bash
# check-install.sh BUILD_DIR DESTDIR PREFIX BINDIR DATADIR MANDIR — "meson install" puts
# everything where a desktop and a package expect it, and the installed programs run.
#
# Installs into DESTDIR (inside the build folder): meson then skips the post-install
# scripts (schema compilation, icon and desktop caches), as packages want.
set -euo pipefail

build=${1:?usage: check-install.sh BUILD_DIR DESTDIR PREFIX BINDIR DATADIR MANDIR}
destdir=$2 prefix=$3 bindir=$4 datadir=$5 mandir=$6
app_id=io.github.otaconsole.OtaConsole
status=0

fail() { echo "FAIL: $*"; status=1; }
have() { if [ -e "$root$1" ]; then echo "ok: $1"; else fail "$1 was not installed"; fi; }

case "$destdir" in /*) ;; *) echo "DESTDIR must be absolute"; exit 2 ;; esac
rm -rf "$destdir"
trap 'rm -rf "$destdir"' EXIT

echo "# meson install --destdir $destdir"
meson install -C "$build" --destdir "$destdir" --no-rebuild --quiet
root=$destdir
bin=$root$prefix/$bindir

echo "# programs"
for p in ota-console otactl ota-server ota-devsim; do have "$prefix/$bindir/$p"; done
if out=$("$bin/otactl" --version 2>&1); then echo "ok: otactl --version: $out"; else fail "otactl --version: $out"; fi
if out=$("$bin/ota-server" --help 2>&1) && grep -q -- '--db' <<<"$out"; then
  echo "ok: ota-server --help"
else
  fail "ota-server --help: $out"
fi

echo "# desktop integration"
share=$prefix/$datadir
have "$share/applications/$app_id.desktop"
have "$share/metainfo/$app_id.metainfo.xml"
have "$share/icons/hicolor/scalable/apps/$app_id.svg"
have "$share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"
have "$share/glib-2.0/schemas/$app_id.gschema.xml"
desktop-file-validate "$root$share/applications/$app_id.desktop" || fail "installed desktop file invalid"
grep -qx "Icon=$app_id" "$root$share/applications/$app_id.desktop" || fail "desktop file: Icon is not $app_id"
# What packagers run after installing: the schema must compile where it landed.
glib-compile-schemas --strict --dry-run "$root$share/glib-2.0/schemas" || fail "installed schema does not compile"

echo "# manual pages"
have "$prefix/$mandir/man1/otactl.1"
have "$prefix/$mandir/man1/ota-server.1"

echo "# ota-server's systemd unit"
if [ -f "$(dirname "$0")/../../data/ota-server.service.in" ]; then
  unit=$(find "$root$prefix" -name ota-server.service -path "*/systemd/system/*" | head -n 1)
  if [ -n "$unit" ]; then
    echo "ok: ${unit#"$root"}"
    grep -q "^ExecStart=$prefix/$bindir/ota-server " "$unit" || fail "ota-server.service: ExecStart is not $prefix/$bindir/ota-server"
  else
    fail "ota-server.service was not installed under $prefix"
  fi
fi

# Nothing of the build tree may leak into the install (a test program, a static library).
leaks=$(find "$root" \( -name 'test-*' -o -name '*.a' -o -name '*.p' \) -print)
[ -z "$leaks" ] || fail "installed build leftovers: $leaks"

[ "$status" -ne 0 ] || echo "install: complete"
exit "$status"

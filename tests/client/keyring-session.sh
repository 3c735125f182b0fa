#!/bin/sh
# keyring-session.sh TEST [ARG…] — runs a test with a secret service of its own: a
# private D-Bus session bus and a gnome-keyring-daemon whose login keyring has an empty
# password, in a temporary home, so the user's keyring is never touched. When that
# cannot be had, the test runs alone with OTA_TEST_NO_SECRET_SERVICE set to the reason
# and skips what needs the keyring (it must never pass without having tried).
set -u

if [ "${1-}" = "--inside" ]; then
  shift
  # stdin holds the password, here an empty line (EOF alone makes it prompt): the login
  # keyring is created and unlocked.
  echo | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
  keyring=$!
  if ! gdbus wait --session --timeout 20 org.freedesktop.secrets >/dev/null 2>&1; then
    export OTA_TEST_NO_SECRET_SERVICE="gnome-keyring-daemon did not appear on the session bus"
  fi
  "$@"
  status=$?
  kill "$keyring" 2>/dev/null
  wait "$keyring" 2>/dev/null
  exit "$status"
fi

for tool in dbus-run-session gnome-keyring-daemon gdbus; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    OTA_TEST_NO_SECRET_SERVICE="$tool is not installed (Debian: dbus-daemon, gnome-keyring, libglib2.0-bin)" \
      exec "$@"
  fi
done

home=$(mktemp -d "${TMPDIR:-/tmp}/ota-keyring-XXXXXX") || exit 99
mkdir -m 700 "$home/run"
unset GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
HOME=$home XDG_DATA_HOME=$home/data XDG_CONFIG_HOME=$home/config XDG_CACHE_HOME=$home/cache \
XDG_RUNTIME_DIR=$home/run dbus-run-session -- "$0" --inside "$@"
status=$?
rm -rf "$home"
exit "$status"

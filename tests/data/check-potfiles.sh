#!/usr/bin/env bash
# check-potfiles.sh SOURCE_DIR — po/POTFILES.in lists every file with translatable
# strings, is sorted (C locale, no duplicates) and names only files that exist.
#
# Translatable means: C sources with _( N_( C_( NC_( ngettext( g_dngettext(, .ui
# files with translatable="yes", the desktop and metainfo templates, and GSettings
# schemas that name a gettext-domain (a call counts when a string literal follows the
# parenthesis, as xgettext needs, so "N_()" in a comment does not). A file missing
# here is silently left untranslated: hence a test, not a convention.
set -euo pipefail

top=${1:?usage: check-potfiles.sh SOURCE_DIR}
cd "$top"
potfiles=po/POTFILES.in
status=0
needed=$(mktemp)
trap 'rm -f "$needed"' EXIT

mapfile -t listed < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$potfiles" | grep -v '^$' || true)

if ! printf '%s\n' "${listed[@]}" | LC_ALL=C sort -c -u 2>/dev/null; then
  echo "$potfiles is not sorted (LC_ALL=C sort -u) or has duplicates; the fix:"
  diff -u <(printf '%s\n' "${listed[@]}") <(printf '%s\n' "${listed[@]}" | LC_ALL=C sort -u) |
    tail -n +3 || true
  status=1
fi

for f in "${listed[@]}"; do
  if [ ! -f "$f" ]; then
    echo "$potfiles lists $f, which does not exist"
    status=1
  fi
done

{
  find src -name '*.[ch]' -print0 |
    xargs -0 grep -lE '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|ngettext|g_dngettext) *\( *("|$)' || true
  find data -name '*.ui' -print0 | xargs -0 grep -lE 'translatable="(yes|true|1)"' || true
  find data -name '*.gschema.xml' -print0 | xargs -0 grep -l 'gettext-domain=' || true
  find data -name '*.desktop.in' -o -name '*.metainfo.xml.in'
} | LC_ALL=C sort -u > "$needed"

while IFS= read -r f; do
  if ! grep -qxF -- "$f" <<<"$(printf '%s\n' "${listed[@]}")"; then
    echo "$f has translatable strings but is missing from $potfiles"
    status=1
  fi
done < "$needed"

[ "$status" -ne 0 ] || echo "$potfiles: ${#listed[@]} files, sorted, complete"
exit "$status"

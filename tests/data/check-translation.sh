#!/usr/bin/env bash
# check-translation.sh SOURCE_DIR WORK_DIR LANG — po/LANG.po is complete: it compiles
# with --check (format strings match), has no fuzzy or untranslated message, and
# translates every message of a template made now from po/POTFILES.in, so a string
# added to the code after the last translation pass fails here.
# (The template: make-pot.sh, into WORK_DIR.)
set -euo pipefail

top=${1:?usage: check-translation.sh SOURCE_DIR WORK_DIR LANG}
work=${2:?usage: check-translation.sh SOURCE_DIR WORK_DIR LANG}
lang=${3:?usage: check-translation.sh SOURCE_DIR WORK_DIR LANG}
po=$top/po/$lang.po
pot=$work/ota-console.pot
status=0

mkdir -p "$work"

echo "# msgfmt --check --statistics $po"
stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1) || {
  printf '%s\n' "$stats"
  echo "FAIL: $po does not compile"
  exit 1
}
printf '%s\n' "$stats"
if grep -qE '[0-9]+ (fuzzy|untranslated)' <<<"$stats"; then
  echo "FAIL: $po has fuzzy or untranslated messages"
  status=1
fi

echo "# xgettext over po/POTFILES.in -> $pot"
bash "$(dirname "$0")/make-pot.sh" "$top" "$pot"
echo "# $(grep -c '^msgid ' "$pot") messages in the template (with the header)"

# Without --use-untranslated/--use-fuzzy, msgcmp counts those as missing too.
echo "# msgcmp $po $pot"
if ! out=$(LC_ALL=C msgcmp "$po" "$pot" 2>&1); then
  missing=$(grep -c 'this message is used but not defined' <<<"$out" || true)
  # msgcmp names the template's line; show the message itself.
  grep -o '\.pot:[0-9]*: this message is used but not defined' <<<"$out" | cut -d: -f2 | sed -n 1,20p |
    while read -r line; do
      # the msgid (possibly continued over several lines) that ends before that line
      awk -v l="$line" 'NR <= l && /^msgid / { id = $0; next }
                        NR <= l && /^"/ && id != "" { id = id $0; next }
                        NR <= l && !/^msgid / && !/^"/ && NR < l { id = "" }
                        NR == l { gsub(/""/, "", id); print "  missing: " id; exit }' "$pot"
    done || true
  [ "$missing" -le 20 ] || echo "  … and $((missing - 20)) more"
  echo "FAIL: $missing messages of the code are not translated in $po (update it with: meson compile -C BUILD ota-console-update-po)"
  status=1
fi

[ "$status" -ne 0 ] || echo "$po: complete"
exit "$status"

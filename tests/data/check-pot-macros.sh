#!/usr/bin/env bash
# check-pot-macros.sh SOURCE_DIR WORK_DIR — no translatable string is cut short by a
# format macro. xgettext stops a string at a macro it does not know, so
# _("Task %" G_GINT64_FORMAT " does not exist") becomes the message "Task %", which no
# run-time string ever matches: it stays English whatever the translation says.
# <inttypes.h>'s PRId64 / PRIu64 are the macros gettext understands (and gint64 is
# int64_t); or format the number into a string first.
set -euo pipefail

top=${1:?usage: check-pot-macros.sh SOURCE_DIR WORK_DIR}
pot=${2:?usage: check-pot-macros.sh SOURCE_DIR WORK_DIR}/macros.pot

bash "$(dirname "$0")/make-pot.sh" "$top" "$pot" 2>/dev/null

# A message whose last run of '%' is odd ends inside a directive: "…%" but not "…%%".
cut=$(awk '/^#: / { where = where (where == "" ? "" : " ") substr($0, 4); next }
           /^$/ { where = "" }
           /^msgid "/ { id = $0; sub(/^msgid "/, "", id); sub(/"$/, "", id)
                        if (match(id, /%+$/) && RLENGTH % 2 == 1) print "  " where ": \"" id "\"" }' "$pot")
if [ -n "$cut" ]; then
  echo "FAIL: translatable strings cut at a format macro (use PRId64/PRIu64, see the header):"
  printf '%s\n' "$cut"
  exit 1
fi
echo "no translatable string is cut at a format macro"

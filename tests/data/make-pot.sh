#!/usr/bin/env bash
# make-pot.sh SOURCE_DIR OUT.pot — the translation template, made the way meson's
# ota-console-pot target makes it (xgettext with i18n's "glib" preset) but written
# where the caller says: that target writes into the source tree.
set -euo pipefail

top=${1:?usage: make-pot.sh SOURCE_DIR OUT.pot}
pot=${2:?usage: make-pot.sh SOURCE_DIR OUT.pot}
mkdir -p "$(dirname "$pot")"
cd "$top"
exec xgettext --package-name=ota-console -f po/POTFILES.in -D "$top" -k_ -o "$pot" \
  --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
  --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
  --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format

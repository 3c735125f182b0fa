#!/usr/bin/env bash
# check-screenshots.sh SOURCE_DIR — every screenshot the AppStream metadata shows is a
# file of this repository (data/screenshots/NAME.png behind the raw.githubusercontent
# address), so the store listing cannot point at a picture nobody committed.
set -euo pipefail

top=${1:?usage: check-screenshots.sh SOURCE_DIR}
metainfo=$top/data/io.github.otaconsole.OtaConsole.metainfo.xml.in
base=https://raw.githubusercontent.com/otaconsole/ota-console/main/
status=0 count=0

while IFS= read -r url; do
  count=$((count + 1))
  case "$url" in
    "$base"data/screenshots/*.png) ;;
    *) echo "FAIL: $url is not under ${base}data/screenshots/"; status=1; continue ;;
  esac
  file=${url#"$base"}
  if [ -f "$top/$file" ]; then
    echo "ok: $file ($(wc -c < "$top/$file") bytes)"
  else
    echo "FAIL: $file is shown by the metainfo but is not in the repository"
    status=1
  fi
done < <(grep -o '<image[^>]*>[^<]*</image>' "$metainfo" | sed 's/<[^>]*>//g')

if [ "$count" -eq 0 ]; then
  echo "FAIL: the metainfo shows no screenshot"
  status=1
fi
exit "$status"

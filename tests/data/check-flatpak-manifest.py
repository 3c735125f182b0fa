#!/usr/bin/env python3
"""check-flatpak-manifest.py MANIFEST APP_ID — the Flatpak manifest asks for no more
than the console needs and builds against a pinned GNOME runtime.

finish-args must be exactly the minimal set (network for the server, a display,
GPU rendering); files come through the portal, so no --filesystem, --socket=x11,
--talk-name or --device=all. The runtime is a released org.gnome.Platform, never
master or beta, and every downloaded source carries a checksum."""
import json
import re
import sys

ALLOWED = ['--share=network', '--socket=wayland', '--socket=fallback-x11', '--device=dri']

path, app_id = sys.argv[1], sys.argv[2]
with open(path, encoding='utf-8') as f:
    manifest = json.load(f)

problems = []


def check(ok, message):
    print(('ok: ' if ok else 'FAIL: ') + message)
    if not ok:
        problems.append(message)


check(manifest.get('app-id', manifest.get('id')) == app_id, f'app id is {app_id}')
check(manifest.get('command') == 'ota-console', 'command is ota-console')

args = manifest.get('finish-args', [])
check(sorted(args) == sorted(ALLOWED) and len(args) == len(set(args)),
      'finish-args are exactly ' + ' '.join(ALLOWED) + ' (got: ' + ' '.join(args) + ')')

check(manifest.get('runtime') == 'org.gnome.Platform', 'runtime is org.gnome.Platform')
check(manifest.get('sdk') == 'org.gnome.Sdk', 'sdk is org.gnome.Sdk')
version = str(manifest.get('runtime-version', ''))
check(re.fullmatch(r'[0-9]+(\.[0-9]+)?', version) is not None,
      f'runtime-version is a released GNOME version, not master or beta (got: {version!r})')

modules = manifest.get('modules', [])
check(len(modules) > 0 and modules[-1].get('name') == 'ota-console',
      'the last module builds ota-console')
for module in modules:
    if not isinstance(module, dict):
        continue
    for source in module.get('sources', []):
        if isinstance(source, dict) and source.get('type') in ('archive', 'file') and 'url' in source:
            check(re.fullmatch(r'[0-9a-f]{64}', source.get('sha256', '')) is not None,
                  f"{module.get('name')}: {source['url']} has a sha256")
            check(source['url'].startswith('https://'), f"{module.get('name')}: {source['url']} is https")

sys.exit(1 if problems else 0)

#!/usr/bin/env bash
# Refresh resources/translations/*.ts from the sources (desktop/ui/ and desktop/app.py) and
# build the .qm files the app loads (desktop/assets/translations/). Existing translations are kept; new strings appear as
# unfinished entries: translate them (Qt Linguist: .venv/bin/pyside6-linguist) and run again.
# comfydesk_en.ts holds only the English plural forms of "%n picture(s)" strings (-pluralonly).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
[ -x "$bin/pyside6-lupdate" ] || bin=$(dirname "$(command -v pyside6-lupdate)")
mapfile -t sources < <(find desktop/ui -name '*.py' | LC_ALL=C sort; echo desktop/app.py)
for ts in resources/translations/comfydesk_*.ts; do
    only=()
    [[ "$ts" == *_en.ts ]] && only=(-pluralonly)
    "$bin/pyside6-lupdate" -silent -no-obsolete -locations none "${only[@]}" "${sources[@]}" -ts "$ts"
    qm="desktop/assets/translations/$(basename "${ts%.ts}").qm"
    "$bin/pyside6-lrelease" -silent "$ts" -qm "$qm"
    echo "updated $ts and $qm"
done

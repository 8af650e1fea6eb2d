#!/usr/bin/env bash
# Build the one-folder PyInstaller bundle into dist/comfydesk/ and smoke-test it:
# --version must print and exit 0; --self-test must start the built-in demo server, connect
# and exit 0 (offscreen, so no display is needed). Prints the bundle size and start-up times.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
[ -x "$py" ] || py=python3

echo "== translations =="
bash scripts/update-translations.sh

echo "== pyinstaller =="
"$py" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller build.spec

bundle=dist/comfydesk/comfydesk
export QT_QPA_PLATFORM=offscreen
# The smoke test must not touch the builder's own settings, library or logs.
smoke=$(mktemp -d)
trap 'rm -rf "$smoke"' EXIT
export COMFYDESK_CONFIG_DIR="$smoke/config" COMFYDESK_DATA_DIR="$smoke/data" \
    COMFYDESK_CACHE_DIR="$smoke/cache" COMFYDESK_LOG_DIR="$smoke/log"

elapsed() { # command... -> prints seconds taken (the command's output goes to stderr)
    local start end
    start=$(date +%s.%N)
    "$@" >&2
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f s\n", b - a }'
}

echo "== $bundle --version =="
version_time=$(elapsed "$bundle" --version)
echo "== $bundle --self-test =="
selftest_time=$(elapsed timeout 120 "$bundle" --self-test)

echo "== summary =="
echo "bundle size:               $(du -sh dist/comfydesk | cut -f1)"
echo "start-up (--version):      $version_time"
echo "start-up to connected (--self-test, incl. demo server): $selftest_time"

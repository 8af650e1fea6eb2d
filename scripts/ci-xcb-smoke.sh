#!/usr/bin/env bash
# Start the installed app on a real X server (Xvfb, Qt's xcb platform, not offscreen), wait for
# its window and the demo connection, take a screenshot, check it is not blank, and quit it
# the way Ctrl+C in a terminal does. Installs what it needs with apt-get when run as root.
#
#   bash scripts/ci-xcb-smoke.sh        # screenshot: ci-artifacts/main-window-xcb.png
set -euo pipefail
cd "$(dirname "$0")/.."

WINDOW_TIMEOUT=${WINDOW_TIMEOUT:-90}   # seconds until the window is mapped
CONNECT_TIMEOUT=${CONNECT_TIMEOUT:-90} # seconds until the demo server is connected
QUIT_TIMEOUT=${QUIT_TIMEOUT:-30}       # seconds the app has to quit after SIGINT
SHOT=ci-artifacts/main-window-xcb.png
app=.venv/bin/comfydesk
[ -x "$app" ] || { echo "no $app: install the app first (see README.md)" >&2; exit 1; }

# The X server, the tools, and the libraries of Qt's xcb plugin (desktop/system_libs.py).
packages=(xvfb imagemagick xdotool libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
    libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-sync1 libxcb-xfixes0 libxcb-xkb1
    libxcb-util1 libx11-xcb1 libxkbcommon-x11-0 libgl1 libegl1 libfontconfig1)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" \
        || missing+=("$package")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" != 0 ]; then
        echo "missing packages (run as root or install them): ${missing[*]}" >&2
        exit 1
    fi
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -q
    timeout 900 apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

work=$(mktemp -d)
xvfb_pid="" app_pid=""
cleanup() {
    [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# -displayfd: Xvfb picks a free display number and writes it once it accepts connections.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do
    [ -s "$work/display" ] && break
    kill -0 "$xvfb_pid" 2>/dev/null || { cat "$work/xvfb.log" >&2; exit 1; }
    sleep 0.1
done
[ -s "$work/display" ] || { echo "Xvfb did not start within 10 s" >&2; exit 1; }
export DISPLAY=":$(head -n1 "$work/display")"
echo "Xvfb on $DISPLAY"

# The app must not touch the settings, library or logs of whoever runs this.
export COMFYDESK_CONFIG_DIR="$work/config" COMFYDESK_DATA_DIR="$work/data" \
    COMFYDESK_CACHE_DIR="$work/cache" COMFYDESK_LOG_DIR="$work/log"
export QT_QPA_PLATFORM=xcb LANG=C.UTF-8 LC_ALL=C.UTF-8
unset WAYLAND_DISPLAY
"$app" --demo --lang en >"$work/app.log" 2>&1 &
app_pid=$!

fail() {
    echo "xcb smoke test FAILED: $*" >&2
    echo "--- app output ---" >&2
    cat "$work/app.log" >&2 || true
    exit 1
}

wid=$(timeout "$WINDOW_TIMEOUT" xdotool search --sync --onlyvisible --name "ComfyDesk" \
    | head -n1) || fail "no ComfyDesk window within $WINDOW_TIMEOUT s"
echo "window $wid mapped: $(xdotool getwindowname "$wid")"
# The title says "[Demo server …]" once the demo server is connected.
timeout "$CONNECT_TIMEOUT" xdotool search --sync --onlyvisible --name "Demo server" >/dev/null \
    || fail "not connected to the demo server within $CONNECT_TIMEOUT s"
echo "connected: $(xdotool getwindowname "$wid")"
eval "$(xdotool getwindowgeometry --shell "$wid")"
echo "window geometry: ${WIDTH}x${HEIGHT}+${X}+${Y} on a 1280x800 screen"
((WIDTH <= 1280 && HEIGHT <= 800)) || fail "the window (${WIDTH}x${HEIGHT}) is larger than the screen"

mkdir -p "$(dirname "$SHOT")"
timeout 30 import -window root "$SHOT"
spread=$(timeout 30 identify -format "%[fx:standard_deviation]" "$SHOT")
echo "screenshot $SHOT: $(identify -format "%wx%h" "$SHOT"), standard deviation $spread"
awk -v s="$spread" 'BEGIN { exit !(s > 0.02) }' || fail "the screenshot is blank"

kill -INT "$app_pid"
for _ in $(seq $((QUIT_TIMEOUT * 10))); do
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$app_pid" 2>/dev/null && fail "the app did not quit within $QUIT_TIMEOUT s of SIGINT"
code=0
wait "$app_pid" || code=$?
app_pid=""
((code == 0)) || fail "the app exited with $code"
echo "xcb smoke test passed: window mapped, demo connected, screenshot taken, clean exit"

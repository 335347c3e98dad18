#!/usr/bin/env bash
# Install digitcam as services on a Raspberry Pi (or any Debian-like Linux with systemd).
#
#   sudo systemd/install.sh                 install or update, enable and start the headless service
#   sudo systemd/install.sh --display USER  also the full-screen desktop unit for USER's session
#   sudo systemd/install.sh --uninstall     remove everything this script installed (saved files stay)
#   systemd/install.sh --root DIR           stage into DIR instead of / (no users, no systemctl)
#   systemd/install.sh --dry-run            print what would be done
#
# Idempotent: a second run changes nothing that is already right.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
ROOT=""
DRY=0
UNINSTALL=0
DISPLAY_USER=""
SKIP_VENV=0
ENABLE=1
SERVICE_USER="digitcam"
PYTHON="${PYTHON:-python3}"

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "install.sh: error: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --root) [ $# -ge 2 ] || die "--root needs a folder"; ROOT="$(realpath -m "$2")"; shift ;;
        --dry-run) DRY=1 ;;
        --uninstall) UNINSTALL=1 ;;
        --display) [ $# -ge 2 ] || die "--display needs a user name"; DISPLAY_USER="$2"; shift ;;
        --skip-venv) SKIP_VENV=1 ;;   # the venv is managed elsewhere (image builders, tests)
        --no-enable) ENABLE=0 ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
    shift
done

OPT="$ROOT/opt/digitcam"
ETC="$ROOT/etc/digitcam"
UNITS="$ROOT/etc/systemd/system"
USER_UNITS="$ROOT/etc/systemd/user"
STATE="$ROOT/var/lib/digitcam"
STAGING=$([ -n "$ROOT" ] && echo 1 || echo 0)

run() {  # run a command, or just show it with --dry-run
    if [ "$DRY" = 1 ]; then echo "would run: $*"; else "$@"; fi
}

put() {  # put SRC at DEST with MODE, only when the content differs (keeps a second run a no-op)
    local src="$1" dest="$2" mode="$3"
    if [ -f "$dest" ] && cmp -s "$src" "$dest"; then return 0; fi
    if [ "$DRY" = 1 ]; then echo "would install $dest"; return 0; fi
    install -D -m "$mode" "$src" "$dest"
    echo "installed $dest"
}

put_once() {  # a settings file the user may edit: written only when absent
    local src="$1" dest="$2"
    if [ -e "$dest" ]; then return 0; fi
    put "$src" "$dest" 0644
}

rendered() {  # a copy of a template with @SOURCE@ filled in
    local out
    out="$(mktemp)"
    sed "s|@SOURCE@|$2|" "$1" > "$out"
    echo "$out"
}

systemctl_() {
    if [ "$STAGING" = 1 ] || [ "$ENABLE" = 0 ]; then return 0; fi
    run systemctl "$@"
}

check_platform() {
    local arch
    arch="$(uname -m)"
    if [ "$arch" = "armv7l" ] || [ "$arch" = "armv6l" ]; then
        die "32-bit Raspberry Pi OS ($arch) is not supported: ai-edge-litert has no wheel for it. Use the 64-bit OS."
    fi
    if [ "$STAGING" = 0 ] && [ "$(id -u)" != 0 ] && [ "$DRY" = 0 ]; then
        die "run as root (sudo $0), or stage with --root DIR"
    fi
}

camera_source() {  # picamera when libcamera sees a camera module, else the first USB webcam
    if [ -e /dev/media0 ] && { command -v rpicam-hello >/dev/null || command -v libcamera-hello >/dev/null; }; then
        echo picamera
    else
        echo camera:0
    fi
}

pi_constraints() {  # make the venv's NumPy agree with the system's (apt-built picamera2, simplejpeg)
    local file="$1" version
    version="$("$PYTHON" -c 'import numpy; print(numpy.__version__)' 2>/dev/null || true)"
    : > "$file"
    if [ -n "$version" ]; then
        echo "numpy==$version" >> "$file"
        # opencv-python 4.11 and later require NumPy 2; 4.10.0.84 is the last for NumPy 1.x.
        case "$version" in 1.*) echo "opencv-python==4.10.0.84" >> "$file" ;; esac
    fi
}

make_venv() {
    local venv="$OPT/venv" stamp="$OPT/venv/.digitcam-source" want
    want="$(cd "$REPO" && find pyproject.toml digitcam edge -type f -name '*.py' -o -name pyproject.toml \
            | sort | xargs cat | sha256sum | cut -c1-16)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
    local extras="edge"
    if [ -e /dev/media0 ] || grep -qs "Raspberry Pi" /proc/device-tree/model; then extras="edge,pi"; fi
    if [ ! -x "$venv/bin/python" ]; then
        # --system-site-packages: Picamera2 and libcamera come from Raspberry Pi OS's apt packages.
        run "$PYTHON" -m venv --system-site-packages "$venv"
    fi
    local constraints
    constraints="$(mktemp)"
    pi_constraints "$constraints"
    run "$venv/bin/python" -m pip install --quiet --upgrade pip
    # The pi extra's picamera2 comes from apt; pip must not replace it with a PyPI copy.
    run "$venv/bin/python" -m pip install --quiet -c "$constraints" "$REPO[$(echo "$extras" | sed 's/,pi//')]"
    rm -f "$constraints"
    [ "$DRY" = 1 ] || echo "$want" > "$stamp"
}

install_all() {
    check_platform
    local source
    source="$(camera_source)"
    if [ "$STAGING" = 0 ] && ! id "$SERVICE_USER" >/dev/null 2>&1; then
        run useradd --system --home-dir /var/lib/digitcam --no-create-home --shell /usr/sbin/nologin \
            --groups video "$SERVICE_USER"
    fi
    [ "$SKIP_VENV" = 1 ] || make_venv
    for f in "$REPO"/models/*.tflite "$REPO"/models/*.onnx "$REPO"/models/manifest.json "$REPO"/models/MODEL_CARD.md; do
        [ -f "$f" ] && put "$f" "$OPT/models/$(basename "$f")" 0644
    done
    put "$REPO/README.md" "$OPT/README.md" 0644
    local config
    config="$(rendered "$HERE/config.toml" "$source")"
    put_once "$config" "$ETC/config.toml"
    rm -f "$config"
    put "$HERE/digitcam.service" "$UNITS/digitcam.service" 0644
    if [ "$DRY" = 0 ]; then install -d -m 0750 "$STATE"; fi
    if [ "$STAGING" = 0 ]; then run chown "$SERVICE_USER:$SERVICE_USER" "$STATE"; fi
    systemctl_ daemon-reload
    systemctl_ enable --now digitcam.service
    if [ -n "$DISPLAY_USER" ]; then
        config="$(rendered "$HERE/display.toml" "draw")"
        put_once "$config" "$ETC/display.toml"
        rm -f "$config"
        put "$HERE/digitcam-display.service" "$USER_UNITS/digitcam-display.service" 0644
        if [ "$STAGING" = 0 ] && [ "$ENABLE" = 1 ]; then
            run systemctl --machine="$DISPLAY_USER@" --user daemon-reload || true
            run systemctl --global enable digitcam-display.service
        fi
    fi
    echo "digitcam installed${ROOT:+ into $ROOT}. Logs: journalctl -u digitcam -f"
}

uninstall_all() {
    systemctl_ disable --now digitcam.service || true
    if [ "$STAGING" = 0 ] && [ "$ENABLE" = 1 ] && [ -e "$USER_UNITS/digitcam-display.service" ]; then
        run systemctl --global disable digitcam-display.service || true
    fi
    for path in "$UNITS/digitcam.service" "$USER_UNITS/digitcam-display.service"; do
        [ -e "$path" ] && run rm -f "$path" && echo "removed $path"
    done
    [ -e "$OPT" ] && run rm -rf "$OPT" && echo "removed $OPT"
    [ -e "$ETC" ] && run rm -rf "$ETC" && echo "removed $ETC"
    systemctl_ daemon-reload
    if [ "$STAGING" = 0 ] && id "$SERVICE_USER" >/dev/null 2>&1; then run userdel "$SERVICE_USER"; fi
    echo "digitcam removed; saved files in ${STATE} were kept"
}

if [ "$UNINSTALL" = 1 ]; then uninstall_all; else install_all; fi

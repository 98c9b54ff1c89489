#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the kiosk needs to run and to be tested:
# Qt's X11/offscreen libraries, espeak-ng for speech, Xvfb for screenshots and a virtual screen.
# Installs with apt-get when something is missing and we are root; otherwise says exactly what
# is missing and how to install it, and fails. Prints nothing when all is there.
set -euo pipefail

packages=(
  # Qt 6 (PySide6 wheels bundle Qt itself but not these system libraries)
  libegl1 libgl1 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0 libxkbcommon0
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libx11-xcb1
  # QtMultimedia playback (works without a sound card, but needs the client library)
  libpulse0
  # speech: pyttsx3 drives espeak-ng on Linux
  espeak-ng libespeak-ng1
  # a virtual screen for `make run` without a display, tests and screenshots
  xvfb xauth
  # sound checks in tests (duration of rendered speech)
  sox
  # sync tests: a kiosk process whose clock is set years back (libfaketime)
  faketime
)
# Extra packages a caller needs (e.g. the hub's PostgreSQL): passed as arguments.
packages+=("$@")

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "setup: not a Debian-based system; install the equivalents of: ${packages[*]}" >&2
  exit 0
fi

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
# The venv module lives in a separate package on Debian's own Python.
if ! python3 -c "import venv, ensurepip" >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "setup: missing system packages: ${missing[*]}" >&2
  echo "setup: install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "setup: installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# One-step set-up for a fresh Debian 12 machine (as root, or a user who may sudo).
#   bash scripts/setup.sh app    install what is needed, then open TeachPoint on the demo channel
#   bash scripts/setup.sh test   install what is needed, then run the whole test suite
# Safe to re-run: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-}
case "$MODE" in app|test) ;; *) echo "usage: bash scripts/setup.sh app|test" >&2; exit 2 ;; esac
shift || true

# Debian packages: libvlc and plugins (player), Qt's xcb libraries, CJK fonts, ffmpeg and
# ImageMagick (publishing, demo and test media), Xvfb (tests with a real X server), nginx and
# aria2/curl (sync tests, benchmarks), lighttpd, apache2 and squid (hosting tests: more web servers
# and a caching proxy).
APT_PACKAGES=(
  python3 python3-venv python3-pip
  libvlc5 vlc-plugin-base vlc-plugin-video-output
  libxcb-cursor0 libxkbcommon-x11-0 libegl1 libgl1 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-render-util0 libxcb-xinerama0 libxcb-randr0 libdbus-1-3 fonts-noto-cjk
  ffmpeg imagemagick xvfb xauth x11-apps nginx-light lighttpd apache2 squid aria2 curl
  libreoffice-impress-nogui libreoffice-writer-nogui chromium
)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The Python environment: a venv in .venv with pinned dependencies (pyproject.toml).
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=.venv/.teachpoint-installed
want=$(sha256sum pyproject.toml | cut -c1-64)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test]'
  echo "$want" > "$stamp"
fi

if [ "$MODE" = app ]; then
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "no display found: starting TeachPoint on a virtual screen (xvfb-run)" >&2
    exec xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/teachpoint "$@"
  fi
  exec .venv/bin/teachpoint "$@"
fi

# Tests. Exit code 5 (no tests collected) is a failure, not a pass.
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ $rc -eq 5 ]; then
  echo "error: pytest collected no tests" >&2
  exit 1
fi
exit $rc

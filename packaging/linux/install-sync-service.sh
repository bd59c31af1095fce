#!/usr/bin/env bash
# Install and start TeachPoint's background sync as a systemd user service for this account.
#   bash install-sync-service.sh [BUNDLE_DIR] [DATA_DIR]
# BUNDLE_DIR: the folder holding the `teachpoint` program (default /opt/teachpoint).
# DATA_DIR:   the data folder the app uses (default ~/.local/share/TeachPoint).
# Run it as the teacher's account (not root). Linger (start at boot without a login) needs root:
# the script asks sudo for it, or prints the command to run.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUNDLE=$(realpath -m "${1:-/opt/teachpoint}")
DATA=$(realpath -m "${2:-$HOME/.local/share/TeachPoint}")
if [ "$(id -u)" = 0 ]; then
  echo "error: run this as the teacher's account, not as root" >&2; exit 2
fi
if [ ! -x "$BUNDLE/teachpoint" ]; then
  echo "error: no teachpoint program in $BUNDLE" >&2; exit 2
fi
"$BUNDLE/teachpoint" --data-dir "$DATA" --selftest || {
  echo "error: the self-test failed; fix the problems above first" >&2; exit 1; }
UNIT_DIR="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user"
mkdir -p "$UNIT_DIR"
sed -e "s|^ExecStart=.*|ExecStart=$BUNDLE/teachpoint sync|" \
    -e "s|^Environment=TEACHPOINT_DATA_DIR=.*|Environment=TEACHPOINT_DATA_DIR=$DATA|" \
    "$HERE/teachpoint-sync.service" > "$UNIT_DIR/teachpoint-sync.service"
systemctl --user daemon-reload
systemctl --user enable --now teachpoint-sync.service
if ! loginctl show-user "$USER" -p Linger 2>/dev/null | grep -q yes; then
  sudo -n loginctl enable-linger "$USER" 2>/dev/null ||
    echo "note: to sync from boot without a login, run as root: loginctl enable-linger $USER"
fi
systemctl --user --no-pager status teachpoint-sync.service | head -5
echo "TeachPoint sync service installed: $UNIT_DIR/teachpoint-sync.service (data: $DATA)"

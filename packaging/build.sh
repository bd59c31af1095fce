#!/usr/bin/env bash
# Build the one-folder bundle (dist/teachpoint) and prove it stands alone.
#   bash packaging/build.sh              install what the build needs, build, self-test the bundle
#   bash packaging/build.sh --test-only  self-test an existing dist/teachpoint
# The self-test runs with no Python environment visible: `env -i` (no venv on PATH, no
# PYTHONPATH, a throw-away HOME), a fresh temporary data folder, and — when this script may create
# a private mount namespace (root) — the system's libvlc, VLC plugins and Python hidden.
# Prints the bundle size, the build time and the self-test time. Exit status 0 = bundle good.
set -euo pipefail
cd "$(dirname "$0")/.."

TEST_ONLY=0
case "${1:-}" in
  --test-only) TEST_ONLY=1 ;;
  "") ;;
  *) echo "usage: bash packaging/build.sh [--test-only]" >&2; exit 2 ;;
esac
BUNDLE=dist/teachpoint
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)

if [ $TEST_ONLY = 0 ]; then
  # Debian packages the build needs: the VLC that is copied into the bundle, binutils (PyInstaller
  # reads library dependencies with objdump), a Python with venv.
  APT_PACKAGES=(python3 python3-venv python3-pip binutils libvlc5 vlc-plugin-base vlc-plugin-video-output)
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
  [ -x .venv/bin/python ] || python3 -m venv .venv
  stamp=.venv/.teachpoint-build-installed
  want=$(sha256sum pyproject.toml | cut -c1-64)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -x .venv/bin/pyinstaller ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/pip install -q -e '.[build]'
    echo "$want" > "$stamp"
  fi

  echo "building $BUNDLE (PyInstaller; a few minutes) ..."
  build_start=$(date +%s)
  .venv/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
    pyinstaller.spec
  build_s=$(( $(date +%s) - build_start ))
fi

if [ ! -x "$BUNDLE/teachpoint" ]; then
  echo "error: no bundle at $BUNDLE (run bash packaging/build.sh)" >&2
  exit 1
fi
size_mb=$(du -sm "$BUNDLE" | cut -f1)
files=$(find "$BUNDLE" -type f | wc -l)

# The self-test in a clean environment.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/teachpoint-selftest.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/home" "$scratch/tmp"
CLEAN_ENV=(env -i HOME="$scratch/home" PATH=/usr/bin:/bin LANG=C.UTF-8 TMPDIR="$scratch/tmp"
           TEACHPOINT_LOG_DIR="$scratch/logs")
SELFTEST=("$PWD/$BUNDLE/teachpoint" --selftest --data-dir "$scratch/data")

# What to hide from the bundle: the system VLC, the system Python's packages and this venv.
hide_and_run() {
  set -e
  for lib in /usr/lib/"$MULTIARCH"/libvlc*.so* ; do
    [ -f "$lib" ] && [ ! -L "$lib" ] && mount --bind /dev/null "$lib"
  done
  for dir in /usr/lib/"$MULTIARCH"/vlc /usr/lib/python3 /usr/lib/python3.* /usr/local/lib/python3.* \
             "$PWD/.venv"; do
    [ -d "$dir" ] && mount -t tmpfs -o ro,size=1k none "$dir"
  done
  exec "$@"
}
isolated="env -i, fresh data folder"
selftest_start=$EPOCHREALTIME
set +e
if [ "$(id -u)" = 0 ] && unshare --mount true 2>/dev/null; then
  isolated="$isolated, system libvlc + VLC plugins + Python packages + .venv hidden"
  export -f hide_and_run; export MULTIARCH
  unshare --mount bash -c 'hide_and_run "$@"' hide "${CLEAN_ENV[@]}" "${SELFTEST[@]}"
  rc=$?
else
  isolated="$isolated (no private mount namespace: system libvlc visible; the self-test still checks that it loaded the bundled one)"
  "${CLEAN_ENV[@]}" "${SELFTEST[@]}"
  rc=$?
fi
set -e
selftest_s=$(awk -v a="$selftest_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
selftest_rc=$rc

# A preseeded bundle: a site file next to the executable (as IT staff put one) must point a fresh
# data folder at its source and trust its publisher before anyone touches it. The check uses the
# demo channel inside the bundle as "the county's source" and removes the file again; a site file
# IT staff already put there is left alone and the check skipped.
site="$BUNDLE/teachpoint-site.toml"
if [ $rc != 0 ]; then preseed="not run (the self-test failed)"
else preseed="skipped (a teachpoint-site.toml is already next to the executable)"; fi
if [ $rc = 0 ] && [ ! -e "$site" ]; then
  cat > "$site" <<'SITE'
lock = ["sources"]
[[sources]]
name = "preseed-check"
location = "_internal/assets/demo"
[[trust]]
key_file = "_internal/assets/demo/demo.pub"
name = "preseed check"
repositories = ["teachpoint-demo"]
SITE
  set +e
  "${CLEAN_ENV[@]}" "$PWD/$BUNDLE/teachpoint" --data-dir "$scratch/preseeded" source list --json \
    > "$scratch/sources.json" 2> "$scratch/preseed.err"
  src_rc=$?
  "${CLEAN_ENV[@]}" "$PWD/$BUNDLE/teachpoint" --data-dir "$scratch/preseeded" trust list --json \
    > "$scratch/trust.json" 2>> "$scratch/preseed.err"
  trust_rc=$?
  set -e
  rm -f "$site"
  if [ $src_rc = 0 ] && [ $trust_rc = 0 ] && grep -q '"preseed-check"' "$scratch/sources.json" \
      && grep -q 'teachpoint-demo' "$scratch/trust.json"; then
    preseed="passed (fresh data folder: source preseed-check present, its key trusted for teachpoint-demo)"
  else
    preseed="FAILED"
    cat "$scratch/sources.json" "$scratch/trust.json" "$scratch/preseed.err" >&2
    rc=1
  fi
fi

echo
echo "bundle:    $BUNDLE, ${size_mb} MB in ${files} files"
if [ $TEST_ONLY = 0 ]; then
  printf 'build:     %d min %02d s\n' $((build_s / 60)) $((build_s % 60))
fi
echo "self-test: $([ $selftest_rc = 0 ] && echo passed || echo FAILED) in ${selftest_s} s ($isolated)"
echo "preseed:   $preseed"
exit $rc

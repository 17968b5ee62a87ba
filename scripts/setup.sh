#!/usr/bin/env bash
# One-time (idempotent) machine setup for uringspec:
#   - apt packages for building C programs, kernels and running QEMU, and the
#     consumers the report tests read with (chromium, xmllint, jq)
#   - trixie as a deb-src-only source (sources only: it can never upgrade an
#     installed package, which a `deb` entry at equal priority would)
#   - liburing 2.9 from trixie's source package, built static into the cache
#   - npm dependencies
# Re-running costs seconds: every step checks before it works. Two setups at
# once (two terminals, CI) take turns (flock). --rebuild builds liburing again
# even when the cached one verifies.
#
# liburing's marker, $CACHE/liburing-2.9/.built-2.9-1, holds the sha256 of
# lib/liburing.a; src/core/cc.ts (findLiburing) checks it before every use.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${URINGSPEC_CACHE:-$HOME/.cache/uringspec}"
LIBURING_VERSION=2.9-1
REBUILD=0
for arg in "$@"; do
  case "$arg" in
    --rebuild) REBUILD=1 ;;
    -h|--help) echo "usage: npm run setup [-- --rebuild]   (--rebuild: build liburing again)"; exit 0 ;;
    *) echo "setup: unknown option $arg (known: --rebuild)" >&2; exit 2 ;;
  esac
done
APT_PACKAGES=(git procps gcc make libc6-dev qemu-system-x86 flex bison bc libelf-dev libssl-dev cpio xz-utils dwarves ccache rsync kmod dpkg-dev chromium libxml2-utils jq)

log() { printf '[setup] %s\n' "$*"; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo

# One setup at a time: apt, the liburing build and npm ci are not safe to run twice at once.
mkdir -p "$CACHE/locks"
exec 9>"$CACHE/locks/setup.flock"
if ! flock -n 9; then
  log "waiting for another setup (lock $CACHE/locks/setup.flock)"
  flock 9
fi

if [ ! -f /etc/apt/sources.list.d/uringspec-trixie-src.sources ] && ! grep -rqs 'trixie' /etc/apt/sources.list.d/ /etc/apt/sources.list; then
  log "adding trixie (deb-src only) for liburing and linux sources"
  $SUDO tee /etc/apt/sources.list.d/uringspec-trixie-src.sources >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  NEED_UPDATE=1
fi

missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ "${NEED_UPDATE:-0}" = 1 ] || [ ${#missing[@]} -gt 0 ] || ! apt-cache showsrc liburing 2>/dev/null | grep -q "Version: $LIBURING_VERSION"; then
  log "apt-get update"
  $SUDO apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  log "installing: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# liburing, static, into $CACHE/liburing-2.9 (include/, lib/liburing.a; the peer suite builds tests/ from the sources)
LR="$CACHE/liburing-2.9"
MARKER="$LR/.built-$LIBURING_VERSION"
sha() { sha256sum "$1" | cut -d' ' -f1; }
why=""
if [ "$REBUILD" = 1 ]; then why="--rebuild"
elif [ ! -f "$LR/lib/liburing.a" ] || [ ! -f "$LR/include/liburing.h" ] || [ ! -f "$MARKER" ]; then why="not built"
elif [ ! -s "$MARKER" ]; then
  # An older setup wrote an empty marker: record what is there (npm run setup -- --rebuild to start over).
  sha "$LR/lib/liburing.a" > "$MARKER"
  log "recorded the sha256 of $LR/lib/liburing.a in $MARKER"
elif [ "$(cat "$MARKER")" != "$(sha "$LR/lib/liburing.a")" ]; then why="lib/liburing.a does not match the sha256 in $MARKER"
fi
if [ -n "$why" ]; then
  log "building liburing $LIBURING_VERSION (static) into $LR ($why)"
  mkdir -p "$CACHE/src" "$CACHE/build"
  (cd "$CACHE/src" && [ -f "liburing_$LIBURING_VERSION.dsc" ] || apt-get source --download-only "liburing=$LIBURING_VERSION" >/dev/null 2>&1)
  rm -rf "$CACHE/build/liburing-2.9"
  (cd "$CACHE/build" && dpkg-source -x --no-check "../src/liburing_$LIBURING_VERSION.dsc" liburing-2.9 >/dev/null)
  # Assembled beside the entry and moved into place, the marker (the archive's sha256) written last.
  NEW="$LR.new-$$"
  rm -rf "$NEW"
  (cd "$CACHE/build/liburing-2.9" && ./configure --prefix="$NEW" >/dev/null && make -s -j"$(nproc)" -C src >/dev/null)
  mkdir -p "$NEW/lib" "$NEW/include"
  cp "$CACHE/build/liburing-2.9/src/liburing.a" "$NEW/lib/"
  cp -r "$CACHE/build/liburing-2.9/src/include/." "$NEW/include/"
  sha "$NEW/lib/liburing.a" > "$NEW/.built-$LIBURING_VERSION"
  rm -rf "$LR.old-$$"
  if [ -d "$LR" ]; then mv "$LR" "$LR.old-$$"; fi
  mv "$NEW" "$LR"
  rm -rf "$LR.old-$$"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
log "ready: liburing at $LR"

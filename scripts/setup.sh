#!/usr/bin/env bash
# One-time (idempotent) machine setup for uringspec:
#   - apt packages for building C programs, kernels and running QEMU, and the
#     consumers the report tests read with (chromium, xmllint, jq)
#   - trixie as a deb-src-only source (sources only: it can never upgrade an
#     installed package, which a `deb` entry at equal priority would)
#   - liburing 2.9 from trixie's source package, built static into the cache
#   - npm dependencies
# Re-running costs seconds: every step checks before it works.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${URINGSPEC_CACHE:-$HOME/.cache/uringspec}"
LIBURING_VERSION=2.9-1
APT_PACKAGES=(git procps gcc make libc6-dev qemu-system-x86 flex bison bc libelf-dev libssl-dev cpio xz-utils dwarves ccache rsync kmod dpkg-dev chromium libxml2-utils jq)

log() { printf '[setup] %s\n' "$*"; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo

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

# liburing, static, into $CACHE/liburing-2.9 (include/, lib/liburing.a, test sources kept for the peer suite).
# One setup at a time builds it (two first runs sharing a cache): the others wait, then find it built.
LR="$CACHE/liburing-2.9"
liburing_built() { [ -f "$LR/lib/liburing.a" ] && [ -f "$LR/.built-$LIBURING_VERSION" ]; }
if ! liburing_built; then
  mkdir -p "$CACHE/locks"
  exec 9>"$CACHE/locks/setup-liburing"
  flock -n 9 || { log "another setup is building liburing into $LR: waiting for it"; flock 9; }
fi
if ! liburing_built; then
  log "building liburing $LIBURING_VERSION (static) into $LR"
  mkdir -p "$CACHE/src" "$CACHE/build"
  (cd "$CACHE/src" && [ -f "liburing_$LIBURING_VERSION.dsc" ] || apt-get source --download-only "liburing=$LIBURING_VERSION" >/dev/null 2>&1)
  rm -rf "$CACHE/build/liburing-2.9"
  (cd "$CACHE/build" && dpkg-source -x --no-check "../src/liburing_$LIBURING_VERSION.dsc" liburing-2.9 >/dev/null)
  (cd "$CACHE/build/liburing-2.9" && ./configure --prefix="$LR" >/dev/null && make -s -j"$(nproc)" -C src >/dev/null && make -s install-headers -C src >/dev/null 2>&1 || true)
  mkdir -p "$LR/lib" "$LR/include"
  cp "$CACHE/build/liburing-2.9/src/liburing.a" "$LR/lib/"
  cp -r "$CACHE/build/liburing-2.9/src/include/." "$LR/include/"
  touch "$LR/.built-$LIBURING_VERSION"
fi
exec 9>&-

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
log "ready: liburing at $LR"

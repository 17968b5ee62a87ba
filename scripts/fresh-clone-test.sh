#!/usr/bin/env bash
# A stranger's first run, as a test (.ci/run runs it after the tests). Clones
# the committed HEAD into a new empty temporary directory (nothing beside the
# clone, so a path out of the checkout finds nothing), gives it a new empty
# cache in which only the kernel entries of the warm cache are linked (their
# build is .ci/run's earlier step and takes minutes) plus the downloaded
# sources, then runs the README's setup and main command with --no-peer:
#   npm run setup && npx uringspec gate --no-peer
# and checks what the README promises: exit 1, the RFC findings, all five
# reports; then a coverage run (which needs the source tree the cache lacks),
# `npx uringspec --version`. Prints each step and its time; exits
# non-zero with the reason on the first failure.
#
# usage: scripts/fresh-clone-test.sh [--keep]
#   --keep                 keep the temporary directory (the clone, its cache and out/gate)
#   URINGSPEC_WARM_CACHE   where the built kernels are (default $URINGSPEC_CACHE or ~/.cache/uringspec)
#   FRESH_CACHE            use this cache directory instead of a new private one, and keep it
#                          (two runs at once with the same FRESH_CACHE: concurrent first runs)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
warm="${URINGSPEC_WARM_CACHE:-${URINGSPEC_CACHE:-$HOME/.cache/uringspec}}"
keep=0
[ "${1:-}" = --keep ] && keep=1
work="$(mktemp -d "${TMPDIR:-/tmp}/uringspec-fresh.XXXXXX")"
clone="$work/uringspec"
cache="${FRESH_CACHE:-$work/cache}"
head="$(git -C "$repo" rev-parse HEAD)"

log() { printf '[fresh] %s\n' "$*"; }
fail() {
  printf '[fresh] FAIL: %s\n' "$*" >&2
  exit 1
}
cleanup() {
  if [ "$keep" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

now() { date +%s%N; }
# seconds since $1 (a now), one decimal
since() {
  local ms=$((($(now) - $1) / 1000000))
  printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}
T0=$(now)
# timed NAME CMD...: runs CMD, prints its time; its exit status is left in $rc (never stops the script).
rc=0
timed() {
  local name=$1 t
  shift
  log "$name: $*"
  t=$(now)
  set +e
  "$@"
  rc=$?
  set -e
  log "$name: exit $rc in $(since "$t") s"
}

log "commit $head of $repo${FRESH_CACHE:+ (shared cache $cache)}"
[ -z "$(git -C "$repo" status --porcelain --untracked-files=no)" ] ||
  log "note: $repo has uncommitted changes; they are not part of this test"

timed clone git clone -q "$repo" "$clone"
[ "$rc" = 0 ] || fail "git clone failed"
[ "$(git -C "$clone" rev-parse HEAD)" = "$head" ] || fail "the clone is at $(git -C "$clone" rev-parse HEAD), not at HEAD $head"
[ "$(ls -A "$work")" = uringspec ] || fail "the clone is not alone in $work"

# The project refers to nothing outside its checkout (the pattern is split so this file does not match it).
outside="$(cd "$clone" && grep -rln --exclude-dir=.git -e '\.\./'"shared" . || true)"
[ -z "$outside" ] || fail "files refer to a shared folder beside the checkout: $outside"

mkdir -p "$cache/kernels"
linked=0
for e in "$warm"/kernels/*; do
  case "$e" in *.tmp-*) continue ;; esac
  [ -d "$e" ] || continue
  ln -sfn "$e" "$cache/kernels/"
  linked=$((linked + 1))
done
[ -d "$warm/src" ] && [ ! -e "$cache/src" ] && ln -sfn "$warm/src" "$cache/src"
log "cache $cache: $linked kernel entries linked from $warm/kernels, sources from $warm/src"
export URINGSPEC_CACHE="$cache"
cd "$clone"

timed setup npm run setup
[ "$rc" = 0 ] || fail "npm run setup exited with $rc"

# The kernels this commit's recipes name must be among the linked ones, or the gate would build them (minutes).
kernels="$(node bin/uringspec.mjs kernel list --json)"
for k in baseline sendzc-provided-rfc; do
  node -e 'const [rows, k] = [JSON.parse(process.argv[1]), process.argv[2]]; process.exit(rows.some((r) => r.name === k && r.built) ? 0 : 1)' "$kernels" "$k" ||
    fail "no kernel $k for this commit in $warm: run 'node bin/uringspec.mjs kernel build --all' first (.ci/run does)"
done

timed gate npx uringspec gate --no-peer
status=$rc
summary=out/gate/summary.txt
[ "$status" = 1 ] || fail "npx uringspec gate --no-peer exited with $status, expected 1 (the RFC findings)"
for f in results.ktap junit.xml report.json report.html summary.txt; do
  [ -s "out/gate/$f" ] || fail "out/gate/$f is missing or empty"
done
grep -q '^  FAIL      zc-enc-index-65536 ' "$summary" || fail "zc-enc-index-65536 is not reported as FAIL in $summary"
grep -q 'res: expected -14, got 10 \[rfc.regbuf-index\]' "$summary" || fail "the finding 'res: expected -14, got 10' is not in $summary"

# Coverage maps counters onto the series' commits: with only the kernels warm, the source tree and the series
# branch are made again (no build), and gcov's source names (the tree the build compiled) still map.
timed coverage npx uringspec run corpus/zc-basic.yaml --kernel sendzc-provided-rfc --coverage --quiet --report text --out out/coverage.txt
[ "$rc" = 0 ] || fail "npx uringspec run corpus/zc-basic.yaml --kernel sendzc-provided-rfc --coverage exited with $rc, expected 0"
grep -Eq 'series coverage: [1-9][0-9]*/[0-9]+ added lines' out/coverage.txt ||
  fail "no executed series line in out/coverage.txt: $(grep -m1 'series coverage' out/coverage.txt || echo 'no series coverage line')"

timed version npx uringspec --version
version="$(npx uringspec --version)"
want="uringspec $(node -p 'require("./package.json").version')"
[ "$version" = "$want" ] || fail "npx uringspec --version printed '$version', expected '$want'"

log "ok: clone, setup, gate (exit 1, the RFC findings, 5 reports), run --coverage (series lines mapped), --version in $(since "$T0") s"

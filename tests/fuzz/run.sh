#!/usr/bin/env bash
# Builds the fuzz targets and runs each for SECONDS (default 60), seeded from the example and
# fixture policies. Exits non-zero if any target finds a crash, a timeout or an out-of-memory.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
#
# Needs cargo-fuzz on PATH; the stable toolchain runs it with RUSTC_BOOTSTRAP=1 (set here).
# Corpora, seeds, artifacts and logs go under $CORSC_FUZZ_DIR (default .ci/cache/fuzz, which
# git ignores): corpora grow across runs, nothing is committed. Crash inputs worth keeping are
# minimized by hand (`cargo fuzz tmin`) into tests/fuzz/artifacts-found/.
#
# Built without a sanitizer (`-s none`): corsc forbids unsafe code, so AddressSanitizer finds
# nothing libFuzzer's own checks miss, and it would halve the executions. Debug assertions are
# on (`-a`), so arithmetic overflow is a crash.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
seconds=${1:-60}
shift || true
work=${CORSC_FUZZ_DIR:-$root/.ci/cache/fuzz}
mkdir -p "$work"
export RUSTC_BOOTSTRAP=1
fuzz=(cargo fuzz)
flags=(--fuzz-dir tests/fuzz -s none -a)

"${fuzz[@]}" build "${flags[@]}"

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <("${fuzz[@]}" list --fuzz-dir tests/fuzz)
fi

# Seeds: every policy the repository has. They are copied at run time, so the committed tree
# holds no corpus. The structure-aware targets read them as raw bytes, which still gives
# libFuzzer varied starting points.
seeds="$work/seeds"
rm -rf "$seeds"
mkdir -p "$seeds"
i=0
while IFS= read -r -d '' f; do
  cp "$f" "$seeds/$(printf '%04d' $i)-$(basename "$f")"
  i=$((i + 1))
done < <(find policies tests/fixtures -name '*.cors' -print0 | sort -z)
# The import target's seeds: every configuration under policies/imports/, each prefixed with
# the byte that picks a format (the formats' order does not matter: libFuzzer mutates it).
while IFS= read -r -d '' f; do
  { printf '%b' "\\x$(printf '%02x' $((i % 256)))"; cat "$f"; } > "$seeds/$(printf '%04d' $i)-import-$(basename "$f")"
  i=$((i + 1))
done < <(find policies/imports -type f -print0 2>/dev/null | sort -z)

failed=()
for t in "${targets[@]}"; do
  corpus="$work/corpus/$t"
  artifacts="$work/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  printf '=== fuzz %s for %ss\n' "$t" "$seconds"
  # -timeout: a policy of a few KB that takes many seconds is a denial of service
  # (resource exhaustion); libFuzzer measures wall-clock time, so it leaves room for a busy machine.
  # -rss_limit_mb: likewise for memory. -max_len: size is where bugs hide, so allow large
  # inputs; libFuzzer still starts small and grows them.
  extra=()
  [ -f "tests/fuzz/dicts/$t.dict" ] && extra+=(-dict="tests/fuzz/dicts/$t.dict")
  status=0
  "${fuzz[@]}" run "${flags[@]}" "$t" "$corpus" "$seeds" -- \
    -max_total_time="$seconds" -timeout=25 -rss_limit_mb=4096 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "${extra[@]}" >"$work/$t.log" 2>&1 || status=$?
  # The last progress line and the final statistics: executions, coverage, features, corpus.
  grep -E '^#[0-9]+' "$work/$t.log" | tail -1 || true
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$work/$t.log" || true
  if [ "$status" -ne 0 ]; then
    failed+=("$t")
    grep -E 'panicked at|ERROR: libFuzzer|Test unit written|^error' "$work/$t.log" | head -5 || true
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  printf 'fuzzing found failures in: %s (logs in %s)\n' "${failed[*]}" "$work"
  exit 1
fi
printf 'fuzzing: %s ran %ss each without a failure\n' "${targets[*]}" "$seconds"

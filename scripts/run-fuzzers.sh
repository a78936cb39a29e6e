#!/usr/bin/env bash
# Runs every libFuzzer binary BUILD_DIR/fuzz_* for SECONDS each, one after another.
#   usage: scripts/run-fuzzers.sh BUILD_DIR SECONDS
# Each target keeps a growing corpus in BUILD_DIR/fuzz-corpus/<name> (<name> is the binary
# name without "fuzz_"), seeded from tests/fuzz/seeds/<name>/ when that folder exists.
# Logs go to BUILD_DIR/fuzz-logs/<name>.log, crashing inputs to BUILD_DIR/fuzz-artifacts/<name>/.
# Prints one line per target; exits 1 if any target crashed, leaked, hung or ran out of
# memory, 2 on bad usage or when there is nothing to run.
set -uo pipefail

if [ $# -ne 2 ] || ! [[ "$2" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 BUILD_DIR SECONDS" >&2
  exit 2
fi
build_dir=$(cd "$1" 2>/dev/null && pwd) || { echo "run-fuzzers: no such folder: $1" >&2; exit 2; }
seconds=$2
seeds_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/fuzz/seeds"

shopt -s nullglob
targets=()
for f in "$build_dir"/fuzz_*; do
  [ -f "$f" ] && [ -x "$f" ] && targets+=("$f")
done
if [ ${#targets[@]} -eq 0 ]; then
  echo "run-fuzzers: no fuzz_* binaries in $build_dir (configure with -DRAGD_FUZZ=ON and build)" >&2
  exit 2
fi

# UBSan recovers by default in the fuzz build; make every report fatal so it counts.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

failed=0
for bin in "${targets[@]}"; do
  base=$(basename "$bin")
  name=${base#fuzz_}
  corpus="$build_dir/fuzz-corpus/$name"
  artifacts="$build_dir/fuzz-artifacts/$name"
  log="$build_dir/fuzz-logs/$name.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  if [ -d "$seeds_root/$name" ]; then
    cp -n "$seeds_root/$name"/* "$corpus"/ 2>/dev/null || true
  fi

  "$bin" "$corpus" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=30 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1
  rc=$?

  runs=$(grep -oE 'Done [0-9]+ runs' "$log" | tail -1 | grep -oE '[0-9]+')
  files=$(find "$corpus" -type f | wc -l)
  if [ $rc -eq 0 ]; then
    echo "$base: ok (${runs:-?} runs in ${seconds}s, corpus ${files} files)"
  else
    failed=1
    kind=$(grep -oE 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer): [a-zA-Z-]+|runtime error|SUMMARY: [A-Za-z]+: [a-z-]+' "$log" | head -1)
    artifact=$(grep -oE 'Test unit written to [^ ]+' "$log" | tail -1 | sed 's/Test unit written to //')
    echo "$base: FAILED (exit $rc: ${kind:-see log}; input ${artifact:-none}; log $log)"
  fi
done
exit $failed

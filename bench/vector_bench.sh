#!/usr/bin/env bash
# Vector-search benchmark: ragd's VectorIndex (FAISS HNSW, flat and SQ8 storage) and hnswlib
# side by side on the same synthetic 384-d vectors, queries and exact ground truth
# (bench/vector_bench/gen_vectors.py). Reports build time, recall@10, single-thread
# latency p50/p99, QPS and memory for a range of efSearch values. Data and built indexes
# are cached under bench/.work/ (delete bench/.work/vec-* to rebuild).
#
#   bench/vector_bench.sh [N]          (default 1000000)
#   M=16 EFC=100 EFS=32,64,96,128,192 THREADS=2 SQ8=1 PEER=1 BUILD=build-vec-rel
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
N="${1:-1000000}"
M="${M:-16}"
EFC="${EFC:-100}"
EFS="${EFS:-32,64,96,128,192}"
THREADS="${THREADS:-2}"
SQ8="${SQ8:-1}"
PEER="${PEER:-1}"
BUILD="${BUILD:-$ROOT/build-vec-rel}"
WORK="$BENCH/.work"
VENV="$WORK/venv-vec"
DATA="$WORK/vec-$N"
RESULTS="$WORK/results-vec-$N.jsonl"

if [[ ! -x "$VENV/bin/python" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q numpy hnswlib
fi
if [[ ! -f "$DATA/meta.json" ]]; then
  echo "generating $N vectors into $DATA ..." >&2
  "$VENV/bin/python" "$BENCH/vector_bench/gen_vectors.py" "$DATA" --n "$N" --queries 1000
fi

# The bench program links the index module's Release library (no CMake target for it).
if [[ ! -f "$BUILD/libragd_index.a" ]]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$BUILD" --target ragd_index ragd_text ragd_common -j2 >/dev/null
BIN="$WORK/vector_bench"
g++ -std=c++20 -O2 -DNDEBUG -I"$ROOT/src" "$BENCH/vector_bench/vector_bench.cc" -o "$BIN" \
  "$BUILD/libragd_index.a" "$BUILD/libragd_text.a" "$BUILD/libragd_common.a" \
  -lfaiss -lopenblas -llapack -fopenmp -lfmt -lcrypto -lutf8proc -lstemmer -lpthread

: >"$RESULTS"
run_ragd() {  # $1 = 0 (flat storage) or 1 (SQ8)
  local sq8="$1" dir="$DATA/ragd-M$M-efc$EFC$([[ $1 == 1 ]] && echo -sq8 || true)"
  if [[ ! -f "$dir/build.json" ]]; then
    rm -rf "$dir"
    /usr/bin/time -f '{"build_max_rss_kib": %M}' -o "$dir.time" \
      "$BIN" build "$DATA" "$dir" "$M" "$EFC" "$sq8" "$THREADS" >"$dir.build"
    mv "$dir.build" "$dir/build.json"
    mv "$dir.time" "$dir/build-time.json"
  fi
  "$BIN" search "$DATA" "$dir" "$EFS" "$M" "$EFC" "$sq8" | while read -r line; do
    echo "${line%\}}, \"build_s\": $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["build_s"])' "$dir/build.json")}"
  done | tee -a "$RESULTS"
}
run_ragd 0
[[ "$SQ8" == 1 ]] && run_ragd 1
if [[ "$PEER" == 1 ]]; then
  "$VENV/bin/python" "$BENCH/peers/hnswlib_bench.py" "$DATA" "$DATA/hnswlib-M$M-efc$EFC.bin" \
    "$M" "$EFC" "$THREADS" "$EFS" | tee -a "$RESULTS"
fi
echo "results: $RESULTS" >&2

#!/usr/bin/env bash
# Per-request cost of ragd's platform gate (authentication, permission, four rate-limit
# windows, quota reserve+commit, and the metering insert for API keys; argon2 excluded) next
# to a Python peer doing the same steps the way FastAPI platforms do (PyJWT, deques, sqlite3),
# in the same run on the same machine. REPEAT rounds alternate the two; each prints p50/p99
# per path (JWT and API key) in microseconds.
#
#   bench/platform_overhead.sh            ITERATIONS=20000 REPEAT=3 BUILD=build-bench-rel
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
ITERATIONS="${ITERATIONS:-20000}"
REPEAT="${REPEAT:-3}"
BUILD="${BUILD:-$ROOT/build-bench-rel}"
WORK="$BENCH/.work/platform-overhead"
VENV="$BENCH/.work/venv-auth-peer"
mkdir -p "$WORK"

if [[ ! -x "$VENV/bin/python" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "pyjwt==2.10.1"
fi
# The bench program links the platform module's Release library (no CMake target for it).
if [[ ! -f "$BUILD/build.ninja" ]]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRAGD_TESTS=OFF >/dev/null
fi
cmake --build "$BUILD" --target ragd_platform ragd_common -j2 >/dev/null
BIN="$WORK/platform_overhead"
g++ -std=c++20 -O2 -DNDEBUG -I"$ROOT/src" "$BENCH/platform_overhead/platform_overhead.cc" \
  "$BUILD/libragd_platform.a" "$BUILD/libragd_common.a" \
  -lsqlite3 -largon2 -lfmt -lcrypto -lpthread -o "$BIN"

echo "# machine: $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg); iterations $ITERATIONS" >&2
for round in $(seq 1 "$REPEAT"); do
  "$BIN" "$WORK/ragd" "$ITERATIONS" | sed "s/^{/{\"round\":$round,/"
  "$VENV/bin/python" "$BENCH/peers/auth_gate_peer.py" "$WORK/peer" "$ITERATIONS" | sed "s/^{/{\"round\":$round,/"
done

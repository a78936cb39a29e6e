#!/usr/bin/env bash
# HTTP API throughput and latency of `ragd serve` on BEIR SciFact (BM25), side by side with a
# minimal Python RAG service (bench/peer/fastapi_rag.py: FastAPI + uvicorn, bm25s over the same
# chunks, read from ragd's store). wrk with CONNECTIONS connections and THREADS threads, each
# load WARMUP s of warm-up then DURATION s measured:
#
#   GET  /health/live                                              ragd and peer
#   POST /v1/search {"query": <SciFact query, rotated>, "mode": "lexical", "k": 10}   ragd and peer
#   POST /v1/chat {"message": <query, rotated>, "cache": "bypass"}  ragd (extractive answerer: no
#                                                                   LLM configured)
#
# The two servers never run at the same time: each round starts one, loads it, stops it, then
# the other (the order alternates between rounds). Prints a Markdown table of the medians over
# REPEAT rounds with the ratio ragd ÷ peer; raw wrk results in bench/.work/http_api/results.jsonl.
#
#   bench/http_api.sh
#   RAGD=build-bench/ragd (Release: cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release
#        -DRAGD_TESTS=OFF && cmake --build build-bench --target ragd -j2)
#   REPEAT=3 DURATION=20 WARMUP=5 CONNECTIONS=64 THREADS=2 WORKERS=2 (peer processes)
#   SYSTEMS="ragd peer"  DATASET=../shared/data/beir/scifact  SCIFACT_DATA=DIR (copy a prepared data folder instead of
#   ingesting; COLLECTION=its collection)  PEER_PORT=18190  ENDPOINTS="health search chat"
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
# shellcheck source=peer/common.sh
source "$BENCH/peer/common.sh"
WORK="$BENCH/.work/http_api"
REPEAT="${REPEAT:-3}"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-5}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
PEER_PORT="${PEER_PORT:-18190}"
ENDPOINTS="${ENDPOINTS:-health search chat}"
SYSTEMS="${SYSTEMS:-ragd peer}"
RESULTS="$WORK/results.jsonl"

[[ -x "$RAGD" ]] || { echo "no ragd binary at $RAGD (see the header for the Release build)" >&2; exit 2; }
trap stop_all EXIT
mkdir -p "$WORK"
setup_venv
echo "data: SciFact ${SCIFACT_DATA:+(copy of $SCIFACT_DATA)} -> $WORK/data" >&2
prepare_data "$WORK/data"
write_bodies search "$WORK/search.jsonl"
write_bodies chat "$WORK/chat.jsonl"

load() {  # SYSTEM ENDPOINT URL ROUND: warm-up, then the measured run appended to RESULTS
  local system="$1" endpoint="$2" url="$3" round="$4" path bodies=""
  case "$endpoint" in
    health) path=/health/live ;;
    search) path=/v1/search; bodies="$WORK/search.jsonl" ;;
    chat) path=/v1/chat; bodies="$WORK/chat.jsonl" ;;
  esac
  BODIES="$bodies" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" --timeout 10s \
    -s "$BENCH/lua/http_load.lua" "$url$path" > /dev/null
  local out
  out="$(BODIES="$bodies" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s \
    --latency -s "$BENCH/lua/http_load.lua" "$url$path")"
  local line
  line="$(grep '^WRK_JSON ' <<< "$out" | sed 's/^WRK_JSON //')"
  python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d.update(system=sys.argv[2], endpoint=sys.argv[3], round=int(sys.argv[4])); print(json.dumps(d))' \
    "$line" "$system" "$endpoint" "$round" >> "$RESULTS"
  echo "  $system $endpoint: $(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print("%.0f req/s, p50 %.2f ms, p99 %.2f ms, errors %s" % (d["rps"], d["p50_ms"], d["p99_ms"], d["errors"]))' "$line")" >&2
}

check() {  # NAME URL PATH BODY-FILE: one request before the load, so a broken route shows
  local body status
  body="$(head -1 "$4")"
  status="$(curl -s -o "$WORK/check.out" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "$body" "$2$3")"
  python3 - "$1 $3" "$status" "$WORK/check.out" <<'PY' >&2
import json, sys
label, status, path = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    d = json.load(open(path))
except ValueError:
    d = {"unparsed": open(path, errors="replace").read()[:200]}
summary = {k: d[k] for k in ("strategy", "abstained", "code", "message") if k in d}
if "results" in d:
    summary["results"] = len(d["results"])
print(f"  check {label}: HTTP {status} {summary}")
PY
}

run_ragd() {  # ROUND
  start_ragd "$WORK/data" "$WORK/ragd.log"
  check ragd "$RAGD_URL" /v1/search "$WORK/search.jsonl"
  check ragd "$RAGD_URL" /v1/chat "$WORK/chat.jsonl"
  for endpoint in $ENDPOINTS; do load ragd "$endpoint" "$RAGD_URL" "$1"; done
  stop_pid "$RAGD_PID"
}

run_peer() {  # ROUND
  start_peer "$WORK/data" "$PEER_PORT" "$WORK/peer.log"
  check peer "$PEER_URL" /v1/search "$WORK/search.jsonl"
  for endpoint in $ENDPOINTS; do
    [[ "$endpoint" == chat ]] || load peer "$endpoint" "$PEER_URL" "$1"
  done
  stop_pid "$PEER_PID"
}

: > "$RESULTS"
for round in $(seq 1 "$REPEAT"); do
  echo "round $round/$REPEAT" >&2
  order="$SYSTEMS"
  (( round % 2 )) || order="$(tr ' ' '\n' <<< "$SYSTEMS" | tac | xargs)"
  for system in $order; do "run_$system" "$round"; done
done

"$PY" - "$RESULTS" "$(machine_state)" "$CONNECTIONS" "$THREADS" "$DURATION" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(f"\n{sys.argv[2]}; wrk {sys.argv[4]} threads, {sys.argv[3]} connections, {sys.argv[5]} s per "
      f"run; medians of {max(r['round'] for r in rows)} rounds\n")
groups = {}
for r in rows:
    groups.setdefault((r["endpoint"], r["system"]), []).append(r)
med = {key: {f: statistics.median(r[f] for r in g) for f in ("rps", "p50_ms", "p99_ms")}
       | {"errors": sum(sum(r["errors"].values()) for r in g), "n": len(g)}
       for key, g in groups.items()}
print("| endpoint | system | requests/s | p50 ms | p99 ms | errors | requests/s ratio ragd ÷ peer |")
print("|---|---|---|---|---|---|---|")
for endpoint in ("health", "search", "chat"):
    for system in ("ragd", "peer"):
        m = med.get((endpoint, system))
        if not m:
            continue
        ratio = ""
        peer = med.get((endpoint, "peer"))
        if system == "ragd" and peer:
            ratio = f"{m['rps'] / peer['rps']:.1f}"
        print(f"| {endpoint} | {system} | {m['rps']:,.0f} | {m['p50_ms']:.2f} | {m['p99_ms']:.2f} "
              f"| {m['errors']} | {ratio} |")
PY

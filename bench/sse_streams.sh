#!/usr/bin/env bash
# STREAMS concurrent SSE chat streams held open against `ragd serve --llm <slow test LLM>`:
# bench/slow_llm.py streams TOKENS tokens DELAY_MS apart to every request, and
# bench/sse_streams.py opens all the POST /v1/chat {"stream": true, "cache": "bypass"} streams,
# checks each ends with `event: done` and carries no `event: error`, and samples ragd's
# resident memory. Prints the client's JSON result (completed, errors, peak RSS, wall time).
#
#   bench/sse_streams.sh
#   RAGD=build-bench/ragd  STREAMS=10000  TOKENS=20  DELAY_MS=2000  CONNECTING=256  TIMEOUT=300 (s)
#   DATASET=../shared/data/beir/scifact  SCIFACT_DATA=DIR COLLECTION=NAME (see http_api.sh)
#
# Each stream costs ragd two descriptors (the client's connection and its upstream one), so
# ragd needs RLIMIT_NOFILE above 2 x STREAMS: the script asks for 200000 and settles for the
# hard limit, and says so when that is too low.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
# shellcheck source=peer/common.sh
source "$BENCH/peer/common.sh"
WORK="$BENCH/.work/sse_streams"
STREAMS="${STREAMS:-10000}"
TOKENS="${TOKENS:-20}"
DELAY_MS="${DELAY_MS:-2000}"

[[ -x "$RAGD" ]] || { echo "no ragd binary at $RAGD" >&2; exit 2; }
trap stop_all EXIT
mkdir -p "$WORK"
setup_venv
prepare_data "$WORK/data"

ulimit -n 200000 2> /dev/null || ulimit -n "$(ulimit -Hn)"
limit="$(ulimit -n)"
if (( limit < 2 * STREAMS + 64 )); then
  echo "warning: RLIMIT_NOFILE is $limit (hard limit $(ulimit -Hn)); ragd needs about" \
    "$((2 * STREAMS + 64)) descriptors for $STREAMS streams" >&2
fi
start_llm "$WORK/llm.log" --tokens "$TOKENS" --delay-ms "$DELAY_MS"
start_ragd "$WORK/data" "$WORK/ragd.log" --llm "$LLM_URL"
echo "$(machine_state); ragd pid $RAGD_PID, RLIMIT_NOFILE $limit; LLM $TOKENS tokens x" \
  "$DELAY_MS ms; $STREAMS streams" >&2
"$PY" "$BENCH/sse_streams.py" --url "$RAGD_URL" --streams "$STREAMS" --pid "$RAGD_PID" \
  --queries "$DATASET/queries.jsonl" ${COLLECTION:+--collection "$COLLECTION"} \
  --connecting "${CONNECTING:-256}" --timeout "${TIMEOUT:-300}" --llm-stats "$LLM_URL/stats" | tee "$WORK/result.json"

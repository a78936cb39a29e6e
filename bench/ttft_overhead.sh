#!/usr/bin/env bash
# Server overhead added to the upstream LLM's time to first token: bench/slow_llm.py answers
# every request with its first token after FIRST_MS, and bench/ttft_overhead.py measures the
# time to first token directly, through `ragd serve` (/v1/chat and /v1/chat/completions,
# streaming) and through the FastAPI peer's /v1/chat (bm25s retrieval + httpx streaming), N
# requests per path, sequentially and at concurrency 8. Prints one JSON object per level.
#
#   bench/ttft_overhead.sh
#   RAGD=build-bench/ragd  N=200  FIRST_MS=50  CONCURRENCY=1,8  PEER=1 (0: no peer)
#   DATASET=../shared/data/beir/scifact  SCIFACT_DATA=DIR COLLECTION=NAME (see http_api.sh)
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
# shellcheck source=peer/common.sh
source "$BENCH/peer/common.sh"
WORK="$BENCH/.work/ttft_overhead"
FIRST_MS="${FIRST_MS:-50}"

[[ -x "$RAGD" ]] || { echo "no ragd binary at $RAGD" >&2; exit 2; }
trap stop_all EXIT
mkdir -p "$WORK"
setup_venv
prepare_data "$WORK/data"
start_llm "$WORK/llm.log" --tokens 5 --delay-ms 5 --first-ms "$FIRST_MS"
start_ragd "$WORK/data" "$WORK/ragd.log" --llm "$LLM_URL"
peer_flag=()
if [[ "${PEER:-1}" == 1 ]]; then
  PEER_LLM="$LLM_URL" start_peer "$WORK/data" "${PEER_PORT:-18191}" "$WORK/peer.log"
  peer_flag=(--peer "$PEER_URL")
fi
echo "$(machine_state); first token after $FIRST_MS ms" >&2
"$PY" "$BENCH/ttft_overhead.py" --llm "$LLM_URL" --ragd "$RAGD_URL" "${peer_flag[@]}" \
  --queries "$DATASET/queries.jsonl" ${COLLECTION:+--collection "$COLLECTION"} \
  --n "${N:-200}" --concurrency "${CONCURRENCY:-1,8}" | tee "$WORK/result.jsonl"

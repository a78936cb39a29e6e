# Shell functions shared by bench/http_api.sh, bench/sse_streams.sh and bench/ttft_overhead.sh
# (sourced, not run). They set up the benchmark venv, a lexical SciFact data folder, and start
# and stop ragd serve, the FastAPI peer and the slow test LLM; every server started here is
# stopped by stop_all (the scripts call it on EXIT).
#
# Inputs: BENCH, ROOT (set by the caller); RAGD, DATASET, WORK (defaults below).

RAGD="${RAGD:-$ROOT/build-bench/ragd}"
DATASET="$(cd "${DATASET:-$ROOT/../shared/data/beir/scifact}" && pwd)"
VENV="$BENCH/.work/http-venv"
PY="$VENV/bin/python"
STARTED_PIDS=()

setup_venv() {
  if [[ ! -x "$PY" || "$BENCH/peer/requirements.txt" -nt "$VENV/.stamp" ]]; then
    python3 -m venv "$VENV"
    "$PY" -m pip install -q --upgrade pip
    "$PY" -m pip install -q -r "$BENCH/peer/requirements.txt"
    touch "$VENV/.stamp"
  fi
}

# The SciFact corpus in the collection `default`, lexical only (no embedding model), in a fresh
# folder; or a copy of SCIFACT_DATA (a prepared data folder, never used in place) when set.
prepare_data() {  # DIR
  local dir="$1"
  rm -rf "$dir"
  if [[ -n "${SCIFACT_DATA:-}" ]]; then
    cp -r "$SCIFACT_DATA" "$dir"
    return
  fi
  "$RAGD" collections create --data "$dir" --no-embeddings > /dev/null
  "$RAGD" ingest --data "$dir" "$DATASET/corpus.jsonl" --json 2> /dev/null > "$dir.ingest.json"
}

# Queries of the dataset as JSON request bodies, one per line.
write_bodies() {  # KIND(search|chat) FILE
  python3 - "$DATASET/queries.jsonl" "$1" "${COLLECTION:-}" > "$2" <<'PY'
import json, sys
path, kind, collection = sys.argv[1:4]
for line in open(path):
    if not line.strip():
        continue
    text = json.loads(line)["text"]
    body = ({"query": text, "mode": "lexical", "k": 10} if kind == "search"
            else {"message": text, "cache": "bypass"})
    if collection:
        body["collection"] = collection
    print(json.dumps(body))
PY
}

wait_live() {  # URL
  for _ in $(seq 300); do
    curl -sf "$1/health/live" > /dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "no answer from $1/health/live" >&2
  return 1
}

# Starts ragd serve on a free port; sets RAGD_PID and RAGD_URL. Extra flags are passed on.
start_ragd() {  # DATA LOG [flags...]
  local data="$1" log="$2"; shift 2
  local out="$log.stdout"
  # --auth off: these benchmarks measure the API itself against peers that have no accounts;
  # the platform gate's own cost is bench/platform_overhead.sh.
  "$RAGD" serve --data "$data" --port 0 --auth off "$@" > "$out" 2> "$log" &
  RAGD_PID=$!
  STARTED_PIDS+=("$RAGD_PID")
  local port=""
  for _ in $(seq 300); do
    port="$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    if d.get("event") == "listening": print(d["port"]); break' "$out" 2> /dev/null || true)"
    [[ -n "$port" ]] && break
    kill -0 "$RAGD_PID" 2> /dev/null || { echo "ragd serve exited:" >&2; tail -5 "$log" >&2; return 1; }
    sleep 0.1
  done
  [[ -n "$port" ]] || { echo "ragd serve printed no listening line" >&2; return 1; }
  RAGD_URL="http://127.0.0.1:$port"
  wait_live "$RAGD_URL"
}

# Starts the FastAPI peer (uvicorn, WORKERS processes) on PORT over DATA's ragd.db; sets PEER_PID
# and PEER_URL. PEER_LLM (optional) is the LLM its /v1/chat calls.
start_peer() {  # DATA PORT LOG
  PEER_DB="$1/ragd.db" PEER_COLLECTION="${COLLECTION:-default}" PEER_LLM="${PEER_LLM:-}" \
    "$VENV/bin/uvicorn" fastapi_rag:app --app-dir "$BENCH/peer" --host 127.0.0.1 --port "$2" \
    --workers "${WORKERS:-2}" --loop uvloop --http httptools --no-access-log \
    --log-level warning > "$3" 2>&1 &
  PEER_PID=$!
  STARTED_PIDS+=("$PEER_PID")
  PEER_URL="http://127.0.0.1:$2"
  wait_live "$PEER_URL"
}

# Starts bench/slow_llm.py with the given flags; sets LLM_PID and LLM_URL.
start_llm() {  # LOG [flags...]
  local log="$1"; shift
  "$PY" "$BENCH/slow_llm.py" "$@" > "$log" 2>&1 &
  LLM_PID=$!
  STARTED_PIDS+=("$LLM_PID")
  for _ in $(seq 100); do grep -q '^PORT' "$log" 2> /dev/null && break; sleep 0.1; done
  LLM_URL="http://127.0.0.1:$(awk '/^PORT/ {print $2}' "$log")"
}

stop_pid() {  # PID: SIGTERM, then wait for it (uvicorn's workers exit with their parent)
  kill "$1" 2> /dev/null || return 0
  for _ in $(seq 100); do kill -0 "$1" 2> /dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2> /dev/null || true
}

stop_all() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do stop_pid "$pid"; done
}

machine_state() {
  echo "$(uname -srm), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)," \
    "ragd $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src || echo '+local changes')"
}

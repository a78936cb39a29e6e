#!/usr/bin/env bash
# Answer-pipeline overhead: everything `ask` does except the LLM's own time (memory, rewrite,
# analysis, routing, retrieval, context, citation checks, storing the turn), per question,
# with the fake OpenAI-compatible server answering after a fixed latency. Questions run in
# one `ragd chat --json` process (so process start-up is not counted), each in a new
# session. Reports p50/p99 of latency_ms.overhead (and of total) per corpus and mode.
#
#   bench/answer_overhead.sh            sample knowledge base (lexical, hybrid) and SciFact
#   RAGD=build/ragd  LLM_LATENCY_MS=100  REPEAT=5  SCIFACT_DATA=DIR (see below)
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
RAGD="${RAGD:-$ROOT/build/ragd}"
WORK="$BENCH/.work/answer-overhead"
SCIFACT="${SCIFACT:-$ROOT/../shared/data/beir/scifact}"
LLM_LATENCY_MS="${LLM_LATENCY_MS:-100}"
REPEAT="${REPEAT:-5}"
mkdir -p "$WORK"

python3 "$ROOT/tests/support/fake_llm_server.py" > "$WORK/server.out" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q PORT "$WORK/server.out" 2>/dev/null && break; sleep 0.1; done
LLM="http://127.0.0.1:$(awk '/PORT/ {print $2}' "$WORK/server.out")"

# questions FILE -> chat input: each question in its own session, REPEAT times.
make_input() {
  for _ in $(seq "$REPEAT"); do
    while IFS= read -r q; do [ -n "$q" ] && printf '/new\n%s\n' "$q"; done < "$1"
  done
}

report() {  # NAME MODE JSONL
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
name, mode, path = sys.argv[1:4]
rows = [json.loads(l) for l in open(path) if l.startswith("{")]
rows = [r for r in rows if "latency_ms" in r]
def pct(values, p):
    values = sorted(values)
    return values[max(0, min(len(values) - 1, int(-(-p * len(values) // 100)) - 1))]
over = [r["latency_ms"]["overhead"] for r in rows]
total = [r["latency_ms"]["total"] for r in rows]
strategies = {}
for r in rows: strategies[r["strategy"]] = strategies.get(r["strategy"], 0) + 1
print(json.dumps({"corpus": name, "mode": mode, "answers": len(rows),
                  "overhead_p50_ms": round(pct(over, 50), 2), "overhead_p99_ms": round(pct(over, 99), 2),
                  "total_p50_ms": round(pct(total, 50), 2), "total_p99_ms": round(pct(total, 99), 2),
                  "strategies": strategies}))
PY
}

run_case() {  # NAME DATA QUESTIONS MODE
  local out="$WORK/$1-$4.jsonl"
  # shellcheck disable=SC2086  # COLLECTION is empty or "--collection NAME"
  make_input "$3" | "$RAGD" chat --data "$2" ${COLLECTION:-} --json --mode "$4" --llm "$LLM" \
      --model "fake-latency:$LLM_LATENCY_MS" > "$out"
  report "$1" "$4" "$out"
}

# Sample knowledge base.
KB_DATA="$WORK/kb-data"
rm -rf "$KB_DATA"
"$RAGD" ingest --data "$KB_DATA" "$ROOT/examples/knowledge" > /dev/null
cat "$ROOT/examples/demo-questions.txt" > "$WORK/kb-questions.txt"
cut -f1 "$ROOT/tests/golden/knowledge_search.tsv" | grep -v '^#' | grep -v '^query$' >> "$WORK/kb-questions.txt"
run_case knowledge "$KB_DATA" "$WORK/kb-questions.txt" lexical
run_case knowledge "$KB_DATA" "$WORK/kb-questions.txt" hybrid

# SciFact: its test queries as questions. SCIFACT_DATA names a data folder where SciFact is
# already ingested with embeddings (bench/scifact_dense.sh leaves one in
# bench/.work/scifact_dense/data, collection beir-scifact): then lexical and hybrid. Without
# it the corpus is ingested here without a model (embedding 5,183 abstracts takes ~12 min),
# lexical only.
if [ -d "$SCIFACT" ]; then
  python3 -c "
import json,sys
ids=set(l.split('\t')[0] for l in open('$SCIFACT/qrels/test.tsv') if not l.startswith('query-id'))
texts=[q['text'] for q in map(json.loads, open('$SCIFACT/queries.jsonl')) if q['_id'] in ids]
print('\n'.join(texts[:100]))
" > "$WORK/scifact-questions.txt"
  if [ -n "${SCIFACT_DATA:-}" ]; then
    COLLECTION="--collection ${SCIFACT_COLLECTION:-beir-scifact}" \
      REPEAT=1 run_case scifact "$SCIFACT_DATA" "$WORK/scifact-questions.txt" lexical
    COLLECTION="--collection ${SCIFACT_COLLECTION:-beir-scifact}" \
      REPEAT=1 run_case scifact "$SCIFACT_DATA" "$WORK/scifact-questions.txt" hybrid
  else
    SF_DATA="$WORK/scifact-data"
    [ -d "$SF_DATA" ] || RAGD_MODEL_DIR=/nonexistent "$RAGD" ingest --data "$SF_DATA" \
        "$SCIFACT/corpus.jsonl" > /dev/null
    REPEAT=1 run_case scifact "$SF_DATA" "$WORK/scifact-questions.txt" lexical
  fi
fi

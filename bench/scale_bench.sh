#!/usr/bin/env bash
# Scale benchmark: ragd and Lucene side by side on a generated corpus of 1,000,000 chunks
# (bench/gen_scale_corpus.py: SciFact-shaped term statistics and lengths, 1,000 keyword
# queries). For each: indexing time, index size on disk against the raw text, peak memory
# (max RSS of the whole process), and single-thread query latency p50/p99 at depth 100.
#
#   bench/scale_bench.sh [DOCS]      (default 1000000)
#   RAGD=build/ragd   PEERS="lucene"   ROUNDS=1
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
DOCS="${1:-1000000}"
RAGD="${RAGD:-$ROOT/build/ragd}"
PEERS="${PEERS:-lucene}"
ROUNDS="${ROUNDS:-1}"
WORK="$BENCH/.work"
PY="$WORK/venv/bin/python"
DATASET="$WORK/scale-$DOCS"
RESULTS="$WORK/results-scale-$DOCS.jsonl"

if [[ ! -x "$PY" ]]; then
  python3 -m venv "$WORK/venv"
  "$PY" -m pip install -q -r "$BENCH/requirements.txt"
fi
if [[ ! -f "$DATASET/generation.json" ]]; then
  echo "generating $DOCS chunks into $DATASET ..." >&2
  "$PY" "$BENCH/gen_scale_corpus.py" "$DATASET" --docs "$DOCS"
fi
raw_bytes="$("$PY" -c '
import json, sys
total = 0
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line)
    total += len((d.get("title") or "").encode()) + len(d["text"].encode())
print(total)' "$DATASET/corpus.jsonl")"

# Runs a command under /usr/bin/time; prints its stdout's last line, then max RSS (KiB).
measure() {
  local out rss
  out="$(/usr/bin/time -f 'MAXRSS %M' "$@" 2> "$WORK/time.err" | tail -n 1)"
  rss="$(grep MAXRSS "$WORK/time.err" | awk '{print $2}')"
  echo "$out"
  echo "$rss"
}

: > "$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  if [[ -x "$RAGD" ]]; then
    echo "round $round: ragd ..." >&2
    data="$WORK/ragd-data-scale"
    rm -rf "$data"
    mapfile -t res < <(measure "$RAGD" eval beir --data "$data" --threads 1 "$DATASET" --json)
    index_bytes="$(du -sb "$data/index" | awk '{print $1}')"
    store_bytes="$(du -sb "$data"/ragd.db* | awk '{s += $1} END {printf "%d", s}')"
    "$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); d.update(system="ragd (1 indexing thread)", max_rss_kib=int(sys.argv[2]), index_bytes=int(sys.argv[3]), store_bytes=int(sys.argv[4])); print(json.dumps(d))' \
      "${res[0]}" "${res[1]}" "$index_bytes" "$store_bytes" >> "$RESULTS"
  fi
  for peer in $PEERS; do
    echo "round $round: $peer ..." >&2
    mapfile -t res < <(measure "$PY" "$BENCH/peers/${peer}_bench.py" "$DATASET")
    # The peer reports its own index size (it deletes the index when done).
    "$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); d.update(max_rss_kib=int(sys.argv[2])); print(json.dumps(d))' \
      "${res[0]}" "${res[1]}" >> "$RESULTS"
  done
done

"$PY" - "$RESULTS" "$raw_bytes" "$DOCS" "$(uname -srm), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
raw = int(sys.argv[2])
print(f"Scale: {int(sys.argv[3]):,} chunks, raw text {raw / 1e6:.0f} MB — {sys.argv[4]}\n")
print("| system | index s | chunks/s | index MB | index / raw text | peak RSS MB | p50 ms | p99 ms | QPS (1 thread) | nDCG@10 (planted) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    idx = r.get("index_bytes", 0)
    print(f"| {r['system']} | {r['index_seconds']:.1f} | {int(sys.argv[3]) / r['index_seconds']:,.0f} | "
          f"{idx / 1e6:.0f} | {idx / raw:.2f} | {r['max_rss_kib'] / 1024:.0f} | "
          f"{r['latency_ms']['p50']:.3f} | {r['latency_ms']['p99']:.3f} | {r['qps']:.0f} | {r['ndcg@10']:.3f} |")
PY

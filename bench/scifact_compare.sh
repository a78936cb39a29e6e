#!/usr/bin/env bash
# Side-by-side BM25 benchmark on one BEIR dataset: Lucene (Anserini's configuration), bm25s,
# tantivy and ragd, each indexing the corpus and running every judged test query single-
# threaded; quality scored by the same pytrec_eval code. Prints a Markdown table with each
# peer's ratio to ragd, and keeps the raw JSON in bench/.work/results-<dataset>.json.
#
#   bench/scifact_compare.sh [DATASET_DIR]        (default ../shared/data/beir/scifact)
#   RAGD=build/ragd  the ragd binary (`$RAGD eval beir DIR --json`); unset or missing: peers only
#   PEERS="lucene bm25s tantivy"  which peers to run
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
DATASET="$(cd "${1:-$ROOT/../shared/data/beir/scifact}" && pwd)"
NAME="$(basename "$DATASET")"
RAGD="${RAGD:-$ROOT/build/ragd}"
PEERS="${PEERS:-lucene bm25s tantivy}"
WORK="$BENCH/.work"
VENV="$WORK/venv"
PY="$VENV/bin/python"
RESULTS="$WORK/results-$NAME.jsonl"

mkdir -p "$WORK"
if [[ ! -x "$PY" || "$BENCH/requirements.txt" -nt "$VENV/.stamp" ]]; then
  python3 -m venv "$VENV"
  "$PY" -m pip install -q --upgrade pip
  "$PY" -m pip install -q -r "$BENCH/requirements.txt"
  touch "$VENV/.stamp"
fi

: > "$RESULTS"
for peer in $PEERS; do
  echo "running $peer on $NAME ..." >&2
  if ! "$PY" "$BENCH/peers/${peer}_bench.py" "$DATASET" >> "$RESULTS"; then
    echo "warning: $peer failed; it is left out of the table" >&2
  fi
done
if [[ -x "$RAGD" ]]; then
  echo "running ragd ($RAGD) on $NAME ..." >&2
  if out="$("$RAGD" eval beir "$DATASET" --json)"; then
    "$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); d.setdefault("system","ragd"); print(json.dumps(d))' \
      "$out" >> "$RESULTS"
  else
    echo "warning: ragd eval beir failed; ratios are left out" >&2
  fi
else
  echo "note: no ragd binary at '$RAGD' (set RAGD=...); peers only" >&2
fi

"$PY" - "$RESULTS" "$NAME" "$(uname -srm), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ragd = next((r for r in rows if str(r.get("system", "")).startswith("ragd")), None)
cols = [("nDCG@10", lambda r: r["ndcg@10"], "{:.4f}"),
        ("R@100", lambda r: r["recall@100"], "{:.4f}"),
        ("MRR@10", lambda r: r["mrr@10"], "{:.4f}"),
        ("MAP@100", lambda r: r["map@100"], "{:.4f}"),
        ("QPS (1 thread)", lambda r: r["qps"], "{:.0f}"),
        ("p50 ms", lambda r: r["latency_ms"]["p50"], "{:.3f}"),
        ("p99 ms", lambda r: r["latency_ms"]["p99"], "{:.3f}"),
        ("index s", lambda r: r["index_seconds"], "{:.2f}")]
ratio_cols = {"nDCG@10", "QPS (1 thread)", "index s"}
print(f"BEIR {sys.argv[2]} — {sys.argv[3]}\n")
head = ["system", "queries"] + [c for c, _, _ in cols]
if ragd:
    head += [f"{c} vs ragd" for c, _, _ in cols if c in ratio_cols]
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
for r in rows:
    cells = [str(r.get("system", "?")), str(r.get("queries", "?"))]
    for _, get, fmt in cols:
        try:
            cells.append(fmt.format(get(r)))
        except (KeyError, TypeError):
            cells.append("n/a")
    if ragd:
        for name, get, _ in cols:
            if name in ratio_cols:
                try:
                    cells.append(f"{get(r) / get(ragd):.2f}x")
                except (KeyError, TypeError, ZeroDivisionError):
                    cells.append("n/a")
    print("| " + " | ".join(cells) + " |")
PY

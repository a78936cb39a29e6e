#!/usr/bin/env bash
# Side-by-side BM25 benchmark on one BEIR dataset: Lucene (Anserini's configuration), bm25s,
# tantivy and ragd, each indexing the corpus and running every judged test query single-
# threaded; quality scored by the same pytrec_eval code. Prints a Markdown table with each
# ratio ragd ÷ peer, and keeps the raw JSON in bench/.work/results-<dataset>.jsonl.
#
#   bench/scifact_compare.sh [DATASET_DIR]        (default ../shared/data/beir/scifact)
#   RAGD=build/ragd  the ragd binary (`$RAGD eval beir DIR --json`); unset or missing: peers only
#   PEERS="lucene bm25s tantivy"  which peers to run
#   ROUNDS=3  interleaved rounds; the table shows each system's medians
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

# Rounds interleave the systems, so a noisy moment of the shared machine hits them alike;
# the table reports each system's median over the rounds.
ROUNDS="${ROUNDS:-3}"
: > "$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  for peer in $PEERS; do
    echo "round $round: $peer on $NAME ..." >&2
    if ! "$PY" "$BENCH/peers/${peer}_bench.py" "$DATASET" >> "$RESULTS"; then
      echo "warning: $peer failed; it is left out of the table" >&2
    fi
  done
  if [[ -x "$RAGD" ]]; then
    # ragd indexes with all cores by default; the "1 thread" row is the like-for-like one
    # for the single-writer peers. A fresh data folder each time: no reuse of the index.
    for threads in 1 0; do
      label="ragd"; [[ $threads == 1 ]] && label="ragd (1 indexing thread)"
      echo "round $round: $label on $NAME ..." >&2
      rm -rf "$WORK/ragd-data-$NAME"
      if out="$("$RAGD" eval beir --data "$WORK/ragd-data-$NAME" --threads "$threads" "$DATASET" --json)"; then
        "$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); d["system"]=sys.argv[2]; print(json.dumps(d))' \
          "$out" "$label" >> "$RESULTS"
      else
        echo "warning: ragd eval beir failed; ratios are left out" >&2
      fi
    done
  else
    echo "note: no ragd binary at '$RAGD' (set RAGD=...); peers only" >&2
  fi
done

"$PY" - "$RESULTS" "$NAME" "$(uname -srm), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)" <<'PY'
import json, sys
import statistics
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]

def median_row(group):
    """The median of every numeric field over a system's rounds."""
    out = dict(group[0])
    for key, value in group[0].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = statistics.median(r[key] for r in group)
        elif isinstance(value, dict):
            out[key] = {k: statistics.median(r[key][k] for r in group) for k in value}
    out["rounds"] = len(group)
    return out

systems = {}
for r in runs:
    systems.setdefault(str(r.get("system", "?")), []).append(r)
rows = [median_row(g) for g in systems.values()]
ragd = next((r for r in rows if r.get("system") == "ragd (1 indexing thread)"), None) or \
       next((r for r in rows if str(r.get("system", "")).startswith("ragd")), None)
cols = [("nDCG@10", lambda r: r["ndcg@10"], "{:.4f}"),
        ("R@100", lambda r: r["recall@100"], "{:.4f}"),
        ("MRR@10", lambda r: r["mrr@10"], "{:.4f}"),
        ("MAP@100", lambda r: r["map@100"], "{:.4f}"),
        ("QPS (1 thread)", lambda r: r["qps"], "{:.0f}"),
        ("p50 ms", lambda r: r["latency_ms"]["p50"], "{:.3f}"),
        ("p99 ms", lambda r: r["latency_ms"]["p99"], "{:.3f}"),
        ("index s", lambda r: r["index_seconds"], "{:.2f}")]
ratio_cols = {"nDCG@10", "QPS (1 thread)", "index s"}
print(f"BEIR {sys.argv[2]} — {sys.argv[3]}; medians of {max(r['rounds'] for r in rows)} interleaved rounds\n")
head = ["system", "queries"] + [c for c, _, _ in cols]
if ragd:
    head += [f"ragd ÷ this, {c}" for c, _, _ in cols if c in ratio_cols]
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
                    cells.append(f"{get(ragd) / get(r):.2f}x")
                except (KeyError, TypeError, ZeroDivisionError):
                    cells.append("n/a")
    print("| " + " | ".join(cells) + " |")
PY

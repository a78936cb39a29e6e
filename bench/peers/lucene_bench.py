"""Lucene peer: runs bench/lucene's jar (Anserini's BEIR BM25 configuration) on a BEIR
dataset and scores its run with the shared pytrec_eval code. Prints one JSON object.

  python bench/peers/lucene_bench.py DATASET_DIR [--k 100] [--warmup-passes 3]

Builds bench/lucene/target/lucene-bench.jar with Maven first if it is missing or stale.
"""

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

BENCH = Path(__file__).resolve().parents[1]
JAR = BENCH / "lucene" / "target" / "lucene-bench.jar"
WORK = BENCH / ".work"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset")
    parser.add_argument("--k", type=int, default=100)
    parser.add_argument("--warmup-passes", type=int, default=3)
    parser.add_argument("--java", default="java")
    args = parser.parse_args()

    sources = [BENCH / "lucene" / "pom.xml", *(BENCH / "lucene" / "src").rglob("*.java")]
    if not JAR.exists() or any(p.stat().st_mtime > JAR.stat().st_mtime for p in sources):
        subprocess.run(["mvn", "-q", "-B", "package"], cwd=BENCH / "lucene", check=True)
    name = Path(args.dataset).resolve().name
    WORK.mkdir(parents=True, exist_ok=True)
    index_dir = WORK / f"lucene-index-{name}"
    run_path = WORK / f"lucene-{name}.run"
    shutil.rmtree(index_dir, ignore_errors=True)
    proc = subprocess.run(
        [args.java, "-jar", str(JAR), args.dataset, str(run_path), str(index_dir),
         str(args.k), str(args.warmup_passes)],
        check=True, capture_output=True, text=True,
    )
    timing = json.loads(proc.stdout.strip().splitlines()[-1])

    qrels = common.load_qrels(args.dataset)
    quality = common.score_run(common.read_trec_run(run_path), qrels)
    out = common.report(
        timing["system"], args.dataset, timing["docs"], timing["index_seconds"], quality,
        {"qps": timing["qps"], "latency_ms": {"p50": timing["p50_ms"], "p99": timing["p99_ms"]}},
        config="EnglishAnalyzer, BM25(k1=0.9,b=0.4), title+text in one field, bag-of-words",
        k=args.k,
    )
    out["index_bytes"] = sum(f.stat().st_size for f in index_dir.rglob("*") if f.is_file())
    shutil.rmtree(index_dir, ignore_errors=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()

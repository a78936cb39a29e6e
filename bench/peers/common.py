"""Shared pieces of the BEIR peer benchmarks: loading a dataset, timing single-threaded
query passes, and scoring a run with pytrec_eval exactly as ragd's metrics are defined
(src/eval/metrics.h): nDCG@10, Recall@100, MAP@100 from trec_eval, MRR@10 as recip_rank
cut at rank 10, averaged over every judged test query (a query without hits counts 0).
"""

import csv
import json
import math
import time
from pathlib import Path

import pytrec_eval

MEASURES = {"ndcg_cut_10", "recall_100", "map_cut_100", "recip_rank"}


def load_corpus(dataset):
    """Yields (doc_id, title, text) from corpus.jsonl, streaming."""
    with open(Path(dataset) / "corpus.jsonl", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                doc = json.loads(line)
                yield str(doc["_id"]), doc.get("title") or "", doc.get("text") or ""


def load_qrels(dataset, split="test"):
    qrels = {}
    with open(Path(dataset) / "qrels" / f"{split}.tsv", encoding="utf-8") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_MINIMAL)
        next(reader)
        for row in reader:
            if row:
                qrels.setdefault(row[0], {})[row[1]] = int(row[2])
    return qrels


def load_queries(dataset, qrels):
    """The judged queries, in queries.jsonl order: [(qid, text)] (as BEIR's loader)."""
    queries = []
    with open(Path(dataset) / "queries.jsonl", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                q = json.loads(line)
                if str(q["_id"]) in qrels:
                    queries.append((str(q["_id"]), q["text"]))
    return queries


def read_trec_run(path):
    run = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 6:
                run.setdefault(parts[0], {})[parts[2]] = float(parts[4])
    return run


def write_trec_run(path, run, tag):
    with open(path, "w", encoding="utf-8") as f:
        for qid, hits in run.items():
            ranked = sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))
            for rank, (doc, score) in enumerate(ranked, start=1):
                f.write(f"{qid} Q0 {doc} {rank} {score!r} {tag}\n")


def score_run(run, qrels):
    """Means over all judged queries; a judged query missing from the run scores 0."""
    full = {qid: dict(run.get(qid, {})) for qid in qrels}
    per_query = pytrec_eval.RelevanceEvaluator(qrels, MEASURES).evaluate(full)
    n = len(per_query)

    def mean(fn):
        return sum(fn(m) for m in per_query.values()) / n

    return {
        "queries": n,
        "ndcg@10": mean(lambda m: m["ndcg_cut_10"]),
        "recall@100": mean(lambda m: m["recall_100"]),
        "mrr@10": mean(lambda m: m["recip_rank"] if m["recip_rank"] >= 0.1 - 1e-12 else 0.0),
        "map@100": mean(lambda m: m["map_cut_100"]),
    }


def percentile(sorted_values, p):
    """Nearest-rank percentile (the same definition as the Lucene peer)."""
    if not sorted_values:
        return 0.0
    idx = math.ceil(p * len(sorted_values)) - 1
    return sorted_values[max(0, min(len(sorted_values) - 1, idx))]


def timed_passes(queries, search_one, warmup_passes):
    """Runs `search_one(text) -> {doc_id: score}` over all queries, single-threaded:
    `warmup_passes` untimed passes, then one timed pass. Returns (run, timing dict)."""
    for _ in range(warmup_passes):
        for _, text in queries:
            search_one(text)
    run, latencies = {}, []
    start = time.perf_counter()
    for qid, text in queries:
        t0 = time.perf_counter()
        run[qid] = search_one(text)
        latencies.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    latencies.sort()
    return run, {
        "qps": len(queries) / total if total > 0 else 0.0,
        "latency_ms": {
            "p50": percentile(latencies, 0.50) * 1e3,
            "p99": percentile(latencies, 0.99) * 1e3,
        },
    }


def report(system, dataset, docs, index_seconds, quality, timing, **extra):
    out = {
        "system": system,
        "dataset": Path(dataset).name,
        "docs": docs,
        "index_seconds": index_seconds,
        "docs_per_second": docs / index_seconds if index_seconds > 0 else 0.0,
    }
    out.update(quality)
    out.update(timing)
    out.update(extra)
    return out

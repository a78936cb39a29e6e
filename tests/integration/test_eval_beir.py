"""`ragd eval beir` end to end: its JSON report, and its metrics recomputed by pytrec_eval
from the very run file it wrote."""

import json

import pytest

from conftest import SHARED

pytrec_eval = pytest.importorskip("pytrec_eval")

KEYS = ["dataset", "mode", "model", "fusion", "queries", "ndcg@10", "recall@100", "mrr@10",
        "map@100", "latency_ms", "qps", "index_seconds", "embed_seconds"]


def make_dataset(root):
    """A small BEIR dataset whose relevant documents share words with their queries."""
    root.mkdir()
    (root / "qrels").mkdir()
    topics = ["volcano lava eruption", "glacier ice melt", "coral reef bleaching",
              "desert dune wind", "forest canopy rain", "river delta sediment"]
    with open(root / "corpus.jsonl", "w") as corpus:
        for t, topic in enumerate(topics):
            for d in range(5):
                words = topic.split()
                text = f"Study {d} of the {topic}. " + " ".join(words[d % 3:] + ["survey"] * d)
                corpus.write(json.dumps({"_id": f"t{t}d{d}", "title": f"{words[0]} {d}", "text": text}) + "\n")
    with open(root / "queries.jsonl", "w") as queries, open(root / "qrels" / "test.tsv", "w") as qrels:
        qrels.write("query-id\tcorpus-id\tscore\n")
        for t, topic in enumerate(topics):
            queries.write(json.dumps({"_id": f"q{t}", "text": f"what about {topic}?"}) + "\n")
            qrels.write(f"q{t}\tt{t}d0\t2\nq{t}\tt{t}d3\t1\n")
            if t % 2:
                qrels.write(f"q{t}\tt{(t + 1) % 6}d1\t1\n")  # a relevant document that ranks low
        queries.write(json.dumps({"_id": "unjudged", "text": "never asked"}) + "\n")
    return root


def pytrec_means(qrels_path, run_path):
    qrels = {}
    with open(qrels_path) as f:
        next(f)
        for line in f:
            q, d, s = line.split("\t")
            qrels.setdefault(q, {})[d] = int(s)
    run = {}
    with open(run_path) as f:
        for line in f:
            q, _, d, _, score, _ = line.split()
            run.setdefault(q, {})[d] = float(score)
    evaluator = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut_10", "recall_100", "map_cut_100", "recip_rank"})
    per_query = evaluator.evaluate(run)
    n = len(per_query)
    mean = lambda key: sum(v[key] for v in per_query.values()) / n
    # MRR@10: recip_rank with ranks past 10 counted as 0.
    mrr10 = sum(v["recip_rank"] if v["recip_rank"] >= 0.1 else 0.0 for v in per_query.values()) / n
    return {"ndcg@10": mean("ndcg_cut_10"), "recall@100": mean("recall_100"),
            "map@100": mean("map_cut_100"), "mrr@10": mrr10, "queries": n}


def check_against_pytrec(ragd, dataset, tmp_path):
    run_file = tmp_path / "run.trec"
    result = ragd.run("eval", "beir", dataset, "--json", "--run", run_file, check=0)
    report = json.loads(result.stdout)
    assert list(report) == KEYS
    assert set(report["latency_ms"]) == {"p50", "p99"}
    assert report["qps"] > 0 and report["index_seconds"] > 0
    reference = pytrec_means(dataset / "qrels" / "test.tsv", run_file)
    assert report["queries"] == reference["queries"]
    for key in ("ndcg@10", "recall@100", "map@100", "mrr@10"):
        assert report[key] == pytest.approx(reference[key], abs=1e-9), key
    return report


def test_eval_beir_report_matches_pytrec_eval(ragd, tmp_path):
    dataset = make_dataset(tmp_path / "tiny")
    first = check_against_pytrec(ragd, dataset, tmp_path)
    assert first["dataset"] == "tiny" and first["queries"] == 6
    assert 0.5 < first["ndcg@10"] < 1.0
    # The second run reuses the collection and reports the original indexing time.
    second = check_against_pytrec(ragd, dataset, tmp_path)
    assert second["index_seconds"] == first["index_seconds"]
    assert second["ndcg@10"] == first["ndcg@10"]


def test_eval_beir_on_scifact_matches_pytrec_eval(ragd, tmp_path):
    scifact = SHARED / "data" / "beir" / "scifact"
    if not (scifact / "corpus.jsonl").exists():
        pytest.skip("shared SciFact data is not present")
    report = check_against_pytrec(ragd, scifact, tmp_path)
    assert report["queries"] == 300
    # A floor far below the benchmark's figure: catches a broken ranking, not a tuning change.
    assert report["ndcg@10"] > 0.6


def test_eval_beir_missing_dataset(ragd, tmp_path):
    result = ragd.run("eval", "beir", tmp_path / "nope")
    assert result.returncode == 3
    assert "corpus.jsonl" in result.stderr

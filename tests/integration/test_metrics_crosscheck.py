"""Cross-check of ragd's retrieval metrics against pytrec_eval (trec_eval 9.0.8).

Random runs and qrels (fixed seeds) are written to files, scored by
`$RAGD_BIN eval metrics --qrels FILE --run FILE --json --per-query`, and every measure of
every query, and their means, must match pytrec_eval to 1e-6. The data is built to hit the corners:
tied scores (broken by document id, byte order), ids that sort differently as numbers and
as bytes, graded, zero and negative relevance, relevant documents past the 10 and 100 cuts,
queries judged but not run, run but not judged, and judged with nothing relevant.

MRR@10 has no trec_eval measure; it is pytrec_eval's recip_rank cut at rank 10 (a value
below 1/10 becomes 0), which is how BEIR defines MRR@10.
"""

import json
import os
import random
import subprocess

import pytest

pytrec_eval = pytest.importorskip("pytrec_eval")

RAGD_BIN = os.environ.get("RAGD_BIN")
pytestmark = pytest.mark.skipif(not RAGD_BIN, reason="RAGD_BIN is not set")

TOLERANCE = 1e-6
MEASURES = {"ndcg_cut_10", "recall_100", "map_cut_100", "recip_rank"}


def make_case(seed):
    """Returns (qrels, run) as dicts; run values are lists of (doc_id, score)."""
    rng = random.Random(seed)
    # Ids whose byte order differs from numeric order, plus mixed-case and punctuation.
    pool = [str(n) for n in rng.sample(range(1, 100000), 120)]
    pool += ["9", "10", "100", "Doc-A", "doc-a", "doc_b", "a.b", "Z"]
    tie_scores = [0.0, 0.5, 1.0, 1.5, 2.0, -1.0, 7.25]
    qrels, run = {}, {}
    for q in range(60):
        qid = f"q{q}" if q % 3 else str(q)
        judged = q % 10 != 9  # some queries run but not judged
        ran = q % 7 != 6  # some queries judged but not run
        if judged:
            docs = rng.sample(pool, rng.randint(1, 25))
            if q % 11 == 4:
                rels = {d: rng.choice([0, -1]) for d in docs}  # nothing relevant
            else:
                rels = {d: rng.choice([0, 1, 1, 2, 3, -1]) for d in docs}
            qrels[qid] = rels
        if ran:
            depth = rng.choice([0, 1, 5, 10, 11, 40, 99, 100, 101, len(pool)])
            docs = rng.sample(pool, min(depth, len(pool)))
            hits = []
            for d in docs:
                if rng.random() < 0.5:
                    score = rng.choice(tie_scores)
                else:
                    score = rng.uniform(-5.0, 20.0)
                hits.append((d, score))
            if hits:  # a TREC run file cannot hold a query without hits
                run[qid] = hits
    return qrels, run


def write_qrels(path, qrels):
    with open(path, "w", encoding="utf-8") as f:
        f.write("query-id\tcorpus-id\tscore\n")
        for qid, docs in qrels.items():
            for doc, rel in docs.items():
                f.write(f"{qid}\t{doc}\t{rel}\n")


def write_run(path, run):
    with open(path, "w", encoding="utf-8") as f:
        for qid, hits in run.items():
            # Deliberately not in rank order: the scorer must sort as trec_eval does.
            for rank, (doc, score) in enumerate(hits, start=1):
                f.write(f"{qid} Q0 {doc} {rank} {score!r} crosscheck\n")


def reference(qrels, run):
    evaluator = pytrec_eval.RelevanceEvaluator(qrels, MEASURES)
    scores = evaluator.evaluate({q: dict(h) for q, h in run.items()})
    per_query = {}
    for qid, m in scores.items():
        rr = m["recip_rank"]
        per_query[qid] = {
            "ndcg@10": m["ndcg_cut_10"],
            "recall@100": m["recall_100"],
            "mrr@10": rr if rr >= 0.1 - 1e-12 else 0.0,
            "map@100": m["map_cut_100"],
        }
    return per_query


def metrics_command(qrels_path, run_path):
    return [RAGD_BIN, "eval", "metrics", "--qrels", str(qrels_path), "--run", str(run_path),
            "--json", "--per-query"]


def run_ragd(qrels_path, run_path):
    proc = subprocess.run(
        metrics_command(qrels_path, run_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"ragd eval metrics failed: {proc.stderr}"
    return json.loads(proc.stdout)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6, 7, 8])
def test_metrics_match_pytrec_eval(tmp_path, seed):
    qrels, run = make_case(seed)
    qrels_path, run_path = tmp_path / "qrels.tsv", tmp_path / "run.trec"
    write_qrels(qrels_path, qrels)
    write_run(run_path, run)

    expected = reference(qrels, run)
    got = run_ragd(qrels_path, run_path)

    assert got["queries"] == len(expected)
    assert set(got["per_query"]) == set(expected)
    for qid, want in expected.items():
        for measure, value in want.items():
            assert got["per_query"][qid][measure] == pytest.approx(value, abs=TOLERANCE), (
                f"seed {seed} query {qid} {measure}"
            )
    for measure in ("ndcg@10", "recall@100", "mrr@10", "map@100"):
        mean = sum(m[measure] for m in expected.values()) / len(expected)
        assert got[measure] == pytest.approx(mean, abs=TOLERANCE), f"seed {seed} mean {measure}"


def test_case_generator_exercises_the_corners():
    """Guards the generator itself: the corners above really occur in the data."""
    qrels, run = make_case(1)
    assert any(q not in run for q in qrels)
    assert any(q not in qrels for q in run)
    assert any(all(r <= 0 for r in d.values()) for d in qrels.values())
    assert any(len(h) > 100 for h in run.values())
    assert any(
        len({s for _, s in h}) < len(h) for h in run.values()
    ), "expected tied scores within a query"


def test_malformed_run_is_a_clear_error(tmp_path):
    qrels_path, run_path = tmp_path / "qrels.tsv", tmp_path / "run.trec"
    write_qrels(qrels_path, {"1": {"a": 1}})
    run_path.write_text("1 Q0 a 1 not-a-number tag\n", encoding="utf-8")
    proc = subprocess.run(
        metrics_command(qrels_path, run_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert "run.trec:1" in proc.stderr + proc.stdout

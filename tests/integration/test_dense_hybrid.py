"""Dense and hybrid retrieval end to end with the native encoder (all-MiniLM-L6-v2 found by
default in the test venv): ingest embeds, paraphrased questions that lexical search misses
are found by dense and hybrid search, reindex switches models and resumes after kill -9,
and without a model ragd says so once and runs lexical-only."""

import csv
import json
import os
import pathlib
import shutil
import signal
import sqlite3
import subprocess
import time

import pytest

from conftest import KNOWLEDGE, ROOT, Ragd, ragd_binary

GOLDEN = ROOT / "tests" / "golden" / "knowledge_dense.tsv"


def golden_cases():
    with open(GOLDEN, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def document_ranks(result):
    """Relative document keys in order of their best chunk."""
    keys = []
    for hit in result["results"]:
        key = str(pathlib.Path(hit["source"]).relative_to(KNOWLEDGE))
        if key not in keys:
            keys.append(key)
    return keys


def chunk_count(data):
    with sqlite3.connect(pathlib.Path(data) / "ragd.db") as db:
        return db.execute("SELECT count(*) FROM chunks").fetchone()[0]


def embedding_rows(data):
    with sqlite3.connect(pathlib.Path(data) / "ragd.db", timeout=30) as db:
        return db.execute("SELECT count(*) FROM embeddings").fetchone()[0]


@pytest.fixture(scope="module")
def dense_ragd(tmp_path_factory):
    """examples/knowledge ingested with the default model, which ragd finds on its own."""
    r = Ragd(ragd_binary(), tmp_path_factory.mktemp("dense") / "data")
    summary = r.ingest(KNOWLEDGE)
    r.summary = summary
    return r


def test_ingest_embeds_every_chunk(dense_ragd):
    embedding = dense_ragd.summary["embedding"]
    assert embedding["model"].startswith("native:"), embedding
    assert embedding["vectors"] == dense_ragd.summary["chunks"] == chunk_count(dense_ragd.data)
    assert embedding["passages_embedded"] + embedding["passages_cached"] == embedding["vectors"]
    again = dense_ragd.ingest(KNOWLEDGE)  # nothing changed: nothing embedded
    assert again["embedding"]["passages_embedded"] == 0
    assert again["embedding"]["vectors"] == embedding["vectors"]


@pytest.mark.parametrize("case", golden_cases(), ids=lambda c: c["query"])
def test_paraphrases_lexical_misses(dense_ragd, case):
    max_rank = int(case["max_rank"])
    lexical = document_ranks(dense_ragd.search("--mode", "lexical", "-k", "10", case["query"]))
    assert case["expected_key"] not in lexical[:max_rank], ("lexical already finds it", lexical)
    for mode in ("dense", "hybrid"):
        result = dense_ragd.search("--mode", mode, "-k", "10", case["query"])
        assert result["strategy"] == mode
        ranks = document_ranks(result)
        assert case["expected_key"] in ranks[:max_rank], (mode, ranks)


def test_response_reports_strategy_and_candidates(dense_ragd):
    hybrid = dense_ragd.search("--mode", "hybrid", "-k", "5", "--candidates", "50",
                               "what do members get?")
    assert hybrid["mode"] == "hybrid" and hybrid["strategy"] == "hybrid"
    assert hybrid["fusion"] == "weighted"  # the default: lexical 0.3, dense 0.7
    assert hybrid["candidates"]["dense"] == 50
    assert 0 < hybrid["candidates"]["lexical"] <= 50
    assert len(hybrid["results"]) == 5
    for hit in hybrid["results"]:
        assert hit["lexical_rank"] > 0 or hit["dense_rank"] > 0
    scores = [h["score"] for h in hybrid["results"]]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] <= 1.0 + 1e-6  # normalised scores weighted 0.3 + 0.7

    rrf = dense_ragd.search("--mode", "hybrid", "--fusion", "rrf", "-k", "5",
                            "what do members get?")
    assert rrf["fusion"] == "rrf"
    assert rrf["results"][0]["score"] <= 2 / 61 + 1e-6  # at best first in both lists

    short = dense_ragd.search("opening hours")  # --mode auto is the default
    assert short["mode"] == "auto" and short["strategy"] == "lexical"
    assert "short keyword query" in short["route"]
    question = dense_ragd.search("can I bring my dog when I visit?")
    assert question["strategy"] == "hybrid" and "question" in question["route"]

    weighted = dense_ragd.search("--mode", "hybrid", "--fusion", "weighted", "--lexical-weight",
                                 "0", "what do members get?")
    assert weighted["fusion"] == "weighted"
    # The best dense hit, normalised to 1, times the default dense weight 0.7.
    assert abs(weighted["results"][0]["score"] - 0.7) < 1e-5
    dense_only = dense_ragd.search("--mode", "hybrid", "--lexical-weight", "0", "--dense-weight",
                                   "1", "what do members get?")
    assert abs(dense_only["results"][0]["score"] - 1.0) < 1e-5

    text = dense_ragd.run("search", "--mode", "hybrid", "members", check=0).stdout
    assert text.startswith("strategy: hybrid (weighted of ")


def test_dense_filters(dense_ragd):
    result = dense_ragd.search("--mode", "dense", "--domain", "events", "-k", "20",
                               "how much does a wedding cost")
    assert result["results"]
    assert {h["domain"] for h in result["results"]} == {"events"}


def no_model_ragd(tmp_path):
    """The binary copied away from the repository's venv, with an empty RAGD_MODEL_DIR."""
    home = tmp_path / "home"
    (home / "empty-model").mkdir(parents=True)
    binary = home / "ragd"
    shutil.copy(ragd_binary(), binary)
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env.update(HOME=str(home), RAGD_MODEL_DIR=str(home / "empty-model"))
    r = Ragd(str(binary), tmp_path / "data")
    return r, env, home


def run_env(r, env, cwd, *args):
    command = [r.binary, args[0], "--data", r.data, *map(str, args[1:])]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def test_without_a_model_ragd_says_so_and_stays_lexical(tmp_path):
    r, env, home = no_model_ragd(tmp_path)
    ingest = run_env(r, env, home, "ingest", "--json", KNOWLEDGE / "club")
    assert ingest.returncode == 0, ingest.stderr
    assert ingest.stderr.count("no embedding model found") == 1, ingest.stderr
    assert "lexical only" in ingest.stderr
    assert json.loads(ingest.stdout)["embedding"]["model"] == ""
    dense = run_env(r, env, home, "search", "--mode", "dense", "members")
    assert dense.returncode == 2
    assert "dense search is not available" in dense.stderr
    assert "no embedding model found" in dense.stderr
    hybrid = run_env(r, env, home, "search", "--json", "--mode", "hybrid", "what do members get")
    assert hybrid.returncode == 0, hybrid.stderr
    result = json.loads(hybrid.stdout)
    assert result["strategy"] == "lexical" and result["results"]
    assert any("fell back to lexical" in n for n in result["notes"])
    auto = run_env(r, env, home, "search", "--json", "members")
    assert auto.returncode == 0 and json.loads(auto.stdout)["results"]


def test_reindex_switches_model_and_removes_the_old_index(ragd):
    ragd.ingest(KNOWLEDGE / "club")
    vectors_root = pathlib.Path(ragd.data) / "index" / "1" / "vectors"
    (old_folder,) = list(vectors_root.iterdir())
    before = ragd.search("--mode", "dense", "-k", "3", "cancel my subscription")
    result = ragd.run("reindex", "--json", "--default-model", "--max-length", "64", check=0)
    summary = json.loads(result.stdout)
    assert summary["switched"] and summary["vectors"] == chunk_count(ragd.data)
    (new_folder,) = list(vectors_root.iterdir())
    assert new_folder != old_folder
    listed = json.loads(ragd.run("collections", "--json", check=0).stdout)
    assert listed[0]["settings"]["embedding"]["max_length"] == 64
    after = ragd.search("--mode", "dense", "-k", "3", "cancel my subscription")
    assert after["results"] and [h["score"] for h in after["results"]] != \
        [h["score"] for h in before["results"]]
    # Ingest keeps the new model's index up to date.
    summary = ragd.ingest(KNOWLEDGE / "visiting")
    assert summary["embedding"]["vectors"] == chunk_count(ragd.data)

    lexical_only = ragd.run("reindex", "--no-embeddings", check=0)
    assert "lexical-only" in lexical_only.stdout
    assert not any(vectors_root.iterdir())
    dense = ragd.run("search", "--mode", "dense", "wine")
    assert dense.returncode == 2 and "dense search is not available" in dense.stderr
    assert ragd.search("--mode", "auto", "what do members get?")["strategy"] == "lexical"


def test_reindex_resumes_after_kill_9(ragd):
    ragd.ingest(KNOWLEDGE)
    chunks = chunk_count(ragd.data)
    rows_before = embedding_rows(ragd.data)
    command = [ragd.binary, "reindex", "--data", ragd.data, "--default-model", "--max-length",
               "96", "--batch-size", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while embedding_rows(ragd.data) < rows_before + 8 and time.time() < deadline:
        assert process.poll() is None, "reindex finished before it could be killed"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    embedded_before_kill = embedding_rows(ragd.data) - rows_before
    assert 8 <= embedded_before_kill < chunks
    # Readers still use the old model meanwhile.
    listed = json.loads(ragd.run("collections", "--json", check=0).stdout)
    assert listed[0]["settings"].get("embedding", {}).get("max_length", 0) == 0
    assert ragd.search("--mode", "dense", "wine")["results"]

    resumed = json.loads(ragd.run("reindex", "--json", check=0).stdout)  # resumes the target
    assert resumed["switched"]
    assert resumed["vectors"] == chunks
    assert resumed["passages_cached"] >= embedded_before_kill
    assert resumed["passages_embedded"] + resumed["passages_cached"] == chunks
    listed = json.loads(ragd.run("collections", "--json", check=0).stdout)
    assert listed[0]["settings"]["embedding"]["max_length"] == 96


def test_ingest_killed_while_embedding_resumes(ragd):
    process = subprocess.Popen([ragd.binary, "ingest", "--data", ragd.data, str(KNOWLEDGE)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    db = pathlib.Path(ragd.data) / "ragd.db"
    while time.time() < deadline:
        assert process.poll() is None, "ingest finished before it could be killed"
        if db.exists():
            try:
                if embedding_rows(ragd.data) > 0:
                    break
            except sqlite3.OperationalError:
                pass  # schema not created yet
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    summary = ragd.ingest(KNOWLEDGE)
    chunks = chunk_count(ragd.data)
    assert summary["embedding"]["vectors"] == chunks
    assert summary["embedding"]["passages_cached"] > 0


@pytest.mark.parametrize("mode", ["dense", "hybrid", "auto"])
def test_eval_beir_modes_match_pytrec_eval(ragd, tmp_path, mode):
    pytest.importorskip("pytrec_eval")
    from test_eval_beir import make_dataset, pytrec_means
    dataset = make_dataset(tmp_path / "tiny")
    run_file = tmp_path / "run.trec"
    result = ragd.run("eval", "beir", dataset, "--mode", mode, "--json", "--run", run_file, check=0)
    report = json.loads(result.stdout)
    assert report["mode"] == mode and report["model"].startswith("native:")
    assert report["fusion"] == ("" if mode == "dense" else "weighted")
    reference = pytrec_means(dataset / "qrels" / "test.tsv", run_file)
    for key in ("ndcg@10", "recall@100", "map@100", "mrr@10"):
        assert abs(report[key] - reference[key]) < 1e-9, key
    assert report["queries"] == reference["queries"] and report["ndcg@10"] > 0

"""Per-collection analyzer, BM25 and chunking settings, fixed at creation."""

import json

from conftest import KNOWLEDGE


def test_unstemmed_collection_matches_exact_forms_only(ragd):
    ragd.run("collections", "create", "-c", "exact", "--no-stem", "--keep-accents", check=0)
    ragd.ingest("-c", "exact", KNOWLEDGE / "visiting")
    ragd.ingest(KNOWLEDGE / "visiting")  # the default collection stems and folds
    assert ragd.search("-c", "exact", "-k", "50", "tastings")["results"]
    exact = {h["chunk_id"] for h in ragd.search("-c", "exact", "-k", "50", "tastings")["results"]}
    singular = {h["chunk_id"] for h in ragd.search("-c", "exact", "-k", "50", "tasting")["results"]}
    assert exact != singular
    assert ragd.search("-c", "exact", "tastings")["query_terms"] == ["tastings"]
    assert ragd.search("tastings")["query_terms"] == ["tast"]


def test_settings_are_listed_and_used_for_chunking(ragd):
    ragd.run("collections", "create", "-c", "small", "--chunk-tokens", "64", "--chunk-overlap", "8",
             "--k1", "0.9", "--b", "0.4", "--description", "small chunks", check=0)
    summary_small = ragd.ingest("-c", "small", KNOWLEDGE / "club")
    summary_default = ragd.ingest(KNOWLEDGE / "club")
    assert summary_small["chunks"] > 2 * summary_default["chunks"]
    listed = {c["name"]: c for c in json.loads(ragd.run("collections", "--json", check=0).stdout)}
    assert listed["small"]["description"] == "small chunks"
    assert abs(listed["small"]["settings"]["bm25"]["k1"] - 0.9) < 1e-6  # stored as float
    assert listed["small"]["settings"]["chunker"]["target_tokens"] == 64


def test_create_twice_and_bad_settings_are_usage_errors(ragd):
    ragd.run("collections", "create", "-c", "x", check=0)
    again = ragd.run("collections", "create", "-c", "x")
    assert again.returncode == 2 and "exists" in again.stderr
    bad = ragd.run("collections", "create", "-c", "y", "--language", "klingon")
    assert bad.returncode == 2 and "klingon" in bad.stderr
    bad_b = ragd.run("collections", "create", "-c", "z", "--b", "3")
    assert bad_b.returncode == 2


def test_delete_collection(ragd):
    ragd.ingest("-c", "gone", KNOWLEDGE / "club")
    result = ragd.run("collections", "delete", "gone", check=0)
    assert "deleted" in result.stdout
    assert ragd.run("search", "-c", "gone", "wine").returncode == 3
    assert ragd.run("collections", "delete", "gone").returncode == 3

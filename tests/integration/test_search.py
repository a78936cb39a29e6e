"""Search over the sample knowledge base: golden rankings, filters, output shape."""

import csv
import pathlib

import pytest

from conftest import KNOWLEDGE, ROOT

GOLDEN = ROOT / "tests" / "golden" / "knowledge_search.tsv"


def golden_cases():
    with open(GOLDEN, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def relative_key(hit):
    return str(pathlib.Path(hit["source"]).relative_to(KNOWLEDGE))


@pytest.mark.parametrize("case", golden_cases(), ids=lambda c: c["query"])
def test_golden_ranking(knowledge_ragd, case):
    args = ["-k", "10"]
    if case["domain_filter"]:
        args += ["--domain", case["domain_filter"]]
    result = knowledge_ragd.search(*args, case["query"])
    keys = []
    for hit in result["results"]:  # rank of a document = rank of its best chunk
        key = relative_key(hit)
        if key not in keys:
            keys.append(key)
    assert case["expected_key"] in keys, f"not in top 10: {keys}"
    assert keys.index(case["expected_key"]) + 1 <= int(case["max_rank"]), keys


def test_result_fields(knowledge_ragd):
    result = knowledge_ragd.search("-k", "3", "Reserve tier benefits")
    assert result["strategy"] == "lexical"
    assert result["query_terms"] == ["reserv", "tier", "benefit"]
    hits = result["results"]
    assert [h["rank"] for h in hits] == [1, 2, 3]
    assert hits[0]["score"] >= hits[1]["score"] >= hits[2]["score"] > 0
    for hit in hits:
        assert hit["title"] and hit["source"].endswith(".md")
        assert hit["domain"] in {"wine", "visiting", "events", "club", "merchandise", "about"}
        span = hit["span"]
        assert 0 <= span["begin"] < span["end"]
        assert len(hit["text"].encode()) == span["end"] - span["begin"]
        snippet = hit["snippet"].encode()
        assert hit["highlights"], "a hit shows which words matched"
        for begin, end in hit["highlights"]:
            word = snippet[begin:end].decode().lower()
            assert any(word.startswith(t[:4]) for t in ["reserv", "tier", "benefit"]), word


def test_section_path_reported(knowledge_ragd):
    result = knowledge_ragd.search("-k", "20", "Reserve tier")
    paths = [h["section_path"] for h in result["results"]]
    assert any(" > " in p for p in paths), paths


def test_domain_filter_returns_k_results_from_that_domain_only(knowledge_ragd):
    result = knowledge_ragd.search("--domain", "events", "-k", "5", "wine tasting")
    assert len(result["results"]) == 5
    assert {h["domain"] for h in result["results"]} == {"events"}


def test_multiple_domains_are_any_of(knowledge_ragd):
    result = knowledge_ragd.search("--domain", "events", "--domain", "club", "-k", "30", "wine")
    domains = {h["domain"] for h in result["results"]}
    assert domains == {"events", "club"}


def test_tag_filter(knowledge_ragd):
    everything = knowledge_ragd.search("-k", "100", "wine")["results"]
    tags = {}
    for hit in everything:
        for tag in hit["tags"]:
            tags.setdefault(tag, set()).add(hit["source"])
    tag, sources = min(tags.items(), key=lambda kv: len(kv[1]))
    result = knowledge_ragd.search("--tag", tag, "-k", "100", "wine")["results"]
    assert result
    assert all(tag in h["tags"] for h in result)
    assert {h["source"] for h in result} <= sources


def test_date_filter(knowledge_ragd):
    everything = knowledge_ragd.search("-k", "100", "wine")["results"]
    dates = sorted({h["date"] for h in everything if h["date"]})
    assert len(dates) >= 2
    pivot = dates[len(dates) // 2]
    after = knowledge_ragd.search("--from", pivot, "-k", "100", "wine")["results"]
    before = knowledge_ragd.search("--to", pivot, "-k", "100", "wine")["results"]
    assert after and before
    assert all(h["date"] and h["date"] >= pivot for h in after)
    assert all(h["date"] and h["date"] <= pivot for h in before)


def test_document_filter(knowledge_ragd):
    target = KNOWLEDGE / "club" / "faq.md"
    result = knowledge_ragd.search("--document", target, "-k", "50", "wine")["results"]
    assert result
    assert {h["source"] for h in result} == {str(target)}
    folder = knowledge_ragd.search("--document", KNOWLEDGE / "club", "-k", "50", "wine")["results"]
    assert {h["domain"] for h in folder} == {"club"}


def test_query_without_terms_returns_nothing(knowledge_ragd):
    assert knowledge_ragd.search("the of and")["results"] == []
    assert knowledge_ragd.search("zzzyzzyva")["results"] == []


def test_text_output_marks_query_terms(knowledge_ragd):
    result = knowledge_ragd.run("search", "-k", "1", "picnic", check=0)
    assert "**" in result.stdout
    assert "1. [" in result.stdout


def test_accent_folding_and_stemming(knowledge_ragd):
    plain = knowledge_ragd.search("-k", "3", "rose")["results"]
    accented = knowledge_ragd.search("-k", "3", "Rosé")["results"]
    assert [h["chunk_id"] for h in plain] == [h["chunk_id"] for h in accented]
    singular = knowledge_ragd.search("-k", "5", "tasting")["results"]
    plural = knowledge_ragd.search("-k", "5", "tastings")["results"]
    assert [h["chunk_id"] for h in singular] == [h["chunk_id"] for h in plural]

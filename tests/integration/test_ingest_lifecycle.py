"""Ingest, re-ingest, change, remove and bad input, through the real binary and a real store."""

import gzip
import json
import os
import shutil
import sqlite3

import pytest

from conftest import KNOWLEDGE


@pytest.fixture
def kb(tmp_path):
    """A private copy of the sample knowledge base that tests may edit."""
    copy = tmp_path / "kb"
    shutil.copytree(KNOWLEDGE, copy)
    return copy


def sources(result):
    return [h["source"] for h in result["results"]]


def test_reingest_unchanged_does_nothing(ragd, kb):
    first = ragd.ingest(kb)
    assert first["added"] == 26 and first["failed"] == 0 and first["chunks"] > 26
    db = sqlite3.connect(os.path.join(ragd.data, "ragd.db"))
    seq_before = db.execute("select max(seq) from chunk_changes").fetchone()[0]
    second = ragd.ingest(kb)
    assert second["added"] == 0 and second["updated"] == 0 and second["chunks"] == 0
    assert second["files_unchanged"] == 26
    assert db.execute("select max(seq) from chunk_changes").fetchone()[0] == seq_before
    # Touching a file without changing its content re-reads it but writes nothing.
    os.utime(kb / "club" / "faq.md", None)
    third = ragd.ingest(kb)
    assert third["unchanged"] == 1 and third["updated"] == 0
    assert db.execute("select max(seq) from chunk_changes").fetchone()[0] == seq_before


def test_changed_file_replaces_all_its_chunks(ragd, kb):
    ragd.ingest(kb)
    page = kb / "visiting" / "grounds-and-picnics.md"
    assert ragd.search("picnic")["results"]
    old_chunks = {h["chunk_id"] for h in ragd.search("-k", "100", "--document", page, "picnic")["results"]}
    page.write_text("---\ntitle: Grounds\n---\n# Grounds\n\nThe xylophonist plays on Sundays.\n")
    summary = ragd.ingest(kb)
    assert summary["updated"] == 1 and summary["added"] == 0
    new = ragd.search("xylophonist")["results"]
    assert [h["source"] for h in new] == [str(page)]
    stale = ragd.search("-k", "100", "--document", page, "picnic")["results"]
    assert stale == [], "no chunk of the old version may survive"
    all_ids = {h["chunk_id"] for h in ragd.search("-k", "1000", "wine picnic grounds")["results"]}
    assert not (old_chunks & all_ids)


def test_deleted_file_is_pruned_on_folder_reingest(ragd, kb):
    ragd.ingest(kb)
    target = kb / "merchandise" / "returns.md"
    assert str(target) in sources(ragd.search("-k", "50", "restocking fee"))
    target.unlink()
    summary = ragd.ingest(kb)
    assert summary["removed"] == 1
    assert str(target) not in sources(ragd.search("-k", "50", "restocking fee"))


def test_rm_file_and_folder(ragd, kb):
    ragd.ingest(kb)
    faq = kb / "club" / "faq.md"
    result = ragd.run("rm", faq, check=0)
    assert "removed" in result.stdout
    assert str(faq) not in sources(ragd.search("-k", "100", "wine club"))
    ragd.run("rm", kb / "events", check=0)
    assert "events" not in {h["domain"] for h in ragd.search("-k", "200", "wine")["results"]}
    collections = json.loads(ragd.run("collections", "--json", check=0).stdout)
    assert collections[0]["documents"] == 26 - 1 - 4
    # Removing what is not there is "not found", and nothing else changes.
    assert ragd.run("rm", faq).returncode == 3


def test_rm_dry_run_removes_nothing(ragd, kb):
    ragd.ingest(kb)
    result = ragd.run("rm", "--dry-run", kb / "club", check=0)
    assert "would remove" in result.stdout
    assert ragd.search("--domain", "club", "wine")["results"]


def test_collections_are_separate(ragd, kb):
    ragd.ingest("--collection", "club-only", kb / "club")
    ragd.ingest(kb / "wine")
    club = ragd.search("-c", "club-only", "-k", "50", "wine")["results"]
    assert club and all(h["source"].startswith(str(kb / "club")) for h in club)
    # The domain is the first folder level under the ingested folder: none here.
    assert {h["domain"] for h in club} == {""}
    default = ragd.search("-k", "50", "wine")["results"]
    assert default and all(h["source"].startswith(str(kb / "wine")) for h in default)
    names = {c["name"] for c in json.loads(ragd.run("collections", "--json", check=0).stdout)}
    assert names == {"club-only", "default"}


def test_bad_inputs_are_reported_and_the_rest_goes_on(ragd, tmp_path):
    src = tmp_path / "mixed"
    (src / "good").mkdir(parents=True)
    (src / "good" / "a.md").write_text("# Alpha\n\nThe aardvark eats ants.\n")
    (src / "good" / "b.txt").write_text("Plain text about bananas.\n")
    (src / "good" / "c.html").write_text(
        "<html><head><title>Cherries</title><script>var x='scriptword';</script></head>"
        "<body><nav>navword</nav><p>Cherries are red.</p></body></html>")
    (src / "binary.md").write_bytes(b"\x00\x01\x02\x03" * 100)
    (src / "invalid-utf8.txt").write_bytes(b"Caf\xe9 au lait with \xff\xfe durians.\n")
    (src / "empty.md").write_text("---\ntitle: Nothing\n---\n\n   \n")
    (src / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (src / "corpus.jsonl").write_text(
        json.dumps({"_id": "d1", "title": "Elder", "text": "Elderberries grow wild."}) + "\n"
        + "{not json\n"
        + json.dumps({"_id": "d2", "text": "Figs ripen late."}) + "\n"
        + json.dumps({"title": "no id", "text": "orphan"}) + "\n")
    with gzip.open(src / "more.jsonl.gz", "wt") as f:
        f.write(json.dumps({"_id": "g1", "title": "Grapes", "text": "Grapes make wine."}) + "\n")
    huge = src / "huge.txt"
    with open(huge, "wb") as f:  # sparse: 1 GiB on paper, no disk used
        f.truncate(1 << 30)
    (src / "picture.png").write_bytes(b"\x89PNG....")

    result = ragd.run("ingest", "--json", src)
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    stderr = result.stderr
    for name in ("binary.md", "empty.md", "broken.pdf", "corpus.jsonl:2", "corpus.jsonl:4", "huge.txt"):
        assert name in stderr, f"{name} should be reported: {stderr}"
    assert "failed" in stderr
    assert summary["failed"] == 6
    assert summary["files_unsupported"] == 1
    # Good documents, the repaired UTF-8 one, and good corpus lines are all in.
    for word in ("aardvark", "bananas", "cherries", "durians", "elderberries", "figs", "grapes"):
        assert ragd.search(word)["results"], word
    assert ragd.search("scriptword")["results"] == []
    assert ragd.search("navword")["results"] == []
    # Invalid bytes become U+FFFD; the rest of the document is kept.
    assert "\ufffd" in ragd.search("durians")["results"][0]["text"]


def test_missing_path_is_reported(ragd, kb):
    result = ragd.run("ingest", kb / "club", kb / "does-not-exist")
    assert result.returncode == 1
    assert "does-not-exist" in result.stderr
    assert ragd.search("--domain", "", "wine club")["results"]


def test_mojibake_is_repaired(ragd, tmp_path):
    doc = tmp_path / "m.md"
    doc.write_text("# Caf\u00c3\u00a9 notes\n\nThe winemaker\u00e2\u20ac\u2122s caf\u00c3\u00a9 serves cr\u00c3\u00a8me.\n")
    ragd.ingest(doc)
    hit = ragd.search("café")["results"][0]
    assert "winemaker\u2019s café serves crème" in hit["text"]
    assert hit["title"] == "Café notes"


def test_rm_in_unknown_collection_creates_nothing(ragd, kb):
    ragd.ingest(kb / "club")
    result = ragd.run("rm", "-c", "nosuch", kb / "club")
    assert result.returncode == 3 and "nosuch" in result.stderr
    names = {c["name"] for c in json.loads(ragd.run("collections", "--json", check=0).stdout)}
    assert names == {"default"}


def test_rm_without_data_folder_is_not_found(ragd, kb):
    result = ragd.run("rm", kb / "club")
    assert result.returncode == 3 and "ragd ingest" in result.stderr

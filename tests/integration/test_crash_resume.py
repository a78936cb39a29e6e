"""kill -9 in the middle of an ingest: no half document is ever visible, and the next run
finishes the job so the store and index equal those of an uninterrupted ingest."""

import json
import os
import random
import signal
import sqlite3
import subprocess
import time

from conftest import Ragd, ragd_binary

WORDS = ("vine grape barrel cellar oak tannin acid harvest press yeast cork label bottle "
         "vintage terroir slope frost canopy berry skin seed stem must lees sugar").split()


def write_corpus(path, count, seed=7):
    rng = random.Random(seed)
    with open(path, "w") as f:
        for i in range(count):
            # Some documents are long enough to make several chunks.
            length = rng.choice([40, 80, 400, 900])
            text = " ".join(rng.choice(WORDS) for _ in range(length)) + f" marker{i}."
            f.write(json.dumps({"_id": f"doc{i}", "title": f"Document {i}", "text": text}) + "\n")


def snapshot(data):
    """document key -> ordered chunk keys, read straight from the store."""
    db = sqlite3.connect(os.path.join(data, "ragd.db"))
    rows = db.execute(
        "select d.key, c.ordinal, c.chunk_key, length(cast(d.text as blob)), c.end "
        "from documents d join chunks c on c.document_id = d.id order by d.key, c.ordinal")
    docs = {}
    for key, ordinal, chunk_key, text_len, end in rows:
        docs.setdefault(key, []).append((ordinal, chunk_key, text_len, end))
    db.close()
    return docs


def document_count(data):
    try:
        db = sqlite3.connect(os.path.join(data, "ragd.db"), timeout=0.1)
        count = db.execute("select count(*) from documents").fetchone()[0]
        db.close()
        return count
    except sqlite3.Error:
        return 0


def test_kill_during_ingest_then_resume(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    total = 30000
    write_corpus(corpus, total)

    # Lexical-only collections: this test is about the store and the lexical index (embedding
    # 30,000 passages would take minutes; test_dense_hybrid.py kills an embedding ingest).
    reference = Ragd(ragd_binary(), tmp_path / "reference")
    reference.run("collections", "create", "--no-embeddings", check=0)
    reference.ingest(corpus)
    expected = snapshot(reference.data)
    assert len(expected) == total

    victim = Ragd(ragd_binary(), tmp_path / "victim")
    victim.run("collections", "create", "--no-embeddings", check=0)
    process = subprocess.Popen([ragd_binary(), "ingest", "--data", victim.data, str(corpus)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while document_count(victim.data) < 2000 and time.time() < deadline:
        assert process.poll() is None, "ingest finished before it could be interrupted"
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()

    partial = snapshot(victim.data)
    assert 0 < len(partial) < total, "the kill must land mid-ingest"
    for key, chunks in partial.items():
        # Whole documents only: the same chunks as an uninterrupted ingest, ending at the end.
        assert chunks == expected[key], key
        assert [c[0] for c in chunks] == list(range(len(chunks)))

    # A reader works on the interrupted store and sees only committed documents.
    hits = victim.search("-k", "1000", "marker0")["results"]
    assert all(h["key"] in partial for h in hits)

    summary = victim.ingest(corpus)
    assert summary["failed"] == 0
    assert summary["added"] + summary["unchanged"] == total
    assert summary["unchanged"] == len(partial)  # committed documents are not redone
    assert snapshot(victim.data) == expected

    for query in ("marker123", "marker29999", "oak tannin", "frost canopy berry"):
        got = [(h["key"], h["text"]) for h in victim.search("-k", "20", query)["results"]]
        want = [(h["key"], h["text"]) for h in reference.search("-k", "20", query)["results"]]
        assert got == want, query

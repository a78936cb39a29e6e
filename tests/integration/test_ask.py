"""`ragd ask`, `ragd chat` and the degradation ladder, with the real binary over the sample
knowledge base and the protocol-faithful fake LLM server misbehaving on command."""

import json
import subprocess
import sys

import pytest

from conftest import KNOWLEDGE, ROOT

FAKE_SERVER = ROOT / "tests" / "support" / "fake_llm_server.py"


@pytest.fixture(scope="module")
def llm_server():
    process = subprocess.Popen([sys.executable, str(FAKE_SERVER)], stdout=subprocess.PIPE,
                               text=True)
    line = process.stdout.readline().strip()
    assert line.startswith("PORT "), line
    yield f"http://127.0.0.1:{line.split()[1]}"
    process.terminate()
    process.wait(timeout=10)


def ask(ragd, *args, check=0):
    result = ragd.run("ask", "--json", "--mode", "lexical", *args, check=check)
    return json.loads(result.stdout) if check == 0 else result


def test_extractive_answer_cites_the_passage_it_quotes(knowledge_ragd):
    out = ask(knowledge_ragd, "Who is the wine club manager?")
    assert "Hannah Weiss" in out["answer"]
    for key in ("answer", "citations", "strategy", "usage", "latency_ms", "session_id",
                "message_id", "sentences"):
        assert key in out, key
    assert out["strategy"] == "extractive"
    assert out["abstained"] is False
    assert out["citations"], out
    for citation in out["citations"]:
        for key in ("document", "chunk", "span", "title", "excerpt", "support"):
            assert key in citation, key
        assert citation["span"]["end"] > citation["span"]["begin"]
        assert citation["supported"] is True
        assert f"[{citation['number']}]" in out["answer"]
    # Every citation resolves to a passage that was given, and the excerpt is its text.
    given = {p["number"]: p for p in out["passages"]}
    for citation in out["citations"]:
        passage = given[citation["number"]]
        assert citation["chunk"] == passage["chunk"]
        assert citation["excerpt"].rstrip("…") in passage["text"]
    assert out["usage"]["completion_tokens"] > 0
    assert out["latency_ms"]["total"] > 0


def test_question_the_knowledge_base_does_not_answer(knowledge_ragd):
    out = ask(knowledge_ragd, "Do you offer helicopter tours over the vineyard?")
    assert out["abstained"] is True
    assert "does not say" in out["answer"].lower()
    assert out["citations"] == []


def test_follow_up_is_rewritten_within_a_session(knowledge_ragd):
    first = ask(knowledge_ragd, "What does the Reserve tier of the wine club cost?")
    follow = ask(knowledge_ragd, "--session", first["session_id"], "How many bottles does it include?")
    assert follow["session_id"] == first["session_id"]
    assert follow["query"]["was_rewritten"] is True
    assert follow["query"]["rewritten"] != follow["query"]["original"]


def test_unknown_session_is_not_found(knowledge_ragd):
    result = ask(knowledge_ragd, "--session", "s_AAAAAAAAAAAAAAAAAAAAAA", "Hello?", check=3)
    assert "session" in result.stderr


def test_llm_answer_is_streamed_verified_and_attributed(knowledge_ragd, llm_server):
    out = ask(knowledge_ragd, "--llm", llm_server, "--model", "fake",
              "What time does the tasting room close?")
    assert out["strategy"] == "llm"
    assert out["provider"] == "llm1"
    assert out["usage"]["prompt_tokens"] > 0
    assert out["usage"]["completion_tokens"] > 0
    # The fake server answers with the first sentence of passage [1] and cites it.
    assert "[1]" in out["answer"]
    assert out["citations"][0]["number"] == 1
    assert out["citations"][0]["supported"] is True


@pytest.mark.parametrize("model", ["fake-500", "fake-429:0", "fake-cut", "fake-malformed",
                                   "fake-wrongtype", "fake-stall-first:20000"])
def test_failing_llm_degrades_to_an_extractive_answer(knowledge_ragd, llm_server, model):
    out = ask(knowledge_ragd, "--llm", llm_server, "--model", model, "--first-token-timeout",
              "1", "--timeout", "5", "--no-session", "What time does the tasting room close?")
    assert out["strategy"] in ("extractive", "cached"), out
    assert out["answer"]
    assert out["degradations"][0]["rung"] == "llm"
    # Never internal error text: the reason is a kind, not a message.
    assert " " not in out["degradations"][0]["reason"]


def test_invalid_utf8_from_the_llm_never_reaches_the_answer(knowledge_ragd, llm_server):
    out = ask(knowledge_ragd, "--llm", llm_server, "--model", "fake-badutf8", "--no-session",
              "What time does the tasting room close?")
    assert out["answer"]
    out["answer"].encode("utf-8")  # the JSON decoder already proved it is valid UTF-8


def test_llm_fallback_chain_uses_the_next_provider(knowledge_ragd, llm_server):
    out = ask(knowledge_ragd, "--llm", f"{llm_server}#fake-500", "--llm", f"{llm_server}#fake",
              "--no-session", "What time does the tasting room close?")
    assert out["strategy"] == "llm"
    assert out["provider"] == "llm2"


def test_cached_answer_when_the_llm_fails_later(ragd, llm_server):
    ragd.ingest(KNOWLEDGE)
    good = ask(ragd, "--llm", llm_server, "--model", "fake", "Where do I park when I visit?")
    assert good["strategy"] == "llm"
    again = ask(ragd, "--llm", llm_server, "--model", "fake-503", "where do I park when I visit")
    assert again["strategy"] == "cached"
    assert again["cached"] is True
    assert again["answer"] == good["answer"]


def test_chat_reads_questions_from_stdin(knowledge_ragd):
    result = subprocess.run(
        [knowledge_ragd.binary, "chat", "--data", knowledge_ragd.data, "--mode", "lexical"],
        input="How much does the wine club cost?\nHow many shipments do they get?\n/exit\n",
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("strategy: extractive") == 2
    assert "session s_" in result.stdout


@pytest.mark.parametrize("question", ["", "   ", "\udcff"])
def test_bad_questions_are_usage_errors(knowledge_ragd, question):
    command = [knowledge_ragd.binary, "ask", "--data", knowledge_ragd.data, "--mode", "lexical",
               question.encode("utf-8", "surrogateescape")]
    result = subprocess.run(command, capture_output=True, timeout=60)
    assert result.returncode in (2, 4), result
    assert b"error" in result.stderr


def test_domains_json_of_the_knowledge_base_routes_questions(knowledge_ragd):
    out = ask(knowledge_ragd, "--no-session", "Who is the wine club manager?")
    assert out["query"]["domain"] == "club"
    assert "wine" in out["query"]["related_domains"]
    # The passages come first from the routed domain.
    assert out["passages"][0]["document"].split("/")[-2] == "club"


def test_domains_flag_overrides_and_bad_file_is_a_clear_error(knowledge_ragd, tmp_path):
    bad = tmp_path / "domains.json"
    bad.write_text('{"domains": [{"name": "wine", "related": ["nowhere"]}]}')
    result = ask(knowledge_ragd, "--domains", str(bad), "Hello?", check=2)
    assert "nowhere" in result.stderr or "domain" in result.stderr

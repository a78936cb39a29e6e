"""Clients written for the OpenAI API, unchanged, against `ragd serve`: the official `openai`
Python SDK and the official `openai` npm package (tests/js/openai_client.mjs), for models,
chat completions (streaming and not) and embeddings. Answers come from the fake LLM."""

import base64
import json
import math
import os
import shutil
import struct
import subprocess

import httpx
import openai
import pytest

from conftest import ROOT
from server_fixtures import (assert_error, fake_llm, knowledge_template,  # noqa: F401
                             served_with_llm)

QUESTION = "Where do I park when I visit?"
MESSAGES = [{"role": "system", "content": "You answer questions about the winery."},
            {"role": "user", "content": "Hello!"},
            {"role": "assistant", "content": "Hello, how can I help?"},
            {"role": "user", "content": QUESTION}]


@pytest.fixture(scope="module")
def sdk(served_with_llm):
    with openai.OpenAI(base_url=served_with_llm.url + "/v1", api_key="not-checked",
                       max_retries=0, timeout=60) as client:
        yield client


@pytest.fixture(autouse=True)
def clean_llm(fake_llm):
    fake_llm.reset()
    yield
    fake_llm.reset()


def extra(model, name):
    return (model.model_extra or {}).get(name)


def test_models_are_the_collections(sdk):
    models = sdk.models.list()
    ids = [m.id for m in models.data]
    assert "default" in ids
    for model in models.data:
        assert model.object == "model"
        assert model.owned_by == "ragd"
        assert isinstance(model.created, int)


def test_chat_completion(sdk, fake_llm):
    completion = sdk.chat.completions.create(model="ragd", messages=MESSAGES)
    assert completion.object == "chat.completion"
    choice = completion.choices[0]
    assert choice.message.role == "assistant"
    assert choice.finish_reason == "stop"
    assert "[1]" in choice.message.content
    usage = completion.usage
    assert usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    citations = extra(completion, "citations")
    assert citations and citations[0]["number"] == 1
    assert {"document", "chunk_id", "title", "span", "excerpt"} <= set(citations[0])
    # Retrieval used the last user message only: the fake LLM saw the parking passage.
    prompt = json.dumps(fake_llm.stats()["last_requests"][-1]["messages"])
    assert "park" in prompt.lower()


def test_model_default_is_the_same_collection_as_ragd(sdk):
    question = [{"role": "user", "content": "When does the tasting room open?"}]
    by_name = sdk.chat.completions.create(model="default", messages=question)
    by_alias = sdk.chat.completions.create(model="ragd", messages=question)
    assert by_name.choices[0].message.content == by_alias.choices[0].message.content
    assert extra(by_alias, "citations") == extra(by_name, "citations")
    assert by_name.model == "default" and by_alias.model == "ragd"


def test_chat_completion_stream(sdk):
    stream = sdk.chat.completions.create(model="ragd", messages=MESSAGES, stream=True,
                                         stream_options={"include_usage": True})
    chunks = list(stream)
    assert chunks
    assert {c.object for c in chunks} == {"chat.completion.chunk"}
    assert len({c.id for c in chunks}) == 1
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "[1]" in text
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and
                c.choices[0].finish_reason]
    assert finishes == ["stop"]
    # The citations ride on the last chunk: the finishing one, or the usage chunk after it.
    with_citations = [i for i, c in enumerate(chunks) if extra(c, "citations")]
    finishing = next(i for i, c in enumerate(chunks) if c.choices and c.choices[0].finish_reason)
    assert with_citations and with_citations[-1] in (finishing, len(chunks) - 1), with_citations
    assert extra(chunks[with_citations[-1]], "citations")[0]["number"] == 1
    usage = [c.usage for c in chunks if c.usage]
    assert len(usage) == 1 and usage[0].completion_tokens > 0


def test_stream_without_include_usage_sends_no_usage(sdk):
    chunks = list(sdk.chat.completions.create(model="ragd", messages=MESSAGES, stream=True))
    assert not [c for c in chunks if c.usage]
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


def test_the_extension_field_chooses_filters(sdk):
    completion = sdk.chat.completions.create(
        model="ragd", messages=[{"role": "user", "content": "What events do you hold?"}],
        extra_body={"ragd": {"collection": "default", "filters": {"domain": "events"}}})
    citations = extra(completion, "citations")
    assert citations and all("/events/" in c["document"] for c in citations)


def test_unknown_fields_are_ignored_on_openai_routes(served_with_llm):
    body = {"model": "ragd", "messages": MESSAGES, "user": "u1", "n": 1, "seed": 7,
            "presence_penalty": 0, "logit_bias": {}, "tools": [], "some_future_field": True}
    response = httpx.post(served_with_llm.url + "/v1/chat/completions", json=body, timeout=60)
    assert response.status_code == 200, response.text
    response = httpx.post(served_with_llm.url + "/v1/embeddings", timeout=60,
                          json={"model": "ragd", "input": "x", "user": "u1", "dimensions_x": 3})
    assert response.status_code == 200, response.text


def test_an_unknown_model_is_404(sdk):
    with pytest.raises(openai.NotFoundError):
        sdk.chat.completions.create(model="h5-no-such-collection", messages=MESSAGES)


@pytest.mark.parametrize("body", [
    {"model": "ragd"},
    {"model": "ragd", "messages": []},
    {"model": "ragd", "messages": "hi"},
    {"model": "ragd", "messages": [{"role": "user"}]},
    {"model": "ragd", "messages": [{"role": "system", "content": "only a system message"}]},
    {"model": 5, "messages": MESSAGES},
])
def test_invalid_completion_requests_are_refused(served_with_llm, body):
    response = httpx.post(served_with_llm.url + "/v1/chat/completions", json=body, timeout=60)
    assert response.status_code in (400, 422), response.text
    assert_error(response, response.status_code, ("bad_request", "validation_failed"))


def norm(vector):
    return math.sqrt(sum(x * x for x in vector))


def test_embeddings(sdk):
    texts = ["The tasting room opens at ten.", "The tasting room opens at 10 am.",
             "Club members get 10% off merchandise."]
    floats = sdk.embeddings.create(model="ragd", input=texts, encoding_format="float")
    assert floats.object == "list"
    assert [d.index for d in floats.data] == [0, 1, 2]
    vectors = [d.embedding for d in floats.data]
    assert all(len(v) == 384 for v in vectors)
    assert all(abs(norm(v) - 1) < 1e-3 for v in vectors)
    cosine = [sum(a * b for a, b in zip(vectors[0], v)) for v in vectors]
    assert cosine[1] > cosine[2]  # the paraphrase is closer than the unrelated sentence
    assert floats.usage.prompt_tokens > 0
    # The SDK's default asks for base64 and decodes it; the vectors are the same.
    default = sdk.embeddings.create(model="ragd", input=texts)
    for ours, theirs in zip(vectors, (d.embedding for d in default.data)):
        assert max(abs(a - b) for a, b in zip(ours, theirs)) < 1e-6
    single = sdk.embeddings.create(model="ragd", input=texts[0], encoding_format="float")
    assert len(single.data) == 1
    assert max(abs(a - b) for a, b in zip(single.data[0].embedding, vectors[0])) < 1e-5


def test_base64_embeddings_are_little_endian_float32(served_with_llm):
    response = httpx.post(served_with_llm.url + "/v1/embeddings", timeout=60,
                          json={"input": "merlot", "encoding_format": "base64"})
    assert response.status_code == 200, response.text
    raw = base64.b64decode(response.json()["data"][0]["embedding"])
    assert len(raw) == 384 * 4
    vector = struct.unpack("<384f", raw)
    assert abs(norm(vector) - 1) < 1e-3


@pytest.mark.parametrize("body", [{}, {"input": 5}, {"input": [1, 2]}, {"input": []},
                                  {"input": "x", "encoding_format": "hex"}])
def test_invalid_embedding_requests_are_refused(served_with_llm, body):
    response = httpx.post(served_with_llm.url + "/v1/embeddings", json=body, timeout=60)
    assert response.status_code in (400, 422), response.text
    assert_error(response, response.status_code, ("bad_request", "validation_failed"))


# ---- the npm package ----------------------------------------------------------------------------

JS = ROOT / "tests" / "js"


@pytest.fixture(scope="module")
def js_client(tmp_path_factory):
    """tests/js with its pinned node_modules: tests/js/node_modules when present, else a
    temporary copy installed with `npm ci` from package-lock.json."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("node and npm are not installed")
    if (JS / "node_modules" / "openai").is_dir():
        return JS
    folder = tmp_path_factory.mktemp("js") / "js"
    folder.mkdir()
    for name in ("package.json", "package-lock.json", "openai_client.mjs"):
        shutil.copy(JS / name, folder / name)
    result = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefer-offline"],
                            cwd=folder, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return folder


def test_the_npm_package(served_with_llm, js_client):
    result = subprocess.run(["node", "openai_client.mjs", served_with_llm.url, QUESTION],
                            cwd=js_client, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "OPENAI_API_KEY": ""})
    assert result.returncode == 0, (result.stdout, result.stderr)
    out = json.loads(result.stdout)
    assert "default" in [m["id"] for m in out["models"]]
    assert {m["object"] for m in out["models"]} == {"model"}

    completion = out["completion"]
    assert completion["object"] == "chat.completion"
    assert completion["role"] == "assistant"
    assert completion["finish_reason"] == "stop"
    assert "[1]" in completion["content"]
    assert completion["citations"] and completion["citations"][0]["number"] == 1
    assert completion["usage"]["total_tokens"] > 0

    stream = out["stream"]
    assert stream["objects"] == ["chat.completion.chunk"]
    assert stream["chunks"] > 2
    assert stream["content"] == completion["content"]
    assert stream["finish_reason"] == "stop"
    assert stream["usage"] and stream["usage"]["completion_tokens"] > 0
    assert stream["citations"] and stream["citations"][0]["number"] == 1

    embeddings = out["embeddings"]
    assert embeddings["object"] == "list"
    assert embeddings["indexes"] == [0, 1]
    assert embeddings["dims"] == [384, 384]
    assert all(abs(n - 1) < 1e-3 for n in embeddings["norms"])
    assert embeddings["max_difference"] < 1e-6

    assert out["unknown_model"]["status"] == 404

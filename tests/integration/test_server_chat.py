"""`ragd serve`'s chat over real sockets: JSON and Server-Sent Events answers (extractive, and
from the fake LLM), their event order, sessions and feedback, a client that disconnects
mid-stream (the upstream generation must stop), and SIGTERM with a stream in flight."""

import json
import threading

from prometheus_client.parser import text_string_to_metric_families
import time

import httpx
import pytest

from server_fixtures import (assert_error, client, fake_llm, knowledge_template,  # noqa: F401
                             iter_sse, served, served_with_llm, start_server)

QUESTION = "Who is the wine club manager?"
UNKNOWN_SESSION = "s_AAAAAAAAAAAAAAAAAAAAAA"  # well-formed, never issued
UNKNOWN_MESSAGE = "m_AAAAAAAAAAAAAAAAAAAAAA"
LONG_ANSWER = " ".join(["The tasting room opens at ten every morning."] * 25)


def chat(client, **body):
    response = client.post("/v1/chat", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def stream_chat(url, body, on_event=None, timeout=120):
    """Opens a streaming chat; returns (response head, [(event, parsed data)]). on_event(name,
    data) may return False to stop reading (the client then closes the connection)."""
    events = []
    with httpx.Client(base_url=url, timeout=timeout) as http:
        with http.stream("POST", "/v1/chat", json={**body, "stream": True}) as response:
            head = response
            assert response.status_code == 200, response.read()
            for name, data in iter_sse(response.iter_lines()):
                parsed = json.loads(data)
                events.append((name, parsed))
                if on_event is not None and on_event(name, parsed) is False:
                    break
    return head, events


def check_event_order(events):
    names = [name for name, _ in events]
    assert names[0] == "sources", names
    assert names[-1] == "done", names
    assert names.count("sources") == 1 and names.count("done") == 1, names
    assert "error" not in names, events
    # After the last retract, the text starts over; citations follow the text they cite.
    last_retract = max((i for i, n in enumerate(names) if n == "retract"), default=0)
    deltas = [i for i, n in enumerate(names) if n == "delta" and i > last_retract]
    citations = [i for i, n in enumerate(names) if n == "citation"]
    assert deltas, names
    if citations:
        assert min(citations) > min(deltas), names
    return names


def streamed_text(events):
    text = ""
    for name, data in events:
        if name == "retract":
            text = ""
        elif name == "delta":
            text += data["text"]
    return text


# ---- JSON answers ------------------------------------------------------------------------------

def test_extractive_answer_with_citations(client):
    answer = chat(client, message=QUESTION, cache="bypass")
    assert "Hannah Weiss" in answer["answer"]
    assert answer["strategy"] == "extractive"
    assert answer["abstained"] is False
    assert answer["cached"] is False
    assert answer["citations"]
    for citation in answer["citations"]:
        assert f"[{citation['number']}]" in answer["answer"]
        assert citation["span"]["begin"] < citation["span"]["end"]
        assert citation["excerpt"] and citation["document"] and citation["title"]
        assert 0 <= citation["support"] <= 1
    assert answer["usage"]["completion_tokens"] > 0
    assert answer["latency"] and all(v >= 0 for v in answer["latency"].values())
    assert answer["session_id"] and answer["message_id"]


def test_the_same_question_is_answered_from_the_cache(client):
    first = chat(client, message="When is the Harvest Festival?")
    second = chat(client, message="When is the Harvest Festival?")
    assert second["cached"] is True
    assert second["answer"] == first["answer"]
    bypassed = chat(client, message="When is the Harvest Festival?", cache="bypass")
    assert bypassed["cached"] is False


def test_a_question_the_documents_do_not_answer_abstains(client):
    answer = chat(client, message="Do you offer helicopter tours over the vineyard?")
    assert answer["abstained"] is True
    assert answer["citations"] == []


def test_filters_narrow_the_passages(client):
    answer = chat(client, message="What does membership cost?", cache="bypass",
                  filters={"domain": "events"})
    assert all("/events/" in c["document"] for c in answer["citations"]), answer["citations"]


@pytest.mark.parametrize("body", [
    {},
    {"message": ""},
    {"message": 5},
    {"message": "hi", "max_tokens": 49},
    {"message": "hi", "max_tokens": 2001},
    {"message": "hi", "max_tokens": "100"},
    {"message": "hi", "temperature": -0.1},
    {"message": "hi", "temperature": 1.5},
    {"message": "hi", "cache": "maybe"},
    {"message": "hi", "stream": "yes"},
    {"message": "hi", "enable_rag": 1},
    {"message": "hi", "filters": []},
    {"message": "hi", "collection": "../x"},
    {"message": "hi", "model": "gpt-4"},
])
def test_chat_bodies_are_validated(client, body):
    assert_error(client.post("/v1/chat", json=body), 422, "validation_failed")


def test_unknown_session_and_collection_are_404(client):
    assert_error(client.post("/v1/chat", json={"message": "hi",
                                                     "session_id": UNKNOWN_SESSION}), 404,
                 "not_found")
    assert_error(client.post("/v1/chat", json={"message": "hi", "collection": "h5-none"}), 404,
                 "not_found")


# ---- sessions and feedback --------------------------------------------------------------------

def test_sessions_turns_and_feedback(client):
    first = chat(client, message="What does the Reserve tier of the wine club cost?")
    follow = chat(client, message="How many bottles does it include?",
                  session_id=first["session_id"])
    assert follow["session_id"] == first["session_id"]
    assert follow["message_id"] != first["message_id"]

    listed = client.get("/v1/sessions").json()
    summary = next(s for s in listed["data"] if s["id"] == first["session_id"])
    assert summary["turn_count"] == 2

    session = client.get(f"/v1/sessions/{first['session_id']}")
    assert session.status_code == 200
    session = session.json()
    assert session["turn_count"] == 2
    turns = session["turns"]
    assert [t["question"] for t in turns] == ["What does the Reserve tier of the wine club cost?",
                                              "How many bottles does it include?"]
    assert turns[0]["answer"] == first["answer"]
    assert turns[0]["ordinal"] < turns[1]["ordinal"]
    assert turns[0]["feedback"] is None

    feedback = client.post(f"/v1/messages/{first['message_id']}/feedback",
                           json={"rating": 4, "text": "clear"})
    assert feedback.status_code == 204, feedback.text
    turns = client.get(f"/v1/sessions/{first['session_id']}").json()["turns"]
    assert turns[0]["feedback"] == {"rating": 4, "text": "clear"}
    assert turns[1]["feedback"] is None

    for bad in ({"rating": 0}, {"rating": 6}, {"rating": "5"}, {"rating": 4.5}, {},
                {"rating": 3, "text": 7}, {"rating": 3, "comment": "x"}):
        assert_error(client.post(f"/v1/messages/{first['message_id']}/feedback", json=bad), 422,
                     "validation_failed")
    assert_error(client.post(f"/v1/messages/{UNKNOWN_MESSAGE}/feedback", json={"rating": 3}), 404,
                 "not_found")

    assert client.delete(f"/v1/sessions/{first['session_id']}").status_code == 204
    assert_error(client.get(f"/v1/sessions/{first['session_id']}"), 404, "not_found")
    assert_error(client.delete(f"/v1/sessions/{first['session_id']}"), 404, "not_found")
    assert first["session_id"] not in {s["id"] for s in client.get("/v1/sessions").json()["data"]}


def test_sessions_page_with_a_cursor(client):
    made = {chat(client, message=f"Where do I park, question {i}?", cache="bypass")["session_id"]
            for i in range(3)}
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2, **({"before": cursor} if cursor else {})}
        page = client.get("/v1/sessions", params=params)
        assert page.status_code == 200, page.text
        page = page.json()
        assert len(page["data"]) <= 2
        seen += [s["id"] for s in page["data"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert pages < 100
    assert len(seen) == len(set(seen)), seen
    assert made <= set(seen)


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 1001}, {"limit": "x"}])
def test_session_listing_parameters_are_validated(client, params):
    response = client.get("/v1/sessions", params=params)
    assert response.status_code in (400, 422), response.text
    assert_error(response, response.status_code, ("bad_request", "validation_failed"))


def test_unknown_session_ids_are_404(client):
    assert_error(client.get(f"/v1/sessions/{UNKNOWN_SESSION}"), 404, "not_found")
    assert_error(client.delete(f"/v1/sessions/{UNKNOWN_SESSION}"), 404, "not_found")
    for session in ("s_nope", "..", "%2E%2E%2Fx", "s_" + "A" * 300):
        response = client.get(f"/v1/sessions/{session}")
        assert response.status_code in (404, 422), response.text
        assert_error(response, response.status_code, ("not_found", "validation_failed"))


# ---- streaming ---------------------------------------------------------------------------------

def test_extractive_stream_order_and_text(served, client):
    whole = chat(client, message=QUESTION, cache="bypass")
    head, events = stream_chat(served.url, {"message": QUESTION, "cache": "bypass"})
    assert head.headers["content-type"].startswith("text/event-stream")
    assert head.headers["x-request-id"]
    names = check_event_order(events)
    sources = events[0][1]["passages"]
    assert sources and [p["number"] for p in sources] == list(range(1, len(sources) + 1))
    for passage in sources:
        for key in ("number", "document", "chunk_id", "title", "section"):
            assert key in passage, passage
    text = streamed_text(events)
    assert text == whole["answer"]
    cited = [data for name, data in events if name == "citation"]
    assert [c["number"] for c in cited] == [c["number"] for c in whole["citations"]]
    numbers = {p["number"] for p in sources}
    for citation in cited:
        assert citation["number"] in numbers
        assert f"[{citation['number']}]" in text
    done = events[-1][1]
    assert done["strategy"] == "extractive"
    assert done["abstained"] is False
    for key in ("usage", "model", "session_id", "message_id", "cached", "latency"):
        assert key in done, done
    assert names.count("delta") >= 1


def test_llm_stream_order(served_with_llm, fake_llm):
    fake_llm.reset()
    head, events = stream_chat(served_with_llm.url,
                               {"message": "Where do I park when I visit?", "cache": "bypass"})
    check_event_order(events)
    done = events[-1][1]
    assert done["strategy"] == "llm", events
    assert done["abstained"] is False
    assert done["usage"]["completion_tokens"] > 0
    # The fake LLM answers with the first sentence of passage [1] and the marker [1].
    text = streamed_text(events)
    assert "[1]" in text
    assert [d["number"] for n, d in events if n == "citation"] == [1]
    assert fake_llm.stats()["chat_requests"] >= 1
    assert [s["outcome"] for s in fake_llm.streams()] == ["complete"]


def test_llm_json_answer(served_with_llm, fake_llm):
    fake_llm.reset()
    with httpx.Client(base_url=served_with_llm.url, timeout=60) as http:
        answer = http.post("/v1/chat", json={"message": "Where do I park when I visit?",
                                             "cache": "bypass"}).json()
    assert answer["strategy"] == "llm", answer
    assert answer["model"] == "fake"
    assert answer["citations"] and answer["citations"][0]["number"] == 1
    assert fake_llm.stats()["chat_requests"] == 1


def test_llm_metrics(served_with_llm, fake_llm):
    fake_llm.reset()
    with httpx.Client(base_url=served_with_llm.url, timeout=60) as http:
        answer = http.post("/v1/chat", json={"message": "Where do I park when I visit?",
                                             "cache": "bypass"}).json()
        assert answer["strategy"] == "llm", answer
        samples = {}
        for family in text_string_to_metric_families(http.get("/metrics").text):
            for sample in family.samples:
                samples.setdefault(sample.name, []).append(sample)
    breaker = [s for s in samples["ragd_llm_breaker_state"] if s.labels.get("provider") == "llm1"]
    assert [s.value for s in breaker] == [0.0]  # closed
    tokens = {s.labels["kind"]: s.value for s in samples["ragd_llm_tokens_total"]}
    assert tokens.get("completion", 0) > 0 and tokens.get("prompt", 0) > 0, tokens
    generated = [s for s in samples["ragd_generation_duration_seconds_count"]
                 if s.labels.get("strategy") == "llm"]
    assert generated and generated[0].value >= 1


def test_a_failing_llm_degrades_and_the_stream_still_ends_with_done(served_with_llm, fake_llm):
    fake_llm.reset()
    fake_llm.control(queue=["fake-500", "fake-500", "fake-500", "fake-500"])
    _, events = stream_chat(served_with_llm.url, {"message": QUESTION, "cache": "bypass"})
    check_event_order(events)
    assert events[-1][1]["strategy"] in ("extractive", "cached", "template"), events[-1]
    fake_llm.reset()


def test_a_client_that_disconnects_stops_the_upstream_generation(served_with_llm, fake_llm):
    fake_llm.reset()
    # One slow stream of ~250 words, 100 ms apart: 25 s if nobody cuts it.
    fake_llm.control(queue=[{"behaviour": "fake-slow:100", "answer": LONG_ANSWER}])
    seen = []

    def stop_at_first_delta(name, data):
        seen.append(name)
        return name != "delta"

    started = time.monotonic()
    _, events = stream_chat(served_with_llm.url, {"message": "When does the tasting room open?",
                                                  "cache": "bypass"},
                            on_event=stop_at_first_delta)
    assert seen[0] == "sources" and seen[-1] == "delta", seen
    deadline = time.monotonic() + 15
    while True:
        streams = fake_llm.streams()
        if streams and streams[-1]["outcome"] != "running":
            break
        assert time.monotonic() < deadline, f"upstream still streaming: {streams}"
        time.sleep(0.1)
    assert len(streams) == 1, streams
    record = streams[0]
    assert record["outcome"] == "cut", record
    words = len(LONG_ANSWER.split())
    assert record["writes"] < words, record
    assert record["ended"] - started < 20, record
    # The server is fine afterwards and counts no open stream.
    with httpx.Client(base_url=served_with_llm.url, timeout=30) as http:
        assert http.get("/health/live").status_code == 200
        deadline = time.monotonic() + 10
        while True:
            metrics = http.get("/metrics").text
            line = next(l for l in metrics.splitlines() if l.startswith("ragd_sse_streams_open"))
            if float(line.split()[-1]) == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert float(line.split()[-1]) == 0, line
    fake_llm.reset()


def test_sigterm_lets_a_stream_in_flight_finish(knowledge_template, tmp_path_factory, fake_llm):
    fake_llm.reset()
    server = start_server(knowledge_template, tmp_path_factory, "--llm", fake_llm.url + "#fake")
    try:
        fake_llm.control(queue=[{"behaviour": "fake-slow:250"}])
        signalled = threading.Event()

        def terminate_on_sources(name, data):
            if name == "sources" and not signalled.is_set():
                server.terminate()
                signalled.set()
            return True

        _, events = stream_chat(server.url, {"message": "Where do I park when I visit?",
                                             "cache": "bypass"}, on_event=terminate_on_sources)
        assert signalled.is_set()
        check_event_order(events)
        assert events[-1][1]["strategy"] == "llm", events[-1]
        assert "[1]" in streamed_text(events)
        assert [s["outcome"] for s in fake_llm.streams()] == ["complete"]
        # The process then exits by itself with 0 (stop() re-sends nothing it has not).
        assert server.process.wait(timeout=60) == 0
        with pytest.raises(httpx.ConnectError):
            httpx.get(server.url + "/health/live", timeout=5)
    finally:
        server.stop()
        fake_llm.reset()

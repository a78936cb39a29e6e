"""`ragd serve` over real sockets: the REST routes of docs/api.md (collections, documents,
jobs, search, health), their error classes, request ids, 404 and 405."""

import json
import re
import time
from urllib.parse import quote

import httpx
import pytest

from conftest import KNOWLEDGE
from server_fixtures import (assert_error, client, knowledge_template, raw_request,  # noqa: F401
                             served)

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


def segment(key):
    """A document key as one path segment: '/' and '.' percent-encoded too, so that no client
    reads a key such as '..' as a dot segment and resolves it away."""
    return quote(key, safe="").replace(".", "%2E")


def wait_for_job(client, job_id, timeout=120):
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"/v1/jobs/{job_id}")
        assert response.status_code == 200, response.text
        job = response.json()
        assert job["status"] in ("queued", "running", "succeeded", "failed"), job
        if job["status"] in ("succeeded", "failed"):
            return job
        assert time.monotonic() < deadline, f"job still {job['status']} after {timeout} s: {job}"
        time.sleep(0.1)


def all_documents(client, collection, **params):
    documents, offset = [], 0
    while True:
        page = client.get(f"/v1/collections/{collection}/documents",
                          params={"limit": 10, "offset": offset, **params})
        assert page.status_code == 200, page.text
        body = page.json()
        documents += body["data"]
        if body["next_offset"] is None:
            return documents, body["total"]
        assert body["next_offset"] == offset + len(body["data"]), body
        offset = body["next_offset"]


# ---- health --------------------------------------------------------------------------------

def test_live(client):
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert REQUEST_ID.match(response.headers["x-request-id"])


def test_ready_reports_store_indexes_and_providers(client):
    response = client.get("/health/ready")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready"
    for check in ("store", "indexes", "llm"):
        assert check in body["checks"], body
    assert isinstance(body["checks"]["llm"]["providers"], list)


def test_detailed_lists_dependencies_with_latency(client):
    body = client.get("/health/detailed").json()
    assert isinstance(body["status"], str)
    assert body["dependencies"], body
    names = {d["name"] for d in body["dependencies"]}
    assert "store" in names, body
    for dependency in body["dependencies"]:
        assert isinstance(dependency["status"], str)
        assert dependency["latency_ms"] >= 0


# ---- request ids ---------------------------------------------------------------------------

def test_a_valid_request_id_is_echoed_and_logged(served, client):
    response = client.get("/health/live", headers={"X-Request-ID": "h5-echo.Test_42"})
    assert response.headers["x-request-id"] == "h5-echo.Test_42"
    deadline = time.monotonic() + 10
    while True:
        entries = [e for e in served.access_log() if e.get("request_id") == "h5-echo.Test_42"]
        if entries or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert len(entries) == 1, served.stderr()[-3000:]
    entry = entries[0]
    assert entry["method"] == "GET"
    assert entry["path"] == "/health/live"
    assert entry["route"] == "/health/live"
    assert entry["status"] == 200
    assert entry["latency_ms"] >= 0
    assert entry["bytes"] > 0


def test_the_request_id_is_echoed_in_error_bodies(client):
    response = client.get("/v1/no-such-route", headers={"X-Request-ID": "err-1"})
    body = assert_error(response, 404, "not_found")
    assert body["request_id"] == "err-1"


@pytest.mark.parametrize("bad", ["has space", "x" * 129, "semi;colon", "ünïcode"])
def test_an_unacceptable_request_id_is_replaced(served, bad):
    head = f"GET /health/live HTTP/1.1\r\nHost: x\r\nX-Request-ID: {bad}\r\n" \
           "Connection: close\r\n\r\n"
    status, headers, _ = raw_request(served.url, head.encode("utf-8"))
    assert status == 200
    assert headers["x-request-id"] != bad
    assert REQUEST_ID.match(headers["x-request-id"]), headers


def test_generated_request_ids_differ(client):
    ids = {client.get("/health/live").headers["x-request-id"] for _ in range(5)}
    assert len(ids) == 5


# ---- 404 and 405 ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/v1", "/v1/nothing", "/v1/collections/default/nothing",
                                  "/health", "/v2/search"])
def test_unknown_paths_are_404(client, path):
    assert_error(client.get(path), 404, "not_found")


@pytest.mark.parametrize("method,path,allowed", [
    ("DELETE", "/v1/search", {"POST"}),
    ("GET", "/v1/search", {"POST"}),
    ("PUT", "/v1/collections", {"GET", "POST"}),
    ("POST", "/health/live", {"GET"}),
    ("POST", "/v1/collections/default", {"GET", "PATCH", "DELETE"}),
    ("GET", "/v1/chat", {"POST"}),
    ("PUT", "/v1/jobs/j1", {"GET"}),
])
def test_wrong_methods_are_405_with_allow(client, method, path, allowed):
    response = client.request(method, path)
    assert_error(response, 405, "method_not_allowed")
    listed = {m.strip() for m in response.headers["allow"].split(",")}
    assert allowed <= listed, response.headers["allow"]


# ---- collections ---------------------------------------------------------------------------

def test_the_sample_collection_is_listed_with_its_counts(client):
    listed = client.get("/v1/collections")
    assert listed.status_code == 200
    collections = {c["name"]: c for c in listed.json()["data"]}
    default = collections["default"]
    assert default["description"] == "The sample winery knowledge base"
    assert default["embedding_model"] == "none"
    _, total = all_documents(client, "default")
    assert default["document_count"] == total > 20
    assert default["chunk_count"] >= default["document_count"]
    assert default["size_bytes"] > 0
    single = client.get("/v1/collections/default").json()
    for key in ("name", "description", "created_at", "document_count", "chunk_count",
                "size_bytes", "embedding_model", "chunking", "domains", "version"):
        assert key in single, key
    assert single["document_count"] == default["document_count"]
    assert single["chunking"]["max_tokens"] == 384
    assert single["chunking"]["overlap_tokens"] == 48


def test_collection_lifecycle(client):
    spec = {"name": "h5-life", "description": "first",
            "domains": [{"name": "wine", "description": "Our wines", "keywords": ["merlot"],
                         "related": ["events"]},
                        {"name": "events", "keywords": ["festival"], "related": []}],
            "embedding_model": "none", "chunking": {"max_tokens": 128, "overlap_tokens": 16}}
    created = client.post("/v1/collections", json=spec)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["name"] == "h5-life"
    assert body["description"] == "first"
    assert body["embedding_model"] == "none"
    assert body["chunking"] == {"max_tokens": 128, "overlap_tokens": 16}
    assert body["document_count"] == 0 and body["chunk_count"] == 0
    assert [d["name"] for d in body["domains"]] == ["wine", "events"]
    assert body["domains"][0]["keywords"] == ["merlot"]
    assert body["domains"][0]["related"] == ["events"]

    assert_error(client.post("/v1/collections", json=spec), 409, "conflict")
    assert "h5-life" in {c["name"] for c in client.get("/v1/collections").json()["data"]}

    patched = client.patch("/v1/collections/h5-life",
                           json={"description": "second", "domains": [{"name": "club"}]})
    assert patched.status_code == 200, patched.text
    assert patched.json()["description"] == "second"
    assert [d["name"] for d in patched.json()["domains"]] == ["club"]
    again = client.get("/v1/collections/h5-life").json()
    assert again["description"] == "second"
    assert again["chunking"] == {"max_tokens": 128, "overlap_tokens": 16}

    deleted = client.delete("/v1/collections/h5-life")
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert_error(client.get("/v1/collections/h5-life"), 404, "not_found")
    assert_error(client.delete("/v1/collections/h5-life"), 404, "not_found")
    assert_error(client.patch("/v1/collections/h5-life", json={"description": "x"}), 404,
                 "not_found")


@pytest.mark.parametrize("name", ["..", ".", "a/b", "-leading", "_x", "a b", "é", "x" * 65, "",
                                  "a\\b", "../etc"])
def test_invalid_collection_names_are_refused(client, name):
    assert_error(client.post("/v1/collections", json={"name": name}), 422, "validation_failed")
    assert_error(client.post("/v1/search", json={"query": "wine", "collection": name}), 422,
                 "validation_failed")


@pytest.mark.parametrize("encoded", ["%2E%2E", "a%2Fb", "..%2F..%2Fetc", "%2E", "a%20b"])
def test_invalid_collection_names_in_paths_are_refused(client, encoded):
    assert_error(client.get(f"/v1/collections/{encoded}"), 422, "validation_failed")
    assert_error(client.get(f"/v1/collections/{encoded}/documents"), 422, "validation_failed")


def test_dot_segments_never_escape_the_route(served):
    # Sent raw: HTTP clients would resolve the dot segments themselves.
    for target in ("/v1/collections/../collections", "/v1/collections/default/documents/..",
                   "/v1/collections/..%2F..%2F..%2Fetc%2Fpasswd/documents",
                   "/v1/../../../etc/passwd"):
        request = f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
        status, headers, body = raw_request(served.url, request)
        assert status in (400, 404, 422), (target, status, body)
        error = json.loads(body)
        assert error["code"] in ("bad_request", "not_found", "validation_failed"), error
        assert b"root:" not in body


@pytest.mark.parametrize("body", [
    {},
    {"name": 5},
    {"name": "ok1", "surprise": True},
    {"name": "ok2", "domains": "wine"},
    {"name": "ok3", "domains": [{"keywords": ["x"]}]},
    {"name": "ok4", "chunking": {"max_tokens": "big"}},
    {"name": "ok5", "chunking": {"max_tokens": 0}},
    {"name": "ok6", "description": ["x"]},
    {"name": "ok7", "embedding_model": 7},
])
def test_collection_bodies_are_validated(client, body):
    assert_error(client.post("/v1/collections", json=body), 422, "validation_failed")
    name = body.get("name")
    if isinstance(name, str):
        assert_error(client.get(f"/v1/collections/{name}"), 404, "not_found")


def test_patch_refuses_unknown_and_mistyped_fields(client):
    assert_error(client.patch("/v1/collections/default", json={"name": "renamed"}), 422,
                 "validation_failed")
    assert_error(client.patch("/v1/collections/default", json={"description": 3}), 422,
                 "validation_failed")
    assert client.get("/v1/collections/default").json()["description"] == \
        "The sample winery knowledge base"


# ---- documents and jobs ----------------------------------------------------------------------

def test_document_listing_pages_and_filters(client):
    documents, total = all_documents(client, "default")
    assert len(documents) == total
    keys = [d["key"] for d in documents]
    assert len(set(keys)) == total
    page = client.get("/v1/collections/default/documents", params={"limit": 5}).json()
    assert len(page["data"]) == 5 and page["next_offset"] == 5 and page["total"] == total
    last = client.get("/v1/collections/default/documents",
                      params={"limit": 1000, "offset": total - 1}).json()
    assert len(last["data"]) == 1 and last["next_offset"] is None
    beyond = client.get("/v1/collections/default/documents", params={"offset": total + 5}).json()
    assert beyond["data"] == [] and beyond["next_offset"] is None

    club, club_total = all_documents(client, "default", domain="club")
    assert 0 < club_total < total
    assert all(d["domain"] == "club" for d in club)
    assert club_total == sum(1 for d in documents if d["domain"] == "club")

    prefix = str(KNOWLEDGE / "events")
    events, events_total = all_documents(client, "default", prefix=prefix)
    assert events_total > 0
    assert all(d["key"].startswith(prefix) for d in events)

    tag = next(t for d in documents for t in d["tags"])
    tagged, _ = all_documents(client, "default", tag=tag)
    assert tagged and all(tag in d["tags"] for d in tagged)


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 1001}, {"limit": "many"},
                                    {"offset": -1}, {"offset": "x"}])
def test_document_listing_parameters_are_validated(client, params):
    response = client.get("/v1/collections/default/documents", params=params)
    # docs/api.md names the ranges, not the status: either refusal is a clear one.
    assert response.status_code in (400, 422), response.text
    assert_error(response, response.status_code, ("bad_request", "validation_failed"))


def test_documents_of_an_unknown_collection_are_404(client):
    assert_error(client.get("/v1/collections/h5-absent/documents"), 404, "not_found")
    assert_error(client.get("/v1/collections/h5-absent/documents/x"), 404, "not_found")


def test_get_a_document_by_its_encoded_key(client):
    key = str(KNOWLEDGE / "club" / "membership.md")
    response = client.get(f"/v1/collections/default/documents/{segment(key)}")
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["key"] == key
    assert document["title"] == "Wine Club Membership"
    assert document["domain"] == "club"
    assert document["chunk_count"] == len(document["chunks"]) > 0
    assert document["text_bytes"] > 0
    ordinals = [c["ordinal"] for c in document["chunks"]]
    assert ordinals == sorted(ordinals)
    for chunk in document["chunks"]:
        assert 0 <= chunk["begin"] < chunk["end"] <= document["text_bytes"]
        assert chunk["text"]
    assert any("Hannah Weiss" in c["text"] for c in
               client.get(f"/v1/collections/default/documents/"
                          f"{segment(str(KNOWLEDGE / 'club' / 'club-policies.md'))}").json()["chunks"])


@pytest.mark.parametrize("key", ["../../../../etc/passwd", "/etc/passwd", "..", "nope.md",
                                 "club/membership.md"])
def test_unknown_and_traversing_keys_are_404(client, key):
    response = client.get(f"/v1/collections/default/documents/{segment(key)}")
    body = assert_error(response, 404, "not_found")
    assert "root:" not in json.dumps(body)
    assert_error(client.delete(f"/v1/collections/default/documents/{segment(key)}"), 404,
                 "not_found")
    assert client.get("/v1/collections/default").status_code == 200


def test_json_document_upload_runs_a_job_then_is_searchable_and_deletable(client):
    text = ("Visitors park in the north lot beside the barrel room. The lot holds forty cars; "
            "overflow parking uses the meadow on festival days.")
    response = client.post("/v1/collections/h5-docs/documents",
                           json={"id": "parking", "title": "Parking notes", "text": text,
                                 "domain": "visiting", "tags": ["parking", "lot"],
                                 "date": "2025-02-01"})
    assert response.status_code == 202, response.text
    job = response.json()["job"]
    assert job["collection"] == "h5-docs"
    assert job["status"] in ("queued", "running", "succeeded")
    assert "parking" in job["document"]
    job = wait_for_job(client, job["id"])
    assert job["status"] == "succeeded", job
    assert job["error"] is None
    assert job["progress"]["documents_done"] == 1
    assert job["progress"]["chunks"] >= 1
    assert job["finished_at"] >= job["created_at"]
    key = job["document"]

    document = client.get(f"/v1/collections/h5-docs/documents/{segment(key)}")
    assert document.status_code == 200, document.text
    document = document.json()
    assert document["key"] == key
    assert document["title"] == "Parking notes"
    assert document["domain"] == "visiting"
    assert sorted(document["tags"]) == ["lot", "parking"]
    assert document["date"] == "2025-02-01"
    assert "north lot" in " ".join(c["text"] for c in document["chunks"])

    hits = client.post("/v1/search", json={"query": "meadow overflow parking",
                                           "collection": "h5-docs", "mode": "lexical"}).json()
    assert hits["results"] and hits["results"][0]["document"] == key

    # The same id again replaces the document rather than adding a second one.
    again = client.post("/v1/collections/h5-docs/documents",
                        json={"id": "parking", "title": "Parking notes", "domain": "visiting",
                              "text": "Parking moved to the south lot in 2025."})
    assert wait_for_job(client, again.json()["job"]["id"])["status"] == "succeeded"
    _, total = all_documents(client, "h5-docs")
    assert total == 1

    deleted = client.delete(f"/v1/collections/h5-docs/documents/{segment(key)}")
    assert deleted.status_code == 204
    assert_error(client.get(f"/v1/collections/h5-docs/documents/{segment(key)}"), 404)
    hits = client.post("/v1/search", json={"query": "parking lot",
                                           "collection": "h5-docs", "mode": "lexical"}).json()
    assert hits["results"] == []


def test_multipart_upload_creates_the_collection(client):
    content = b"# Cheese plates\n\nThe tasting room serves a cheese plate for $18 on weekends.\n"
    response = client.post("/v1/collections/h5-upload/documents",
                           files={"file": ("cheese.md", content, "text/markdown")},
                           data={"title": "Cheese", "domain": "visiting", "tags": "food, menu",
                                 "date": "2025-03-01"})
    assert response.status_code == 202, response.text
    job = wait_for_job(client, response.json()["job"]["id"])
    assert job["status"] == "succeeded", job
    collection = client.get("/v1/collections/h5-upload")
    assert collection.status_code == 200
    assert collection.json()["document_count"] == 1
    documents, total = all_documents(client, "h5-upload")
    assert total == 1
    assert documents[0]["title"] == "Cheese"
    assert sorted(documents[0]["tags"]) == ["food", "menu"]
    assert documents[0]["date"] == "2025-03-01"
    hits = client.post("/v1/search", json={"query": "cheese plate", "collection": "h5-upload"})
    assert hits.json()["results"][0]["title"] == "Cheese"


@pytest.mark.parametrize("body", [
    {"title": "no text"},
    {"text": 5},
    {"text": "x", "date": "yesterday"},
    {"text": "x", "date": "2025-13-45"},
    {"text": "x", "extra": 1},
    {"text": "x", "id": ""},
    {"text": "x", "id": "../escape"},
    {"text": "x", "id": "a/b"},
    {"text": "x", "domain": "../../etc"},
    {"text": "   "},
])
def test_json_uploads_are_validated(client, body):
    response = client.post("/v1/collections/h5-bad/documents", json=body)
    assert_error(response, 422, "validation_failed")


def test_a_multipart_upload_without_a_file_is_refused(client):
    response = client.post("/v1/collections/h5-bad/documents", data={"title": "t"},
                           files={"other": ("x.md", b"# x", "text/markdown")})
    assert_error(response, 422, "validation_failed")


def test_an_unknown_job_is_404(client):
    assert_error(client.get("/v1/jobs/no-such-job"), 404, "not_found")


# ---- search ------------------------------------------------------------------------------------

def test_search_ranks_chunks_with_highlights(client):
    response = client.post("/v1/search", json={"query": "wine club manager", "k": 5})
    assert response.status_code == 200, response.text
    body = response.json()
    results = body["results"]
    assert 0 < len(results) <= 5
    assert [r["rank"] for r in results] == list(range(1, len(results) + 1))
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    assert isinstance(body["strategy"], str) and body["strategy"]
    assert body["took_ms"] >= 0
    assert "club" in " ".join(body["query_terms"])
    top = results[0]
    assert "/club/" in top["document"]
    assert top["span"]["begin"] < top["span"]["end"]
    assert top["highlights"] and all(isinstance(h, str) for h in top["highlights"])
    assert top["text"] and top["title"]


def test_search_k_and_filters(client):
    three = client.post("/v1/search", json={"query": "wine", "k": 3}).json()["results"]
    assert len(three) == 3
    events = client.post("/v1/search", json={"query": "wine", "k": 20,
                                             "filters": {"domain": "events"}}).json()["results"]
    assert events and all("/events/" in r["document"] for r in events)
    either = client.post("/v1/search", json={"query": "wine", "k": 50,
                                             "filters": {"domain": ["events", "club"]}}).json()
    folders = {r["document"].split("/")[-2] for r in either["results"]}
    assert folders <= {"events", "club"} and len(folders) == 2
    document = str(KNOWLEDGE / "club" / "faq.md")
    only = client.post("/v1/search", json={"query": "wine club", "k": 20,
                                           "filters": {"document": document}}).json()["results"]
    assert only and {r["document"] for r in only} == {document}
    none = client.post("/v1/search", json={"query": "wine", "filters": {"date_from": "2999-01-01"}})
    assert none.status_code == 200 and none.json()["results"] == []


@pytest.mark.parametrize("body", [
    {},
    {"query": ""},
    {"query": 5},
    {"query": ["wine"]},
    {"query": "wine", "k": 0},
    {"query": "wine", "k": 101},
    {"query": "wine", "k": "3"},
    {"query": "wine", "k": 2.5},
    {"query": "wine", "mode": "fuzzy"},
    {"query": "wine", "filters": "club"},
    {"query": "wine", "filters": {"date_from": "01/02/2025"}},
    {"query": "wine", "filters": {"tags": [1]}},
    {"query": "wine", "filters": {"colour": "red"}},
    {"query": "wine", "limit": 3},
])
def test_search_bodies_are_validated(client, body):
    assert_error(client.post("/v1/search", json=body), 422, "validation_failed")


def test_search_in_an_unknown_collection_is_404(client):
    assert_error(client.post("/v1/search", json={"query": "wine", "collection": "h5-none"}), 404,
                 "not_found")


# ---- body error classes on every JSON route ---------------------------------------------------

JSON_ROUTES = [
    ("POST", "/v1/collections"),
    ("PATCH", "/v1/collections/default"),
    ("POST", "/v1/collections/h5-err/documents"),
    ("POST", "/v1/search"),
    ("POST", "/v1/chat"),
    ("POST", "/v1/messages/m1/feedback"),
    ("POST", "/v1/chat/completions"),
    ("POST", "/v1/embeddings"),
]


@pytest.mark.parametrize("method,path", JSON_ROUTES)
@pytest.mark.parametrize("body", [b'{"query": ', b"{,}", b"nul", b'{"a": 1} trailing',
                                  b'{"a": "\\ud800"', b"\x00"])
def test_malformed_json_is_400(client, method, path, body):
    response = client.request(method, path, content=body,
                              headers={"Content-Type": "application/json"})
    assert_error(response, 400, "invalid_json")


@pytest.mark.parametrize("method,path", JSON_ROUTES)
def test_invalid_utf8_is_400(client, method, path):
    response = client.request(method, path, content=b'{"query": "caf\xe9 \xff\xfe"}',
                              headers={"Content-Type": "application/json"})
    assert_error(response, 400, "invalid_utf8")


@pytest.mark.parametrize("method,path", JSON_ROUTES)
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "application/jsonx", None])
def test_other_content_types_are_415(client, method, path, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.request(method, path, content=b'{"query": "wine"}', headers=headers)
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("method,path", JSON_ROUTES)
def test_json_with_a_charset_parameter_is_accepted(client, method, path):
    response = client.request(method, path, content=b"[1]",
                              headers={"Content-Type": "application/json; charset=utf-8"})
    # Not 415: the media type is JSON. The body is the wrong shape for every route.
    assert_error(response, 422, "validation_failed")


@pytest.mark.parametrize("method,path", JSON_ROUTES)
@pytest.mark.parametrize("body", ["[]", "\"text\"", "42", "null", "true"])
def test_a_body_that_is_not_an_object_is_422(client, method, path, body):
    response = client.request(method, path, content=body.encode(),
                              headers={"Content-Type": "application/json"})
    assert_error(response, 422, "validation_failed")


@pytest.mark.parametrize("method,path", JSON_ROUTES)
def test_oversized_bodies_are_413(client, method, path):
    # The server runs with --max-body-bytes 65536.
    big = json.dumps({"query": "w" * 70000}).encode()
    response = client.request(method, path, content=big,
                              headers={"Content-Type": "application/json"})
    assert_error(response, 413, "payload_too_large")


def test_an_announced_oversized_body_is_413_before_it_is_sent(served):
    request = (b"POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: 100000000\r\n\r\n")
    status, headers, body = raw_request(served.url, request)
    assert status == 413
    assert json.loads(body)["code"] == "payload_too_large"
    assert headers["x-request-id"]


def test_a_chunked_oversized_body_is_413(served):
    chunk = b"w" * 8192
    body = b"".join(b"%X\r\n%s\r\n" % (len(chunk), chunk) for _ in range(10)) + b"0\r\n\r\n"
    request = (b"POST /v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body)
    status, _, response = raw_request(served.url, request)
    assert status == 413, response
    assert json.loads(response)["code"] == "payload_too_large"


def test_the_server_survives_the_error_classes(client):
    # After every hostile request above, the same connection pool still gets answers.
    assert client.get("/health/live").status_code == 200
    assert client.post("/v1/search", json={"query": "tasting room hours"}).status_code == 200


def test_keep_alive_serves_many_requests_on_one_connection(served):
    with httpx.Client(base_url=served.url, timeout=30,
                      limits=httpx.Limits(max_connections=1)) as one:
        statuses = [one.get("/health/live").status_code for _ in range(20)]
        statuses += [one.post("/v1/search", json={"query": "wine"}).status_code for _ in range(5)]
    assert statuses == [200] * 25


def test_pipelined_requests_are_answered_in_order(served):
    pipelined = (b"GET /health/live HTTP/1.1\r\nHost: x\r\nX-Request-ID: p1\r\n\r\n"
                 b"GET /v1/nothing HTTP/1.1\r\nHost: x\r\nX-Request-ID: p2\r\n\r\n"
                 b"GET /health/live HTTP/1.1\r\nHost: x\r\nX-Request-ID: p3\r\n"
                 b"Connection: close\r\n\r\n")
    import socket
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as sock:
        sock.sendall(pipelined)
        data = b""
        while True:
            piece = sock.recv(65536)
            if not piece:
                break
            data += piece
    statuses = re.findall(rb"HTTP/1\.1 (\d{3})", data)
    ids = re.findall(rb"(?i)x-request-id: *(\S+)", data)
    assert statuses == [b"200", b"404", b"200"], data[:2000]
    assert ids == [b"p1", b"p2", b"p3"], data[:2000]

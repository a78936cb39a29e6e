"""`ragd serve`'s operations surface: /metrics read by the Prometheus client's parser and
checked by promtool, and /v1/openapi.json as a valid OpenAPI 3.0.3 document of every route."""

import os
import shutil
import subprocess

import pytest
from prometheus_client.parser import text_string_to_metric_families

from server_fixtures import client, knowledge_template, served  # noqa: F401

FAMILIES = {
    "ragd_http_requests_total": "counter",
    "ragd_http_request_duration_seconds": "histogram",
    "ragd_retrieval_duration_seconds": "histogram",
    "ragd_generation_duration_seconds": "histogram",
    "ragd_llm_tokens_total": "counter",
    "ragd_cache_lookups_total": "counter",
    "ragd_llm_breaker_state": "gauge",
    "ragd_ingest_queue_length": "gauge",
    "ragd_store_bytes": "gauge",
    "ragd_index_chunks": "gauge",
    "ragd_sse_streams_open": "gauge",
}

ROUTES = {
    ("GET", "/v1/collections"), ("POST", "/v1/collections"),
    ("GET", "/v1/collections/{name}"), ("PATCH", "/v1/collections/{name}"),
    ("DELETE", "/v1/collections/{name}"),
    ("POST", "/v1/collections/{name}/documents"), ("GET", "/v1/collections/{name}/documents"),
    ("GET", "/v1/collections/{name}/documents/{key}"),
    ("DELETE", "/v1/collections/{name}/documents/{key}"),
    ("GET", "/v1/jobs/{id}"), ("POST", "/v1/search"), ("POST", "/v1/chat"),
    ("GET", "/v1/sessions"), ("GET", "/v1/sessions/{id}"), ("DELETE", "/v1/sessions/{id}"),
    ("POST", "/v1/messages/{id}/feedback"), ("GET", "/v1/models"),
    ("POST", "/v1/chat/completions"), ("POST", "/v1/embeddings"),
    ("GET", "/health/live"), ("GET", "/health/ready"), ("GET", "/health/detailed"),
    ("GET", "/metrics"), ("GET", "/v1/openapi.json"),
    # The platform (issue 6).
    ("GET", "/v1/sessions/export"),
    ("POST", "/v1/auth/register"), ("POST", "/v1/auth/login"), ("POST", "/v1/auth/refresh"),
    ("POST", "/v1/auth/logout"), ("POST", "/v1/auth/password"),
    ("GET", "/v1/me"), ("PATCH", "/v1/me"), ("DELETE", "/v1/me"), ("GET", "/v1/me/export"),
    ("GET", "/v1/api-keys"), ("POST", "/v1/api-keys"), ("DELETE", "/v1/api-keys/{id}"),
    ("GET", "/v1/organization"), ("PATCH", "/v1/organization"),
    ("GET", "/v1/organization/users"), ("POST", "/v1/organization/users"),
    ("GET", "/v1/organization/users/{id}"), ("PATCH", "/v1/organization/users/{id}"),
    ("DELETE", "/v1/organization/users/{id}"),
    ("GET", "/v1/quotas"), ("GET", "/v1/usage"), ("GET", "/v1/usage/statement"),
    ("GET", "/v1/audit"), ("GET", "/v1/admin/organizations"),
    ("PATCH", "/v1/admin/organizations/{id}"), ("GET", "/v1/admin/users"),
}


def scrape(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    content_type = response.headers["content-type"]
    assert content_type.startswith("text/plain"), content_type
    assert "version=0.0.4" in content_type.replace(" ", ""), content_type
    families = {}
    for family in text_string_to_metric_families(response.text):
        # The parser names counter families without their _total suffix.
        name = family.name + "_total" if family.type == "counter" else family.name
        families[name] = family
    return response.text, families


def value(family, sample_name, **labels):
    matches = [s.value for s in family.samples
               if s.name == sample_name and all(s.labels.get(k) == v for k, v in labels.items())]
    return sum(matches) if matches else None


def test_every_family_is_exposed_with_its_type(client):
    # A labelled family appears once it has a sample; an answer gives every one of them a
    # sample except the breakers, which exist only with an LLM (test_server_chat.py).
    client.post("/v1/search", json={"query": "wine"})
    client.post("/v1/chat", json={"message": "Who is the wine club manager?"})
    _, families = scrape(client)
    for name, kind in FAMILIES.items():
        if name == "ragd_llm_breaker_state":
            continue
        assert name in families, f"{name} missing; have {sorted(families)}"
        assert families[name].type == kind, (name, families[name].type)


def test_request_counter_and_histogram_move_with_requests(client):
    _, before = scrape(client)
    for _ in range(3):
        assert client.get("/health/live").status_code == 200
    assert client.get("/v1/collections/h5-metrics-absent").status_code == 404
    _, after = scrape(client)
    counter = "ragd_http_requests_total"
    labels = {"route": "/health/live", "method": "GET", "status": "200"}
    assert (value(after[counter], counter, **labels) or 0) - \
        (value(before[counter], counter, **labels) or 0) == 3
    missing = {"route": "/v1/collections/{name}", "method": "GET", "status": "404"}
    assert (value(after[counter], counter, **missing) or 0) - \
        (value(before[counter], counter, **missing) or 0) == 1

    histogram = after["ragd_http_request_duration_seconds"]
    live = {"route": "/health/live", "method": "GET"}
    count = value(histogram, "ragd_http_request_duration_seconds_count", **live)
    assert count >= 3
    buckets = sorted(((float(s.labels["le"]), s.value) for s in histogram.samples
                      if s.name.endswith("_bucket") and s.labels.get("route") == "/health/live"
                      and s.labels.get("method") == "GET"))
    assert buckets and buckets[-1][0] == float("inf")
    assert [v for _, v in buckets] == sorted(v for _, v in buckets), buckets
    assert buckets[-1][1] == count
    assert value(histogram, "ragd_http_request_duration_seconds_sum", **live) >= 0


def test_retrieval_and_index_gauges(client):
    _, before = scrape(client)
    name = "ragd_retrieval_duration_seconds"
    previous = value(before[name], name + "_count") or 0
    assert client.post("/v1/search", json={"query": "harvest festival"}).status_code == 200
    _, after = scrape(client)
    assert value(after[name], name + "_count") > previous
    chunks = client.get("/v1/collections/default").json()["chunk_count"]
    assert value(after["ragd_index_chunks"], "ragd_index_chunks", collection="default") == chunks
    assert value(after["ragd_store_bytes"], "ragd_store_bytes") > 0
    assert value(after["ragd_sse_streams_open"], "ragd_sse_streams_open") == 0


def test_promtool_accepts_the_exposition(client):
    promtool = shutil.which("promtool") or "/usr/bin/promtool"
    if not os.path.exists(promtool):
        pytest.skip("promtool is not installed")
    client.post("/v1/search", json={"query": "wine"})
    client.post("/v1/chat", json={"message": "Who is the wine club manager?"})
    text, _ = scrape(client)
    result = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "" and result.stderr.strip() == "", \
        result.stdout + result.stderr


def test_openapi_document_lists_every_route(client):
    response = client.get("/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    document = response.json()
    assert document["openapi"] == "3.0.3"
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    documented = {(m.upper(), p) for p, item in document["paths"].items() for m in item
                  if m in methods}
    assert documented == ROUTES


def test_openapi_document_loads_in_schemathesis(client):
    import schemathesis
    document = client.get("/v1/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(ROUTES)
    # Every $ref points inside the document.
    references = []

    def collect(node):
        if isinstance(node, dict):
            if "$ref" in node:
                references.append(node["$ref"])
            for child in node.values():
                collect(child)
        elif isinstance(node, list):
            for child in node:
                collect(child)

    collect(document)
    assert references
    for reference in references:
        assert reference.startswith("#/"), reference
        node = document
        for key in reference[2:].split("/"):
            assert key in node, reference
            node = node[key]


def test_every_documented_get_without_parameters_answers_as_documented(client):
    document = client.get("/v1/openapi.json").json()
    for path, item in document["paths"].items():
        if "{" in path or "get" not in item:
            continue
        response = client.get(path)
        assert str(response.status_code) in item["get"]["responses"], (path, response.status_code)
        answer = item["get"]["responses"][str(response.status_code)]
        if "$ref" in answer:  # a shared response under components
            answer = document["components"]["responses"][answer["$ref"].split("/")[-1]]
        documented = answer.get("content", {})
        media = response.headers["content-type"].split(";")[0].strip()
        assert media in documented, (path, media, list(documented))

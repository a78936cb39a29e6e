"""The platform's operational side: /metrics behind admin:view_system_metrics and its
platform counters, the access log naming who asked, the first-run hint, and RS256 access
tokens (with algorithm confusion refused over HTTP)."""

import hashlib
import hmac
import json
import pathlib
import subprocess
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

from platform_fixtures import (  # noqa: F401  (api: a shared fixture)
    api, Api, assert_forbidden, assert_unauthenticated, b64url, default_tables, jwt_parts,
    start_platform, write_config)
from server_fixtures import Server

ADMIN = {"email": "operator@example.com"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = start_platform(tmp_path_factory, system_admin=ADMIN)
    yield server
    server.stop()


def counter(text, name, **labels):
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


def test_metrics_need_the_system_metrics_permission(api):
    assert_unauthenticated(api.get("/metrics"))
    org_admin = api.register()
    assert_forbidden(api.get("/metrics", org_admin["access_token"]), "admin:view_system_metrics")
    operator = api.login(ADMIN["email"])["access_token"]
    response = api.get("/metrics", operator)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")


def test_platform_counters_move(api):
    operator = api.login(ADMIN["email"])["access_token"]
    before = api.get("/metrics", operator).text
    assert_unauthenticated(api.get("/v1/collections"))
    assert_unauthenticated(api.get("/v1/collections", "not-a-token"))
    assert_unauthenticated(api.get("/v1/collections", "not-a-token"))
    after = api.get("/metrics", operator).text
    name = "ragd_auth_failures_total"
    assert counter(after, name, reason="missing") == counter(before, name, reason="missing") + 1
    assert counter(after, name, reason="invalid") == counter(before, name, reason="invalid") + 2


def test_access_log_names_the_caller(server, api):
    session = api.register()
    api.get("/v1/me", session["access_token"], headers={"X-Request-ID": "who-asked-1"})
    deadline = time.time() + 10
    entry = None
    while time.time() < deadline and entry is None:
        entry = next((e for e in server.access_log() if e.get("request_id") == "who-asked-1"), None)
        time.sleep(0.05)
    assert entry is not None
    assert entry["org"] == session["organization"]["id"]
    assert entry["user"] == session["user"]["id"]
    assert entry["api_key"] is None
    key = api.create_key(session["access_token"], ["profile:read_own"])
    api.get("/v1/me", key["key"], headers={"X-Request-ID": "who-asked-2"})
    deadline = time.time() + 10
    entry = None
    while time.time() < deadline and entry is None:
        entry = next((e for e in server.access_log() if e.get("request_id") == "who-asked-2"), None)
        time.sleep(0.05)
    assert entry is not None and entry["api_key"] == key["id"]


def test_first_start_says_how_to_create_the_first_organisation(tmp_path_factory):
    server = start_platform(tmp_path_factory)
    try:
        assert "ragd admin create-org" in server.stderr()
        # The generated signing key is readable by its owner only.
        secret = pathlib.Path(server.data) / "jwt.secret"
        assert secret.stat().st_mode & 0o777 == 0o600
        assert len(secret.read_bytes()) >= 32
    finally:
        server.stop()


def test_no_hint_once_an_organisation_exists(server):
    assert "ragd admin create-org" not in server.stderr()


@pytest.fixture(scope="module")
def rs256(tmp_path_factory):
    root = tmp_path_factory.mktemp("rs256")
    private = root / "private.pem"
    public = root / "public.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                    "-out", str(private)], check=True, capture_output=True, timeout=120)
    subprocess.run(["openssl", "pkey", "-in", str(private), "-pubout", "-out", str(public)],
                   check=True, capture_output=True, timeout=60)
    tables = default_tables()
    tables["auth"].update({"jwt_algorithm": "RS256", "jwt_private_key_file": str(private),
                           "jwt_public_key_file": str(public)})
    config = write_config(root / "ragd.toml", tables)
    data = root / "data"
    data.mkdir()
    server = Server(data, "--auth", "on", "--config", config, log_dir=root / "logs")
    yield server, public.read_bytes()
    server.stop()


def test_rs256_tokens_work_and_hs256_with_the_public_key_does_not(rs256):
    server, public_pem = rs256
    api = Api(server.url)
    try:
        session = api.register()
        header, payload, _ = jwt_parts(session["access_token"])
        assert header["alg"] == "RS256"
        assert api.get("/v1/me", session["access_token"]).status_code == 200
        # Algorithm confusion: the same claims, HS256-signed with the public key as secret.
        forged_header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        forged_payload = b64url(json.dumps(payload).encode())
        signing_input = f"{forged_header}.{forged_payload}".encode()
        signature = b64url(hmac.new(public_pem, signing_input, hashlib.sha256).digest())
        assert_unauthenticated(api.get("/v1/me", f"{forged_header}.{forged_payload}.{signature}"))
    finally:
        api.close()


def test_public_health_names_no_organisation(api):
    session = api.register()
    api.create_collection(session["access_token"], "secret-plans")
    ready = api.get("/health/ready")
    assert ready.status_code == 200, ready.text
    assert session["organization"]["id"] not in ready.text
    assert "secret-plans" not in ready.text
    assert set(ready.json()["checks"]["indexes"]) == {"loaded", "unavailable"}
    assert_unauthenticated(api.get("/health/detailed"))
    assert_forbidden(api.get("/health/detailed", session["access_token"]), "admin:view_system_metrics")
    operator = api.login(ADMIN["email"])["access_token"]
    detailed = api.get("/health/detailed", operator)
    assert detailed.status_code == 200 and "secret-plans" in detailed.text

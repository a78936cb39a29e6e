"""`ragd serve`'s transport and configuration: TLS, CORS, pipelined keep-alive requests,
oversized heads, and configuration precedence (TOML file < environment < flags) with
--print-config masking the API key."""

import json
import os
import socket
import ssl
import subprocess

import httpx
import pytest

from conftest import ragd_binary
from server_fixtures import Server, copy_data, knowledge_template  # noqa: F401


def serve_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAGD_") or k == "RAGD_MODEL_DIR"}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def test_tls_serves_https_only(knowledge_template, tmp_path, tls_files):
    cert, key = tls_files
    data = copy_data(knowledge_template, tmp_path / "data")
    server = Server(data, "--tls-cert", cert, "--tls-key", key, log_dir=tmp_path / "logs")
    try:
        https = server.url.replace("http://", "https://")
        trust = ssl.create_default_context(cafile=str(cert))
        response = httpx.get(https + "/health/live", verify=trust, timeout=30)
        assert response.status_code == 200 and response.json() == {"status": "ok"}
        search = httpx.post(https + "/v1/search", json={"query": "harvest festival"},
                            verify=trust, timeout=30)
        assert search.status_code == 200 and search.json()["results"]
        with pytest.raises(httpx.HTTPError):
            httpx.get(server.url + "/health/live", timeout=10)  # plain HTTP is not spoken
    finally:
        server.stop()


def test_cors_preflight_and_allowed_origin(knowledge_template, tmp_path):
    data = copy_data(knowledge_template, tmp_path / "data")
    server = Server(data, "--cors-origin", "http://app.example", log_dir=tmp_path / "logs")
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            preflight = client.options("/v1/search", headers={
                "Origin": "http://app.example", "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type"})
            assert preflight.status_code == 204
            assert preflight.headers["access-control-allow-origin"] == "http://app.example"
            assert "POST" in preflight.headers["access-control-allow-methods"]
            allowed = client.get("/health/live", headers={"Origin": "http://app.example"})
            assert allowed.headers["access-control-allow-origin"] == "http://app.example"
            other = client.get("/health/live", headers={"Origin": "http://evil.example"})
            assert "access-control-allow-origin" not in other.headers
    finally:
        server.stop()


def read_response(sock_file):
    status = sock_file.readline().decode()
    headers = {}
    while True:
        line = sock_file.readline().decode().strip()
        if not line:
            break
        name, value = line.split(":", 1)
        headers[name.lower()] = value.strip()
    body = sock_file.read(int(headers.get("content-length", "0")))
    return int(status.split()[1]), headers, body


def test_pipelined_requests_are_answered_in_order_and_huge_heads_refused(knowledge_template, tmp_path):
    data = copy_data(knowledge_template, tmp_path / "data")
    server = Server(data, log_dir=tmp_path / "logs")
    try:
        host, port = server.url.replace("http://", "").split(":")
        body = json.dumps({"query": "wine club"}).encode()
        pipelined = (b"GET /health/live HTTP/1.1\r\nHost: x\r\nX-Request-ID: first\r\n\r\n"
                     b"POST /v1/search HTTP/1.1\r\nHost: x\r\nX-Request-ID: second\r\n"
                     b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode() +
                     b"\r\n\r\n" + body +
                     b"GET /nowhere HTTP/1.1\r\nHost: x\r\nX-Request-ID: third\r\n\r\n")
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            sock.sendall(pipelined)
            f = sock.makefile("rb")
            answers = [read_response(f) for _ in range(3)]
        assert [(s, h["x-request-id"]) for s, h, _ in answers] == [(200, "first"), (200, "second"), (404, "third")]
        assert json.loads(answers[1][2])["results"]
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            sock.sendall(b"GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
            status, _, _ = read_response(sock.makefile("rb"))
        assert status == 431
        assert httpx.get(server.url + "/health/live", timeout=30).status_code == 200
    finally:
        server.stop()


def print_config(*args, env=None):
    result = subprocess.run([ragd_binary(), "serve", "--print-config", *map(str, args)],
                            capture_output=True, text=True, timeout=60, env=env or serve_env())
    return result


def test_configuration_precedence_and_masking(tmp_path):
    config = tmp_path / "ragd.toml"
    config.write_text('[server]\nport = 9001\nrequest_timeout_s = 12\n'
                      '[llm]\napi_key = "sk-secret"\nurls = ["http://127.0.0.1:9/v1"]\n'
                      '[cache]\nenabled = false\n')
    result = print_config("--config", config, "--port", "9003",
                          env=serve_env(RAGD_SERVER_PORT="9002", RAGD_SERVER_REQUEST_TIMEOUT_S="7"))
    assert result.returncode == 0, result.stderr
    effective = json.loads(result.stdout)
    assert effective["server"]["port"] == 9003                 # flag over env over file
    assert effective["server"]["request_timeout_s"] == 7       # env over file
    assert effective["cache"]["enabled"] is False              # file over default
    assert "sk-secret" not in result.stdout and effective["llm"]["api_key"] == "***"
    typo = tmp_path / "typo.toml"
    typo.write_text("[server]\nprot = 1\n")
    bad = print_config("--config", typo)
    assert bad.returncode == 2 and "prot" in bad.stderr
    assert print_config("--auth", "maybe").returncode == 2
    on = print_config("--auth", "on", "--set", "auth.jwt_secret=" + "s" * 40)
    assert on.returncode == 0, on.stderr
    assert json.loads(on.stdout)["server"]["auth"] == "on"
    assert "s" * 40 not in on.stdout and json.loads(on.stdout)["auth"]["jwt_secret"] == "***"
    assert json.loads(print_config().stdout)["server"]["auth"] == "on"  # the default

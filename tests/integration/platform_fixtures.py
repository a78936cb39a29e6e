"""Helpers for the black-box tests of the platform (authentication, organisations, roles,
plans, quotas, rate limits, audit) against `ragd serve --auth on`: a server over an empty data
folder with a small TOML configuration, organisations made through POST /v1/auth/register,
a system admin made with `ragd admin create-org`, documents uploaded through the API, and
hand-rolled JWTs (HS256 with hmac, alg none, tampered claims) for the attacks.

Each test module starts ONE server (module-scoped fixture) because the binary is an ASan
build: starts and argon2 hashes are slow there, so the configuration makes argon2 cheap.
"""

import base64
import hashlib
import hmac
import json
import subprocess
import time
import uuid

import httpx
import pytest

from conftest import ragd_binary
from server_fixtures import Server, assert_error  # noqa: F401  (re-exported)

PASSWORD = "correct horse battery staple"

# argon2 at 64 MiB and 3 passes takes seconds under ASan; the server's [auth] table lets the
# tests make it cheap. Rate limits are raised on every plan so that a module's many requests
# from 127.0.0.1 never trip them, except where a module sets its own plans.
AUTH_TABLE = {"argon2_memory_kib": 1024, "argon2_passes": 1, "argon2_parallelism": 1}
UNLIMITED_RATES = {"requests_per_minute": 1000000, "chat_per_minute": 1000000,
                   "search_per_minute": 1000000, "api_calls_per_day": 1000000}


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(value)


def write_config(path, tables):
    """Writes {"auth": {...}, "plans.free": {...}} as TOML tables; returns the path."""
    lines = []
    for table, values in tables.items():
        lines.append(f"[{table}]")
        lines.extend(f"{key} = {toml_value(value)}" for key, value in values.items())
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def default_tables(plans=None):
    """Cheap argon2 and unlimited rates on the three plans, then `plans` ({name: {...}})
    merged over them."""
    tables = {"auth": dict(AUTH_TABLE)}
    for name in ("free", "pro", "enterprise"):
        tables[f"plans.{name}"] = dict(UNLIMITED_RATES)
    for name, values in (plans or {}).items():
        tables.setdefault(f"plans.{name}", {}).update(values)
    return tables


def create_system_admin(data, email, password=PASSWORD, name="Operators"):
    """`ragd admin create-org ... --system-admin` on a data folder (before the server runs)."""
    command = [ragd_binary(), "admin", "create-org", "--data", str(data), "--name", name,
               "--email", email, "--password-stdin", "--system-admin"]
    result = subprocess.run(command, input=password + "\n", capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


def start_platform(tmp_path_factory, tables=None, llm_url=None, system_admin=None, args=()):
    """`ragd serve --auth on --config <tables>` over a new, empty data folder (plus the fake
    LLM when llm_url is given, and a system admin {email, password} created first)."""
    root = tmp_path_factory.mktemp("platform")
    data = root / "data"
    data.mkdir()
    if system_admin:
        create_system_admin(data, system_admin["email"], system_admin.get("password", PASSWORD))
    config = write_config(root / "ragd.toml", tables if tables is not None else default_tables())
    command = ["--auth", "on", "--config", config, *args]
    if llm_url:
        command += ["--llm", llm_url + "#fake"]
    return Server(data, *command, log_dir=root / "logs")


def unique_email(tag="user"):
    return f"{tag}-{uuid.uuid4().hex[:12]}@example.com"


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


class Api:
    """An httpx client on the server, with helpers that assert the contract's shapes."""

    def __init__(self, url):
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=120)

    def close(self):
        self.http.close()

    def request(self, method, path, token=None, headers=None, **kwargs):
        all_headers = dict(headers or {})
        if token is not None:
            all_headers.update(bearer(token))
        return self.http.request(method, path, headers=all_headers, **kwargs)

    def get(self, path, token=None, **kwargs):
        return self.request("GET", path, token, **kwargs)

    def post(self, path, token=None, **kwargs):
        return self.request("POST", path, token, **kwargs)

    def patch(self, path, token=None, **kwargs):
        return self.request("PATCH", path, token, **kwargs)

    def delete(self, path, token=None, **kwargs):
        return self.request("DELETE", path, token, **kwargs)

    # ---- identity --------------------------------------------------------------------------

    def register(self, organization=None, email=None, password=PASSWORD, name="First Admin"):
        """Registers a new organisation; returns the Session (asserted 201)."""
        body = {"organization": organization or f"Org {uuid.uuid4().hex[:8]}",
                "email": email or unique_email("admin"), "password": password, "name": name}
        response = self.post("/v1/auth/register", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def login(self, email, password=PASSWORD):
        response = self.post("/v1/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        return response.json()

    def create_user(self, admin_token, role="user", email=None, password=PASSWORD, name=None):
        """An organisation admin adds a user; returns (User, Session of the new user)."""
        email = email or unique_email(role)
        response = self.post("/v1/organization/users", admin_token,
                             json={"email": email, "password": password,
                                   "name": name or role.title(), "role": role})
        assert response.status_code == 201, response.text
        user = response.json()
        return user, self.login(email, password)

    def create_key(self, token, scopes, name="test key", **extra):
        response = self.post("/v1/api-keys", token, json={"name": name, "scopes": scopes, **extra})
        assert response.status_code == 201, response.text
        return response.json()

    # ---- collections, documents, chat ------------------------------------------------------

    def create_collection(self, token, name, description=""):
        response = self.post("/v1/collections", token,
                             json={"name": name, "description": description,
                                   "embedding_model": "none"})
        assert response.status_code == 201, response.text
        return response.json()

    def upload(self, token, collection, doc_id, title, text):
        """Uploads a JSON document and waits for its job; returns the finished Job."""
        response = self.post(f"/v1/collections/{collection}/documents", token,
                             json={"id": doc_id, "title": title, "text": text})
        assert response.status_code == 202, response.text
        job = response.json()["job"]
        return self.wait_job(token, job["id"])

    def wait_job(self, token, job_id, timeout=120):
        deadline = time.monotonic() + timeout
        while True:
            response = self.get(f"/v1/jobs/{job_id}", token)
            assert response.status_code == 200, response.text
            job = response.json()
            if job["status"] in ("succeeded", "failed"):
                assert job["status"] == "succeeded", job
                return job
            assert time.monotonic() < deadline, job
            time.sleep(0.05)

    def chat(self, token, message, **body):
        response = self.post("/v1/chat", token, json={"message": message, **body})
        assert response.status_code == 200, response.text
        return response.json()


def assert_unauthenticated(response):
    """401 unauthenticated with `WWW-Authenticate: Bearer`; returns the error body."""
    body = assert_error(response, 401, "unauthenticated")
    assert response.headers.get("www-authenticate", "").lower().startswith("bearer"), \
        response.headers
    return body


def assert_forbidden(response, permission):
    """403 forbidden naming the missing permission in details.permission."""
    body = assert_error(response, 403, "forbidden")
    assert body["details"].get("permission") == permission, body
    return body


def assert_not_found(response):
    return assert_error(response, 404, "not_found")


# ---- JWT by hand ---------------------------------------------------------------------------

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwt_parts(token):
    """(header dict, payload dict, signature bytes) of a compact JWS."""
    header, payload, signature = token.split(".")
    return (json.loads(b64url_decode(header)), json.loads(b64url_decode(payload)),
            b64url_decode(signature))


def jwt_encode(header, payload, signature=b""):
    return ".".join([b64url(json.dumps(header, separators=(",", ":")).encode()),
                     b64url(json.dumps(payload, separators=(",", ":")).encode()),
                     b64url(signature)])


def hs256_sign(header, payload, secret):
    signing_input = ".".join([b64url(json.dumps(header, separators=(",", ":")).encode()),
                              b64url(json.dumps(payload, separators=(",", ":")).encode())])
    key = secret if isinstance(secret, bytes) else secret.encode()
    signature = hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + b64url(signature)


def with_payload(token, **changes):
    """The token with claims changed and its ORIGINAL signature kept (header and payload
    re-encoded)."""
    header_b64, payload_b64, signature_b64 = token.split(".")
    payload = json.loads(b64url_decode(payload_b64))
    payload.update(changes)
    return ".".join([header_b64, b64url(json.dumps(payload, separators=(",", ":")).encode()),
                     signature_b64])


@pytest.fixture(scope="module")
def api(server):
    """An Api on the test module's own `server` fixture (each module starts the server it
    needs; this client is the same for all)."""
    client = Api(server.url)
    yield client
    client.close()

"""Fixtures for the black-box tests of `ragd serve`: the sample knowledge base ingested once,
a running server over a private copy of it, and an OpenAI-compatible fake LLM that records
whether each stream it sent was completed or cut by its client.

Import the fixtures into a test module (`from server_fixtures import served, ...`).
"""

import json
import os
import pathlib
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest

from conftest import KNOWLEDGE, ROOT, ragd_binary

sys.path.insert(0, str(ROOT / "tests" / "support"))
import fake_llm_server  # noqa: E402  (the support folder is not a package)

SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                     "SUMMARY: UndefinedBehaviorSanitizer", "WARNING: ThreadSanitizer")
START_TIMEOUT_S = 120  # an ASan build loading indexes on a busy 2-core machine
STOP_TIMEOUT_S = 60


def require_serve():
    """Fails when $RAGD_BIN has no `ragd serve` (its help lists no such subcommand)."""
    result = subprocess.run([ragd_binary(), "--help"], capture_output=True, text=True, timeout=60)
    assert any(line.split()[:1] == ["serve"] for line in result.stdout.splitlines()), \
        f"{ragd_binary()} has no `serve` subcommand"


class Server:
    """One `ragd serve` process on a free port; `url` is its base URL."""

    def __init__(self, data, *args, log_dir):
        require_serve()
        self.data = str(data)
        self.args = [str(a) for a in args]
        # The API tests predate authentication: they run as the local owner unless a test
        # asks for authentication itself (test_platform_*.py pass "--auth", "on").
        if "--auth" not in self.args:
            self.args = ["--auth", "off", *self.args]
        log_dir = pathlib.Path(log_dir)
        log_dir.mkdir(parents=True, exist_ok=True)
        self.stderr_path = log_dir / f"serve-{os.getpid()}-{time.monotonic_ns()}.stderr"
        self._stderr = open(self.stderr_path, "wb")
        self.command = [ragd_binary(), "serve", "--data", self.data, "--port", "0", *self.args]
        # Only the flags configure the server: no settings from the caller's environment.
        env = {k: v for k, v in os.environ.items()
               if not (k.startswith("RAGD_") and k not in ("RAGD_MODEL_DIR",))}
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, env=env,
                                        stderr=self._stderr, stdin=subprocess.DEVNULL)
        self.stdout_lines = queue.Queue()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        try:
            line = self.stdout_lines.get(timeout=START_TIMEOUT_S)
        except queue.Empty:
            self.process.kill()
            raise AssertionError(f"{self.command}: no listening line\n{self.stderr()}")
        if line is None:
            self.process.wait(timeout=10)
            raise AssertionError(f"{self.command} exited {self.process.returncode} before "
                                 f"listening\n{self.stderr()}")
        self.listening = json.loads(line)
        assert self.listening["event"] == "listening", line
        assert self.listening["tls"] is ("--tls-cert" in self.args), line
        self.port = int(self.listening["port"])
        assert self.port > 0, line
        self.url = f"http://127.0.0.1:{self.port}"  # tests of TLS swap the scheme
        self.stopped = False

    def _read_stdout(self):
        for raw in self.process.stdout:
            self.stdout_lines.put(raw.decode("utf-8", "replace").strip())
        self.stdout_lines.put(None)

    def stderr(self):
        if not self._stderr.closed:
            self._stderr.flush()
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def access_log(self):
        """The JSON request lines of stderr, in order."""
        entries = []
        for line in self.stderr().splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and entry.get("event") == "request":
                entries.append(entry)
        return entries

    def assert_no_sanitizer_report(self):
        text = self.stderr()
        for marker in SANITIZER_MARKERS:
            assert marker not in text, f"sanitizer report in ragd serve's stderr:\n{text[-20000:]}"

    def terminate(self):
        """Sends SIGTERM (once)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self, check=True):
        """SIGTERM, then waits; with check, asserts exit code 0 and a clean stderr."""
        if self.stopped:
            return self.process.returncode
        self.stopped = True
        self.terminate()
        try:
            code = self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            self._stderr.close()
            raise AssertionError(f"ragd serve ignored SIGTERM for {STOP_TIMEOUT_S} s\n"
                                 f"{self.stderr()[-5000:]}")
        self._stderr.close()
        if check:
            assert code == 0, f"ragd serve exited {code}\n{self.stderr()[-10000:]}"
            self.assert_no_sanitizer_report()
        return code


def ingest_knowledge(data):
    """Ingests examples/knowledge into `data` as a lexical-only `default` collection (no
    embeddings: an ASan build embeds the sample slowly, and these tests are about HTTP)."""
    binary = ragd_binary()
    for command in (
            [binary, "collections", "create", "--data", str(data), "--no-embeddings",
             "--description", "The sample winery knowledge base"],
            [binary, "ingest", "--data", str(data), "--json", str(KNOWLEDGE)]):
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="session")
def knowledge_template(tmp_path_factory):
    """A data folder holding the sample knowledge base; copy it, never serve it directly."""
    require_serve()
    data = tmp_path_factory.mktemp("server-template") / "data"
    ingest_knowledge(data)
    return data


def copy_data(template, destination):
    shutil.copytree(template, destination)
    return destination


class InstrumentedLlmHandler(fake_llm_server.Handler):
    """The fake LLM's handler, noting for each stream whether it went out whole or its client
    cut it (a write failed), and how many chunk writes it made."""

    def chat_stream(self, *args, **kwargs):
        record = {"outcome": "running", "writes": 0, "started": time.monotonic()}
        with self.server.records_lock:
            self.server.stream_records.append(record)
        original = self.write_chunk

        def counting_write(data):
            original(data)
            record["writes"] += 1

        self.write_chunk = counting_write
        try:
            super().chat_stream(*args, **kwargs)
        except OSError:
            record["outcome"] = "cut"
            raise
        finally:
            record["ended"] = time.monotonic()
            if record["outcome"] == "running":
                record["outcome"] = "complete"


class FakeLlm:
    """fake_llm_server in this process (its behaviours, /control and /stats), plus records of
    the streams it sent."""

    def __init__(self):
        self.server = fake_llm_server.Server(("127.0.0.1", 0), None, None)
        self.server.RequestHandlerClass = InstrumentedLlmHandler
        self.server.stream_records = []
        self.server.records_lock = threading.Lock()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def control(self, **command):
        import httpx
        return httpx.post(self.url + "/control", json=command, timeout=10).json()

    def stats(self):
        import httpx
        return httpx.get(self.url + "/stats", timeout=10).json()

    def reset(self):
        self.control(reset=True)
        with self.server.records_lock:
            self.server.stream_records.clear()

    def streams(self):
        with self.server.records_lock:
            return [dict(r) for r in self.server.stream_records]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def fake_llm():
    llm = FakeLlm()
    yield llm
    llm.close()


def start_server(template, tmp_path_factory, *args):
    data = copy_data(template, tmp_path_factory.mktemp("served") / "data")
    return Server(data, *args, log_dir=tmp_path_factory.mktemp("serve-logs"))


@pytest.fixture(scope="module")
def served(knowledge_template, tmp_path_factory):
    """`ragd serve` over a copy of the sample knowledge base, without an LLM (answers are
    extractive); stopped with SIGTERM at the end of the module, which must exit 0 cleanly."""
    server = start_server(knowledge_template, tmp_path_factory, "--max-body-bytes", "65536")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def served_with_llm(knowledge_template, tmp_path_factory, fake_llm):
    """`ragd serve` whose answers come from the fake LLM (model `fake`; behaviours through
    fake_llm.control(queue=[...]))."""
    server = start_server(knowledge_template, tmp_path_factory, "--llm", fake_llm.url + "#fake")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(served):
    import httpx
    with httpx.Client(base_url=served.url, timeout=60) as http:
        yield http


def iter_sse(lines):
    """Yields (event, data) as each event of an iterator of SSE text lines completes; `event`
    is "" for data-only events and data lines are joined with newlines."""
    event, data = "", []
    for line in lines:
        if line == "":
            if data or event:
                yield event, "\n".join(data)
            event, data = "", []
        elif line.startswith(":"):
            continue
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:][1:] if line[5:].startswith(" ") else line[5:])
    if data or event:
        yield event, "\n".join(data)


def parse_sse(lines):
    """[(event, data)] of a whole stream (see iter_sse)."""
    return list(iter_sse(lines))


def assert_error(response, status, code=None):
    """The response is an API error with this status (and code): the Error object of
    docs/api.md, its request_id the X-Request-ID header."""
    assert response.status_code == status, (response.status_code, response.text[:2000])
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert set(body) >= {"code", "message", "details", "request_id"}, body
    assert isinstance(body["message"], str) and body["message"], body
    assert isinstance(body["details"], dict), body
    assert body["request_id"] == response.headers["x-request-id"], (body, response.headers)
    if code is not None:
        codes = code if isinstance(code, (tuple, list, set)) else (code,)
        assert body["code"] in codes, body
    return body


def raw_request(url, data, timeout=60):
    """Sends `data` (bytes: request line, headers and body as given) on a new connection and
    returns (status, headers with lower-case names, body bytes). For requests httpx would
    normalise or refuse to send (dot segments, invalid UTF-8 in the target, lying lengths)."""
    import socket
    from urllib.parse import urlparse
    parsed = urlparse(url)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=timeout) as sock:
        sock.sendall(data)
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            piece = sock.recv(65536)
            if not piece:
                raise AssertionError(f"connection closed before a response head: {buffer!r}")
            buffer += piece
        head, _, rest = buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            length = int(headers["content-length"])
            while len(rest) < length:
                piece = sock.recv(65536)
                if not piece:
                    break
                rest += piece
            return status, headers, rest[:length]
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                while b"\r\n" not in rest:
                    rest += sock.recv(65536)
                size_line, _, rest = rest.partition(b"\r\n")
                size = int(size_line.split(b";")[0], 16)
                while len(rest) < size + 2:
                    rest += sock.recv(65536)
                body += rest[:size]
                rest = rest[size + 2:]
                if size == 0:
                    return status, headers, body
        return status, headers, rest

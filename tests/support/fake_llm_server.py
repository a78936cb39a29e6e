#!/usr/bin/env python3
"""A protocol-faithful OpenAI-compatible test server that misbehaves on command.

Python standard library only; runs under plain `python3`. It binds 127.0.0.1 on a free
port (or --port) and prints `PORT <n>` on stdout once it accepts connections.

Endpoints
  POST /v1/chat/completions  streaming (SSE over chunked transfer: role chunk, one chunk per
                             word, a finish_reason chunk, a usage chunk when the request
                             asks for stream_options.include_usage, `data: [DONE]`) or not
  POST /v1/embeddings        deterministic unit vectors from SHA-256 of the text (384-d)
  GET  /v1/models            the model list
  POST /control              {"queue": [...], "answer": "...", "reset": true} (see below)
  GET  /stats                request counts per behaviour, and the last requests' bodies
  /test/...                  plain HTTP fixtures for the HTTP client's tests (see below)

Behaviours are chosen per request by the request's `model` string, unless the control
queue holds an entry (then the queue's front entry is used and removed). A behaviour is
`name` or `name:arg`. Any model not starting with "fake" behaves like "fake".
  fake                 normal answer
  fake-slow:N          N ms between streamed chunks
  fake-latency:N       N ms before the response starts, then normal
  fake-stall-first[:N] streaming: head and the role chunk, then N ms (default 30000) of
                       silence before the first token; non-streaming: silence before the head
  fake-stall-mid[:N]   streaming: half the tokens, then N ms of silence
  fake-429[:S]         429 with `Retry-After: S` (default 1) and an OpenAI error body
  fake-500, fake-503, fake-<any 3-digit code>   that status with an OpenAI error body
  fake-<code>-then-ok:N  the first N calls with this exact model string fail with <code>,
                       later ones succeed (counted per model string until /control reset)
  fake-cut             streaming: half the tokens, then the connection is closed without
                       the final chunk or [DONE]; non-streaming: a truncated body
  fake-cut-after-finish  streaming: all tokens and the finish_reason, then closed before
                       [DONE] (a complete answer)
  fake-malformed       streaming: one token, then an event whose data is not JSON;
                       non-streaming: a body that is not JSON
  fake-badutf8         a delta (or the content) carrying invalid UTF-8 bytes
  fake-nousage         no usage, ever
  fake-wrongtype       200 with Content-Type text/html
  fake-embed[:D]       embeddings of D dimensions (default 384) -- any model works for
                       embeddings; these variants change the shape of the answer:
  fake-embed-raw       vectors scaled by 3 (not normalised)
  fake-embed-reversed  `data` listed in reverse order (clients must sort by `index`)
  fake-embed-dimchange the second and later calls answer with one dimension less
The error and latency behaviours apply to embeddings too.

The answer. By default it is built from the prompt: the first sentence of the first context
passage, followed by " [1]". The first context passage is found in the messages (system
first, then user) after the first line that starts with "[1]". When lines follow that line,
the rest of the marker line is a header (ragd's context builder writes "[1] Title — Section
(date)" and the passage text below it) and the passage is the following lines, up to a
blank line or a line starting with "[2]"; otherwise the passage is the rest of the marker
line ("[1] The fee is $20."). Without a "[1]" line the answer is "The knowledge base does not say."
POST /control {"answer": "text"} makes every later answer that text (until reset or
another answer); a queue entry may be an object {"behaviour": "...", "answer": "..."} to
set the behaviour and the answer of one request. {"reset": true} empties the queue, the
answer, the counters and the per-model call counts.

/test fixtures (used by the C++ HTTP client tests):
  GET  /test/bytes?n=N&mode=length|chunked|close&piece=K&delay_ms=D
                       N bytes of "0123456789..." as a content-length body, chunked body,
                       or body ended by closing the connection; K bytes per write, D ms apart
  GET  /test/stall-head?ms=M     M ms of silence before anything is sent
  GET  /test/stall-body?ms=M     head and 10 bytes, then M ms of silence, then the rest
  GET  /test/cut                 Content-Length 100, 10 bytes, then the connection closes
  GET  /test/garbage             bytes that are not HTTP, then close
  ANY  /test/echo                JSON of the request: method, path, headers, body
"""

import argparse
import hashlib
import json
import math
import re
import socket
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

DEFAULT_DIM = 384
NO_ANSWER = "The knowledge base does not say."


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.queue = []
        self.answer = None
        self.behaviours = {}
        self.calls_per_model = {}
        self.chat_requests = 0
        self.embedding_requests = 0
        self.last_requests = []

    def snapshot(self):
        return {
            "behaviours": dict(self.behaviours),
            "chat_requests": self.chat_requests,
            "embedding_requests": self.embedding_requests,
            "queue_left": len(self.queue),
            "last_requests": list(self.last_requests),
        }


STATE = State()


def parse_behaviour(text):
    text = text or "fake"
    if not text.startswith("fake"):
        return "fake", None
    name, _, arg = text.partition(":")
    return name, (arg if arg else None)


def int_arg(arg, default):
    try:
        return int(arg) if arg is not None else default
    except ValueError:
        return default


def first_sentence(text):
    text = " ".join(text.split())
    match = re.search(r"[.!?](?=\s|$)", text)
    return text[: match.end()] if match else text


def passage_from_prompt(messages):
    ordered = [m for m in messages if m.get("role") == "system"]
    ordered += [m for m in messages if m.get("role") != "system"]
    for message in ordered:
        content = message.get("content")
        if not isinstance(content, str):
            continue
        lines = content.splitlines()
        for i, line in enumerate(lines):
            stripped = line.lstrip()
            if not stripped.startswith("[1]"):
                continue
            first = stripped[3:].strip()
            body = []
            for follow in lines[i + 1:]:
                if not follow.strip() or follow.lstrip().startswith("[2]"):
                    break
                body.append(follow.strip())
            if first and not body:
                body = [first]
            if body:
                return " ".join(body)
    return None


def default_answer(messages):
    passage = passage_from_prompt(messages)
    if not passage:
        return NO_ANSWER
    return first_sentence(passage) + " [1]"


def embedding(text, dim):
    values = []
    counter = 0
    while len(values) < dim:
        digest = hashlib.sha256(f"{counter}:{text}".encode("utf-8", "surrogatepass")).digest()
        for (word,) in struct.iter_unpack("<I", digest):
            values.append(word / 2**31 - 1.0)
        counter += 1
    values = values[:dim]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return [v / norm for v in values]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-llm/1"
    # Each SSE chunk must leave at once, as a real server's do (and Nagle plus delayed ACKs
    # would add 40 ms to every response).
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):  # quiet: tests read stdout for the port only
        pass

    # ---- low-level writing -------------------------------------------------------------

    def send_head(self, status, content_type, length=None, chunked=False, extra=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif length is not None:
            self.send_header("Content-Length", str(length))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.flush()

    def send_bytes(self, status, content_type, body, extra=None):
        self.send_head(status, content_type, length=len(body), extra=extra)
        self.wfile.write(body)
        self.wfile.flush()

    def send_json(self, status, obj, extra=None):
        self.send_bytes(status, "application/json", json.dumps(obj).encode(), extra)

    def write_chunk(self, data):
        if data:
            self.wfile.write(b"%X\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

    def end_chunks(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def cut(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send_error_body(self, code, message, extra=None):
        kind = "rate_limit_error" if code == 429 else "server_error"
        self.send_json(code, {"error": {"message": message, "type": kind, "code": code}}, extra)

    # ---- dispatch ----------------------------------------------------------------------

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_HEAD(self):
        self.dispatch("HEAD")

    def dispatch(self, method):
        url = urlparse(self.path)
        try:
            if url.path.startswith("/test/"):
                self.test_fixture(method, url)
            elif url.path == "/control" and method == "POST":
                self.control()
            elif url.path == "/stats" and method == "GET":
                with STATE.lock:
                    self.send_json(200, STATE.snapshot())
            elif url.path == "/v1/models" and method == "GET":
                self.send_json(200, {"object": "list", "data": [
                    {"id": "fake", "object": "model", "created": 0, "owned_by": "ragd-tests"}]})
            elif url.path == "/v1/chat/completions" and method == "POST":
                self.chat()
            elif url.path == "/v1/embeddings" and method == "POST":
                self.embeddings()
            else:
                self.read_body()
                self.send_json(404, {"error": {"message": "no route " + url.path}})
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            self.close_connection = True

    def check_auth(self):
        key = self.server.api_key
        if key and self.headers.get("Authorization") != "Bearer " + key:
            self.send_json(401, {"error": {"message": "invalid api key", "type": "auth"}})
            return False
        return True

    def control(self):
        try:
            command = json.loads(self.read_body() or b"{}")
        except ValueError:
            self.send_json(400, {"error": {"message": "control body is not JSON"}})
            return
        with STATE.lock:
            if command.get("reset"):
                STATE.reset()
            if "answer" in command:
                STATE.answer = command["answer"]
            for entry in command.get("queue", []):
                STATE.queue.append(entry)
            self.send_json(200, STATE.snapshot())

    def choose(self, request):
        """Returns (behaviour string, answer override) and counts the request."""
        with STATE.lock:
            answer = STATE.answer
            behaviour = request.get("model") if isinstance(request.get("model"), str) else "fake"
            if STATE.queue:
                entry = STATE.queue.pop(0)
                if isinstance(entry, dict):
                    behaviour = entry.get("behaviour", behaviour)
                    answer = entry.get("answer", answer)
                else:
                    behaviour = str(entry)
            STATE.behaviours[behaviour] = STATE.behaviours.get(behaviour, 0) + 1
            calls = STATE.calls_per_model.get(behaviour, 0) + 1
            STATE.calls_per_model[behaviour] = calls
            STATE.last_requests = (STATE.last_requests + [request])[-20:]
        return behaviour, answer, calls

    def common_failure(self, name, arg, calls):
        """Handles the behaviours shared by chat and embeddings; True when answered."""
        if name == "fake-latency":
            time.sleep(int_arg(arg, 0) / 1000.0)
            return False
        match = re.fullmatch(r"fake-(\d{3})-then-ok", name)
        if match:
            if calls <= int_arg(arg, 1):
                self.send_error_body(int(match.group(1)), "transient failure %d" % calls)
                return True
            return False
        match = re.fullmatch(r"fake-(\d{3})", name)
        if match:
            code = int(match.group(1))
            extra = {"Retry-After": str(int_arg(arg, 1))} if code == 429 else None
            self.send_error_body(code, "failure on command (%d)" % code, extra)
            return True
        if name == "fake-wrongtype":
            self.send_bytes(200, "text/html; charset=utf-8",
                            b"<html><body>Welcome to the proxy login page</body></html>")
            return True
        return False

    # ---- chat --------------------------------------------------------------------------

    def chat(self):
        raw = self.read_body()
        if not self.check_auth():
            return
        try:
            request = json.loads(raw)
            if not isinstance(request, dict) or not isinstance(request.get("messages"), list):
                raise ValueError("messages missing")
        except ValueError as error:
            self.send_json(400, {"error": {"message": "bad request: %s" % error}})
            return
        with STATE.lock:
            STATE.chat_requests += 1
        behaviour, answer, calls = self.choose(request)
        name, arg = parse_behaviour(behaviour)
        if self.common_failure(name, arg, calls):
            return
        stream = bool(request.get("stream"))
        if name == "fake-stall-first" and not stream:
            time.sleep(int_arg(arg, 30000) / 1000.0)
        if answer is None:
            answer = default_answer(request["messages"])
        finish = "stop"
        for stop in request.get("stop") or []:
            if isinstance(stop, str) and stop and stop in answer:
                answer = answer[: answer.index(stop)]
        pieces = re.findall(r"\S+\s*|\s+", answer)
        max_tokens = request.get("max_tokens")
        if isinstance(max_tokens, int) and 0 < max_tokens < len(pieces):
            pieces = pieces[:max_tokens]
            finish = "length"
        prompt_tokens = sum(len(str(m.get("content", "")).split()) + 4
                            for m in request["messages"] if isinstance(m, dict))
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": len(pieces),
                 "total_tokens": prompt_tokens + len(pieces)}
        model = request.get("model") or "fake"
        created = int(time.time())
        if not stream:
            self.chat_whole(name, "".join(pieces), finish, usage, model, created)
        else:
            include_usage = bool((request.get("stream_options") or {}).get("include_usage"))
            self.chat_stream(name, arg, pieces, finish, usage if include_usage else None,
                             model, created)

    def chat_whole(self, name, text, finish, usage, model, created):
        if name == "fake-malformed":
            self.send_bytes(200, "application/json", b'{"id": "x", "choices": [{"message": ')
            return
        body = {
            "id": "chatcmpl-fake", "object": "chat.completion", "created": created,
            "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                         "finish_reason": finish}],
        }
        if name != "fake-nousage":
            body["usage"] = usage
        data = json.dumps(body).encode()
        if name == "fake-badutf8":
            data = data.replace(b'"content": "', b'"content": "\xff\xfe\xc3(', 1)
        if name == "fake-cut":
            self.send_head(200, "application/json", length=len(data))
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.cut()
            return
        self.send_bytes(200, "application/json", data)

    def chat_stream(self, name, arg, pieces, finish, usage, model, created):
        self.send_head(200, "text/event-stream", chunked=True,
                       extra={"Cache-Control": "no-cache"})

        def event(obj):
            self.write_chunk(b"data: " + json.dumps(obj).encode() + b"\n\n")

        def chunk(delta, finish_reason=None):
            return {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": created,
                    "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}

        event(chunk({"role": "assistant", "content": ""}))
        if name == "fake-stall-first":
            time.sleep(int_arg(arg, 30000) / 1000.0)
        gap = int_arg(arg, 0) / 1000.0 if name == "fake-slow" else 0.0
        half = max(1, len(pieces) // 2)
        for i, piece in enumerate(pieces):
            if i == half and name == "fake-stall-mid":
                time.sleep(int_arg(arg, 30000) / 1000.0)
            if i == half and name == "fake-cut":
                self.cut()
                return
            if i == 1 and name == "fake-malformed":
                self.write_chunk(b'data: {"choices": [{"delta": {"content": "never \n\n')
            if gap:
                time.sleep(gap)
            if name == "fake-badutf8" and i == 0:
                raw = json.dumps(chunk({"content": piece})).encode()
                raw = raw.replace(b'"content": "', b'"content": "\xff\xfe\xc3(', 1)
                self.write_chunk(b"data: " + raw + b"\n\n")
            else:
                event(chunk({"content": piece}))
        if name == "fake-cut" and len(pieces) <= half:
            self.cut()
            return
        event(chunk({}, finish))
        if name == "fake-cut-after-finish":
            self.cut()
            return
        if usage is not None and name != "fake-nousage":
            final = chunk({})
            final["choices"] = []
            final["usage"] = usage
            event(final)
        self.write_chunk(b"data: [DONE]\n\n")
        self.end_chunks()

    # ---- embeddings --------------------------------------------------------------------

    def embeddings(self):
        raw = self.read_body()
        if not self.check_auth():
            return
        try:
            request = json.loads(raw)
            inputs = request.get("input")
            if isinstance(inputs, str):
                inputs = [inputs]
            if not isinstance(inputs, list) or not all(isinstance(t, str) for t in inputs):
                raise ValueError("input must be a string or a list of strings")
        except (ValueError, AttributeError) as error:
            self.send_json(400, {"error": {"message": "bad request: %s" % error}})
            return
        with STATE.lock:
            STATE.embedding_requests += 1
        behaviour, _, calls = self.choose(request)
        name, arg = parse_behaviour(behaviour)
        if self.common_failure(name, arg, calls):
            return
        if name == "fake-stall-first":
            time.sleep(int_arg(arg, 30000) / 1000.0)
        if name == "fake-malformed":
            self.send_bytes(200, "application/json", b'{"data": [{"embedding": [0.1, ')
            return
        dim = int_arg(arg, DEFAULT_DIM) if name == "fake-embed" else DEFAULT_DIM
        if name == "fake-embed-dimchange" and calls > 1:
            dim -= 1
        data = []
        for index, text in enumerate(inputs):
            vector = embedding(text, dim)
            if name == "fake-embed-raw":
                vector = [3.0 * v for v in vector]
            data.append({"object": "embedding", "index": index, "embedding": vector})
        if name == "fake-embed-reversed":
            data.reverse()
        tokens = sum(len(t.split()) for t in inputs)
        self.send_json(200, {"object": "list", "data": data, "model": request.get("model"),
                             "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})

    # ---- /test fixtures ----------------------------------------------------------------

    def test_fixture(self, method, url):
        body = self.read_body()
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        path = url.path
        if path == "/test/echo":
            self.send_json(200, {"method": method, "path": self.path,
                                 "headers": {k: v for k, v in self.headers.items()},
                                 "body": body.decode("utf-8", "replace")})
        elif path == "/test/bytes":
            n = int_arg(query.get("n"), 0)
            mode = query.get("mode", "length")
            piece = max(1, int_arg(query.get("piece"), 4096))
            delay = int_arg(query.get("delay_ms"), 0) / 1000.0
            data = (b"0123456789" * (n // 10 + 1))[:n]
            if mode == "chunked":
                self.send_head(200, "application/octet-stream", chunked=True)
            elif mode == "close":
                self.close_connection = True
                self.send_head(200, "application/octet-stream", extra={"Connection": "close"})
            else:
                self.send_head(200, "application/octet-stream", length=n)
            for start in range(0, n, piece):
                if delay and start:
                    time.sleep(delay)
                part = data[start:start + piece]
                if mode == "chunked":
                    self.write_chunk(part)
                else:
                    self.wfile.write(part)
                    self.wfile.flush()
            if mode == "chunked":
                self.end_chunks()
            elif mode == "close":
                self.cut()
        elif path == "/test/stall-head":
            time.sleep(int_arg(query.get("ms"), 30000) / 1000.0)
            self.send_bytes(200, "text/plain", b"late")
        elif path == "/test/stall-body":
            self.send_head(200, "text/plain", length=20)
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            time.sleep(int_arg(query.get("ms"), 30000) / 1000.0)
            self.wfile.write(b"0123456789")
            self.wfile.flush()
        elif path == "/test/cut":
            self.send_head(200, "text/plain", length=100)
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            self.cut()
        elif path == "/test/garbage":
            self.wfile.write(b"SSH-2.0-OpenSSH_9.2\r\n\x00\x01\x02 not http at all\r\n\r\n")
            self.wfile.flush()
            self.cut()
        else:
            self.send_json(404, {"error": {"message": "no fixture " + path}})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, tls_context, api_key):
        self.tls_context = tls_context
        self.api_key = api_key
        super().__init__(address, Handler)

    def handle_error(self, request, client_address):
        pass  # clients that vanish mid-response are part of the tests, not news

    def finish_request(self, request, client_address):
        # Runs on the request's own thread, so a slow or failing TLS handshake never holds up
        # the accept loop.
        if self.tls_context is not None:
            try:
                request.settimeout(10)
                request = self.tls_context.wrap_socket(request, server_side=True)
                request.settimeout(None)
            except (ssl.SSLError, OSError):
                try:
                    request.close()
                except OSError:
                    pass
                return
        super().finish_request(request, client_address)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--api-key")
    args = parser.parse_args()
    tls_context = None
    if args.tls_cert:
        tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls_context.load_cert_chain(args.tls_cert, args.tls_key)
    server = Server(("127.0.0.1", args.port), tls_context, args.api_key)
    print("PORT %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""A slow OpenAI-compatible LLM for the HTTP benchmarks: asyncio streams, no threads.

Every POST /v1/chat/completions answers with `--tokens` tokens: `--first-ms` after the request
arrives the first one, then one every `--delay-ms`. Streaming requests get the standard SSE
chunks (role chunk at once, one content chunk per token, a finish_reason chunk, a usage chunk
when stream_options.include_usage asks for it, `data: [DONE]`); others get one chat.completion
after the whole generation time. The answer quotes the prompt's first context passage (the
lines after the first line starting with "[1]", as ragd's context builder writes it) word by
word and ends with " [1]", so ragd's citation checks find it supported; without a passage it
repeats "The knowledge base does not say.". One connection holds one request at a time
(keep-alive); a client that goes away ends its generation.

  python3 bench/slow_llm.py [--port 0] [--tokens 20] [--delay-ms 1000] [--first-ms 0]

Prints `PORT <n>` once it listens. GET /stats -> {"requests", "streams_open",
"streams_open_peak", "completed", "client_gone"}; GET /v1/models; POST /stats/reset.
Uses uvloop when importable; raises its own RLIMIT_NOFILE to the hard limit.
"""

import argparse
import asyncio
import json
import resource
import socket
import sys
import time

STATS = {"requests": 0, "streams_open": 0, "streams_open_peak": 0, "completed": 0,
         "client_gone": 0}
NO_ANSWER = "The knowledge base does not say."


def passage_words(messages):
    """Words of the first context passage in the messages (system first), or None."""
    ordered = [m for m in messages if isinstance(m, dict) and m.get("role") == "system"]
    ordered += [m for m in messages if isinstance(m, dict) and m.get("role") != "system"]
    for message in ordered:
        content = message.get("content")
        if not isinstance(content, str):
            continue
        lines = content.splitlines()
        for i, line in enumerate(lines):
            stripped = line.lstrip()
            if not stripped.startswith("[1]"):
                continue
            body = []
            for follow in lines[i + 1:]:
                if not follow.strip() or follow.lstrip().startswith("[2]"):
                    break
                body.append(follow.strip())
            if not body and stripped[3:].strip():
                body = [stripped[3:].strip()]
            words = " ".join(body).split()
            if words:
                return words
    return None


def answer_tokens(messages, count):
    words = passage_words(messages) or NO_ANSWER.split()
    tokens = [(words[i % len(words)] + " ") for i in range(max(1, count))]
    tokens[-1] = tokens[-1].rstrip() + " [1]"
    return tokens


class BadRequest(Exception):
    pass


async def read_request(reader):
    """(method, path, headers, body) or None at a clean end of the connection."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        if error.partial.strip():
            raise BadRequest("truncated head") from None
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(parts)
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0")))
    return method, path, headers, body


def response(status, content_type, body, keep_alive=True):
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}.get(status, "OK")
    head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n"
            f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n")
    return head.encode() + body


def chunk(data):
    return b"%x\r\n%s\r\n" % (len(data), data)


class Server:
    def __init__(self, args):
        self.tokens = args.tokens
        self.delay = args.delay_ms / 1000.0
        self.first = args.first_ms / 1000.0

    async def handle(self, reader, writer):
        try:
            while True:
                try:
                    request = await read_request(reader)
                except (BadRequest, ValueError, asyncio.IncompleteReadError):
                    writer.write(response(400, "application/json", b'{"error":"bad request"}',
                                          False))
                    break
                if request is None:
                    break
                method, path, headers, body = request
                keep = headers.get("connection", "").lower() != "close"
                if not await self.route(method, path.split("?")[0], body, writer, keep):
                    break
                if not keep:
                    break
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def route(self, method, path, body, writer, keep):
        """Answers one request; False when the connection must close."""
        if method == "GET" and path == "/stats":
            writer.write(response(200, "application/json", json.dumps(STATS).encode(), keep))
            return True
        if method == "POST" and path == "/stats/reset":
            STATS.update(requests=0, streams_open_peak=STATS["streams_open"], completed=0,
                         client_gone=0)
            writer.write(response(200, "application/json", b"{}", keep))
            return True
        if method == "GET" and path == "/v1/models":
            models = {"object": "list", "data": [{"id": "slow", "object": "model",
                                                   "created": 0, "owned_by": "bench"}]}
            writer.write(response(200, "application/json", json.dumps(models).encode(), keep))
            return True
        if method != "POST" or path != "/v1/chat/completions":
            writer.write(response(404, "application/json", b'{"error":"not found"}', keep))
            return True
        try:
            request = json.loads(body)
            messages = request["messages"]
        except (ValueError, KeyError, TypeError):
            writer.write(response(400, "application/json", b'{"error":"bad request"}', keep))
            return True
        STATS["requests"] += 1
        tokens = answer_tokens(messages, self.tokens)
        model = str(request.get("model") or "slow")
        usage = {"prompt_tokens": sum(len(str(m.get("content", "")).split()) for m in messages
                                      if isinstance(m, dict)),
                 "completion_tokens": len(tokens)}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        if not request.get("stream"):
            await asyncio.sleep(self.first + self.delay * (len(tokens) - 1))
            whole = {"id": "chatcmpl-slow", "object": "chat.completion",
                     "created": int(time.time()), "model": model,
                     "choices": [{"index": 0, "finish_reason": "stop",
                                  "message": {"role": "assistant", "content": "".join(tokens)}}],
                     "usage": usage}
            writer.write(response(200, "application/json", json.dumps(whole).encode(), keep))
            STATS["completed"] += 1
            return True
        include_usage = bool((request.get("stream_options") or {}).get("include_usage"))
        return await self.stream(writer, tokens, model, usage if include_usage else None)

    async def stream(self, writer, tokens, model, usage):
        created = int(time.time())

        def event(delta, finish=None, choices=True):
            obj = {"id": "chatcmpl-slow", "object": "chat.completion.chunk", "created": created,
                   "model": model,
                   "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            if not choices:
                obj["choices"] = []
                obj["usage"] = usage
            return chunk(b"data: " + json.dumps(obj).encode() + b"\n\n")

        STATS["streams_open"] += 1
        STATS["streams_open_peak"] = max(STATS["streams_open_peak"], STATS["streams_open"])
        try:
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                         b"Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n"
                         + event({"role": "assistant", "content": ""}))
            await writer.drain()
            for i, token in enumerate(tokens):
                await asyncio.sleep(self.first if i == 0 else self.delay)
                if writer.is_closing():
                    raise ConnectionResetError
                writer.write(event({"content": token}))
                await writer.drain()
            tail = event({}, "stop")
            if usage is not None:
                tail += event({}, choices=False)
            writer.write(tail + chunk(b"data: [DONE]\n\n") + b"0\r\n\r\n")
            await writer.drain()
            STATS["completed"] += 1
            return True
        except (ConnectionError, asyncio.CancelledError):
            STATS["client_gone"] += 1
            return False
        finally:
            STATS["streams_open"] -= 1


async def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tokens", type=int, default=20)
    parser.add_argument("--delay-ms", type=float, default=1000.0)
    parser.add_argument("--first-ms", type=float, default=0.0)
    args = parser.parse_args()
    server = Server(args)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(65535)
    listener = await asyncio.start_server(server.handle, sock=sock, backlog=65535)
    print("PORT %d" % sock.getsockname()[1], flush=True)
    async with listener:
        await listener.serve_forever()


def run():
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        import uvloop  # noqa: PLC0415  (optional: the benchmark venv has it)
        runner = uvloop.run
    except ImportError:
        runner = asyncio.run
    try:
        runner(main())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(run())

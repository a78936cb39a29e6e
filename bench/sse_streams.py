#!/usr/bin/env python3
"""Many concurrent SSE chat streams held open against `ragd serve` (bench/sse_streams.sh).

Opens --streams POST /v1/chat {"message": <query>, "stream": true, "cache": "bypass"} requests,
each on its own connection (raw asyncio streams, HTTP/1.1; uvloop when importable), at most
--connecting of them between connect() and the response head at a time, and reads every
stream to its end. A stream counts as completed when its status is 200, its first event is
`sources`, it carries no `error` event and its last event is `done`; anything else is counted
by kind. While the streams run it samples the server's resident memory (VmRSS of --pid,
every 100 ms; the kernel's own peak VmHWM at the end) and its open descriptors (every second),
and how many streams are open at once (response head received, end not yet).

  python3 bench/sse_streams.py --url http://127.0.0.1:PORT --streams 10000 --pid PID \
      --queries ../shared/data/beir/scifact/queries.jsonl [--collection NAME] [--llm-stats URL]

Prints one JSON object. Raises its own RLIMIT_NOFILE to the hard limit. The module also holds
the small HTTP/SSE client bench/ttft_overhead.py uses (sse_request).
"""

import argparse
import asyncio
import collections
import json
import os
import resource
import sys
import time
from urllib.parse import urlsplit


class HttpError(Exception):
    pass


async def _body_pieces(reader, headers):
    """Yields the response body as it arrives: chunked, Content-Length or until close."""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        while True:
            line = await reader.readuntil(b"\r\n")
            size = int(line.split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return
            yield await reader.readexactly(size)
            await reader.readexactly(2)
    elif "content-length" in headers:
        left = int(headers["content-length"])
        while left > 0:
            piece = await reader.read(min(left, 65536))
            if not piece:
                raise HttpError("body cut short")
            left -= len(piece)
            yield piece
    else:
        while True:
            piece = await reader.read(65536)
            if not piece:
                return
            yield piece


def _parse_event(block):
    name, data = "message", []
    for line in block.split("\n"):
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)
    return name, "\n".join(data)


async def sse_request(host, port, path, body, on_event=None, extra_headers=None):
    """POSTs a JSON body and reads the whole response; calls on_event(name, data, t) per SSE event
    as it arrives (t: time.perf_counter()). Returns (status, events [(name, data)], raw body
    when the response is not an event stream)."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        head = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                f"Content-Type: application/json\r\nAccept: text/event-stream\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n")
        for name, value in (extra_headers or {}).items():
            head += f"{name}: {value}\r\n"
        writer.write(head.encode() + b"\r\n" + body)
        await writer.drain()
        status_line = await reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        headers = {}
        while True:
            line = await reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        events, pending, raw = [], "", []
        is_sse = headers.get("content-type", "").startswith("text/event-stream")
        async for piece in _body_pieces(reader, headers):
            if not is_sse:
                raw.append(piece)
                continue
            pending += piece.decode("utf-8").replace("\r\n", "\n")
            while "\n\n" in pending:
                block, pending = pending.split("\n\n", 1)
                if not block.strip():
                    continue
                event = _parse_event(block)
                events.append(event)
                if on_event is not None:
                    on_event(event[0], event[1], time.perf_counter())
        return status, events, b"".join(raw)
    finally:
        writer.close()


def percentile(values, p):
    values = sorted(values)
    if not values:
        return None
    return values[max(0, min(len(values) - 1, -(-p * len(values) // 100) - 1))]


def read_status(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


async def http_get_json(url):
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(f"GET {parts.path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    data = await reader.read()
    writer.close()
    return json.loads(data.split(b"\r\n\r\n", 1)[1])


async def run(args):
    parts = urlsplit(args.url)
    host, port = parts.hostname, parts.port
    queries = [json.loads(line)["text"] for line in open(args.queries) if line.strip()]
    connecting = asyncio.Semaphore(args.connecting)
    errors = collections.Counter()
    state = {"open": 0, "open_peak": 0, "completed": 0, "rss_peak": 0, "fds_peak": 0}
    durations, first_events = [], []
    done_flag = asyncio.Event()

    async def one(i):
        message = queries[i % len(queries)]
        if i >= len(queries):
            message += f" ({i // len(queries)})"  # distinct questions
        body = {"message": message, "stream": True, "cache": "bypass"}
        if args.collection:
            body["collection"] = args.collection
        started = time.perf_counter()
        opened = False
        first = []

        def on_event(name, _data, t):
            nonlocal opened
            if not first:
                first.append(t)
                # The first event is the response's start: the stream counts as open from here.
                opened = True
                state["open"] += 1
                state["open_peak"] = max(state["open_peak"], state["open"])
                connecting.release()

        await connecting.acquire()
        try:
            status, events, raw = await asyncio.wait_for(
                sse_request(host, port, "/v1/chat", json.dumps(body).encode(), on_event),
                args.timeout)
            names = [name for name, _ in events]
            if status != 200:
                errors[f"status {status}: {raw[:120].decode('utf-8', 'replace')}"] += 1
            elif "error" in names:
                data = events[names.index("error")][1]
                errors[f"error event: {data[:120]}"] += 1
            elif not names or names[0] != "sources":
                errors[f"first event {names[:1]}"] += 1
            elif names[-1] != "done":
                errors[f"last event {names[-1:]}"] += 1
            else:
                state["completed"] += 1
                durations.append(time.perf_counter() - started)
                first_events.append(first[0] - started)
        except asyncio.TimeoutError:
            errors["timeout"] += 1
        except (OSError, HttpError, asyncio.IncompleteReadError, ValueError) as error:
            errors[f"{type(error).__name__}: {str(error)[:80]}"] += 1
        finally:
            if opened:
                state["open"] -= 1
            else:
                connecting.release()

    async def sample():
        last_fds = 0.0
        while not done_flag.is_set():
            rss = read_status(args.pid, "VmRSS") if args.pid else None
            if rss:
                state["rss_peak"] = max(state["rss_peak"], rss)
            now = time.monotonic()
            if args.pid and now - last_fds >= 1.0:
                last_fds = now
                try:
                    state["fds_peak"] = max(state["fds_peak"], len(os.listdir(f"/proc/{args.pid}/fd")))
                except OSError:
                    pass
            await asyncio.sleep(0.1)

    async def progress():
        while not done_flag.is_set():
            await asyncio.sleep(5)
            print(f"  t={time.perf_counter() - t0:5.1f}s open {state['open']} completed "
                  f"{state['completed']} errors {sum(errors.values())} rss "
                  f"{state['rss_peak'] / 2**20:.0f} MiB", file=sys.stderr, flush=True)

    rss_before = read_status(args.pid, "VmRSS") if args.pid else None
    t0 = time.perf_counter()
    sampler = asyncio.create_task(sample())
    reporter = asyncio.create_task(progress())
    await asyncio.gather(*(one(i) for i in range(args.streams)))
    wall = time.perf_counter() - t0
    done_flag.set()
    await sampler
    reporter.cancel()
    result = {
        "streams": args.streams, "completed": state["completed"],
        "errors": sum(errors.values()), "error_kinds": dict(errors.most_common(10)),
        "open_peak": state["open_peak"], "wall_s": round(wall, 2),
        "server_rss_before_mib": round(rss_before / 2**20, 1) if rss_before else None,
        "server_rss_peak_mib": round(state["rss_peak"] / 2**20, 1) if args.pid else None,
        "server_vmhwm_mib": (round(read_status(args.pid, "VmHWM") / 2**20, 1)
                             if args.pid and read_status(args.pid, "VmHWM") else None),
        "server_fds_peak": state["fds_peak"] if args.pid else None,
        "stream_s_p50": round(percentile(durations, 50), 2) if durations else None,
        "stream_s_max": round(max(durations), 2) if durations else None,
        "first_event_ms_p50": round(percentile(first_events, 50) * 1000, 1) if first_events else None,
        "first_event_ms_p99": round(percentile(first_events, 99) * 1000, 1) if first_events else None,
    }
    if args.llm_stats:
        result["llm"] = await http_get_json(args.llm_stats)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--streams", type=int, default=10000)
    parser.add_argument("--connecting", type=int, default=256)
    parser.add_argument("--pid", type=int)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--collection")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--llm-stats", help="the slow LLM's /stats URL, read at the end")
    args = parser.parse_args()
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if args.streams + 100 > hard:
        sys.exit(f"RLIMIT_NOFILE hard limit {hard} is too low for {args.streams} streams")
    try:
        import uvloop  # noqa: PLC0415  (optional)
        runner = uvloop.run
    except ImportError:
        runner = asyncio.run
    print(json.dumps(runner(run(args))))


if __name__ == "__main__":
    main()

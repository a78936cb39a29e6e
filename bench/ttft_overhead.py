#!/usr/bin/env python3
"""Server overhead added to the upstream LLM's time to first token (bench/ttft_overhead.sh).

The same streaming question goes to the test LLM (bench/slow_llm.py, first token after a fixed
delay) directly and through the servers, and the time from sending the request (connect
included, one connection per request everywhere) to the first token is measured:

  direct        POST LLM /v1/chat/completions (stream): first chunk with non-empty content
  ragd-chat     POST ragd /v1/chat {"stream": true, "cache": "bypass"}: first `delta` event
  ragd-openai   POST ragd /v1/chat/completions (stream): first chunk with non-empty content
  peer-chat     POST peer /v1/chat {"stream": true}: first `delta` event (FastAPI peer)

Overhead of a path = its TTFT percentile minus the direct path's same percentile (p50, p99).
Requests alternate between the paths in blocks (a noisy moment hits all of them alike); every
question is distinct (a counter is appended), so no response cache can answer.

  python3 bench/ttft_overhead.py --llm URL --ragd URL [--peer URL] --queries FILE \
      [--collection NAME] [--n 200] [--concurrency 1,8] [--block 20]

Prints one JSON object per concurrency level.
"""

import argparse
import asyncio
import itertools
import json
import os
import sys
import time
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sse_streams import percentile, sse_request  # noqa: E402


def openai_first_token(name, data):
    if name != "message" or not data.startswith("{"):
        return False
    for choice in json.loads(data).get("choices", []):
        if (choice.get("delta") or {}).get("content"):
            return True
    return False


def ragd_first_token(name, _data):
    return name == "delta"


class Path:
    def __init__(self, label, url, path, make_body, first_token):
        parts = urlsplit(url)
        self.label, self.host, self.port = label, parts.hostname, parts.port
        self.path, self.make_body, self.first_token = path, make_body, first_token
        self.ttft, self.failures = [], []

    async def once(self, question):
        started = time.perf_counter()
        first = []

        def on_event(name, data, t):
            if not first and self.first_token(name, data):
                first.append(t)

        try:
            status, events, raw = await sse_request(
                self.host, self.port, self.path, json.dumps(self.make_body(question)).encode(),
                on_event)
        except (OSError, ValueError, asyncio.IncompleteReadError) as error:
            self.failures.append(f"{type(error).__name__}: {error}")
            return
        names = [n for n, _ in events]
        if status != 200 or not first or "error" in names:
            self.failures.append(f"status {status}, events {names[:3]}..{names[-2:]} "
                                 f"{raw[:200]!r}")
            return
        self.ttft.append((first[0] - started) * 1000)


def make_paths(args):
    direct_system = ("Answer from the passages.\n\n[1] SciFact\n"
                     "Passage text standing in for ragd's context, quoted word by word.")

    def direct_body(q):
        return {"model": "slow", "stream": True,
                "messages": [{"role": "system", "content": direct_system},
                             {"role": "user", "content": q}]}

    def chat_body(q):
        body = {"message": q, "stream": True, "cache": "bypass"}
        if args.collection:
            body["collection"] = args.collection
        return body

    def openai_body(q):
        return {"model": args.collection or "ragd", "stream": True,
                "messages": [{"role": "user", "content": q}]}

    def peer_body(q):
        return {"message": q, "stream": True, "cache": "bypass"}

    paths = [Path("direct", args.llm, "/v1/chat/completions", direct_body, openai_first_token)]
    if args.ragd:
        paths.append(Path("ragd-chat", args.ragd, "/v1/chat", chat_body, ragd_first_token))
        paths.append(Path("ragd-openai", args.ragd, "/v1/chat/completions", openai_body,
                          openai_first_token))
    if args.peer:
        paths.append(Path("peer-chat", args.peer, "/v1/chat", peer_body, ragd_first_token))
    return paths


async def run_level(args, concurrency, questions):
    paths = make_paths(args)
    counter = itertools.count()

    async def block(path, size):
        todo = iter(range(size))

        async def worker():
            for _ in todo:
                i = next(counter)
                await path.once(f"{questions[i % len(questions)]} (q{i})")

        await asyncio.gather(*(worker() for _ in range(concurrency)))

    # Warm-up: a few requests per path (connections, caches of the OS and the servers).
    for path in paths:
        await block(path, 2 * concurrency)
        path.ttft.clear()
        path.failures.clear()
    done = 0
    while done < args.n:
        size = min(args.block, args.n - done)
        for path in paths:
            await block(path, size)
        done += size
    direct = paths[0].ttft
    out = {"concurrency": concurrency, "n": args.n, "paths": {}}
    for path in paths:
        row = {"ok": len(path.ttft), "failures": len(path.failures)}
        if path.failures:
            row["first_failure"] = path.failures[0][:300]
        if path.ttft:
            for p in (50, 99):
                row[f"ttft_p{p}_ms"] = round(percentile(path.ttft, p), 3)
                if path is not paths[0] and direct:
                    row[f"overhead_p{p}_ms"] = round(percentile(path.ttft, p)
                                                     - percentile(direct, p), 3)
        out["paths"][path.label] = row
    return out


async def main_async(args):
    questions = [json.loads(line)["text"] for line in open(args.queries) if line.strip()]
    for level in [int(c) for c in args.concurrency.split(",")]:
        print(json.dumps(await run_level(args, level, questions)), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--llm", required=True)
    parser.add_argument("--ragd")
    parser.add_argument("--peer")
    parser.add_argument("--queries", required=True)
    parser.add_argument("--collection")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--concurrency", default="1,8")
    parser.add_argument("--block", type=int, default=20)
    args = parser.parse_args()
    try:
        import uvloop  # noqa: PLC0415  (optional)
        runner = uvloop.run
    except ImportError:
        runner = asyncio.run
    runner(main_async(args))


if __name__ == "__main__":
    main()

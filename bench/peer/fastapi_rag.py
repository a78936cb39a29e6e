"""The Python peer of bench/http_api.sh: a minimal RAG service on FastAPI + uvicorn.

It serves ragd's own chunks (read from a ragd data folder's ragd.db, read-only), so both
servers search the same passages:

  GET  /health/live  -> {"status": "ok"}
  POST /v1/search    {query, k (1..100, 10), mode, collection} -> {"results": [{rank,
                     chunk_id, document, title, section, score, text, span}], "strategy",
                     "took_ms"}; BM25 (bm25s, k1 1.2, b 0.75, English stemmer and stopwords)
                     over title + section + chunk text, as ragd's lexical index sees them
  POST /v1/chat      {message, stream, ...}: retrieval as above, then the upstream LLM
                     (OpenAI-compatible, streamed through httpx) -> SSE `sources`, `delta`
                     per upstream token, `done`; the overhead peer of bench/ttft_overhead.py

Settings (environment): PEER_DB (path to ragd.db), PEER_COLLECTION (default "default"),
PEER_LLM (base URL of the LLM, for /v1/chat), PEER_LLM_MODEL. Run it as ragd is run in the
benchmark, one process per core:

  uvicorn fastapi_rag:app --app-dir bench/peer --workers 2 --loop uvloop --http httptools
"""

import contextlib
import json
import os
import sqlite3
import time
from typing import Literal, Optional

import bm25s
import httpx
import orjson
import Stemmer
from fastapi import FastAPI
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field


def load_chunks(db_path, collection):
    """(rows, texts): every chunk of the collection with its document's key and title."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    rows = db.execute(
        'SELECT c.id, d.key, d.title, c.section_path, c.text, c."begin", c."end" '
        "FROM chunks c JOIN documents d ON d.id = c.document_id "
        "JOIN collections col ON col.id = d.collection_id WHERE col.name = ? ORDER BY c.id",
        (collection,),
    ).fetchall()
    db.close()
    if not rows:
        raise SystemExit(f"no chunks in collection {collection!r} of {db_path}")
    texts = [f"{title} {section} {text}" for _, _, title, section, text, _, _ in rows]
    return rows, texts


STEMMER = Stemmer.Stemmer("english")
ROWS, TEXTS = load_chunks(os.environ["PEER_DB"], os.environ.get("PEER_COLLECTION", "default"))
RETRIEVER = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
RETRIEVER.index(bm25s.tokenize(TEXTS, stopwords="en", stemmer=STEMMER, show_progress=False),
                show_progress=False)
VOCAB = RETRIEVER.vocab_dict
LLM = os.environ.get("PEER_LLM", "").rstrip("/")
LLM_MODEL = os.environ.get("PEER_LLM_MODEL", "test")

client: Optional[httpx.AsyncClient] = None


@contextlib.asynccontextmanager
async def lifespan(_app):
    global client
    client = httpx.AsyncClient(timeout=60.0, limits=httpx.Limits(max_connections=None,
                                                                  max_keepalive_connections=256))
    yield
    await client.aclose()


app = FastAPI(lifespan=lifespan)


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    query: str = Field(min_length=1)
    collection: Optional[str] = None
    k: int = Field(default=10, ge=1, le=100)
    mode: Literal["auto", "lexical", "dense", "hybrid"] = "auto"


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    message: str = Field(min_length=1)
    collection: Optional[str] = None
    stream: bool = False
    cache: Literal["use", "bypass"] = "use"
    max_tokens: int = Field(default=512, ge=50, le=2000)


def search(query, k):
    tokens = bm25s.tokenize([query], stopwords="en", stemmer=STEMMER, return_ids=False,
                            show_progress=False)[0]
    known = [t for t in tokens if t in VOCAB]
    if not known:
        return []
    idx, scores = RETRIEVER.retrieve([known], k=k, n_threads=1, show_progress=False)
    results = []
    for rank, (i, score) in enumerate(zip(idx[0].tolist(), scores[0].tolist()), start=1):
        if score <= 0:
            break
        chunk_id, key, title, section, text, begin, end = ROWS[i]
        results.append({"rank": rank, "chunk_id": chunk_id, "document": key, "title": title,
                        "section": section, "score": score, "text": text,
                        "span": {"begin": begin, "end": end}})
    return results


def json_response(value, status=200):
    return Response(orjson.dumps(value), status_code=status, media_type="application/json")


@app.get("/health/live")
async def live():
    return json_response({"status": "ok"})


@app.post("/v1/search")
async def search_route(request: SearchRequest):
    started = time.perf_counter()
    results = search(request.query, request.k)
    return json_response({"results": results, "strategy": "lexical",
                          "took_ms": round((time.perf_counter() - started) * 1000, 3)})


def sse(event, data):
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


@app.post("/v1/chat")
async def chat_route(request: ChatRequest):
    passages = search(request.message, 5)
    context = "\n\n".join(f"[{n}] {p['title']}\n{p['text']}" for n, p in enumerate(passages, 1))
    body = {"model": LLM_MODEL, "stream": True, "max_tokens": request.max_tokens,
            "messages": [{"role": "system", "content": "Answer from the passages.\n\n" + context},
                         {"role": "user", "content": request.message}]}
    sources = {"passages": [{"number": n, "document": p["document"], "chunk_id": p["chunk_id"],
                             "title": p["title"], "section": p["section"]}
                            for n, p in enumerate(passages, 1)]}

    async def events():
        yield sse("sources", sources)
        answer = []
        async with client.stream("POST", LLM + "/v1/chat/completions", json=body) as upstream:
            async for line in upstream.aiter_lines():
                if not line.startswith("data: ") or line == "data: [DONE]":
                    continue
                for choice in json.loads(line[6:]).get("choices", []):
                    text = (choice.get("delta") or {}).get("content")
                    if text:
                        answer.append(text)
                        yield sse("delta", {"text": text})
        yield sse("done", {"strategy": "llm", "model": LLM_MODEL,
                           "usage": {"completion_tokens": len(answer)}})

    if not request.stream:
        return json_response({"code": "bad_request", "message": "the peer only streams"}, 400)
    return StreamingResponse(events(), media_type="text/event-stream")


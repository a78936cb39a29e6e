"""bm25s peer: BM25 (Lucene variant) in NumPy sparse matrices, with PyStemmer's English
stemmer and bm25s's English stopwords. Prints one JSON object.

  python bench/peers/bm25s_bench.py DATASET_DIR [--k 100] [--k1 0.9] [--b 0.4]

Index time covers tokenising the corpus and building the index (one thread). Queries run
one at a time (tokenise + retrieve with n_threads=1), after warm-up passes.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset")
    parser.add_argument("--k", type=int, default=100)
    parser.add_argument("--k1", type=float, default=0.9)
    parser.add_argument("--b", type=float, default=0.4)
    parser.add_argument("--warmup-passes", type=int, default=3)
    args = parser.parse_args()

    doc_ids, texts = [], []
    for doc_id, title, text in common.load_corpus(args.dataset):
        doc_ids.append(doc_id)
        texts.append(f"{title} {text}")
    qrels = common.load_qrels(args.dataset)
    queries = common.load_queries(args.dataset, qrels)

    stemmer = Stemmer.Stemmer("english")
    start = time.perf_counter()
    corpus_tokens = bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)
    retriever = bm25s.BM25(method="lucene", k1=args.k1, b=args.b)
    retriever.index(corpus_tokens, show_progress=False)
    index_seconds = time.perf_counter() - start
    k = min(args.k, len(doc_ids))

    def search_one(text):
        tokens = bm25s.tokenize(
            [text], stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False
        )
        known = [[t for t in tokens[0] if t in retriever.vocab_dict]]
        if not known[0]:
            return {}
        idx, scores = retriever.retrieve(known, k=k, n_threads=1, show_progress=False)
        return {doc_ids[i]: float(s) for i, s in zip(idx[0], scores[0]) if s > 0}

    run, timing = common.timed_passes(queries, search_one, args.warmup_passes)
    quality = common.score_run(run, qrels)
    out = common.report(
        f"bm25s-{bm25s.__version__}", args.dataset, len(doc_ids), index_seconds, quality, timing,
        config=f"PyStemmer english, stopwords en, BM25 lucene (k1={args.k1},b={args.b})",
        k=args.k, numpy=np.__version__,
    )
    print(json.dumps(out))


if __name__ == "__main__":
    main()

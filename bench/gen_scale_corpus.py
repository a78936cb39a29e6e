"""Generates a BEIR-format corpus for scale benchmarks, statistically shaped like SciFact.

  python bench/gen_scale_corpus.py OUT_DIR [--docs 1000000] [--queries 1000] [--seed 42]
                                   [--source ../shared/data/beir/scifact]

What is realistic about it, and how:
  - vocabulary: SciFact's own words (title + text, lowercased [a-z0-9]+ runs), ranked by
    frequency, extended with derived words (a real word plus a suffix such as "-ase",
    "-ogen") so the number of distinct terms grows with the corpus as Heaps' law says
    (V ~ V_scifact * sqrt(tokens / tokens_scifact)) instead of stopping at SciFact's size;
  - term frequencies: SciFact's own relative frequencies for its words seen >= 5 times (the
    head, including stopwords, exactly as in the source), continued by a Zipf tail
    p(rank) ~ rank^-s over the rarer and derived words, s fitted by least squares to
    SciFact's rank-frequency curve between rank 100 and the last word seen >= 5 times;
  - document lengths: each chunk takes the (title, text) token lengths of a SciFact document
    drawn at random, so the length distribution is SciFact's;
  - queries: 2-5 distinct terms drawn with the same weights but restricted to ranks
    100..50,000 (no stopword-like head, no hapax tail), as real keyword queries are;
  - judgements: each query gets one planted relevant chunk (its terms are inserted into that
    chunk's text), written to qrels/test.tsv, so `ragd eval beir OUT_DIR` and the peers run
    on it unchanged and report a sanity-level quality figure alongside the timings.

Output: OUT_DIR/corpus.jsonl ({"_id": "d0000000", "title", "text"}), queries.jsonl,
qrels/test.tsv and generation.json (the parameters). Deterministic for a given seed and
source; streamed in batches, so memory stays flat whatever --docs is.
"""

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

WORD = re.compile(r"[a-z0-9]+")
SUFFIXES = ["ase", "ine", "ol", "ide", "in", "ogen", "itis", "oma", "ate", "ic", "osis", "yl"]
QUERY_RANKS = (100, 50_000)
RELIABLE_COUNT = 5
TAIL_FIT_FROM_RANK = 100
BATCH = 10_000


def source_statistics(source):
    """Word counts and per-document (title, text) token lengths of a BEIR corpus."""
    counts, lengths = Counter(), []
    with open(Path(source) / "corpus.jsonl", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            doc = json.loads(line)
            title = WORD.findall((doc.get("title") or "").lower())
            text = WORD.findall((doc.get("text") or "").lower())
            counts.update(title)
            counts.update(text)
            lengths.append((len(title), len(text)))
    if not counts:
        sys.exit(f"no words in {source}/corpus.jsonl")
    return counts, np.array(lengths, dtype=np.int64)


def fit_zipf_exponent(sorted_counts):
    reliable = sorted_counts[sorted_counts >= RELIABLE_COUNT]
    first = TAIL_FIT_FROM_RANK if len(reliable) > 2 * TAIL_FIT_FROM_RANK else 0
    if len(reliable) - first < 10:
        return 1.0
    ranks = np.arange(first + 1, len(reliable) + 1, dtype=np.float64)
    slope, _ = np.polyfit(np.log(ranks), np.log(reliable[first:].astype(np.float64)), 1)
    return float(-slope)


def term_weights(sorted_counts, vocab_size, s):
    """Empirical head (words seen >= RELIABLE_COUNT times), Zipf tail continuing from it."""
    head = int((sorted_counts >= RELIABLE_COUNT).sum()) or 1
    weights = np.empty(vocab_size, dtype=np.float64)
    weights[:head] = sorted_counts[:head]
    tail_ranks = np.arange(head + 1, vocab_size + 1, dtype=np.float64)
    weights[head:] = sorted_counts[head - 1] * (tail_ranks / head) ** -s
    return weights


def build_vocabulary(real_words, size):
    """The real words in rank order, then derived words until `size` terms exist."""
    vocab = list(real_words)
    seen = set(vocab)
    j = 0
    while len(vocab) < size:
        base = real_words[j % len(real_words)]
        round_ = j // len(real_words)
        word = base + SUFFIXES[round_ % len(SUFFIXES)]
        if round_ >= len(SUFFIXES):
            word += str(round_ // len(SUFFIXES))
        if word not in seen:
            seen.add(word)
            vocab.append(word)
        j += 1
    return np.array(vocab, dtype=object)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir")
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    default_source = Path(__file__).resolve().parents[2] / "shared" / "data" / "beir" / "scifact"
    parser.add_argument("--source", default=str(default_source))
    args = parser.parse_args()
    if args.docs < 1 or args.queries < 0 or args.queries > args.docs:
        sys.exit("need --docs >= 1 and 0 <= --queries <= --docs")

    started = time.perf_counter()
    rng = np.random.Generator(np.random.PCG64(args.seed))
    counts, lengths = source_statistics(args.source)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    real_words = [w for w, _ in ranked]
    sorted_counts = np.array([c for _, c in ranked], dtype=np.int64)
    s = fit_zipf_exponent(sorted_counts)

    source_tokens = int(lengths.sum())
    mean_tokens = lengths.sum(axis=1).mean()
    target_tokens = mean_tokens * args.docs
    vocab_size = max(len(real_words), int(len(real_words) * np.sqrt(target_tokens / source_tokens)))
    vocab = build_vocabulary(real_words, vocab_size)
    weights = term_weights(sorted_counts, vocab_size, s)
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]

    def sample_terms(n):
        return np.searchsorted(cdf, rng.random(n), side="right").clip(0, vocab_size - 1)

    out = Path(args.out_dir)
    (out / "qrels").mkdir(parents=True, exist_ok=True)

    # Queries first: their planted relevant chunks are written while streaming the corpus.
    lo, hi = QUERY_RANKS[0], min(QUERY_RANKS[1], vocab_size)
    if hi - lo < 5:
        lo, hi = 0, vocab_size
    q_weights = weights[lo:hi] / weights[lo:hi].sum()
    targets = np.sort(rng.choice(args.docs, size=args.queries, replace=False))
    planted = {}
    with open(out / "queries.jsonl", "w", encoding="utf-8") as qf, \
            open(out / "qrels" / "test.tsv", "w", encoding="utf-8") as rf:
        rf.write("query-id\tcorpus-id\tscore\n")
        for i, target in enumerate(targets):
            n_terms = int(rng.integers(2, 6))
            terms = vocab[lo + rng.choice(hi - lo, size=n_terms, replace=False, p=q_weights)]
            qid, doc_id = f"q{i:05d}", f"d{int(target):07d}"
            qf.write(json.dumps({"_id": qid, "text": " ".join(terms)}) + "\n")
            rf.write(f"{qid}\t{doc_id}\t1\n")
            planted[int(target)] = list(terms)

    written_tokens = 0
    with open(out / "corpus.jsonl", "w", encoding="utf-8") as cf:
        for start in range(0, args.docs, BATCH):
            n = min(BATCH, args.docs - start)
            shape = lengths[rng.integers(0, len(lengths), size=n)]
            title_len, text_len = shape[:, 0], shape[:, 1]
            words = vocab[sample_terms(int(shape.sum()))].tolist()
            pos, lines = 0, []
            for d in range(n):
                title = words[pos:pos + title_len[d]]
                pos += title_len[d]
                text = words[pos:pos + text_len[d]]
                pos += text_len[d]
                index = start + d
                if index in planted:
                    for term in planted[index]:
                        text.insert(int(rng.integers(0, len(text) + 1)), term)
                written_tokens += len(title) + len(text)
                lines.append(json.dumps({"_id": f"d{index:07d}", "title": " ".join(title),
                                         "text": " ".join(text)}))
            cf.write("\n".join(lines) + "\n")
            print(f"\r{start + n}/{args.docs} chunks", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)

    manifest = {
        "docs": args.docs, "queries": args.queries, "seed": args.seed,
        "source": str(Path(args.source).resolve()), "zipf_exponent": s,
        "source_vocabulary": len(real_words), "vocabulary": vocab_size,
        "source_tokens": source_tokens, "tokens": written_tokens,
        "mean_tokens_per_chunk": written_tokens / args.docs,
        "query_term_ranks": [lo, hi], "seconds": time.perf_counter() - started,
    }
    (out / "generation.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(manifest))


if __name__ == "__main__":
    main()

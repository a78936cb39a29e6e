#!/usr/bin/env python3
"""sentence-transformers side of bench/encoder_bench.sh: encodes the passages of a JSONL file
({"text": ...} per line) with a local model folder on N torch threads and prints one JSON line
with passages/s (encoding only: model load and a warm-up batch are not timed).

    st_encode_bench.py PASSAGES.jsonl MODEL_DIR [--threads 2] [--max-length 256]
        [--batch-size 32] [--save VECTORS.npy]
"""
import argparse
import json
import resource
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("passages")
    parser.add_argument("model_dir")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--save")
    args = parser.parse_args()

    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    with open(args.passages, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    model = SentenceTransformer(args.model_dir, device="cpu")
    model.max_seq_length = args.max_length
    model.eval()
    with torch.inference_mode():
        model.encode(texts[: args.batch_size], batch_size=args.batch_size,
                     show_progress_bar=False)  # warm-up: oneDNN primitive creation
        start = time.perf_counter()
        vectors = model.encode(texts, batch_size=args.batch_size, convert_to_numpy=True,
                               show_progress_bar=False)
        seconds = time.perf_counter() - start
    if args.save:
        np.save(args.save, vectors.astype(np.float32))
    print(json.dumps({
        "system": "sentence-transformers",
        "versions": {"sentence_transformers": __import__("sentence_transformers").__version__,
                     "torch": torch.__version__},
        "threads": args.threads,
        "passages": len(texts),
        "seconds": seconds,
        "passages_per_second": len(texts) / seconds,
        "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    sys.exit(main())

"""Synthetic embedding-like vectors for the vector-search benchmark (no real embeddings of
1M passages exist here). A mixture of CLUSTERS Gaussian clusters on the unit sphere:

- every vector shares a common direction (weight 0.45), as sentence embeddings do (random
  MiniLM pairs have cosine ~0.1-0.2, not 0);
- cluster centres vary in a 64-dimensional latent subspace of the 384 dimensions;
- points spread around their centre along 24 cluster-specific directions with decaying
  scales (anisotropic, low intrinsic dimension), plus small isotropic noise; then normalised.

Queries come from the same mixture with a different seed, so none is in the base set.
Ground truth: exact inner-product top-10 by brute force (float32 matrix products).

  gen_vectors.py OUT_DIR --n 1000000 --queries 1000 --dim 384
Writes base.f32, queries.f32 (row-major float32), truth.i32 (queries x 10 row ids), meta.json.
"""
import argparse
import json
import os
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--clusters", type=int, default=3000)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    d, C, latent, local = args.dim, args.clusters, 64, 24
    rng = np.random.default_rng(12345)
    common = rng.standard_normal(d).astype(np.float32)
    common /= np.linalg.norm(common)
    A = rng.standard_normal((latent, d)).astype(np.float32) / np.sqrt(latent)
    centres = 0.45 * common + rng.standard_normal((C, latent)).astype(np.float32) @ A
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    bases = rng.standard_normal((C, local, d)).astype(np.float32) / np.sqrt(d)
    scales = (0.9 * 0.88 ** np.arange(local)).astype(np.float32)
    weights = rng.dirichlet(np.full(C, 2.0))

    def sample(n, seed):
        r = np.random.default_rng(seed)
        cl = r.choice(C, size=n, p=weights)
        w = r.standard_normal((n, local)).astype(np.float32) * scales
        out = r.standard_normal((n, d)).astype(np.float32) * 0.02
        order = np.argsort(cl, kind="stable")
        bounds = np.searchsorted(cl[order], np.arange(C + 1))
        for c in range(C):
            rows = order[bounds[c]:bounds[c + 1]]
            if rows.size:
                out[rows] += centres[c] + w[rows] @ bases[c]
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out

    t = time.time()
    base = sample(args.n, 1)
    queries = sample(args.queries, 2)
    base.tofile(os.path.join(args.out, "base.f32"))
    queries.tofile(os.path.join(args.out, "queries.f32"))
    best = np.full((args.queries, 10), -np.inf, dtype=np.float32)
    ids = np.zeros((args.queries, 10), dtype=np.int64)
    for s in range(0, args.n, 100_000):
        sims = queries @ base[s:s + 100_000].T
        cand = np.concatenate([best, sims], axis=1)
        cand_ids = np.concatenate([ids, np.arange(s, s + sims.shape[1])[None, :].repeat(args.queries, 0)], axis=1)
        top = np.argpartition(-cand, 10, axis=1)[:, :10]
        best = np.take_along_axis(cand, top, 1)
        ids = np.take_along_axis(cand_ids, top, 1)
    order = np.argsort(-best, axis=1)
    ids = np.take_along_axis(ids, order, 1)
    ids.astype(np.int32).tofile(os.path.join(args.out, "truth.i32"))
    sims = (queries @ base[ids[:, 0]].T).diagonal()
    json.dump({"n": args.n, "queries": args.queries, "dim": d, "clusters": C,
               "latent_dim": latent, "cluster_dim": local, "seconds": time.time() - t,
               "mean_top1_cosine": float(sims.mean())},
              open(os.path.join(args.out, "meta.json"), "w"), indent=1)


if __name__ == "__main__":
    main()

"""hnswlib peer for the vector-search benchmark (bench/vector_bench.sh): the same data,
queries and ground truth as ragd's run, the same M and efConstruction; inner-product
space. Build uses THREADS threads; search runs one query at a time on one thread
(set_num_threads(1)), each timed on its own with perf_counter (the Python call overhead,
a few microseconds, is included).

  hnswlib_bench.py DATA INDEX_PATH M EFC THREADS EF1,EF2,...   -> one JSON line per ef
"""
import json
import os
import sys
import time

import hnswlib
import numpy as np


def rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return -1


def main():
    data, path, m, efc, threads, efs = sys.argv[1:7]
    m, efc, threads = int(m), int(efc), int(threads)
    d = 384
    queries = np.fromfile(os.path.join(data, "queries.f32"), dtype=np.float32).reshape(-1, d)
    truth = np.fromfile(os.path.join(data, "truth.i32"), dtype=np.int32).reshape(-1, 10)
    build_s = None
    if not os.path.exists(path):
        base = np.fromfile(os.path.join(data, "base.f32"), dtype=np.float32).reshape(-1, d)
        index = hnswlib.Index(space="ip", dim=d)
        index.init_index(max_elements=base.shape[0], M=m, ef_construction=efc, random_seed=100)
        index.set_num_threads(threads)
        t = time.time()
        index.add_items(base, np.arange(base.shape[0]))
        build_s = time.time() - t
        index.save_index(path + ".tmp")
        os.rename(path + ".tmp", path)
        json.dump({"build_s": build_s}, open(path + ".json", "w"))
        del base, index
    else:
        build_s = json.load(open(path + ".json"))["build_s"]
    t = time.time()
    index = hnswlib.Index(space="ip", dim=d)
    index.load_index(path)
    load_s = time.time() - t
    index.set_num_threads(1)
    disk = os.path.getsize(path) / 2**20
    for ef in [int(x) for x in efs.split(",")]:
        index.set_ef(ef)
        for i in range(min(200, len(queries))):
            index.knn_query(queries[i:i + 1], k=10)
        lat = []
        hits = 0
        start = time.perf_counter()
        for i in range(len(queries)):
            a = time.perf_counter()
            labels, _ = index.knn_query(queries[i:i + 1], k=10)
            lat.append((time.perf_counter() - a) * 1000)
            hits += len(set(labels[0].tolist()) & set(truth[i].tolist()))
        total = time.perf_counter() - start
        lat.sort()
        pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
        print(json.dumps({"system": "hnswlib", "M": m, "efc": efc, "ef": ef,
                          "recall10": round(hits / (10 * len(queries)), 4),
                          "p50_ms": round(pct(0.5), 3), "p99_ms": round(pct(0.99), 3),
                          "qps": round(len(queries) / total), "rss_mib": round(rss_mib()),
                          "disk_mib": round(disk), "load_s": round(load_s, 1),
                          "build_s": round(build_s, 1)}), flush=True)


if __name__ == "__main__":
    main()

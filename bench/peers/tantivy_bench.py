"""tantivy peer (tantivy-py): one text field holding title + text with the en_stem tokenizer
(lowercase, English Snowball stemmer, no stopwords), tantivy's BM25 (k1=1.2, b=0.75, fixed
by tantivy). Prints one JSON object.

  python bench/peers/tantivy_bench.py DATASET_DIR [--k 100]

Index time covers adding every document with a one-thread writer and the commit. Queries
run one at a time through tantivy's query parser (OR of the analysed terms), after warm-up
passes; the external ids of the hits are read from stored fields inside the timed section,
as tantivy-py offers no cheaper way.
"""

import argparse
import importlib.metadata
import json
import re
import shutil
import sys
import time
from pathlib import Path

import tantivy

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

WORK = Path(__file__).resolve().parents[1] / ".work"
# The query parser gives meaning to + - : ( ) [ ] { } ^ " ~ * ? \ / and AND/OR/NOT; a bag of
# words is what every other peer searches with, so only word characters are kept.
NON_WORD = re.compile(r"[^\w]+")
OPERATORS = {"AND", "OR", "NOT", "IN"}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset")
    parser.add_argument("--k", type=int, default=100)
    parser.add_argument("--warmup-passes", type=int, default=3)
    parser.add_argument("--heap-mb", type=int, default=512)
    args = parser.parse_args()

    schema_builder = tantivy.SchemaBuilder()
    schema_builder.add_text_field("id", stored=True, tokenizer_name="raw")
    schema_builder.add_text_field("body", stored=False, tokenizer_name="en_stem")
    schema = schema_builder.build()
    index_dir = WORK / f"tantivy-index-{Path(args.dataset).resolve().name}"
    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)

    qrels = common.load_qrels(args.dataset)
    queries = common.load_queries(args.dataset, qrels)
    corpus = list(common.load_corpus(args.dataset))

    index = tantivy.Index(schema, path=str(index_dir))
    start = time.perf_counter()
    writer = index.writer(heap_size=args.heap_mb * 1024 * 1024, num_threads=1)
    for doc_id, title, text in corpus:
        writer.add_document(tantivy.Document(id=doc_id, body=f"{title} {text}"))
    writer.commit()
    writer.wait_merging_threads()
    index_seconds = time.perf_counter() - start

    index.reload()
    searcher = index.searcher()

    def search_one(text):
        words = [w for w in NON_WORD.sub(" ", text).split() if w not in OPERATORS]
        if not words:
            return {}
        query = index.parse_query(" ".join(words), ["body"])
        hits = searcher.search(query, args.k).hits
        return {searcher.doc(addr)["id"][0]: score for score, addr in hits}

    run, timing = common.timed_passes(queries, search_one, args.warmup_passes)
    quality = common.score_run(run, qrels)
    out = common.report(
        f"tantivy-py-{importlib.metadata.version('tantivy')}", args.dataset, len(corpus),
        index_seconds, quality, timing,
        config="en_stem tokenizer, BM25(k1=1.2,b=0.75), title+text in one field, OR query",
        k=args.k,
    )
    shutil.rmtree(index_dir, ignore_errors=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()

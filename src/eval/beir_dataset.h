// Readers for the evaluation files of a BEIR dataset (queries.jsonl, qrels/<split>.tsv) and a
// reader and writer for TREC run files ("qid Q0 docid rank score tag"), the interchange
// format with trec_eval, pytrec_eval and the benchmark peers.
//
// Errors: a missing file is kNotFound, an unreadable one kIo, and a malformed line
// kInvalidArgument naming the file, the line number and what was expected. Blank lines,
// a UTF-8 byte-order mark and Windows line ends are accepted.
//
// Thread-safety: free functions without shared state; safe to call concurrently.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "eval/metrics.h"

namespace ragd {

struct BeirQuery {
  std::string id;
  std::string text;
};

struct BeirDataset {
  std::vector<BeirQuery> queries;  // only the queries judged in `qrels`, in file order
  Qrels qrels;
};

// Reads queries.jsonl: one JSON object per line with "_id" (string, or integer written as
// its decimal form) and "text" (string); other keys ("metadata", "title") are ignored. A
// repeated _id is an error.
Result<std::vector<BeirQuery>> load_beir_queries(const std::string& path);

// Reads relevance judgements in either format, chosen per line:
//   BEIR:  "query-id<TAB>corpus-id<TAB>score", with an optional header line;
//   TREC:  "qid iteration docid relevance" (whitespace separated, as trec_eval reads).
// Relevance must be an integer. A repeated (query, document) pair keeps the last value,
// as BEIR's loader does.
Result<Qrels> load_qrels(const std::string& path);

// Loads <dir>/queries.jsonl and <dir>/qrels/<split>.tsv and keeps the queries that have
// judgements, as BEIR's GenericDataLoader does. Fails with kInvalidArgument when a judged
// query is missing from queries.jsonl.
Result<BeirDataset> load_beir_dataset(const std::string& dir, const std::string& split = "test");

// Reads a TREC run file (six whitespace-separated columns; the Q0, rank and tag columns are
// not interpreted: trec_eval ranks by score). A NaN score is an error.
Result<RetrievalRun> load_trec_run(const std::string& path);

// Writes `run` as a TREC run file, atomically: queries in id order, each query's hits in
// trec_eval's ranking order (score descending, then document id descending) with ranks
// 1..n, scores with round-trip precision. Ids containing whitespace cannot be represented
// and fail with kInvalidArgument before anything is written.
Status write_trec_run(const std::string& path, const RetrievalRun& run,
                      const std::string& tag = "ragd");

}  // namespace ragd

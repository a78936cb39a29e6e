// Reader for question-answering evaluation sets in the nq-open-oracle layout:
//   <dir>/queries.jsonl   {"_id", "text"}                       (BEIR queries)
//   <dir>/answers.jsonl   {"_id", "answers": [string...], "doc_id"?, "hasanswer"?}
//   <dir>/corpus.jsonl    {"_id", "title"?, "text"}             (BEIR corpus; .jsonl.gz too)
//   <dir>/qrels/<split>.tsv                                     (optional; gold passages)
// A question is every query with an answers.jsonl entry, in queries.jsonl order. Its gold
// documents are the qrels' relevant ones plus "doc_id". "hasanswer": false marks a question
// whose right answer is an abstention (its "answers" may then be empty).
//
// Errors: a missing folder or file is kNotFound naming it and the expected layout; a
// malformed line is kInvalidArgument naming file, line and what was expected; an answers
// entry for an unknown query, a repeated one, or a set without questions is
// kInvalidArgument. Blank lines, a UTF-8 BOM and Windows line ends are accepted.
//
// Thread-safety: free functions without shared state.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace ragd {

struct QaQuestion {
  std::string id;
  std::string text;
  std::vector<std::string> answers;  // gold answer strings
  std::vector<std::string> gold_doc_ids;
  bool has_answer = true;
};

struct QaDataset {
  std::string name;  // folder name
  std::string dir;
  std::string corpus_path;
  std::vector<QaQuestion> questions;
};

Result<QaDataset> load_qa_dataset(const std::string& dir, const std::string& split = "test");

// One corpus document as ingest would store it: text cleaned by the same assembler, so that
// byte offsets agree with a collection built from the same file.
struct QaCorpusDocument {
  std::string id;
  std::string title;
  std::string text;
};

// Reads the whole corpus (small evaluation corpora only). Bad lines fail the load.
Result<std::vector<QaCorpusDocument>> load_qa_corpus(const std::string& corpus_path);

}  // namespace ragd

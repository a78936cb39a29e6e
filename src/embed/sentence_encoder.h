// SentenceEncoder: native CPU inference of a BERT-family sentence encoder (all-MiniLM-L6-v2,
// bge-small, e5-small, gte-small) from its standard files: config.json, model.safetensors
// (or pytorch_model.bin), vocab.txt / tokenizer.json, 1_Pooling/config.json (mean or CLS),
// modules.json (Normalize present -> L2-normalised output), sentence_bert_config.json
// (max_seq_length).
//
// encode() tokenises, sorts the batch by length and runs it in length buckets (padding only
// within a bucket), with GEMMs through OpenBLAS and scratch buffers reused across calls, on up
// to `threads` threads. Output row order is the input order.
//
// Thread-safety: encode() may be called concurrently (each call takes its own scratch).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "embed/embedding_provider.h"

namespace ragd {

struct EncoderOptions {
  std::string model_dir;       // the folder holding config.json and the weights
  size_t max_length = 0;       // tokens incl. [CLS]/[SEP]; 0 = sentence_bert_config's, else 512
  size_t threads = 0;          // 0 = hardware concurrency
  size_t batch_size = 32;
  bool int8 = false;           // quantise the linear layers' weights to int8 at load
  // Queries (EmbedPurpose::kQuery) through int8 weights, passages through float32 (held
  // both, +11 MB for MiniLM): one short query is about 6x faster, its vector within cosine
  // ~0.99 of the float32 one (docs/benchmarks.md). The model id stays the float32 one: the
  // stored passage vectors are unchanged. Ignored with `int8`.
  bool int8_queries = false;
  std::string query_prefix;    // prepended to queries (EmbedPurpose::kQuery), e.g. e5 "query: "
  std::string passage_prefix;
};

class SentenceEncoder : public EmbeddingProvider {
 public:
  // kNotFound (saying which file) when the folder or its weights are missing: the caller then
  // runs lexical-only. kInvalidArgument / kCorruption when a file is malformed or a tensor's
  // shape disagrees with config.json.
  static Result<std::unique_ptr<SentenceEncoder>> load(const EncoderOptions& options);
};

}  // namespace ragd

#include "embed/sentence_encoder.h"

#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/file_io.h"
#include "common/hash.h"
#include "embed/bert_model.h"
#include "embed/pooling.h"
#include "embed/safetensors.h"
#include "embed/wordpiece_tokenizer.h"

namespace ragd {
namespace {

namespace fs = std::filesystem;

// A batch holds at most this many tokens besides batch_size sequences, so that the scratch
// activations of one worker (about 9 KiB per token for MiniLM) stay within the caches' reach.
constexpr size_t kBatchTokenBudget = 4096;
constexpr uint64_t kMaxJsonBytes = 16u << 20;

// A folder's small JSON file, or nullopt-like empty string when it does not exist.
Result<std::string> read_optional(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::string();
  return read_file(path.string(), kMaxJsonBytes);
}

std::string model_name(const fs::path& dir) {
  fs::path clean = dir.lexically_normal();
  if (clean.filename().empty()) clean = clean.parent_path();
  std::string name = clean.filename().string();
  if ((name == "model" || name.empty()) && clean.has_parent_path()) {
    name = clean.parent_path().filename().string();
  }
  return name.empty() ? "model" : name;
}

struct Batch {
  size_t first = 0;  // range in the length-sorted order
  size_t count = 0;
};

// Scratch of one worker, kept between calls.
struct WorkerScratch {
  BertScratch bert;
  std::vector<int32_t> ids;
  std::vector<size_t> offsets;
  std::vector<float> pooled;
};

class NativeSentenceEncoder final : public SentenceEncoder {
 public:
  NativeSentenceEncoder(WordPieceTokenizer tokenizer, BertModel model, PoolingMode pooling,
                        bool normalize, const EncoderOptions& options, size_t max_length,
                        std::string query_prefix, std::string passage_prefix, std::string id)
      : tokenizer_(std::move(tokenizer)),
        model_(std::move(model)),
        pooling_(pooling),
        normalize_(normalize),
        max_length_(max_length),
        threads_(options.threads != 0 ? options.threads
                                      : std::max(1u, std::thread::hardware_concurrency())),
        batch_size_(std::max<size_t>(1, options.batch_size)),
        query_prefix_(std::move(query_prefix)),
        passage_prefix_(std::move(passage_prefix)),
        model_id_(std::move(id)) {}

  Result<std::vector<float>> embed(const std::vector<std::string_view>& texts,
                                   EmbedPurpose purpose) override;
  size_t dimension() const override { return model_.config().hidden_size; }
  const std::string& model_id() const override { return model_id_; }
  bool normalized() const override { return normalize_; }

 private:
  std::unique_ptr<WorkerScratch> take_scratch();
  void give_back(std::unique_ptr<WorkerScratch> scratch);
  Status run_batch(const std::vector<std::vector<int32_t>>& tokens,
                   const std::vector<size_t>& order, const Batch& batch, WorkerScratch& scratch,
                   bool int8, float* out) const;

  WordPieceTokenizer tokenizer_;
  BertModel model_;
  PoolingMode pooling_;
  bool normalize_;
  size_t max_length_;
  size_t threads_;
  size_t batch_size_;
  std::string query_prefix_;
  std::string passage_prefix_;
  std::string model_id_;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<WorkerScratch>> pool_;
};

std::unique_ptr<WorkerScratch> NativeSentenceEncoder::take_scratch() {
  std::lock_guard lock(pool_mutex_);
  if (pool_.empty()) return std::make_unique<WorkerScratch>();
  auto scratch = std::move(pool_.back());
  pool_.pop_back();
  return scratch;
}

void NativeSentenceEncoder::give_back(std::unique_ptr<WorkerScratch> scratch) {
  std::lock_guard lock(pool_mutex_);
  pool_.push_back(std::move(scratch));
}

Status NativeSentenceEncoder::run_batch(const std::vector<std::vector<int32_t>>& tokens,
                                        const std::vector<size_t>& order, const Batch& batch,
                                        WorkerScratch& scratch, bool int8, float* out) const {
  scratch.ids.clear();
  scratch.offsets.assign(1, 0);
  for (size_t i = batch.first; i < batch.first + batch.count; ++i) {
    const std::vector<int32_t>& t = tokens[order[i]];
    scratch.ids.insert(scratch.ids.end(), t.begin(), t.end());
    scratch.offsets.push_back(scratch.ids.size());
  }
  RAGD_RETURN_IF_ERROR(model_.forward(scratch.ids, scratch.offsets, scratch.bert, int8));
  const size_t dim = dimension();
  scratch.pooled.resize(batch.count * dim);
  pool_sequences(scratch.bert.hidden.data(), scratch.offsets, dim, pooling_, normalize_,
                 scratch.pooled.data());
  for (size_t i = 0; i < batch.count; ++i) {
    std::copy_n(scratch.pooled.data() + i * dim, dim, out + order[batch.first + i] * dim);
  }
  return Status::ok();
}

Result<std::vector<float>> NativeSentenceEncoder::embed(
    const std::vector<std::string_view>& texts, EmbedPurpose purpose) {
  const size_t n = texts.size();
  if (n == 0) return std::vector<float>();
  const std::string& prefix = purpose == EmbedPurpose::kQuery ? query_prefix_ : passage_prefix_;
  const bool int8 = purpose == EmbedPurpose::kQuery;  // used only when both weights are held

  std::vector<std::vector<int32_t>> tokens(n);
  auto tokenize_range = [&](size_t begin, size_t end) {
    std::string buffer;
    for (size_t i = begin; i < end; ++i) {
      if (prefix.empty()) {
        tokens[i] = tokenizer_.encode(texts[i], max_length_);
      } else {
        buffer.assign(prefix);
        buffer.append(texts[i]);
        tokens[i] = tokenizer_.encode(buffer, max_length_);
      }
    }
  };

  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::vector<Batch> batches;
  auto plan = [&] {
    // Longest first, so the slowest batches start early and the tail balances across threads.
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return tokens[a].size() > tokens[b].size();
    });
    Batch current;
    size_t current_tokens = 0;
    for (size_t i = 0; i < n; ++i) {
      size_t len = tokens[order[i]].size();
      if (current.count > 0 &&
          (current.count == batch_size_ || current_tokens + len > kBatchTokenBudget)) {
        batches.push_back(current);
        current = Batch{i, 0};
        current_tokens = 0;
      }
      ++current.count;
      current_tokens += len;
    }
    batches.push_back(current);
  };

  std::vector<float> out(n * dimension(), 0.0f);
  const size_t workers = std::min(threads_, std::max<size_t>(1, n / 8));
  if (workers <= 1) {
    tokenize_range(0, n);
    plan();
    auto scratch = take_scratch();
    for (const Batch& batch : batches) {
      Status s = run_batch(tokens, order, batch, *scratch, int8, out.data());
      if (!s.is_ok()) {
        give_back(std::move(scratch));
        return s;
      }
    }
    give_back(std::move(scratch));
    return out;
  }

  {
    std::vector<std::thread> pool;
    for (size_t w = 0; w < workers; ++w) {
      pool.emplace_back(tokenize_range, n * w / workers, n * (w + 1) / workers);
    }
    for (std::thread& t : pool) t.join();
  }
  plan();
  std::atomic<size_t> next{0};
  std::mutex error_mutex;
  Status first_error;
  auto work = [&] {
    auto scratch = take_scratch();
    for (size_t b = next.fetch_add(1); b < batches.size(); b = next.fetch_add(1)) {
      Status s = run_batch(tokens, order, batches[b], *scratch, int8, out.data());
      if (!s.is_ok()) {
        std::lock_guard lock(error_mutex);
        if (first_error.is_ok()) first_error = s;
        next.store(batches.size());
      }
    }
    give_back(std::move(scratch));
  };
  std::vector<std::thread> pool;
  for (size_t w = 1; w < std::min(workers, batches.size()); ++w) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  if (!first_error.is_ok()) return first_error;
  return out;
}

}  // namespace

Result<std::unique_ptr<SentenceEncoder>> SentenceEncoder::load(const EncoderOptions& options) {
  const fs::path dir(options.model_dir);
  std::error_code ec;
  if (options.model_dir.empty() || !fs::is_directory(dir, ec)) {
    return Status::not_found("model folder '" + options.model_dir + "' does not exist");
  }
  if (!fs::exists(dir / "config.json", ec)) {
    return Status::not_found((dir / "config.json").string() + " is missing");
  }
  const fs::path weights_path = dir / "model.safetensors";
  if (!fs::exists(weights_path, ec)) {
    if (fs::exists(dir / "pytorch_model.bin", ec)) {
      return Status::error(ErrorCode::kUnsupported,
                           (dir / "pytorch_model.bin").string() +
                               ": PyTorch .bin weights are not supported; convert them to "
                               "model.safetensors (safetensors.torch.save_file)");
    }
    return Status::not_found(weights_path.string() + " is missing (no model weights)");
  }

  auto config_text = read_file((dir / "config.json").string(), kMaxJsonBytes);
  if (!config_text.is_ok()) return config_text.status();
  auto config = BertConfig::parse(*config_text);
  if (!config.is_ok()) {
    return Status::error(config.status().code(),
                         (dir / "config.json").string() + ": " + config.status().message());
  }

  // modules.json names the pooling folder and whether a Normalize module follows.
  PoolingMode pooling = PoolingMode::kMean;
  bool normalize = false;
  fs::path pooling_dir = dir / "1_Pooling";
  auto modules_text = read_optional(dir / "modules.json");
  if (!modules_text.is_ok()) return modules_text.status();
  if (!modules_text->empty()) {
    nlohmann::json modules = nlohmann::json::parse(*modules_text, nullptr, false);
    if (modules.is_discarded() || !modules.is_array()) {
      return Status::invalid((dir / "modules.json").string() + " is not a JSON array");
    }
    for (const auto& m : modules) {
      if (!m.is_object() || !m.contains("type") || !m["type"].is_string()) continue;
      std::string type = m["type"].get<std::string>();
      if (type.find("Normalize") != std::string::npos) normalize = true;
      if (type.find("Pooling") != std::string::npos && m.contains("path") &&
          m["path"].is_string()) {
        pooling_dir = dir / m["path"].get<std::string>();
      }
    }
  } else {
    normalize = true;  // a bare transformer folder: ragd's vectors are always unit length
  }
  auto pooling_text = read_optional(pooling_dir / "config.json");
  if (!pooling_text.is_ok()) return pooling_text.status();
  if (!pooling_text->empty()) {
    auto mode = parse_pooling_config(*pooling_text);
    if (!mode.is_ok()) return mode.status();
    pooling = *mode;
  }

  size_t max_length = options.max_length;
  if (max_length == 0) {
    max_length = 512;
    auto st_text = read_optional(dir / "sentence_bert_config.json");
    if (!st_text.is_ok()) return st_text.status();
    if (!st_text->empty()) {
      nlohmann::json st = nlohmann::json::parse(*st_text, nullptr, false);
      if (st.is_object() && st.contains("max_seq_length") &&
          st["max_seq_length"].is_number_unsigned()) {
        max_length = st["max_seq_length"].get<size_t>();
      }
    }
  }
  if (max_length < 2) {
    return Status::invalid("max_length " + std::to_string(max_length) +
                           " leaves no room for [CLS] and [SEP]");
  }
  max_length = std::min(max_length, config->max_position_embeddings);

  std::string query_prefix = options.query_prefix;
  std::string passage_prefix = options.passage_prefix;
  auto st_config_text = read_optional(dir / "config_sentence_transformers.json");
  if (!st_config_text.is_ok()) return st_config_text.status();
  if (!st_config_text->empty()) {
    nlohmann::json st = nlohmann::json::parse(*st_config_text, nullptr, false);
    if (st.is_object() && st.contains("prompts") && st["prompts"].is_object()) {
      const auto& prompts = st["prompts"];
      auto prompt = [&](const char* key) -> std::string {
        return prompts.contains(key) && prompts[key].is_string() ? prompts[key].get<std::string>()
                                                                 : std::string();
      };
      if (query_prefix.empty()) query_prefix = prompt("query");
      if (passage_prefix.empty()) passage_prefix = prompt("passage");
      if (passage_prefix.empty()) passage_prefix = prompt("document");
    }
  }

  auto tokenizer = WordPieceTokenizer::load(dir.string());
  if (!tokenizer.is_ok()) return tokenizer.status();
  if (tokenizer->vocab_size() > config->vocab_size) {
    return Status::invalid("the tokenizer's vocabulary (" + std::to_string(tokenizer->vocab_size()) +
                           " entries) is larger than config.json's vocab_size (" +
                           std::to_string(config->vocab_size) + ")");
  }

  auto weights = SafetensorsFile::open(weights_path.string());
  if (!weights.is_ok()) return weights.status();
  const WeightPrecision precision = options.int8           ? WeightPrecision::kInt8
                                    : options.int8_queries ? WeightPrecision::kBoth
                                                           : WeightPrecision::kFloat32;
  auto model = BertModel::load(*config, *weights, precision);
  if (!model.is_ok()) return model.status();

  // Everything that changes the vectors goes into the id: weights, config, pooling,
  // normalisation, truncation, prefixes, quantisation.
  std::string identity = sha256_hex(weights->bytes());
  identity += '\n' + *config_text + '\n' + (pooling == PoolingMode::kCls ? "cls" : "mean") +
              (normalize ? "+norm" : "") + '\n' + std::to_string(max_length) + '\n' +
              query_prefix + '\n' + passage_prefix + '\n' + (options.int8 ? "int8" : "f32");
  std::string id = "native:" + model_name(dir) + ":" + sha256_hex(identity).substr(0, 12) +
                   (options.int8 ? ":int8" : "");

  // Parallelism comes from our own threads over batches; GEMMs inside one batch stay on the
  // calling thread (measured faster on 2 cores: attention, GELU and LayerNorm parallelise
  // too, and no GEMM waits on OpenBLAS's thread hand-off).
  openblas_set_num_threads(1);

  return std::unique_ptr<SentenceEncoder>(new NativeSentenceEncoder(
      std::move(tokenizer).value(), std::move(model).value(), pooling, normalize, options,
      max_length, std::move(query_prefix), std::move(passage_prefix), std::move(id)));
}

}  // namespace ragd

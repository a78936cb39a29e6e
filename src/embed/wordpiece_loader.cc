// WordPieceTokenizer::load: the vocabulary and settings from a model directory's
// vocab.txt, tokenizer.json and tokenizer_config.json.
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/file_io.h"
#include "embed/wordpiece_tokenizer.h"
#include "text/normalize.h"

namespace ragd {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// Tokenizer files are a few MB; anything far larger is not one.
constexpr uint64_t kMaxFileBytes = 256ull << 20;

struct Settings {
  bool lower_case = true;
  size_t max_input_chars_per_word = 100;
};

bool is_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

Result<json> read_json(const fs::path& path) {
  Result<std::string> text = read_file(path.string(), kMaxFileBytes);
  if (!text) return text.status();
  json doc = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::invalid(path.string() + ": not a JSON object");
  }
  return doc;
}

// `strip_accents` follows `lowercase` unless set; this tokenizer ties the two together.
Status check_strip_accents(const json& value, bool lower_case, const fs::path& path) {
  if (value.is_null()) return Status::ok();
  if (!value.is_boolean())
    return Status::invalid(path.string() + ": strip_accents is not a boolean");
  if (value.get<bool>() != lower_case) {
    return Status::error(
        ErrorCode::kUnsupported,
        path.string() + ": strip_accents differing from lowercase is not supported");
  }
  return Status::ok();
}

// obj[key], or null when obj is not an object or has no such key (const operator[] would
// assert instead).
const json& field(const json& obj, const char* key) {
  static const json kNull;
  if (!obj.is_object()) return kNull;
  const auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

bool is_type(const json& node, std::string_view type) {
  const json& t = field(node, "type");
  return t.is_string() && t.get<std::string>() == type;
}

// Settings from tokenizer.json; fills `vocab` from the model when `want_vocab` is set.
Status read_tokenizer_json(const fs::path& path, bool want_vocab, Settings* settings,
                           std::vector<std::string>* vocab) {
  Result<json> doc = read_json(path);
  if (!doc) return doc.status();
  const json& model = field(*doc, "model");
  if (!is_type(model, "WordPiece")) {
    return Status::error(ErrorCode::kUnsupported, path.string() + ": the model is not WordPiece");
  }
  const json& prefix = field(model, "continuing_subword_prefix");
  if (!prefix.is_null() && prefix != json("##")) {
    return Status::error(ErrorCode::kUnsupported,
                         path.string() + ": continuing_subword_prefix other than \"##\"");
  }
  const json& unk = field(model, "unk_token");
  if (!unk.is_null() && unk != json("[UNK]")) {
    return Status::error(ErrorCode::kUnsupported, path.string() + ": unk_token other than [UNK]");
  }
  if (const json& m = field(model, "max_input_chars_per_word"); !m.is_null()) {
    if (!m.is_number_unsigned()) {
      return Status::invalid(path.string() + ": max_input_chars_per_word is not a count");
    }
    settings->max_input_chars_per_word = m.get<size_t>();
  }
  const json& normalizer = field(*doc, "normalizer");
  if (!is_type(normalizer, "BertNormalizer")) {
    return Status::error(ErrorCode::kUnsupported,
                         path.string() + ": the normalizer is not BertNormalizer");
  }
  for (const char* flag : {"clean_text", "handle_chinese_chars"}) {
    if (const json& f = field(normalizer, flag); !f.is_null() && f != json(true)) {
      return Status::error(ErrorCode::kUnsupported,
                           path.string() + ": BertNormalizer with " + flag + " off");
    }
  }
  if (const json& lower = field(normalizer, "lowercase"); !lower.is_null()) {
    if (!lower.is_boolean()) {
      return Status::invalid(path.string() + ": normalizer.lowercase is not a boolean");
    }
    settings->lower_case = lower.get<bool>();
  }
  RAGD_RETURN_IF_ERROR(
      check_strip_accents(field(normalizer, "strip_accents"), settings->lower_case, path));
  const json& pre = field(*doc, "pre_tokenizer");
  if (!is_type(pre, "BertPreTokenizer")) {
    return Status::error(ErrorCode::kUnsupported,
                         path.string() + ": the pre_tokenizer is not BertPreTokenizer");
  }
  if (!want_vocab) return Status::ok();
  const json& entries = field(model, "vocab");
  if (!entries.is_object() || entries.empty()) {
    return Status::invalid(path.string() + ": model.vocab is not a non-empty object");
  }
  vocab->assign(entries.size(), std::string());
  std::vector<bool> seen(entries.size(), false);
  for (const auto& [token, id] : entries.items()) {
    if (!id.is_number_unsigned() || id.get<uint64_t>() >= entries.size() ||
        seen[id.get<size_t>()]) {
      return Status::invalid(path.string() + ": model.vocab id of \"" + token +
                             "\" is not a distinct index below the vocabulary size");
    }
    seen[id.get<size_t>()] = true;
    (*vocab)[id.get<size_t>()] = token;
  }
  return Status::ok();
}

Status read_tokenizer_config(const fs::path& path, Settings* settings) {
  Result<json> doc = read_json(path);
  if (!doc) return doc.status();
  if (const json& lower = field(*doc, "do_lower_case"); !lower.is_null()) {
    if (!lower.is_boolean())
      return Status::invalid(path.string() + ": do_lower_case is not a boolean");
    settings->lower_case = lower.get<bool>();
  }
  RAGD_RETURN_IF_ERROR(
      check_strip_accents(field(*doc, "strip_accents"), settings->lower_case, path));
  return Status::ok();
}

// vocab.txt: one token per line, id = line number from 0; a trailing "\r" and trailing
// spaces are not part of the token (`tokenizers` trims the end of each line).
Status read_vocab_txt(const fs::path& path, std::vector<std::string>* vocab) {
  Result<std::string> text = read_file(path.string(), kMaxFileBytes);
  if (!text) return text.status();
  std::string_view rest = *text;
  size_t line = 0;
  while (!rest.empty()) {
    ++line;
    const size_t nl = rest.find('\n');
    std::string_view token = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\r' ||
                              token.back() == '\v' || token.back() == '\f')) {
      token.remove_suffix(1);
    }
    if (!is_valid_utf8(token)) {
      return Status::invalid(path.string() + ":" + std::to_string(line) + ": invalid UTF-8");
    }
    vocab->emplace_back(token);
  }
  if (vocab->empty()) return Status::invalid(path.string() + ": no tokens");
  return Status::ok();
}

}  // namespace

Result<WordPieceTokenizer> WordPieceTokenizer::load(const std::string& model_dir) {
  const fs::path dir(model_dir);
  const fs::path vocab_txt = dir / "vocab.txt";
  const fs::path tokenizer_json = dir / "tokenizer.json";
  const fs::path config_json = dir / "tokenizer_config.json";
  const bool have_vocab_txt = is_file(vocab_txt);
  const bool have_tokenizer_json = is_file(tokenizer_json);
  if (!have_vocab_txt && !have_tokenizer_json) {
    return Status::not_found(model_dir + ": neither vocab.txt nor tokenizer.json");
  }
  Settings settings;
  std::vector<std::string> vocab;
  if (have_tokenizer_json) {
    RAGD_RETURN_IF_ERROR(read_tokenizer_json(tokenizer_json, !have_vocab_txt, &settings, &vocab));
  } else if (is_file(config_json)) {
    RAGD_RETURN_IF_ERROR(read_tokenizer_config(config_json, &settings));
  }
  if (have_vocab_txt) RAGD_RETURN_IF_ERROR(read_vocab_txt(vocab_txt, &vocab));
  Result<WordPieceTokenizer> tokenizer = from_vocab(std::move(vocab), settings.lower_case);
  if (!tokenizer) {
    return Status::invalid((have_vocab_txt ? vocab_txt : tokenizer_json).string() + ": " +
                           tokenizer.status().message());
  }
  tokenizer->max_input_chars_per_word_ = settings.max_input_chars_per_word;
  return tokenizer;
}

}  // namespace ragd

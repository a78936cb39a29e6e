#include "text/analyzer.h"

#include <libstemmer.h>

#include <array>
#include <bitset>
#include <limits>
#include <unordered_set>
#include <utility>

#include "text/fold.h"
#include "text/stopwords.h"
#include "text/tokenizer.h"

namespace ragd {
namespace {

// Longer surface tokens (base64, hex dumps, minified code) are dropped: they bloat the
// index and no typed query matches them. Lucene's StandardTokenizer uses the same limit.
constexpr size_t kMaxTokenBytes = 255;

bool wants_stemmer(const AnalyzerConfig& config) {
  return config.stem && config.language != "none";
}

// sb_stemmer objects are not thread-safe, and creating one per call costs more than
// analysing a short query, so each thread keeps one per language for its lifetime.
sb_stemmer* thread_stemmer(const std::string& language) {
  struct Cache {
    std::vector<std::pair<std::string, sb_stemmer*>> entries;
    ~Cache() {
      for (auto& entry : entries) {
        if (entry.second != nullptr) sb_stemmer_delete(entry.second);
      }
    }
  };
  thread_local Cache cache;
  for (const auto& entry : cache.entries) {
    if (entry.first == language) return entry.second;
  }
  sb_stemmer* stemmer = sb_stemmer_new(language.c_str(), "UTF_8");
  cache.entries.emplace_back(language, stemmer);
  return stemmer;
}

bool stemmer_exists(const std::string& language) {
  sb_stemmer* stemmer = sb_stemmer_new(language.c_str(), "UTF_8");
  if (stemmer == nullptr) return false;
  sb_stemmer_delete(stemmer);
  return true;
}

}  // namespace

struct Analyzer::Impl {
  bool stem = false;
  std::string language;
  bool fold_accents = true;
  std::vector<std::string> stopword_storage;
  std::unordered_set<std::string_view> stopwords;
  // Cheap pre-filter: bit c of maybe_stop[len] is set when a stopword of `len` bytes (<16)
  // starts with byte c; longer stopwords always go to the set.
  std::array<std::bitset<256>, 16> maybe_stop;

  bool is_stopword(const std::string& term) const {
    if (stopwords.empty() || term.empty()) return false;
    if (term.size() < maybe_stop.size() &&
        !maybe_stop[term.size()].test(static_cast<unsigned char>(term[0]))) {
      return false;
    }
    return stopwords.count(std::string_view(term)) != 0;
  }

  // Calls emit(term_data, term_size, surface_token) for every surviving token.
  template <typename Emit>
  void run(std::string_view text, Emit&& emit) const {
    sb_stemmer* stemmer = stem ? thread_stemmer(language) : nullptr;
    std::string folded;
    folded.reserve(64);
    Tokenizer tokenizer(text);
    SurfaceToken token;
    while (tokenizer.next(&token)) {
      if (token.end - token.begin > kMaxTokenBytes) continue;
      fold_term(text.substr(token.begin, token.end - token.begin), token.ascii, fold_accents,
                folded);
      if (token.kind != SurfaceKind::kIdeograph && folded.size() >= 2 &&
          folded[folded.size() - 2] == '\'' && folded.back() == 's') {
        folded.resize(folded.size() - 2);  // possessive, as Lucene's EnglishPossessiveFilter
      }
      if (folded.empty()) continue;
      if (token.kind != SurfaceKind::kWord) {
        emit(folded.data(), folded.size(), token);
        continue;
      }
      if (is_stopword(folded)) continue;
      if (stemmer != nullptr) {
        const sb_symbol* stemmed =
            sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(folded.data()),
                            static_cast<int>(folded.size()));
        const int length = sb_stemmer_length(stemmer);
        if (stemmed != nullptr && length > 0) {
          emit(reinterpret_cast<const char*>(stemmed), static_cast<size_t>(length), token);
          continue;
        }
      }
      emit(folded.data(), folded.size(), token);
    }
  }
};

Analyzer::Analyzer(AnalyzerConfig config)
    : config_(std::move(config)), impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.language = config_.language;
  impl.fold_accents = config_.fold_accents;
  // An unknown language disables stemming here; check_config() reports it to the user.
  impl.stem = wants_stemmer(config_) && stemmer_exists(config_.language);
  if (config_.remove_stopwords) {
    std::string folded;
    for (std::string_view word : default_stopwords(config_.language)) {
      impl.stopword_storage.emplace_back(word);
    }
    for (const std::string& word : config_.extra_stopwords) {
      fold_term(word, false, config_.fold_accents, folded);
      if (!folded.empty()) impl.stopword_storage.push_back(folded);
    }
    // The set holds views into stopword_storage, which no longer changes.
    for (const std::string& word : impl.stopword_storage) {
      impl.stopwords.insert(word);
      if (word.size() < impl.maybe_stop.size()) {
        impl.maybe_stop[word.size()].set(static_cast<unsigned char>(word[0]));
      }
    }
  }
}

Analyzer::~Analyzer() = default;

Status Analyzer::check_config(const AnalyzerConfig& config) {
  if (wants_stemmer(config) && !stemmer_exists(config.language)) {
    std::string names;
    for (const char** name = sb_stemmer_list(); *name != nullptr; ++name) {
      if (!names.empty()) names += ", ";
      names += *name;
    }
    return Status::invalid("unknown stemming language \"" + config.language +
                           "\"; use one of: " + names + ", or \"none\"");
  }
  return Status::ok();
}

void Analyzer::analyze(std::string_view text, std::vector<std::string>& terms) const {
  impl_->run(text, [&terms](const char* data, size_t size, const SurfaceToken&) {
    terms.emplace_back(data, size);
  });
}

void Analyzer::analyze_with_offsets(std::string_view text, std::vector<Token>& tokens) const {
  // Token offsets are 32-bit; text beyond 4 GiB is not analysed.
  if (text.size() > std::numeric_limits<uint32_t>::max()) {
    text = text.substr(0, std::numeric_limits<uint32_t>::max());
  }
  impl_->run(text, [&tokens](const char* data, size_t size, const SurfaceToken& token) {
    tokens.push_back(Token{std::string(data, size), static_cast<uint32_t>(token.begin),
                           static_cast<uint32_t>(token.end)});
  });
}

}  // namespace ragd

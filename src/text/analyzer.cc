#include "text/analyzer.h"

#include <libstemmer.h>

#include <array>
#include <bitset>
#include <cstring>
#include <limits>
#include <memory>
#include <string_view>
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

// A Snowball stemmer with a small cache of recent stems in front of it. Word
// frequencies are Zipfian, so most lookups hit and skip the stemmer, its main cost.
// Not thread-safe (neither is sb_stemmer): each thread has its own, see thread_stemmer().
class CachedStemmer {
 public:
  explicit CachedStemmer(sb_stemmer* stemmer) : stemmer_(stemmer) {}
  ~CachedStemmer() {
    if (stemmer_ != nullptr) sb_stemmer_delete(stemmer_);
  }
  CachedStemmer(const CachedStemmer&) = delete;
  CachedStemmer& operator=(const CachedStemmer&) = delete;

  bool valid() const { return stemmer_ != nullptr; }

  // The stem of `word`; valid until the next call.
  std::string_view stem(std::string_view word) {
    if (word.empty() || word.size() > kMaxCachedBytes) return stem_uncached(word);
    if (buckets_.empty()) buckets_.resize(kBuckets);
    Slot* slots = buckets_[hash(word) & (kBuckets - 1)].slots;
    if (slots[0].holds(word)) return slots[0].stem_view();
    if (slots[1].holds(word)) {
      std::swap(slots[0], slots[1]);  // most recently used first
      return slots[0].stem_view();
    }
    const std::string_view stemmed = stem_uncached(word);
    if (stemmed.size() > kMaxCachedBytes) return stemmed;
    slots[1] = slots[0];
    slots[0].word_len = static_cast<uint8_t>(word.size());
    slots[0].stem_len = static_cast<uint8_t>(stemmed.size());
    std::memcpy(slots[0].word, word.data(), word.size());
    std::memcpy(slots[0].stem, stemmed.data(), stemmed.size());
    return slots[0].stem_view();
  }

 private:
  static constexpr size_t kMaxCachedBytes = 15;

  // Compact slots, two per cache line (a 2-way set): 8192 sets = 512 KiB per thread and
  // language, small enough to stay in cache, with a ~90% hit rate on English prose.
  struct Slot {
    uint8_t word_len = 0;  // 0: empty
    uint8_t stem_len = 0;
    char word[kMaxCachedBytes];
    char stem[kMaxCachedBytes];
    bool holds(std::string_view w) const {
      return word_len == w.size() && std::memcmp(word, w.data(), w.size()) == 0;
    }
    std::string_view stem_view() const { return {stem, stem_len}; }
  };
  struct alignas(64) Bucket {
    Slot slots[2];
  };
  static constexpr size_t kBuckets = size_t{1} << 13;

  static uint64_t hash(std::string_view word) {
    uint64_t h = 1469598103934665603ULL;  // FNV-1a
    for (const char c : word) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return h ^ (h >> 29);
  }

  std::string_view stem_uncached(std::string_view word) {
    const sb_symbol* stemmed = sb_stemmer_stem(
        stemmer_, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
    const int length = sb_stemmer_length(stemmer_);
    if (stemmed == nullptr || length <= 0) return word;  // out of memory: keep the word
    return {reinterpret_cast<const char*>(stemmed), static_cast<size_t>(length)};
  }

  sb_stemmer* stemmer_;
  std::vector<Bucket> buckets_;
};

// sb_stemmer objects are not thread-safe, and creating one per call costs more than
// analysing a short query, so each thread keeps one per language for its lifetime.
CachedStemmer* thread_stemmer(const std::string& language) {
  thread_local std::vector<std::pair<std::string, std::unique_ptr<CachedStemmer>>> stemmers;
  for (const auto& entry : stemmers) {
    if (entry.first == language) return entry.second.get();
  }
  auto stemmer = std::make_unique<CachedStemmer>(sb_stemmer_new(language.c_str(), "UTF_8"));
  CachedStemmer* result = stemmer->valid() ? stemmer.get() : nullptr;
  stemmers.emplace_back(language, std::move(stemmer));
  return result;
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
    CachedStemmer* stemmer = stem ? thread_stemmer(language) : nullptr;
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
        const std::string_view stemmed = stemmer->stem(folded);
        emit(stemmed.data(), stemmed.size(), token);
      } else {
        emit(folded.data(), folded.size(), token);
      }
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

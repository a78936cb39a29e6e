#include "server/response_cache.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <utility>

#include "text/fold.h"
#include "text/normalize.h"

namespace ragd::server {

// Bookkeeping of containers and strings per entry, counted towards max_bytes so that many
// tiny entries cannot exceed the budget.
constexpr size_t kEntryOverhead = 160;

struct ResponseCache::Entry {
  Bucket* bucket;
  std::string question;  // normalised
  std::string payload;
  std::vector<float> embedding;
  double norm = 0;  // of `embedding`
  double expires_at = 0;
  size_t bytes = 0;
};

struct ResponseCache::Bucket {
  std::string key;
  std::string scope;
  std::unordered_map<std::string, Lru::iterator> entries;  // by normalised question
};

namespace {

std::string bucket_key(const CacheLookupKey& key) {
  std::string out;
  out.reserve(key.scope.size() + key.filters.size() + 32);
  out += std::to_string(key.scope.size());
  out.push_back(':');
  out += key.scope;
  out += std::to_string(key.filters.size());
  out.push_back(':');
  out += key.filters;
  out += std::to_string(key.collection_version);
  return out;
}

double norm_of(const std::vector<float>& v) {
  double sum = 0;
  for (float x : v) sum += static_cast<double>(x) * x;
  return std::sqrt(sum);
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool all_ascii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace

std::string normalize_question(std::string_view question) {
  const std::string line = clean_line(question);
  std::string folded;
  fold_term(line, all_ascii(line), /*strip_accents=*/false, folded);
  std::string out;
  out.reserve(folded.size());
  for (char c : folded) {
    if (is_space(c)) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  while (!out.empty() &&
         (out.back() == ' ' || out.back() == '?' || out.back() == '!' || out.back() == '.')) {
    out.pop_back();
  }
  return out;
}

ResponseCache::ResponseCache(ResponseCacheOptions options) : options_(std::move(options)) {}

ResponseCache::~ResponseCache() = default;

double ResponseCache::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void ResponseCache::erase(Lru::iterator entry) {
  Bucket* bucket = entry->bucket;
  bucket->entries.erase(entry->question);
  stats_.bytes -= entry->bytes;
  lru_.erase(entry);
  if (bucket->entries.empty()) buckets_.erase(bucket->key);
}

void ResponseCache::evict_to_fit() {
  while (!lru_.empty() &&
         (lru_.size() > options_.max_entries || stats_.bytes > options_.max_bytes)) {
    erase(std::prev(lru_.end()));
    ++stats_.evictions;
  }
}

std::optional<CacheHit> ResponseCache::lookup(const CacheLookupKey& key,
                                              const std::vector<float>* embedding) {
  const std::string bkey = bucket_key(key);
  const std::string question = normalize_question(key.question);
  std::lock_guard lock(mutex_);
  const double t = now();
  auto bucket_it = buckets_.find(bkey);
  if (bucket_it != buckets_.end()) {
    Bucket& bucket = *bucket_it->second;
    if (auto found = bucket.entries.find(question); found != bucket.entries.end()) {
      const Lru::iterator entry = found->second;
      if (entry->expires_at > t) {
        lru_.splice(lru_.begin(), lru_, entry);
        ++stats_.exact_hits;
        return CacheHit{entry->payload, false, 1.0};
      }
      erase(entry);
      bucket_it = buckets_.find(bkey);
    }
  }
  const double query_norm = embedding != nullptr ? norm_of(*embedding) : 0;
  if (bucket_it != buckets_.end() && query_norm > 0) {
    Bucket& bucket = *bucket_it->second;
    std::vector<Lru::iterator> expired;
    std::optional<Lru::iterator> best;
    double best_similarity = -2;
    for (const auto& [unused, entry] : bucket.entries) {
      if (entry->expires_at <= t) {
        expired.push_back(entry);
        continue;
      }
      if (entry->embedding.size() != embedding->size() || entry->norm <= 0) continue;
      double dot = 0;
      for (size_t i = 0; i < embedding->size(); ++i) {
        dot += static_cast<double>((*embedding)[i]) * entry->embedding[i];
      }
      const double similarity = dot / (query_norm * entry->norm);
      if (similarity > best_similarity) {
        best_similarity = similarity;
        best = entry;
      }
    }
    std::optional<CacheHit> hit;
    if (best && best_similarity >= options_.semantic_threshold) {
      lru_.splice(lru_.begin(), lru_, *best);
      ++stats_.semantic_hits;
      hit = CacheHit{(*best)->payload, true, std::min(best_similarity, 1.0)};
    }
    for (const Lru::iterator entry : expired) erase(entry);  // the best one is not among them
    if (hit) return hit;
  }
  ++stats_.misses;
  return std::nullopt;
}

void ResponseCache::store(const CacheLookupKey& key, std::string payload,
                          std::vector<float> embedding) {
  std::string bkey = bucket_key(key);
  std::string question = normalize_question(key.question);
  const size_t bytes = kEntryOverhead + bkey.size() + question.size() + payload.size() +
                       embedding.size() * sizeof(float);
  const double norm = norm_of(embedding);
  std::lock_guard lock(mutex_);
  const double t = now();
  // Expired entries that reached the cold end go first, so they do not count as evictions.
  while (!lru_.empty() && std::prev(lru_.end())->expires_at <= t) erase(std::prev(lru_.end()));
  auto bucket_it = buckets_.find(bkey);
  if (bucket_it != buckets_.end()) {
    if (auto found = bucket_it->second->entries.find(question);
        found != bucket_it->second->entries.end()) {
      erase(found->second);  // replaced below, or dropped when the new payload does not fit
      bucket_it = buckets_.find(bkey);
    }
  }
  if (bytes > options_.max_bytes || options_.max_entries == 0) return;
  if (bucket_it == buckets_.end()) {
    auto bucket = std::make_unique<Bucket>();
    bucket->key = bkey;
    bucket->scope = key.scope;
    bucket_it = buckets_.emplace(std::move(bkey), std::move(bucket)).first;
  }
  Bucket* bucket = bucket_it->second.get();
  const double expires_at =
      options_.ttl_seconds > 0 ? t + options_.ttl_seconds : std::numeric_limits<double>::infinity();
  lru_.push_front(
      Entry{bucket, question, std::move(payload), std::move(embedding), norm, expires_at, bytes});
  bucket->entries.emplace(std::move(question), lru_.begin());
  stats_.bytes += bytes;
  evict_to_fit();
}

void ResponseCache::invalidate(std::string_view scope_prefix) {
  std::lock_guard lock(mutex_);
  std::vector<Bucket*> doomed;
  for (const auto& [unused, bucket] : buckets_) {
    if (std::string_view(bucket->scope).starts_with(scope_prefix)) doomed.push_back(bucket.get());
  }
  for (Bucket* bucket : doomed) {
    // The last erase() frees the bucket, so never touch it after its map empties.
    while (!bucket->entries.empty()) {
      const bool last = bucket->entries.size() == 1;
      erase(bucket->entries.begin()->second);
      if (last) break;
    }
  }
}

ResponseCache::Stats ResponseCache::stats() const {
  std::lock_guard lock(mutex_);
  Stats s = stats_;
  s.entries = lru_.size();
  return s;
}

}  // namespace ragd::server

// The chat response cache: answers kept by (scope, normalised question, filters, collection
// version), found again by exact question or, when the caller has the question's embedding, by
// cosine similarity to the question of a stored entry with the same scope, filters and version.
//
// Entries never cross scopes, so a scope must name everyone an entry may be shown to (tenant or
// owner plus collection). Bounded by entry count and bytes with least-recently-used eviction;
// entries expire a fixed time after they were stored.
//
// Thread-safety: every member is safe to call from any thread (one mutex; a lookup updates the
// LRU order). The semantic scan is linear in the entries of one (scope, filters, version)
// bucket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ragd::server {

struct ResponseCacheOptions {
  size_t max_entries = 10000;
  size_t max_bytes = 64 << 20;  // payloads, questions, keys and embeddings, approximately
  double ttl_seconds = 3600;    // <= 0: entries never expire
  double semantic_threshold = 0.95;
  std::function<double()> clock;  // seconds; a steady clock when empty
};

struct CacheLookupKey {
  std::string scope;     // who may see the entry: tenant/owner + collection name
  std::string question;  // raw question; normalised inside (normalize_question)
  std::string filters;   // canonical serialisation of filters and answer options (caller's job)
  int64_t collection_version = 0;  // entries of another version never match
};

struct CacheHit {
  std::string payload;
  bool semantic = false;
  double similarity = 1;  // cosine of the question embeddings; 1 for an exact hit
};

class ResponseCache {
 public:
  explicit ResponseCache(ResponseCacheOptions options = {});
  ~ResponseCache();
  ResponseCache(const ResponseCache&) = delete;
  ResponseCache& operator=(const ResponseCache&) = delete;

  // Exact match on the normalised question first; then, when `embedding` is given and not
  // empty, the entry of the same scope, filters and version whose stored embedding is most
  // similar, if its cosine is >= the threshold. Embeddings of another dimension never match.
  // A hit becomes the most recently used entry.
  std::optional<CacheHit> lookup(const CacheLookupKey& key,
                                 const std::vector<float>* embedding = nullptr);

  // Stores (or replaces) the entry for `key`; its time to live starts now. `embedding` (the
  // question's, unit length or not) makes the entry findable by similarity. An entry larger
  // than max_bytes on its own is not stored.
  void store(const CacheLookupKey& key, std::string payload, std::vector<float> embedding = {});

  // Drops every entry whose scope starts with `scope_prefix` (a collection changed or was
  // deleted). End the prefix with the scope's separator so "t1/docs" does not also drop
  // "t1/docs2".
  void invalidate(std::string_view scope_prefix);

  // evictions counts entries dropped to stay within max_entries or max_bytes (not expiries,
  // not invalidations).
  struct Stats {
    uint64_t exact_hits = 0;
    uint64_t semantic_hits = 0;
    uint64_t misses = 0;
    uint64_t entries = 0;
    uint64_t bytes = 0;
    uint64_t evictions = 0;
  };
  Stats stats() const;

 private:
  struct Entry;
  struct Bucket;
  using Lru = std::list<Entry>;

  double now() const;
  void erase(Lru::iterator entry);
  void evict_to_fit();

  ResponseCacheOptions options_;
  mutable std::mutex mutex_;
  Lru lru_;  // most recently used first
  std::unordered_map<std::string, std::unique_ptr<Bucket>> buckets_;
  Stats stats_;
};

// The question as the cache compares it: invalid UTF-8 repaired, Unicode case folded with
// compatibility mapping (NFKC), whitespace runs collapsed to one space, and trailing '?', '!'
// and '.' and surrounding spaces removed.
std::string normalize_question(std::string_view question);

}  // namespace ragd::server

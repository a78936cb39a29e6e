// TtlCache: a small map from id to an immutable value that lives a bounded number of
// seconds, used by AuthService so that authenticate() reads users, organisations and API
// keys from memory instead of the store on every request.
// Values are shared_ptr<const V>, so a reader keeps its value after it is replaced or
// erased. Lookups take string_view (no allocation). At `max_entries` the cache drops its
// expired entries, and everything if that is not enough (a miss only costs a store read).
// Thread-safety: every method may be called from any thread (a shared mutex: lookups run
// in parallel).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ragd::platform {

template <typename V>
class TtlCache {
 public:
  explicit TtlCache(size_t max_entries = 100000) : max_entries_(max_entries) {}

  // The value of `key` if it was put with an expiry after `now`; nullptr otherwise.
  std::shared_ptr<const V> get(std::string_view key, int64_t now) const {
    std::shared_lock lock(mu_);
    auto it = map_.find(key);
    if (it == map_.end() || it->second.expires_at <= now) return nullptr;
    return it->second.value;
  }

  void put(std::string key, std::shared_ptr<const V> value, int64_t expires_at, int64_t now) {
    std::unique_lock lock(mu_);
    if (map_.size() >= max_entries_ && map_.find(key) == map_.end()) {
      std::erase_if(map_, [now](const auto& kv) { return kv.second.expires_at <= now; });
      if (map_.size() >= max_entries_) map_.clear();
    }
    map_.insert_or_assign(std::move(key), Entry{std::move(value), expires_at});
  }

  void erase(std::string_view key) {
    std::unique_lock lock(mu_);
    auto it = map_.find(key);
    if (it != map_.end()) map_.erase(it);
  }

  void clear() {
    std::unique_lock lock(mu_);
    map_.clear();
  }

 private:
  struct Entry {
    std::shared_ptr<const V> value;
    int64_t expires_at = 0;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  size_t max_entries_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> map_;
};

}  // namespace ragd::platform

#include "store/embedding_store.h"

#include <sqlite3.h>

#include <bit>
#include <cstring>
#include <ctime>

namespace ragd {

std::string encode_vector(const float* values, size_t count) {
  std::string bytes(count * sizeof(float), '\0');
  if constexpr (std::endian::native == std::endian::little) {
    if (count > 0) std::memcpy(bytes.data(), values, bytes.size());
  } else {
    for (size_t i = 0; i < count; ++i) {
      uint32_t bits = std::bit_cast<uint32_t>(values[i]);
      for (size_t b = 0; b < 4; ++b) bytes[i * 4 + b] = static_cast<char>((bits >> (8 * b)) & 0xff);
    }
  }
  return bytes;
}

std::vector<float> decode_vector(std::string_view bytes) {
  std::vector<float> values(bytes.size() / sizeof(float));
  if constexpr (std::endian::native == std::endian::little) {
    if (!values.empty()) std::memcpy(values.data(), bytes.data(), values.size() * sizeof(float));
  } else {
    for (size_t i = 0; i < values.size(); ++i) {
      uint32_t bits = 0;
      for (size_t b = 0; b < 4; ++b) {
        bits |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i * 4 + b])) << (8 * b);
      }
      values[i] = std::bit_cast<float>(bits);
    }
  }
  return values;
}

Result<std::unique_ptr<EmbeddingStore>> EmbeddingStore::open(Store& store) {
  std::unique_ptr<EmbeddingStore> out(new EmbeddingStore(store));
  sqlite3* db = store.connection();
  struct {
    Statement* target;
    const char* sql;
  } statements[] = {
      {&out->get_, "SELECT vector FROM embeddings WHERE model = ?1 AND content_hash = ?2"},
      {&out->put_,
       "INSERT OR REPLACE INTO embeddings(model, content_hash, vector, created_at) "
       "VALUES (?1, ?2, ?3, ?4)"},
      {&out->count_, "SELECT count(*) FROM embeddings WHERE model = ?1"},
      {&out->remove_, "DELETE FROM embeddings WHERE model = ?1"},
  };
  for (auto& [target, sql] : statements) {
    auto prepared = Statement::prepare(db, sql);
    if (!prepared.is_ok()) return prepared.status();
    *target = std::move(prepared).value();
  }
  return out;
}

Result<std::vector<std::optional<std::vector<float>>>> EmbeddingStore::get(
    const std::string& model, const std::vector<std::string>& hashes, size_t dimension) {
  std::vector<std::optional<std::vector<float>>> out(hashes.size());
  StatementReset reset(get_);
  for (size_t i = 0; i < hashes.size(); ++i) {
    RAGD_RETURN_IF_ERROR(get_.bind_all(model, hashes[i]));
    auto row = get_.step();
    if (!row.is_ok()) return row.status();
    if (!*row) continue;
    std::string_view bytes = get_.column_blob(0);
    if (bytes.size() != dimension * sizeof(float)) continue;
    out[i] = decode_vector(bytes);
  }
  return out;
}

Status EmbeddingStore::put(const std::string& model, const std::vector<std::string>& hashes,
                           const std::vector<float>& vectors, size_t dimension) {
  if (vectors.size() != hashes.size() * dimension) {
    return Status::internal("EmbeddingStore::put: " + std::to_string(vectors.size()) +
                            " floats for " + std::to_string(hashes.size()) + " vectors of " +
                            std::to_string(dimension));
  }
  if (hashes.empty()) return Status::ok();
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  return store_.in_transaction([&]() -> Status {
    StatementReset reset(put_);
    for (size_t i = 0; i < hashes.size(); ++i) {
      RAGD_RETURN_IF_ERROR(put_.bind_all(model, hashes[i]));
      std::string bytes = encode_vector(vectors.data() + i * dimension, dimension);
      RAGD_RETURN_IF_ERROR(put_.bind_blob(3, bytes.data(), bytes.size()));
      RAGD_RETURN_IF_ERROR(put_.bind(4, now));
      RAGD_RETURN_IF_ERROR(put_.run());
    }
    return Status::ok();
  });
}

Result<int64_t> EmbeddingStore::count(const std::string& model) {
  StatementReset reset(count_);
  RAGD_RETURN_IF_ERROR(count_.bind_all(model));
  auto row = count_.step();
  if (!row.is_ok()) return row.status();
  return *row ? count_.column_int64(0) : 0;
}

Result<int64_t> EmbeddingStore::remove_model(const std::string& model) {
  StatementReset reset(remove_);
  RAGD_RETURN_IF_ERROR(remove_.bind_all(model));
  RAGD_RETURN_IF_ERROR(remove_.run());
  return static_cast<int64_t>(sqlite3_changes64(store_.connection()));
}

}  // namespace ragd

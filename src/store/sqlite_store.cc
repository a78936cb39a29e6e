// Store: opening, transactions, collections and ingestion state. Documents and chunks are in
// store_documents.cc, the change log and index payloads in store_changes.cc.
#include <sqlite3.h>

#include <ctime>
#include <string>

#include "sqlite/sqlite_error.h"
#include "sqlite/statement.h"
#include "store/migrations.h"
#include "store/store.h"
#include "store/store_rows.h"
#include "store/store_statements.h"

namespace ragd {
namespace {

// Page cache per connection (negative: KiB) and memory-mapped read window. Memory mapping
// trades a copy per page read for the risk of SIGBUS if another process truncates the
// file under us, which only a broken tool would do to a live database.
constexpr char kConnectionPragmas[] =
    "PRAGMA synchronous = NORMAL;"
    "PRAGMA foreign_keys = ON;"
    "PRAGMA temp_store = MEMORY;"
    "PRAGMA cache_size = -65536;"
    "PRAGMA mmap_size = 268435456;";

constexpr int kBusyTimeoutMs = 10000;

Status enable_wal(sqlite3* db, const std::string& path) {
  // The first statement to read the file: a damaged or foreign file fails here.
  auto pragma = Statement::prepare(db, "PRAGMA journal_mode = WAL");
  if (!pragma) {
    return sqlite_status(db, sqlite3_extended_errcode(db), "cannot open database '" + path + "'");
  }
  auto row = pragma->step();
  if (!row) {
    return sqlite_status(db, sqlite3_extended_errcode(db), "cannot open database '" + path + "'");
  }
  std::string mode = *row ? pragma->column_text(0) : std::string();
  // An in-memory database reports "memory": there is no file to share with readers anyway.
  if (mode != "wal" && mode != "memory") {
    return Status::error(ErrorCode::kUnsupported,
                         "cannot enable write-ahead logging on '" + path +
                             "' (journal mode "
                             "stays '" +
                             mode + "'); put the database on a local file system");
  }
  return Status::ok();
}

// Every failure of open() names the file, so a user with several databases knows which.
Status naming_file(const Status& status, const std::string& path) {
  if (status.message().find(path) != std::string::npos) return status;
  return Status::error(status.code(), "cannot open database '" + path + "': " + status.message());
}

}  // namespace

Store::Store(sqlite3* db) : db_(db) {}

Store::~Store() {
  statements_.reset();  // statements must be finalized before their connection closes
  sqlite3_close_v2(db_);
}

Result<std::unique_ptr<Store>> Store::open(const std::string& path) {
  if (path.empty() || path.find('\0') != std::string::npos) {
    return Status::invalid("database path is empty or contains a NUL byte");
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Store> store(new Store(db));  // closes `db` on every return below
  if (rc != SQLITE_OK) return sqlite_status(db, rc, "cannot open database '" + path + "'");
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  RAGD_RETURN_IF_ERROR(enable_wal(db, path));
  RAGD_RETURN_IF_ERROR(
      exec_sql(db, kConnectionPragmas, "cannot configure database '" + path + "'"));
  auto version = apply_migrations(db, path);
  if (!version) return naming_file(version.status(), path);
  auto statements = Statements::prepare(db);
  if (!statements) return naming_file(statements.status(), path);
  store->statements_ = std::move(*statements);
  store->statements_->schema_version = *version;
  return store;
}

int Store::schema_version() const {
  return statements_->schema_version;
}

Status Store::in_transaction(const std::function<Status()>& work) {
  return statements_->atomically(db_, work);
}

Status Store::in_read_snapshot(const std::function<Status()>& work) {
  if (sqlite3_get_autocommit(db_) == 0) return work();
  RAGD_RETURN_IF_ERROR(exec_sql(db_, "BEGIN DEFERRED", "cannot start a read transaction"));
  Status status;
  try {
    status = work();
  } catch (const std::exception& e) {
    status = Status::internal(std::string("unexpected exception in a read transaction: ") + e.what());
  }
  Status ended = exec_sql(db_, "COMMIT", "cannot end a read transaction");
  return status.is_ok() ? ended : status;
}

Result<CollectionInfo> Store::create_collection(const std::string& name,
                                                const std::string& description,
                                                const std::string& settings_json) {
  if (name.empty()) return Status::invalid("a collection name must not be empty");
  Status status = statements_->atomically(db_, [&]() -> Status {
    if (find_collection(name).is_ok()) {
      return Status::error(ErrorCode::kAlreadyExists, "a collection named '" + name + "' exists");
    }
    auto insert = Statement::prepare(
        db_, "INSERT INTO collections(name, description, settings_json, created_at) "
             "VALUES (?1, ?2, ?3, ?4)");
    if (!insert) return insert.status();
    RAGD_RETURN_IF_ERROR(insert->bind_all(name, description, settings_json,
                                          static_cast<int64_t>(std::time(nullptr))));
    return insert->run();
  });
  if (!status.is_ok()) return status;
  return find_collection(name);
}

Result<CollectionInfo> Store::get_or_create_collection(const std::string& name) {
  if (name.empty()) return Status::invalid("a collection name must not be empty");
  Statement& insert = statements_->insert_collection;
  StatementReset reset(insert);
  RAGD_RETURN_IF_ERROR(insert.bind_all(name, static_cast<int64_t>(std::time(nullptr))));
  RAGD_RETURN_IF_ERROR(insert.run());
  return find_collection(name);
}

Result<CollectionInfo> Store::find_collection(const std::string& name) {
  Statement& find = statements_->find_collection;
  StatementReset reset(find);
  RAGD_RETURN_IF_ERROR(find.bind_all(name));
  auto row = find.step();
  if (!row) return row.status();
  if (!*row) return Status::not_found("no collection named '" + name + "'");
  return read_collection(find);
}

Result<std::vector<CollectionInfo>> Store::list_collections() {
  Statement& list = statements_->list_collections;
  StatementReset reset(list);
  list.reset();
  std::vector<CollectionInfo> collections;
  for (;;) {
    auto row = list.step();
    if (!row) return row.status();
    if (!*row) break;
    collections.push_back(read_collection(list));
  }
  return collections;
}

Status Store::delete_collection(int64_t collection_id) {
  Statements& s = *statements_;
  return s.atomically(db_, [&]() -> Status {
    {
      StatementReset reset(s.collection_exists);
      RAGD_RETURN_IF_ERROR(s.collection_exists.bind_all(collection_id));
      auto row = s.collection_exists.step();
      if (!row) return row.status();
      if (!*row) return Status::not_found("no collection with id " + std::to_string(collection_id));
    }
    {
      StatementReset reset(s.log_collection_removals);
      RAGD_RETURN_IF_ERROR(s.log_collection_removals.bind_all(collection_id));
      RAGD_RETURN_IF_ERROR(s.log_collection_removals.run());
    }
    StatementReset reset(s.delete_collection);
    RAGD_RETURN_IF_ERROR(s.delete_collection.bind_all(collection_id));
    return s.delete_collection.run();  // documents and chunks go by ON DELETE CASCADE
  });
}

Status Store::set_state(const std::string& key, const std::string& value) {
  Statement& set = statements_->set_state;
  StatementReset reset(set);
  RAGD_RETURN_IF_ERROR(set.bind_all(key, value));
  return set.run();
}

Result<std::optional<std::string>> Store::get_state(const std::string& key) {
  Statement& get = statements_->get_state;
  StatementReset reset(get);
  RAGD_RETURN_IF_ERROR(get.bind_all(key));
  auto row = get.step();
  if (!row) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(get.column_text(0));
}

}  // namespace ragd

// Store::update_collection_settings: the one write that swaps a collection's settings (an
// embedding model switch becomes visible to readers with it); and the description's update.
#include <sqlite3.h>

#include "sqlite/statement.h"
#include "store/store.h"

namespace ragd {

Status Store::update_collection_settings(int64_t collection_id, const std::string& settings_json) {
  auto update = Statement::prepare(db_, "UPDATE collections SET settings_json = ?1 WHERE id = ?2");
  if (!update.is_ok()) return update.status();
  RAGD_RETURN_IF_ERROR(update->bind_all(settings_json, collection_id));
  RAGD_RETURN_IF_ERROR(update->run());
  if (sqlite3_changes64(db_) == 0) {
    return Status::not_found("no collection with id " + std::to_string(collection_id));
  }
  return Status::ok();
}

Status Store::update_collection_description(int64_t collection_id, const std::string& description) {
  auto update = Statement::prepare(db_, "UPDATE collections SET description = ?1 WHERE id = ?2");
  if (!update.is_ok()) return update.status();
  RAGD_RETURN_IF_ERROR(update->bind_all(description, collection_id));
  RAGD_RETURN_IF_ERROR(update->run());
  if (sqlite3_changes64(db_) == 0) {
    return Status::not_found("no collection with id " + std::to_string(collection_id));
  }
  return Status::ok();
}

}  // namespace ragd

// Reading a user's sessions for the routes (sessions, account export and deletion).
// Throws ApiException (404 for another owner's or unknown ids, 503 when the store fails).
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "server/services.h"
#include "store/session_store.h"
#include "store/store.h"

namespace ragd::server {

struct SessionAccess {
  std::unique_ptr<Store> store;
  std::unique_ptr<SessionStore> sessions;
};

SessionAccess open_sessions(Services& services);
// {id, title, created_at, updated_at, turn_count, turns:[..]} of the owner's session.
nlohmann::json session_with_turns(SessionAccess& access, const std::string& id, const std::string& owner);
// Every session of the owner, with turns, newest first.
nlohmann::json all_sessions(SessionAccess& access, const std::string& owner);
// Deletes every session of the owner (turns and summaries with them).
Status delete_all_sessions(SessionAccess& access, const std::string& owner);

}  // namespace ragd::server

// Tenant scope of collection names. With authentication on, an organisation's collection
// "docs" is stored as "<organization id>:docs" (':' cannot occur in a public name, and
// organisation ids are "org_" + base64url), so every lookup by name is scoped by
// construction: a name is only ever resolved inside the caller's organisation, and two
// organisations may both have "default". With authentication off the stored name is the
// public name. Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>

#include "platform/principal.h"

namespace ragd::server {

// The stored name of the caller's collection `public_name` (already checked).
std::string scoped_collection(const platform::Principal& who, const std::string& public_name);

// The public name of a stored collection name when it belongs to the caller, else nullopt.
std::optional<std::string> visible_collection(const platform::Principal& who,
                                              const std::string& stored_name);

// The organisation part of a stored name ("" for local collections).
std::string collection_organization(const std::string& stored_name);

}  // namespace ragd::server

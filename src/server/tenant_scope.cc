#include "server/tenant_scope.h"

namespace ragd::server {

std::string scoped_collection(const platform::Principal& who, const std::string& public_name) {
  if (!who.authenticated) return public_name;
  return who.organization + ":" + public_name;
}

std::optional<std::string> visible_collection(const platform::Principal& who,
                                              const std::string& stored_name) {
  const size_t colon = stored_name.find(':');
  if (!who.authenticated) {
    if (colon != std::string::npos) return std::nullopt;
    return stored_name;
  }
  if (colon == std::string::npos || stored_name.compare(0, colon, who.organization) != 0 ||
      colon != who.organization.size()) {
    return std::nullopt;
  }
  return stored_name.substr(colon + 1);
}

std::string collection_organization(const std::string& stored_name) {
  const size_t colon = stored_name.find(':');
  return colon == std::string::npos ? "" : stored_name.substr(0, colon);
}

}  // namespace ragd::server

// Principal: who is making a request, as established by authentication, and what they may do.
// With authentication off, every request is the local owner: organisation "", user "", every
// permission, no plan limits.
#pragma once

#include <string>

#include "platform/roles.h"

namespace ragd::platform {

struct Principal {
  bool authenticated = false;  // false only with authentication off (the local owner)
  std::string organization;
  std::string user;
  std::string api_key;  // the key's id when the request came with an API key
  Role role = Role::kGuest;
  PermissionSet permissions;  // the role's, narrowed by the key's scopes
  std::string plan;           // the organisation's plan name

  bool can(Permission p) const { return permissions.has(p); }
  // The owner string of this principal's sessions: "<organization>/<user>" ("" when local).
  std::string session_owner() const { return authenticated ? organization + "/" + user : ""; }

  static Principal local_owner() {
    Principal p;
    p.role = Role::kSystemAdmin;
    p.permissions = PermissionSet::all();
    return p;
  }
};

}  // namespace ragd::platform

// Roles and permissions (RBAC). Roles inherit in a line:
//   guest < user < pro_user < organization_admin < system_admin
// and each role holds its own permissions plus every permission of the roles below it:
//   guest:              profile:read_own, chat:read_own, search:execute_basic
//   user:               + chat:create, profile:update_own, organization:read, api:access
//   pro_user:           + search:execute_advanced, chat:bulk_export
//   organization_admin: + organization:update, organization:manage_users, billing:read,
//                         billing:update
//   system_admin:       + admin:access_dashboard, admin:view_all_users,
//                         admin:manage_features, admin:view_system_metrics
// An API key carries scopes, a subset of its creator's permissions; a request made with it
// holds the intersection of the scopes and the creator's current role.
// Thread-safety: values and pure functions.
#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ragd::platform {

enum class Role { kGuest = 0, kUser, kProUser, kOrganizationAdmin, kSystemAdmin };

enum class Permission {
  kChatCreate = 0,
  kChatReadOwn,
  kChatBulkExport,
  kSearchExecuteBasic,
  kSearchExecuteAdvanced,
  kApiAccess,
  kProfileReadOwn,
  kProfileUpdateOwn,
  kOrganizationRead,
  kOrganizationUpdate,
  kOrganizationManageUsers,
  kBillingRead,
  kBillingUpdate,
  kAdminAccessDashboard,
  kAdminViewAllUsers,
  kAdminManageFeatures,
  kAdminViewSystemMetrics,
  kCount,  // not a permission: the number of them
};

class PermissionSet {
 public:
  PermissionSet() = default;
  static PermissionSet all();
  bool has(Permission p) const { return bits_.test(static_cast<size_t>(p)); }
  void add(Permission p) { bits_.set(static_cast<size_t>(p)); }
  PermissionSet intersect(const PermissionSet& other) const;
  bool contains_all(const PermissionSet& other) const;  // other is a subset of this
  bool empty() const { return bits_.none(); }
  // Names in enum order, e.g. {"chat:create", "search:execute_basic"}.
  std::vector<std::string> names() const;
  bool operator==(const PermissionSet& other) const { return bits_ == other.bits_; }

 private:
  std::bitset<static_cast<size_t>(Permission::kCount)> bits_;
};

// "chat:create" and so on; nullopt for an unknown name.
std::optional<Permission> parse_permission(std::string_view name);
const char* permission_name(Permission p);

// "guest", "user", "pro_user", "organization_admin", "system_admin".
std::optional<Role> parse_role(std::string_view name);
const char* role_name(Role role);

// The role's permissions, inherited ones included.
PermissionSet permissions_of(Role role);

// Parses scope names; nullopt (and the offending name in *bad) on an unknown one. An empty
// list is not an error here (callers decide what no scopes means).
std::optional<PermissionSet> parse_permissions(const std::vector<std::string>& names,
                                               std::string* bad);

}  // namespace ragd::platform

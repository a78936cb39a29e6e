#include "platform/roles.h"

#include <array>
#include <cstddef>

namespace ragd::platform {
namespace {

constexpr size_t kPermissionCount = static_cast<size_t>(Permission::kCount);

constexpr std::array<const char*, kPermissionCount> kPermissionNames = {
    "chat:create",
    "chat:read_own",
    "chat:bulk_export",
    "search:execute_basic",
    "search:execute_advanced",
    "api:access",
    "profile:read_own",
    "profile:update_own",
    "organization:read",
    "organization:update",
    "organization:manage_users",
    "billing:read",
    "billing:update",
    "admin:access_dashboard",
    "admin:view_all_users",
    "admin:manage_features",
    "admin:view_system_metrics",
};

constexpr std::array<const char*, 5> kRoleNames = {
    "guest", "user", "pro_user", "organization_admin", "system_admin",
};

// What each role adds to the one below it (the header's table).
PermissionSet own_permissions(Role role) {
  PermissionSet set;
  switch (role) {
    case Role::kGuest:
      set.add(Permission::kProfileReadOwn);
      set.add(Permission::kChatReadOwn);
      set.add(Permission::kSearchExecuteBasic);
      break;
    case Role::kUser:
      set.add(Permission::kChatCreate);
      set.add(Permission::kProfileUpdateOwn);
      set.add(Permission::kOrganizationRead);
      set.add(Permission::kApiAccess);
      break;
    case Role::kProUser:
      set.add(Permission::kSearchExecuteAdvanced);
      set.add(Permission::kChatBulkExport);
      break;
    case Role::kOrganizationAdmin:
      set.add(Permission::kOrganizationUpdate);
      set.add(Permission::kOrganizationManageUsers);
      set.add(Permission::kBillingRead);
      set.add(Permission::kBillingUpdate);
      break;
    case Role::kSystemAdmin:
      set.add(Permission::kAdminAccessDashboard);
      set.add(Permission::kAdminViewAllUsers);
      set.add(Permission::kAdminManageFeatures);
      set.add(Permission::kAdminViewSystemMetrics);
      break;
  }
  return set;
}

PermissionSet unite(const PermissionSet& a, const PermissionSet& b) {
  PermissionSet out = a;
  for (size_t i = 0; i < kPermissionCount; ++i) {
    const auto p = static_cast<Permission>(i);
    if (b.has(p)) out.add(p);
  }
  return out;
}

// Built once; index = role.
const std::array<PermissionSet, 5>& role_table() {
  static const std::array<PermissionSet, 5> table = [] {
    std::array<PermissionSet, 5> t;
    PermissionSet acc;
    for (size_t r = 0; r < t.size(); ++r) {
      acc = unite(acc, own_permissions(static_cast<Role>(r)));
      t[r] = acc;
    }
    return t;
  }();
  return table;
}

}  // namespace

PermissionSet PermissionSet::all() {
  PermissionSet set;
  set.bits_.set();
  return set;
}

PermissionSet PermissionSet::intersect(const PermissionSet& other) const {
  PermissionSet out;
  out.bits_ = bits_ & other.bits_;
  return out;
}

bool PermissionSet::contains_all(const PermissionSet& other) const {
  return (other.bits_ & ~bits_).none();
}

std::vector<std::string> PermissionSet::names() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < kPermissionCount; ++i) {
    if (bits_.test(i)) out.emplace_back(kPermissionNames[i]);
  }
  return out;
}

std::optional<Permission> parse_permission(std::string_view name) {
  for (size_t i = 0; i < kPermissionCount; ++i) {
    if (name == kPermissionNames[i]) return static_cast<Permission>(i);
  }
  return std::nullopt;
}

const char* permission_name(Permission p) {
  const auto i = static_cast<size_t>(p);
  return i < kPermissionCount ? kPermissionNames[i] : "unknown";
}

std::optional<Role> parse_role(std::string_view name) {
  for (size_t i = 0; i < kRoleNames.size(); ++i) {
    if (name == kRoleNames[i]) return static_cast<Role>(i);
  }
  return std::nullopt;
}

const char* role_name(Role role) {
  const auto i = static_cast<size_t>(role);
  return i < kRoleNames.size() ? kRoleNames[i] : "unknown";
}

PermissionSet permissions_of(Role role) {
  const auto i = static_cast<size_t>(role);
  const auto& table = role_table();
  return i < table.size() ? table[i] : PermissionSet();
}

std::optional<PermissionSet> parse_permissions(const std::vector<std::string>& names,
                                               std::string* bad) {
  PermissionSet set;
  for (const auto& name : names) {
    const auto p = parse_permission(name);
    if (!p) {
      if (bad != nullptr) *bad = name;
      return std::nullopt;
    }
    set.add(*p);
  }
  return set;
}

}  // namespace ragd::platform

#include "platform/roles.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace ragd::platform {
namespace {

const Role kRoles[] = {Role::kGuest, Role::kUser, Role::kProUser, Role::kOrganizationAdmin,
                       Role::kSystemAdmin};

std::set<std::string> names_of(Role role) {
  const auto names = permissions_of(role).names();
  return {names.begin(), names.end()};
}

TEST(Roles, ExactPermissionsPerRole) {
  const std::set<std::string> guest = {"profile:read_own", "chat:read_own", "search:execute_basic"};
  std::set<std::string> user = guest;
  user.insert({"chat:create", "profile:update_own", "organization:read", "api:access"});
  std::set<std::string> pro = user;
  pro.insert({"search:execute_advanced", "chat:bulk_export"});
  std::set<std::string> org_admin = pro;
  org_admin.insert(
      {"organization:update", "organization:manage_users", "billing:read", "billing:update"});
  std::set<std::string> sys_admin = org_admin;
  sys_admin.insert({"admin:access_dashboard", "admin:view_all_users", "admin:manage_features",
                    "admin:view_system_metrics"});

  EXPECT_EQ(names_of(Role::kGuest), guest);
  EXPECT_EQ(names_of(Role::kUser), user);
  EXPECT_EQ(names_of(Role::kProUser), pro);
  EXPECT_EQ(names_of(Role::kOrganizationAdmin), org_admin);
  EXPECT_EQ(names_of(Role::kSystemAdmin), sys_admin);
  EXPECT_EQ(permissions_of(Role::kSystemAdmin), PermissionSet::all());
}

TEST(Roles, HigherRolesHoldEveryPermissionOfLowerOnes) {
  for (size_t lo = 0; lo < std::size(kRoles); ++lo) {
    for (size_t hi = lo; hi < std::size(kRoles); ++hi) {
      EXPECT_TRUE(permissions_of(kRoles[hi]).contains_all(permissions_of(kRoles[lo])))
          << role_name(kRoles[hi]) << " lacks some of " << role_name(kRoles[lo]);
    }
    for (size_t hi = lo + 1; hi < std::size(kRoles); ++hi) {
      EXPECT_FALSE(permissions_of(kRoles[lo]).contains_all(permissions_of(kRoles[hi])))
          << role_name(kRoles[lo]) << " should hold less than " << role_name(kRoles[hi]);
    }
  }
}

TEST(Roles, SpecificChecks) {
  EXPECT_FALSE(permissions_of(Role::kGuest).has(Permission::kChatCreate));
  EXPECT_TRUE(permissions_of(Role::kUser).has(Permission::kChatCreate));
  EXPECT_FALSE(permissions_of(Role::kUser).has(Permission::kSearchExecuteAdvanced));
  EXPECT_FALSE(permissions_of(Role::kProUser).has(Permission::kBillingRead));
  EXPECT_TRUE(permissions_of(Role::kOrganizationAdmin).has(Permission::kOrganizationManageUsers));
  EXPECT_FALSE(permissions_of(Role::kOrganizationAdmin).has(Permission::kAdminViewAllUsers));
  EXPECT_TRUE(permissions_of(Role::kSystemAdmin).has(Permission::kAdminViewAllUsers));
}

TEST(Roles, PermissionNamesRoundTrip) {
  std::set<std::string> seen;
  for (size_t i = 0; i < static_cast<size_t>(Permission::kCount); ++i) {
    const auto p = static_cast<Permission>(i);
    const std::string name = permission_name(p);
    EXPECT_TRUE(seen.insert(name).second) << "duplicate name " << name;
    const auto parsed = parse_permission(name);
    ASSERT_TRUE(parsed.has_value()) << name;
    EXPECT_EQ(*parsed, p);
  }
  EXPECT_EQ(seen.size(), 17u);
}

TEST(Roles, RoleNamesRoundTrip) {
  const char* expected[] = {"guest", "user", "pro_user", "organization_admin", "system_admin"};
  for (size_t i = 0; i < std::size(kRoles); ++i) {
    EXPECT_STREQ(role_name(kRoles[i]), expected[i]);
    const auto parsed = parse_role(expected[i]);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, kRoles[i]);
  }
}

TEST(Roles, UnknownNamesAreRejected) {
  for (const char* name : {"", "admin", "Guest", "USER", "user ", "system-admin", "root"}) {
    EXPECT_FALSE(parse_role(name).has_value()) << name;
  }
  for (const char* name : {"", "chat", "chat:", "Chat:create", "chat:create ", "admin:*", "*"}) {
    EXPECT_FALSE(parse_permission(name).has_value()) << name;
  }
  EXPECT_FALSE(parse_role(std::string_view("user\0x", 6)).has_value());
}

TEST(Roles, ParsePermissionsList) {
  std::string bad;
  auto set = parse_permissions({"chat:create", "search:execute_basic", "chat:create"}, &bad);
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(set->names(), (std::vector<std::string>{"chat:create", "search:execute_basic"}));
  EXPECT_TRUE(bad.empty());

  auto empty = parse_permissions({}, &bad);
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());

  EXPECT_FALSE(parse_permissions({"chat:create", "chat:delete_all"}, &bad).has_value());
  EXPECT_EQ(bad, "chat:delete_all");
  EXPECT_FALSE(parse_permissions({"nope"}, nullptr).has_value());
}

TEST(Roles, NamesAreInEnumOrderAndRoundTrip) {
  const PermissionSet admin = permissions_of(Role::kSystemAdmin);
  const auto names = admin.names();
  ASSERT_EQ(names.size(), 17u);
  EXPECT_EQ(names.front(), "chat:create");
  EXPECT_EQ(names.back(), "admin:view_system_metrics");
  std::string bad;
  auto parsed = parse_permissions(names, &bad);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, admin);
}

TEST(Roles, ApiKeyScopesIntersectWithRole) {
  std::string bad;
  auto scopes = parse_permissions({"chat:create", "billing:update", "search:execute_basic"}, &bad);
  ASSERT_TRUE(scopes.has_value());
  const PermissionSet held = scopes->intersect(permissions_of(Role::kUser));
  EXPECT_TRUE(held.has(Permission::kChatCreate));
  EXPECT_TRUE(held.has(Permission::kSearchExecuteBasic));
  EXPECT_FALSE(held.has(Permission::kBillingUpdate));
  EXPECT_FALSE(held.has(Permission::kApiAccess));
  EXPECT_TRUE(permissions_of(Role::kUser).contains_all(held));
  EXPECT_FALSE(permissions_of(Role::kUser).contains_all(*scopes));
  EXPECT_TRUE(PermissionSet().empty());
  EXPECT_TRUE(PermissionSet().contains_all(PermissionSet()));
  EXPECT_TRUE(PermissionSet().intersect(PermissionSet::all()).empty());
}

}  // namespace
}  // namespace ragd::platform

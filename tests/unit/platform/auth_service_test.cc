#include "platform/auth_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "platform/email_address.h"
#include "platform/platform_store.h"

namespace ragd::platform {
namespace {

constexpr const char* kPassword = "correct horse battery";
constexpr const char* kGeneric = "the e-mail or password is wrong, or the account is locked";

class AuthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("ragd-auth-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = open_sqlite_platform_store((dir_ / "platform.db").string());
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    store_ = std::move(store).value();
    AuthConfig config;
    config.jwt.hs256_secret = "0123456789abcdef0123456789abcdef-test";
    config.argon2.memory_kib = 256;
    config.argon2.passes = 1;
    config.argon2.parallelism = 1;
    auto service = AuthService::create(*store_, plans_, config, [this] { return clock_.load(); });
    ASSERT_TRUE(service.is_ok()) << service.status().to_string();
    auth_ = std::move(service).value();
  }
  void TearDown() override {
    auth_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  TokenPair register_org(const std::string& org, const std::string& email,
                         const std::string& plan = "free") {
    auto r = auth_->register_organization(org, email, kPassword, "Owner", plan, false, ctx_);
    EXPECT_TRUE(r.ok()) << r.message;
    return r.ok() ? *r.value : TokenPair{};
  }
  Principal principal(const std::string& bearer) {
    auto p = auth_->authenticate(bearer);
    EXPECT_TRUE(p.ok()) << p.message;
    return p.ok() ? *p.value : Principal{};
  }
  AuthFailure auth_failure(const std::string& bearer) {
    return auth_->authenticate(bearer).failure;
  }
  // A user of `admin`'s organisation with `role`, signed in: their tokens.
  TokenPair add_user(const Principal& admin, const std::string& email, const std::string& role) {
    auto u = auth_->create_user(admin, email, kPassword, "Member", role, ctx_);
    EXPECT_TRUE(u.ok()) << u.message;
    auto t = auth_->login(email, kPassword, ctx_);
    EXPECT_TRUE(t.ok()) << t.message;
    return t.ok() ? *t.value : TokenPair{};
  }
  std::vector<AuditEntry> audit_of(const std::string& action) {
    AuditQuery q;
    q.action = action;
    q.limit = 1000;
    auto entries = store_->query_audit(q);
    EXPECT_TRUE(entries.is_ok()) << entries.status().to_string();
    return entries.is_ok() ? *entries : std::vector<AuditEntry>{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<PlatformStore> store_;
  PlanCatalog plans_;
  std::unique_ptr<AuthService> auth_;
  std::atomic<int64_t> clock_{1'700'000'000};
  RequestContext ctx_{"192.0.2.7", "test-agent/1.0", "req-1"};
};

TEST(EmailAddress, FormatAndCase) {
  EXPECT_TRUE(valid_email("a@b.co"));
  EXPECT_TRUE(valid_email("first.last+tag@mail.example.org"));
  EXPECT_FALSE(valid_email(""));
  EXPECT_FALSE(valid_email("no-at.example.com"));
  EXPECT_FALSE(valid_email("@example.com"));
  EXPECT_FALSE(valid_email("a@b@example.com"));
  EXPECT_FALSE(valid_email("a@localhost"));
  EXPECT_FALSE(valid_email("a@.example.com"));
  EXPECT_FALSE(valid_email("a@example.com."));
  EXPECT_FALSE(valid_email("a@example..com"));
  EXPECT_FALSE(valid_email("a b@example.com"));
  EXPECT_FALSE(valid_email("a\n@example.com"));
  EXPECT_FALSE(valid_email(std::string(250, 'a') + "@b.co"));
  EXPECT_EQ(fold_ascii_case("Alice@Example.COM"), "alice@example.com");
  EXPECT_TRUE(valid_display_text("Café Ünïcode", 1, 12));
  EXPECT_FALSE(valid_display_text("Café Ünïcode", 1, 11));
  EXPECT_FALSE(valid_display_text("", 1, 10));
  EXPECT_FALSE(valid_display_text("tab\there", 1, 100));
  EXPECT_FALSE(valid_display_text("\xC3", 1, 100));
  EXPECT_FALSE(valid_display_text("\xC0\xAF", 1, 100));
}

TEST_F(AuthServiceTest, RegistersAnOrganisationWithItsAdmin) {
  TokenPair t = register_org("Acme", "Owner@Acme.example", "pro");
  EXPECT_FALSE(t.access_token.empty());
  EXPECT_FALSE(t.refresh_token.empty());
  EXPECT_EQ(t.expires_in, 15 * 60);
  EXPECT_EQ(t.user.role, "organization_admin");
  EXPECT_EQ(t.user.email, "owner@acme.example");
  EXPECT_TRUE(t.user.password_hash.empty());
  EXPECT_EQ(t.organization.plan, "pro");
  Principal p = principal(t.access_token);
  EXPECT_TRUE(p.authenticated);
  EXPECT_EQ(p.organization, t.organization.id);
  EXPECT_EQ(p.user, t.user.id);
  EXPECT_EQ(p.role, Role::kOrganizationAdmin);
  EXPECT_EQ(p.plan, "pro");
  EXPECT_TRUE(p.api_key.empty());
  EXPECT_TRUE(p.can(Permission::kOrganizationManageUsers));
  EXPECT_FALSE(p.can(Permission::kAdminAccessDashboard));
  auto entries = audit_of("organization.create");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].organization, t.organization.id);
  EXPECT_EQ(entries[0].actor_user, t.user.id);
  EXPECT_EQ(entries[0].target, t.organization.id);
  EXPECT_EQ(entries[0].ip, "192.0.2.7");
  EXPECT_EQ(entries[0].user_agent, "test-agent/1.0");
  EXPECT_EQ(entries[0].request_id, "req-1");

  auto sys = auth_->register_organization("Operator", "root@ops.example", kPassword, "", "free",
                                          true, ctx_);
  ASSERT_TRUE(sys.ok()) << sys.message;
  EXPECT_EQ(principal(sys.value->access_token).role, Role::kSystemAdmin);
}

TEST_F(AuthServiceTest, RejectsBadRegistrations) {
  auto bad = [&](const std::string& org, const std::string& email, const std::string& password,
                 const std::string& plan) {
    return auth_->register_organization(org, email, password, "n", plan, false, ctx_).failure;
  };
  EXPECT_EQ(bad("Acme", "not-an-email", kPassword, "free"), AuthFailure::kInvalid);
  EXPECT_EQ(bad("Acme", "a@b.example", "short", "free"), AuthFailure::kInvalid);
  EXPECT_EQ(bad("Acme", "a@b.example", std::string(1025, 'x'), "free"), AuthFailure::kInvalid);
  EXPECT_EQ(bad("Acme", "a@b.example", kPassword, "platinum"), AuthFailure::kInvalid);
  EXPECT_EQ(bad("", "a@b.example", kPassword, "free"), AuthFailure::kInvalid);
  EXPECT_EQ(bad("Ac\x01me", "a@b.example", kPassword, "free"), AuthFailure::kInvalid);
  EXPECT_EQ(bad(std::string(201, 'o'), "a@b.example", kPassword, "free"), AuthFailure::kInvalid);
  EXPECT_EQ(bad("Acme", "a@b.example", std::string(8, 'x'), "free"), AuthFailure::kNone);
}

TEST_F(AuthServiceTest, DuplicateEmailIgnoringCase) {
  register_org("Acme", "Alice@Example.com");
  auto again = auth_->register_organization("Other", "alice@EXAMPLE.COM", kPassword, "", "free",
                                            false, ctx_);
  EXPECT_EQ(again.failure, AuthFailure::kConflict);
  EXPECT_EQ(again.message, "an account with this e-mail exists");
  EXPECT_TRUE(auth_->login("ALICE@example.com", kPassword, ctx_).ok());
}

TEST_F(AuthServiceTest, LoginFailuresShareOneMessage) {
  TokenPair t = register_org("Acme", "alice@example.com");
  auto wrong = auth_->login("alice@example.com", "wrong password", ctx_);
  auto unknown = auth_->login("nobody@example.com", kPassword, ctx_);
  auto malformed = auth_->login("nobody", kPassword, ctx_);
  EXPECT_EQ(wrong.failure, AuthFailure::kUnauthenticated);
  EXPECT_EQ(unknown.failure, AuthFailure::kUnauthenticated);
  EXPECT_EQ(malformed.failure, AuthFailure::kUnauthenticated);
  EXPECT_EQ(wrong.message, kGeneric);
  EXPECT_EQ(unknown.message, kGeneric);
  auto ok = auth_->login("alice@example.com", kPassword, ctx_);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(principal(ok.value->access_token).user, t.user.id);

  auto entries = audit_of("auth.login");  // newest first
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].outcome, "success");
  EXPECT_EQ(entries[0].actor_user, t.user.id);
  EXPECT_EQ(entries[1].outcome, "failure");
  EXPECT_EQ(entries[1].organization, "");
  EXPECT_EQ(entries[1].target, "");
  EXPECT_EQ(entries[3].outcome, "failure");
  EXPECT_EQ(entries[3].organization, t.organization.id);
  EXPECT_EQ(entries[3].target, t.user.id);
  for (const auto& e : entries) {
    EXPECT_EQ(e.details.find(kPassword), std::string::npos);
    EXPECT_EQ(e.details.find("wrong password"), std::string::npos);
  }
}

TEST_F(AuthServiceTest, LocksAfterFiveFailuresForThirtyMinutes) {
  register_org("Acme", "alice@example.com");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(auth_->login("alice@example.com", "wrong password", ctx_).failure,
              AuthFailure::kUnauthenticated);
  }
  auto locked = auth_->login("alice@example.com", kPassword, ctx_);
  EXPECT_EQ(locked.failure, AuthFailure::kUnauthenticated);
  EXPECT_EQ(locked.message, kGeneric);
  clock_ += 29 * 60;
  EXPECT_FALSE(auth_->login("alice@example.com", kPassword, ctx_).ok());
  clock_ += 60;
  EXPECT_TRUE(auth_->login("alice@example.com", kPassword, ctx_).ok());
  // Four failures, a success, four more: the count restarted, so no lock.
  for (int i = 0; i < 4; ++i)
    EXPECT_FALSE(auth_->login("alice@example.com", "nope-nope", ctx_).ok());
  EXPECT_TRUE(auth_->login("alice@example.com", kPassword, ctx_).ok());
  for (int i = 0; i < 4; ++i)
    EXPECT_FALSE(auth_->login("alice@example.com", "nope-nope", ctx_).ok());
  EXPECT_TRUE(auth_->login("alice@example.com", kPassword, ctx_).ok());
}

TEST_F(AuthServiceTest, AccessTokensExpireAfterFifteenMinutes) {
  TokenPair t = register_org("Acme", "alice@example.com");
  clock_ += 15 * 60 - 1;
  EXPECT_TRUE(auth_->authenticate(t.access_token).ok());
  clock_ += 1 + 30;  // past exp and the verifier's 30 s leeway
  EXPECT_EQ(auth_failure(t.access_token), AuthFailure::kUnauthenticated);
}

TEST_F(AuthServiceTest, HostileBearersAreUnauthenticated) {
  TokenPair t = register_org("Acme", "alice@example.com");
  for (const std::string& bearer :
       {std::string(), std::string("."), std::string(".."), std::string("..."), std::string("key_"),
        std::string("key_."), std::string("key_x.y"), std::string("key_x.y.z"),
        std::string("a.b.c"), std::string(100000, 'k'), std::string("\0\0.\xff", 4),
        t.access_token + "x", t.refresh_token}) {
    EXPECT_EQ(auth_failure(bearer), AuthFailure::kUnauthenticated) << bearer.substr(0, 40);
  }
}

TEST_F(AuthServiceTest, RoleChangesAndDeletionActAtOnce) {
  TokenPair admin = register_org("Acme", "admin@example.com");
  Principal a = principal(admin.access_token);
  TokenPair bob = add_user(a, "bob@example.com", "pro_user");
  EXPECT_EQ(principal(bob.access_token).role, Role::kProUser);
  auto demoted = auth_->update_user(a, bob.user.id, std::nullopt, std::string("user"), ctx_);
  ASSERT_TRUE(demoted.ok()) << demoted.message;
  EXPECT_EQ(demoted.value->role, "user");
  Principal b = principal(bob.access_token);
  EXPECT_EQ(b.role, Role::kUser);
  EXPECT_FALSE(b.can(Permission::kSearchExecuteAdvanced));
  auto changes = audit_of("user.role_change");
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].target, bob.user.id);
  EXPECT_EQ(changes[0].details, "{\"from\":\"pro_user\",\"to\":\"user\"}");

  ASSERT_TRUE(auth_->delete_user(a, bob.user.id, ctx_).ok());
  EXPECT_EQ(auth_failure(bob.access_token), AuthFailure::kUnauthenticated);
  EXPECT_EQ(auth_->refresh(bob.refresh_token, ctx_).failure, AuthFailure::kUnauthenticated);
  EXPECT_EQ(auth_->login("bob@example.com", kPassword, ctx_).failure,
            AuthFailure::kUnauthenticated);
  EXPECT_EQ(auth_->get_user(a, bob.user.id).failure, AuthFailure::kNotFound);
  ASSERT_EQ(audit_of("user.delete").size(), 1u);
  EXPECT_EQ(audit_of("user.create").size(), 1u);
}

TEST_F(AuthServiceTest, PasswordChangeRejectsOlderTokens) {
  TokenPair t = register_org("Acme", "alice@example.com");
  Principal p = principal(t.access_token);
  clock_ += 5;
  auto wrong = auth_->change_password(p, "not my password", "a new password", ctx_);
  EXPECT_EQ(wrong.failure, AuthFailure::kInvalid);
  EXPECT_EQ(auth_->change_password(p, kPassword, "short", ctx_).failure, AuthFailure::kInvalid);
  ASSERT_TRUE(auth_->change_password(p, kPassword, "a new password", ctx_).ok());
  EXPECT_EQ(auth_failure(t.access_token), AuthFailure::kUnauthenticated);
  EXPECT_EQ(auth_->refresh(t.refresh_token, ctx_).failure, AuthFailure::kUnauthenticated);
  EXPECT_FALSE(auth_->login("alice@example.com", kPassword, ctx_).ok());
  auto fresh = auth_->login("alice@example.com", "a new password", ctx_);
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(auth_->authenticate(fresh.value->access_token).ok());
  auto entries = audit_of("auth.password_change");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].outcome, "success");
  EXPECT_EQ(entries[1].outcome, "failure");
}

TEST_F(AuthServiceTest, RefreshRotatesAndReuseRevokesTheFamily) {
  TokenPair t = register_org("Acme", "alice@example.com");
  clock_ += 60;
  auto second = auth_->refresh(t.refresh_token, ctx_);
  ASSERT_TRUE(second.ok()) << second.message;
  EXPECT_NE(second.value->refresh_token, t.refresh_token);
  EXPECT_EQ(principal(second.value->access_token).user, t.user.id);
  auto third = auth_->refresh(second.value->refresh_token, ctx_);
  ASSERT_TRUE(third.ok());
  // An unrelated login (another family) survives the reuse below.
  auto other = auth_->login("alice@example.com", kPassword, ctx_);
  ASSERT_TRUE(other.ok());

  auto reuse = auth_->refresh(second.value->refresh_token, ctx_);
  EXPECT_EQ(reuse.failure, AuthFailure::kUnauthenticated);
  EXPECT_EQ(auth_->refresh(third.value->refresh_token, ctx_).failure,
            AuthFailure::kUnauthenticated);
  EXPECT_EQ(auth_->refresh(t.refresh_token, ctx_).failure, AuthFailure::kUnauthenticated);
  EXPECT_TRUE(auth_->refresh(other.value->refresh_token, ctx_).ok());
  auto reuses = audit_of("auth.refresh_reuse");
  ASSERT_GE(reuses.size(), 1u);
  EXPECT_EQ(reuses.back().outcome, "failure");
  EXPECT_EQ(reuses.back().actor_user, t.user.id);

  EXPECT_EQ(auth_->refresh("", ctx_).failure, AuthFailure::kUnauthenticated);
  EXPECT_EQ(auth_->refresh("made-up", ctx_).failure, AuthFailure::kUnauthenticated);
}

TEST_F(AuthServiceTest, RefreshTokensExpire) {
  TokenPair t = register_org("Acme", "alice@example.com");
  clock_ += 30LL * 24 * 3600;
  EXPECT_EQ(auth_->refresh(t.refresh_token, ctx_).failure, AuthFailure::kUnauthenticated);
}

TEST_F(AuthServiceTest, LogoutRevokesTheFamily) {
  TokenPair t = register_org("Acme", "alice@example.com");
  auto second = auth_->refresh(t.refresh_token, ctx_);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(auth_->logout(second.value->refresh_token, ctx_).ok());
  EXPECT_EQ(auth_->refresh(second.value->refresh_token, ctx_).failure,
            AuthFailure::kUnauthenticated);
  EXPECT_TRUE(auth_->logout("never-issued", ctx_).ok());
  auto entries = audit_of("auth.logout");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].actor_user, t.user.id);
  EXPECT_EQ(entries[0].organization, t.organization.id);
}

TEST_F(AuthServiceTest, ApiKeysAuthenticateWithTheirScopes) {
  TokenPair admin = register_org("Acme", "admin@example.com", "pro");
  Principal a = principal(admin.access_token);
  auto key = auth_->create_api_key(a, "ci", {"search:execute_basic", "chat:create"}, 0, ctx_);
  ASSERT_TRUE(key.ok()) << key.message;
  EXPECT_EQ(key.value->secret.rfind(key.value->key.id + ".", 0), 0u);
  EXPECT_EQ(key.value->key.id.rfind("key_", 0), 0u);
  EXPECT_TRUE(key.value->key.digest.empty());
  Principal k = principal(key.value->secret);
  EXPECT_EQ(k.api_key, key.value->key.id);
  EXPECT_EQ(k.user, admin.user.id);
  EXPECT_EQ(k.organization, admin.organization.id);
  EXPECT_EQ(k.plan, "pro");
  EXPECT_TRUE(k.can(Permission::kSearchExecuteBasic));
  EXPECT_TRUE(k.can(Permission::kChatCreate));
  EXPECT_FALSE(k.can(Permission::kOrganizationManageUsers));
  EXPECT_EQ(k.permissions.names().size(), 2u);

  std::string forged = key.value->secret;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(auth_failure(forged), AuthFailure::kUnauthenticated);
  EXPECT_EQ(auth_failure(key.value->key.id + ".x"), AuthFailure::kUnauthenticated);

  auto listed = auth_->list_api_keys(a);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed.value->size(), 1u);
  EXPECT_TRUE(listed.value->at(0).digest.empty());

  ASSERT_TRUE(auth_->revoke_api_key(a, key.value->key.id, ctx_).ok());
  EXPECT_EQ(auth_failure(key.value->secret), AuthFailure::kUnauthenticated);
  ASSERT_EQ(audit_of("api_key.create").size(), 1u);
  auto revokes = audit_of("api_key.revoke");
  ASSERT_EQ(revokes.size(), 1u);
  EXPECT_EQ(revokes[0].target, key.value->key.id);
}

TEST_F(AuthServiceTest, ApiKeysExpireAndDieWithTheirCreator) {
  TokenPair admin = register_org("Acme", "admin@example.com");
  Principal a = principal(admin.access_token);
  auto expiring = auth_->create_api_key(a, "temp", {"search:execute_basic"}, clock_ + 100, ctx_);
  ASSERT_TRUE(expiring.ok()) << expiring.message;
  EXPECT_TRUE(auth_->authenticate(expiring.value->secret).ok());
  clock_ += 100;
  EXPECT_EQ(auth_failure(expiring.value->secret), AuthFailure::kUnauthenticated);
  EXPECT_EQ(auth_->create_api_key(a, "past", {"search:execute_basic"}, clock_, ctx_).failure,
            AuthFailure::kInvalid);

  TokenPair bob = add_user(a, "bob@example.com", "pro_user");
  Principal b = principal(bob.access_token);
  auto key = auth_->create_api_key(b, "bob's", {"search:execute_advanced", "chat:create"}, 0, ctx_);
  ASSERT_TRUE(key.ok()) << key.message;
  EXPECT_TRUE(principal(key.value->secret).can(Permission::kSearchExecuteAdvanced));
  // Demoting the creator narrows the key at once.
  ASSERT_TRUE(auth_->update_user(a, bob.user.id, std::nullopt, std::string("user"), ctx_).ok());
  Principal narrowed = principal(key.value->secret);
  EXPECT_FALSE(narrowed.can(Permission::kSearchExecuteAdvanced));
  EXPECT_TRUE(narrowed.can(Permission::kChatCreate));
  ASSERT_TRUE(auth_->delete_user(a, bob.user.id, ctx_).ok());
  EXPECT_EQ(auth_failure(key.value->secret), AuthFailure::kUnauthenticated);
}

TEST_F(AuthServiceTest, ApiKeyLastUsedIsWrittenAtMostOnceAMinute) {
  TokenPair admin = register_org("Acme", "admin@example.com");
  Principal a = principal(admin.access_token);
  auto key = auth_->create_api_key(a, "ci", {"search:execute_basic"}, 0, ctx_);
  ASSERT_TRUE(key.ok());
  int64_t first = clock_;
  ASSERT_TRUE(auth_->authenticate(key.value->secret).ok());
  EXPECT_EQ(store_->get_api_key(key.value->key.id)->last_used_at, first);
  clock_ += 30;
  ASSERT_TRUE(auth_->authenticate(key.value->secret).ok());
  EXPECT_EQ(store_->get_api_key(key.value->key.id)->last_used_at, first);
  clock_ += 31;
  ASSERT_TRUE(auth_->authenticate(key.value->secret).ok());
  EXPECT_EQ(store_->get_api_key(key.value->key.id)->last_used_at, first + 61);
}

TEST_F(AuthServiceTest, ApiKeyScopesCannotEscalate) {
  TokenPair admin = register_org("Acme", "admin@example.com");
  Principal a = principal(admin.access_token);
  TokenPair bob = add_user(a, "bob@example.com", "user");
  Principal b = principal(bob.access_token);
  auto escalate = auth_->create_api_key(b, "x", {"organization:manage_users"}, 0, ctx_);
  EXPECT_EQ(escalate.failure, AuthFailure::kForbidden);
  auto unknown = auth_->create_api_key(b, "x", {"chat:create", "root:everything"}, 0, ctx_);
  EXPECT_EQ(unknown.failure, AuthFailure::kInvalid);
  EXPECT_NE(unknown.message.find("root:everything"), std::string::npos);
  EXPECT_EQ(auth_->create_api_key(b, "x", {}, 0, ctx_).failure, AuthFailure::kInvalid);
  EXPECT_EQ(auth_->create_api_key(b, "", {"chat:create"}, 0, ctx_).failure, AuthFailure::kInvalid);
  EXPECT_EQ(auth_->create_api_key(b, std::string(101, 'n'), {"chat:create"}, 0, ctx_).failure,
            AuthFailure::kInvalid);

  auto key = auth_->create_api_key(b, "x", {"chat:create", "api:access"}, 0, ctx_);
  ASSERT_TRUE(key.ok());
  Principal k = principal(key.value->secret);
  EXPECT_EQ(auth_->create_api_key(k, "y", {"chat:create"}, 0, ctx_).failure,
            AuthFailure::kForbidden);

  TokenPair guest = add_user(a, "guest@example.com", "guest");
  EXPECT_EQ(
      auth_->create_api_key(principal(guest.access_token), "g", {"chat:read_own"}, 0, ctx_).failure,
      AuthFailure::kForbidden);
  // Bob may not revoke the admin's key; the admin may revoke Bob's.
  auto admins_key = auth_->create_api_key(a, "a", {"chat:create"}, 0, ctx_);
  ASSERT_TRUE(admins_key.ok());
  EXPECT_EQ(auth_->revoke_api_key(b, admins_key.value->key.id, ctx_).failure,
            AuthFailure::kForbidden);
  EXPECT_TRUE(auth_->revoke_api_key(a, key.value->key.id, ctx_).ok());
  auto bobs = auth_->list_api_keys(b);
  ASSERT_TRUE(bobs.ok());
  EXPECT_EQ(bobs.value->size(), 1u);
  EXPECT_EQ(auth_->list_api_keys(a).value->size(), 2u);
}

TEST_F(AuthServiceTest, RolesCannotEscalate) {
  TokenPair admin = register_org("Acme", "admin@example.com");
  Principal a = principal(admin.access_token);
  EXPECT_EQ(auth_->create_user(a, "x@example.com", kPassword, "", "system_admin", ctx_).failure,
            AuthFailure::kForbidden);
  EXPECT_EQ(auth_->create_user(a, "x@example.com", kPassword, "", "emperor", ctx_).failure,
            AuthFailure::kInvalid);
  TokenPair bob = add_user(a, "bob@example.com", "pro_user");
  Principal b = principal(bob.access_token);
  EXPECT_EQ(auth_->create_user(b, "y@example.com", kPassword, "", "user", ctx_).failure,
            AuthFailure::kForbidden);
  EXPECT_EQ(
      auth_->update_user(b, bob.user.id, std::nullopt, std::string("organization_admin"), ctx_)
          .failure,
      AuthFailure::kForbidden);
  EXPECT_EQ(
      auth_->update_user(a, bob.user.id, std::nullopt, std::string("system_admin"), ctx_).failure,
      AuthFailure::kForbidden);
  EXPECT_EQ(auth_->delete_user(b, admin.user.id, ctx_).failure, AuthFailure::kForbidden);
  // Own name: allowed with profile:update_own.
  auto renamed = auth_->update_user(b, bob.user.id, std::string("Robert"), std::nullopt, ctx_);
  ASSERT_TRUE(renamed.ok()) << renamed.message;
  EXPECT_EQ(renamed.value->name, "Robert");
  EXPECT_EQ(
      auth_->update_user(b, admin.user.id, std::string("Mallory"), std::nullopt, ctx_).failure,
      AuthFailure::kForbidden);
  EXPECT_EQ(auth_->create_user(a, "Bob@Example.com", kPassword, "", "user", ctx_).failure,
            AuthFailure::kConflict);
}

TEST_F(AuthServiceTest, AnotherOrganisationsObjectsAreNotFound) {
  TokenPair acme = register_org("Acme", "admin@acme.example");
  TokenPair globex = register_org("Globex", "admin@globex.example");
  Principal a = principal(acme.access_token);
  Principal g = principal(globex.access_token);
  TokenPair victim = add_user(g, "victim@globex.example", "user");
  EXPECT_EQ(auth_->get_user(a, victim.user.id).failure, AuthFailure::kNotFound);
  EXPECT_EQ(auth_->get_user(a, globex.user.id).failure, AuthFailure::kNotFound);
  EXPECT_EQ(auth_->update_user(a, victim.user.id, std::string("x"), std::nullopt, ctx_).failure,
            AuthFailure::kNotFound);
  EXPECT_EQ(auth_->update_user(a, victim.user.id, std::nullopt, std::string("guest"), ctx_).failure,
            AuthFailure::kNotFound);
  EXPECT_EQ(auth_->delete_user(a, victim.user.id, ctx_).failure, AuthFailure::kNotFound);
  EXPECT_EQ(auth_->get_user(a, "usr_doesnotexist").failure, AuthFailure::kNotFound);
  auto gkey = auth_->create_api_key(g, "g", {"chat:create"}, 0, ctx_);
  ASSERT_TRUE(gkey.ok());
  EXPECT_EQ(auth_->revoke_api_key(a, gkey.value->key.id, ctx_).failure, AuthFailure::kNotFound);
  EXPECT_TRUE(auth_->authenticate(gkey.value->secret).ok());
  auto users = auth_->list_users(a);
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users.value->size(), 1u);
  EXPECT_EQ(users.value->at(0).id, acme.user.id);
  EXPECT_TRUE(users.value->at(0).password_hash.empty());
  EXPECT_TRUE(auth_->authenticate(victim.access_token).ok());
}

TEST_F(AuthServiceTest, AnOrganisationKeepsOneAdmin) {
  TokenPair admin = register_org("Acme", "admin@example.com");
  Principal a = principal(admin.access_token);
  EXPECT_EQ(auth_->update_user(a, admin.user.id, std::nullopt, std::string("user"), ctx_).failure,
            AuthFailure::kConflict);
  EXPECT_EQ(auth_->delete_user(a, admin.user.id, ctx_).failure, AuthFailure::kConflict);
  TokenPair second = add_user(a, "second@example.com", "organization_admin");
  ASSERT_TRUE(auth_->update_user(a, admin.user.id, std::nullopt, std::string("user"), ctx_).ok());
  EXPECT_EQ(principal(admin.access_token).role, Role::kUser);
  Principal s = principal(second.access_token);
  EXPECT_EQ(auth_->delete_user(s, second.user.id, ctx_).failure, AuthFailure::kConflict);
  // A user may delete their own account.
  Principal demoted = principal(admin.access_token);
  ASSERT_TRUE(auth_->delete_user(demoted, admin.user.id, ctx_).ok());
  EXPECT_EQ(auth_failure(admin.access_token), AuthFailure::kUnauthenticated);
}

TEST_F(AuthServiceTest, UpdatesTheOrganisation) {
  TokenPair admin = register_org("Acme", "admin@example.com");
  Principal a = principal(admin.access_token);
  TokenPair bob = add_user(a, "bob@example.com", "user");
  Principal b = principal(bob.access_token);
  EXPECT_EQ(auth_->update_organization(b, std::string("Bob Corp"), std::nullopt, ctx_).failure,
            AuthFailure::kForbidden);
  EXPECT_EQ(auth_->update_organization(b, std::nullopt, std::string("enterprise"), ctx_).failure,
            AuthFailure::kForbidden);
  EXPECT_EQ(auth_->update_organization(a, std::nullopt, std::string("diamond"), ctx_).failure,
            AuthFailure::kInvalid);
  auto updated =
      auth_->update_organization(a, std::string("Acme Ltd"), std::string("enterprise"), ctx_);
  ASSERT_TRUE(updated.ok()) << updated.message;
  EXPECT_EQ(updated.value->name, "Acme Ltd");
  EXPECT_EQ(principal(bob.access_token).plan, "enterprise");
  auto org = auth_->organization(b);
  ASSERT_TRUE(org.ok());
  EXPECT_EQ(org.value->name, "Acme Ltd");
  auto entries = audit_of("organization.update");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_NE(entries[0].details.find("\"plan\":{\"from\":\"free\",\"to\":\"enterprise\"}"),
            std::string::npos);
}

TEST_F(AuthServiceTest, AuditKeepsOnlyJsonObjectDetails) {
  TokenPair admin = register_org("Acme", "admin@example.com");
  Principal a = principal(admin.access_token);
  auth_->audit(&a, "test.bad", "t", "success", ctx_, "[1,2]");
  auth_->audit(&a, "test.good", "t", "success", ctx_, "{\"n\":1}");
  auth_->audit(nullptr, "test.anonymous", "", "denied", ctx_);
  EXPECT_EQ(audit_of("test.bad").at(0).details, "{}");
  EXPECT_EQ(audit_of("test.good").at(0).details, "{\"n\":1}");
  auto anon = audit_of("test.anonymous").at(0);
  EXPECT_EQ(anon.organization, "");
  EXPECT_EQ(anon.actor_user, "");
  EXPECT_EQ(anon.at, clock_.load());
}

}  // namespace
}  // namespace ragd::platform

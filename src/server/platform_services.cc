#include "server/platform_services.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "common/file_io.h"
#include "platform/secret_tokens.h"
#include "platform/usage_period.h"

namespace ragd::server {

namespace {

Result<std::string> read_pem(const std::string& path, const char* setting) {
  if (path.empty()) return std::string();
  auto text = read_file(path, 1 << 20);
  if (!text.is_ok()) return Status::invalid(std::string(setting) + ": cannot read " + path);
  return std::move(text).value();
}

// The HS256 key kept in the data folder, created on first start (readable by the owner only).
Result<std::string> data_folder_secret(const DataDir& data) {
  const std::string path = data.root() + "/jwt.secret";
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    auto text = read_file(path, 4096);
    if (!text.is_ok() || text->size() < 32) {
      return Status::invalid(path + " is unreadable or shorter than 32 bytes; remove it to "
                                    "generate a new one (tokens issued so far stop working)");
    }
    return std::move(text).value();
  }
  std::string secret = platform::random_token(48);
  const std::string temp = path + ".tmp";
  // Created readable by the owner only from the first byte (no window at the umask's mode).
  ::unlink(temp.c_str());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::io("cannot create " + temp);
  const bool written = ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced) return Status::io("cannot write " + temp);
  std::filesystem::rename(temp, path, ec);
  if (ec) return Status::io("cannot create " + path);
  return secret;
}

Result<int64_t> persisted_usage(platform::PlatformStore& store, const DataDir& data,
                                const platform::QuotaKey& key) {
  if (key.meter == platform::Meter::kStorageBytes) {
    // Standing total: the bytes of the organisation's upload folders ("<org>:<collection>").
    int64_t bytes = 0;
    std::error_code ec;
    const std::string root = data.root() + "/uploads";
    if (!std::filesystem::exists(root, ec)) return bytes;
    for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.size() > key.organization.size() && name.compare(0, key.organization.size(), key.organization) == 0 &&
          name[key.organization.size()] == ':') {
        bytes += static_cast<int64_t>(folder_bytes(entry.path().string()));
      }
    }
    return bytes;
  }
  auto range = key.period.size() == 7 ? platform::parse_month(key.period)
                                      : platform::parse_day(key.period);
  if (!range.is_ok()) return range.status();
  return store.usage_total(key.organization, platform::meter_name(key.meter), range->from,
                           range->to);
}

}  // namespace

Result<platform::PlanCatalog> plans_from_config(const ServerConfig& config) {
  std::vector<platform::Plan> overrides;
  platform::PlanCatalog defaults;
  for (const auto& [name, limits] : config.plan_limits) {
    const platform::Plan* known = defaults.find(name);
    platform::Plan plan = known ? *known : defaults.plan_or_free("free");
    plan.name = name;
    for (const auto& [field, value] : limits) {
      if (field == "price_cents_per_month") plan.price_cents_per_month = value;
      if (field == "messages_per_month") plan.messages_per_month = value;
      if (field == "tokens_per_message") plan.tokens_per_message = value;
      if (field == "api_calls_per_day") plan.api_calls_per_day = value;
      if (field == "storage_bytes") plan.storage_bytes = value;
      if (field == "requests_per_minute") plan.requests_per_minute = value;
      if (field == "chat_per_minute") plan.chat_per_minute = value;
      if (field == "search_per_minute") plan.search_per_minute = value;
    }
    overrides.push_back(plan);
  }
  return platform::PlanCatalog::with_overrides(overrides);
}

Result<std::unique_ptr<PlatformServices>> open_platform(const ServerConfig& config,
                                                         const DataDir& data) {
  auto platform = std::make_unique<PlatformServices>();
  auto store = platform::open_sqlite_platform_store(data.root() + "/platform.db");
  if (!store.is_ok()) return store.status();
  platform->store = std::move(store).value();
  auto plans = plans_from_config(config);
  if (!plans.is_ok()) return plans.status();
  platform->plans = std::move(plans).value();

  platform::AuthConfig auth;
  auth.jwt.algorithm = config.jwt_algorithm;
  auth.jwt.issuer = config.jwt_issuer;
  auth.jwt.audience = config.jwt_audience;
  if (config.jwt_algorithm == "RS256") {
    auto private_pem = read_pem(config.jwt_private_key_file, "auth.jwt_private_key_file");
    if (!private_pem.is_ok()) return private_pem.status();
    auto public_pem = read_pem(config.jwt_public_key_file, "auth.jwt_public_key_file");
    if (!public_pem.is_ok()) return public_pem.status();
    if (private_pem->empty()) {
      return Status::invalid("auth.jwt_algorithm RS256 needs auth.jwt_private_key_file");
    }
    auth.jwt.rs256_private_pem = std::move(private_pem).value();
    auth.jwt.rs256_public_pem = std::move(public_pem).value();
  } else if (!config.jwt_secret.empty()) {
    auth.jwt.hs256_secret = config.jwt_secret;
  } else {
    auto secret = data_folder_secret(data);
    if (!secret.is_ok()) return secret.status();
    auth.jwt.hs256_secret = std::move(secret).value();
  }
  auth.argon2.memory_kib = static_cast<uint32_t>(config.argon2_memory_kib);
  auth.argon2.passes = static_cast<uint32_t>(config.argon2_passes);
  auth.argon2.parallelism = static_cast<uint32_t>(config.argon2_parallelism);
  auto service = platform::AuthService::create(*platform->store, platform->plans, auth);
  if (!service.is_ok()) return service.status();
  platform->auth = std::move(service).value();
  platform->limiter = std::make_unique<platform::InProcessRateLimiter>();
  platform::PlatformStore* raw_store = platform->store.get();
  platform->ledger = std::make_unique<platform::InProcessLedger>(
      [raw_store, data](const platform::QuotaKey& key) { return persisted_usage(*raw_store, data, key); });
  return platform;
}

}  // namespace ragd::server

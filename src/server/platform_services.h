// PlatformServices: the platform as the server holds it when authentication is on — the
// platform store (<data>/platform.db), the plans, the AuthService, the rate limiter and the
// quota ledger. Absent (null in Services) with authentication off.
// Thread-safety: every member is thread-safe.
#pragma once

#include <memory>

#include "jobs/data_dir.h"
#include "platform/auth_service.h"
#include "platform/plans.h"
#include "platform/platform_store.h"
#include "platform/quota_ledger.h"
#include "platform/rate_limiter.h"
#include "server/server_config.h"

namespace ragd::server {

struct PlatformServices {
  std::unique_ptr<platform::PlatformStore> store;
  platform::PlanCatalog plans;
  std::unique_ptr<platform::AuthService> auth;
  std::unique_ptr<platform::RateLimiter> limiter;
  std::unique_ptr<platform::QuotaLedger> ledger;
};

// Opens the platform for a data folder: the store, the plans with the configuration's
// overrides, the JWT key (auth.jwt_secret, else <data>/jwt.secret, created with 32 random
// bytes and mode 0600 on first start), the limiter and the ledger (whose usage is read from
// the metering records; storage from the organisation's upload folders).
// Errors say which setting or file is wrong.
Result<std::unique_ptr<PlatformServices>> open_platform(const ServerConfig& config,
                                                         const DataDir& data);

// The PlanCatalog of a configuration's [plans.<name>] tables.
Result<platform::PlanCatalog> plans_from_config(const ServerConfig& config);

}  // namespace ragd::server

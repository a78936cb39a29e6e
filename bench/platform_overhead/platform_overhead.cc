// Per-request cost of the platform gate, excluding argon2 (issue 6 target: p50 < 50 µs):
// authenticate the bearer credential, check the route's permission, hit the four sliding
// windows (key-or-user and IP, overall and per class), reserve and commit a quota unit, and —
// for API keys, as the server's gate does — record the API call in the platform store.
// Runs the same steps as src/server/request_gate.cc over the real platform objects
// (SQLite platform store in a temporary folder), one request per iteration, and prints one
// JSON line per path with p50/p99/mean in microseconds.
//
//   platform_overhead <work dir> [iterations]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "platform/auth_service.h"
#include "platform/platform_store.h"
#include "platform/quota_ledger.h"
#include "platform/rate_limiter.h"
#include "platform/usage_period.h"

using namespace ragd::platform;
using Timer = std::chrono::steady_clock;

namespace {

int64_t epoch_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Gate {
  AuthService& auth;
  PlatformStore& store;
  RateLimiter& limiter;
  QuotaLedger& ledger;
  const PlanCatalog& plans;

  // One request through the gate; false when any step refused it (never expected here).
  bool pass(const std::string& bearer, Permission needed, Meter meter, const std::string& ip) {
    auto who = auth.authenticate(bearer);
    if (!who.ok() || !who.value->can(needed)) return false;
    const Principal& p = *who.value;
    const Plan& plan = plans.plan_or_free(p.plan);
    const std::string subject = p.api_key.empty() ? "u:" + p.user : "k:" + p.api_key;
    constexpr std::chrono::milliseconds kMinute{60'000};
    for (const auto& [key, limit] : {std::pair{subject + "|all", plan.requests_per_minute},
                                     std::pair{"ip:" + ip + "|all", plan.requests_per_minute},
                                     std::pair{subject + "|chat", plan.chat_per_minute},
                                     std::pair{"ip:" + ip + "|chat", plan.chat_per_minute}}) {
      if (!limiter.hit(key, limit, kMinute).allowed) return false;
    }
    const int64_t now = epoch_now();
    QuotaKey key{p.organization, meter, meter == Meter::kApiCalls ? day_period(now) : month_period(now)};
    auto check = ledger.reserve(key, 1, -1);
    if (!check.is_ok() || !check->granted) return false;
    QuotaReservation reservation(&ledger, key, 1);
    reservation.commit(1);
    if (!p.api_key.empty()) {
      UsageRecord record{p.organization, p.user, p.api_key, meter_name(Meter::kApiCalls), 1, now, "bench"};
      if (!store.record_usage({record}).is_ok()) return false;
    }
    return true;
  }
};

void report(const char* path, std::vector<double>& micros) {
  std::sort(micros.begin(), micros.end());
  double sum = 0;
  for (double m : micros) sum += m;
  std::printf("{\"system\":\"ragd\",\"path\":\"%s\",\"n\":%zu,\"p50_us\":%.2f,\"p99_us\":%.2f,\"mean_us\":%.2f}\n",
              path, micros.size(), micros[micros.size() / 2], micros[micros.size() * 99 / 100],
              sum / static_cast<double>(micros.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: platform_overhead <work dir> [iterations]\n");
    return 2;
  }
  const std::filesystem::path work = argv[1];
  const size_t iterations = argc > 2 ? std::stoul(argv[2]) : 20000;
  std::filesystem::remove_all(work);
  std::filesystem::create_directories(work);
  auto store = open_sqlite_platform_store((work / "platform.db").string());
  if (!store.is_ok()) return 1;
  PlanCatalog plans;
  AuthConfig config;
  config.jwt.hs256_secret = std::string(48, 'k');
  config.argon2.memory_kib = 64;  // setup only: argon2 is outside the measured cost
  config.argon2.passes = 1;
  auto auth = AuthService::create(**store, plans, config);
  if (!auth.is_ok()) return 1;
  RequestContext ctx;
  auto session = (*auth)->register_organization("Bench", "bench@example.com", "bench-password", "", "enterprise",
                                                false, ctx);
  if (!session.ok()) return 1;
  auto who = (*auth)->authenticate(session.value->access_token);
  auto key = (*auth)->create_api_key(*who.value, "bench", {"chat:create"}, 0, ctx);
  if (!key.ok()) return 1;
  InProcessRateLimiter limiter;
  PlatformStore* raw = store->get();
  InProcessLedger ledger([raw](const QuotaKey& k) -> ragd::Result<int64_t> {
    auto range = k.period.size() == 7 ? parse_month(k.period) : parse_day(k.period);
    if (!range.is_ok()) return range.status();
    return raw->usage_total(k.organization, meter_name(k.meter), range->from, range->to);
  });
  // Limits high enough that nothing is refused: the cost measured is that of admitting.
  PlanCatalog bench_plans = *PlanCatalog::with_overrides(
      {Plan{"enterprise", 9900, -1, 4000, -1, -1, 1'000'000'000, 1'000'000'000, 1'000'000'000}});
  Gate gate{**auth, **store, limiter, ledger, bench_plans};

  struct Path {
    const char* name;
    std::string bearer;
    Meter meter;
  };
  for (const Path& path : {Path{"jwt", session.value->access_token, Meter::kMessages},
                           Path{"api_key", key.value->secret, Meter::kApiCalls}}) {
    for (size_t i = 0; i < 1000; ++i) gate.pass(path.bearer, Permission::kChatCreate, path.meter, "10.0.0.1");
    std::vector<double> micros;
    micros.reserve(iterations);
    for (size_t i = 0; i < iterations; ++i) {
      auto start = Timer::now();
      bool ok = gate.pass(path.bearer, Permission::kChatCreate, path.meter, "10.0.0." + std::to_string(i % 250));
      micros.push_back(std::chrono::duration<double, std::micro>(Timer::now() - start).count());
      if (!ok) {
        std::fprintf(stderr, "request %zu of %s was refused\n", i, path.name);
        return 1;
      }
    }
    report(path.name, micros);
  }
  return 0;
}

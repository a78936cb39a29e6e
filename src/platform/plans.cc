#include "platform/plans.h"

#include <utility>

namespace ragd::platform {
namespace {

constexpr int64_t kMegabyte = 1000LL * 1000;

Plan free_plan() {
  Plan p;
  p.name = "free";
  return p;  // the struct's defaults are the free plan
}

Plan pro_plan() {
  Plan p;
  p.name = "pro";
  p.price_cents_per_month = 2900;
  p.messages_per_month = 1000;
  p.tokens_per_message = 2000;
  p.api_calls_per_day = 1000;
  p.storage_bytes = 1000 * kMegabyte;
  return p;
}

Plan enterprise_plan() {
  Plan p;
  p.name = "enterprise";
  p.price_cents_per_month = 9900;
  p.messages_per_month = -1;
  p.tokens_per_message = 4000;
  p.api_calls_per_day = -1;
  p.storage_bytes = 10000 * kMegabyte;
  return p;
}

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 32) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Status check_limit(const std::string& plan, const char* field, int64_t value) {
  if (value >= 0 || value == -1) return Status::ok();
  return Status::invalid("plan '" + plan + "': " + field + " is " + std::to_string(value) +
                         "; use a value >= 0, or -1 for unlimited");
}

Status validate(const Plan& p) {
  if (!valid_name(p.name)) {
    return Status::invalid("plan name '" + p.name +
                           "' is not 1 to 32 characters of a-z, 0-9, '_' and '-'");
  }
  // A price has no "unlimited": only >= 0 makes sense.
  if (p.price_cents_per_month < 0) {
    return Status::invalid("plan '" + p.name + "': price_cents_per_month is negative");
  }
  const std::pair<const char*, int64_t> limits[] = {
      {"messages_per_month", p.messages_per_month},   {"tokens_per_message", p.tokens_per_message},
      {"api_calls_per_day", p.api_calls_per_day},     {"storage_bytes", p.storage_bytes},
      {"requests_per_minute", p.requests_per_minute}, {"chat_per_minute", p.chat_per_minute},
      {"search_per_minute", p.search_per_minute},
  };
  for (const auto& [field, value] : limits) RAGD_RETURN_IF_ERROR(check_limit(p.name, field, value));
  return Status::ok();
}

}  // namespace

PlanCatalog::PlanCatalog() {
  for (Plan p : {free_plan(), pro_plan(), enterprise_plan()}) {
    std::string name = p.name;
    plans_.emplace(std::move(name), std::move(p));
  }
}

Result<PlanCatalog> PlanCatalog::with_overrides(const std::vector<Plan>& overrides) {
  PlanCatalog catalog;
  for (const Plan& p : overrides) {
    RAGD_RETURN_IF_ERROR(validate(p));
    catalog.plans_[p.name] = p;
  }
  return catalog;
}

const Plan* PlanCatalog::find(const std::string& name) const {
  auto it = plans_.find(name);
  return it == plans_.end() ? nullptr : &it->second;
}

const Plan& PlanCatalog::plan_or_free(const std::string& name) const {
  if (const Plan* p = find(name)) return *p;
  if (const Plan* p = find("free")) return *p;
  static const Plan kFree = free_plan();
  return kFree;
}

std::vector<const Plan*> PlanCatalog::all() const {
  std::vector<const Plan*> out;
  out.reserve(plans_.size());
  for (const auto& [name, plan] : plans_) out.push_back(&plan);
  return out;
}

}  // namespace ragd::platform

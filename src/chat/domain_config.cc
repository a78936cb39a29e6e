// Domain configuration: validation and the JSON form (contract in domain_config.h).
#include "chat/domain_config.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <system_error>

#include "common/file_io.h"

namespace ragd {
namespace {

constexpr uint64_t kMaxConfigBytes = 4 << 20;

using Json = nlohmann::json;

bool has_control_or_slash(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    return c == '/' || static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
  });
}

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

Status string_list(const Json& value, const std::string& where, std::vector<std::string>& out) {
  if (!value.is_array()) return Status::invalid(where + " must be an array of strings");
  for (size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string()) {
      return Status::invalid(where + "[" + std::to_string(i) + "] must be a string");
    }
    out.push_back(value[i].get<std::string>());
  }
  return Status::ok();
}

Result<DomainConfig> domain_from_json(const Json& item, size_t index) {
  const std::string where = "domains[" + std::to_string(index) + "]";
  if (!item.is_object()) return Status::invalid(where + " must be an object");
  DomainConfig domain;
  for (const auto& [key, value] : item.items()) {
    if (key == "name") {
      if (!value.is_string()) return Status::invalid(where + ".name must be a string");
      domain.name = value.get<std::string>();
    } else if (key == "description") {
      if (!value.is_string()) return Status::invalid(where + ".description must be a string");
      domain.description = value.get<std::string>();
    } else if (key == "keywords") {
      RAGD_RETURN_IF_ERROR(string_list(value, where + ".keywords", domain.keywords));
    } else if (key == "related") {
      RAGD_RETURN_IF_ERROR(string_list(value, where + ".related", domain.related));
    } else {
      return Status::invalid(where + " has an unknown key '" + key +
                             "' (expected name, description, keywords, related)");
    }
  }
  if (!item.contains("name")) return Status::invalid(where + " has no \"name\"");
  return domain;
}

}  // namespace

Status validate_domain_configs(const std::vector<DomainConfig>& domains) {
  std::set<std::string> names;
  for (size_t i = 0; i < domains.size(); ++i) {
    const DomainConfig& d = domains[i];
    if (d.name.empty() || blank(d.name)) {
      return Status::invalid("domain #" + std::to_string(i + 1) + " has an empty name");
    }
    if (d.name.front() == ' ' || d.name.back() == ' ' || has_control_or_slash(d.name)) {
      return Status::invalid("domain name '" + d.name +
                             "' must not have surrounding spaces, '/' or control characters");
    }
    if (!names.insert(d.name).second) {
      return Status::invalid("domain '" + d.name + "' is declared twice");
    }
  }
  for (const DomainConfig& d : domains) {
    std::set<std::string> keywords;
    for (const std::string& k : d.keywords) {
      if (blank(k)) return Status::invalid("domain '" + d.name + "' has an empty keyword");
      if (!keywords.insert(k).second) {
        return Status::invalid("domain '" + d.name + "' lists the keyword '" + k + "' twice");
      }
    }
    std::set<std::string> related;
    for (const std::string& r : d.related) {
      if (r == d.name) {
        return Status::invalid("domain '" + d.name + "' lists itself as related");
      }
      if (!names.count(r)) {
        return Status::invalid("domain '" + d.name + "' names an unknown related domain '" + r +
                               "'; declare it or remove it from \"related\"");
      }
      if (!related.insert(r).second) {
        return Status::invalid("domain '" + d.name + "' lists the related domain '" + r +
                               "' twice");
      }
    }
  }
  return Status::ok();
}

Result<std::vector<DomainConfig>> parse_domain_configs(std::string_view text) {
  Json root;
  try {
    root = Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    return Status::invalid(std::string("domain configuration is not valid JSON: ") + e.what());
  }
  if (!root.is_object()) {
    return Status::invalid("domain configuration must be a JSON object with a \"domains\" array");
  }
  std::vector<DomainConfig> domains;
  for (const auto& [key, value] : root.items()) {
    if (key != "domains") {
      return Status::invalid("domain configuration has an unknown key '" + key +
                             "' (expected \"domains\")");
    }
    if (!value.is_array()) return Status::invalid("\"domains\" must be an array");
    for (size_t i = 0; i < value.size(); ++i) {
      Result<DomainConfig> domain = domain_from_json(value[i], i);
      if (!domain) return domain.status();
      domains.push_back(std::move(domain).value());
    }
  }
  if (!root.contains("domains")) {
    return Status::invalid("domain configuration has no \"domains\" array");
  }
  RAGD_RETURN_IF_ERROR(validate_domain_configs(domains));
  return domains;
}

Result<std::vector<DomainConfig>> load_domain_configs(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::not_found("domain configuration '" + path + "' does not exist");
  }
  Result<std::string> text = read_file(path, kMaxConfigBytes);
  if (!text) {
    return Status::error(text.status().code(), "cannot read domain configuration '" + path +
                                                   "': " + text.status().message());
  }
  Result<std::vector<DomainConfig>> domains = parse_domain_configs(*text);
  if (!domains) return Status::invalid(path + ": " + domains.status().message());
  return domains;
}

std::string serialize_domain_configs(const std::vector<DomainConfig>& domains) {
  // Ordered, so that "name" comes first as people write it.
  using Ordered = nlohmann::ordered_json;
  Ordered list = Ordered::array();
  for (const DomainConfig& d : domains) {
    Ordered item = Ordered::object();
    item["name"] = d.name;
    item["description"] = d.description;
    item["keywords"] = d.keywords;
    item["related"] = d.related;
    list.push_back(std::move(item));
  }
  Ordered root = Ordered::object();
  root["domains"] = std::move(list);
  // Invalid UTF-8 (never produced by parse) is replaced rather than thrown.
  return root.dump(2, ' ', false, Ordered::error_handler_t::replace) + "\n";
}

}  // namespace ragd

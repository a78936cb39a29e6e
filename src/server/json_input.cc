#include "server/json_input.h"

#include <algorithm>

#include "common/dates.h"
#include "server/api_error.h"
#include "server/api_exception.h"
#include "text/normalize.h"

namespace ragd::server {

namespace {

const nlohmann::json* field_of(const nlohmann::json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

nlohmann::json parse_json_body(const Request& request) {
  std::string type = request.header("content-type");
  std::string base = type.substr(0, type.find(';'));
  base.erase(std::remove(base.begin(), base.end(), ' '), base.end());
  std::transform(base.begin(), base.end(), base.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (base != "application/json") {
    throw ApiException(415, error_code::kUnsupportedMediaType,
                       "the body must be application/json" +
                           (type.empty() ? std::string(" (no Content-Type was sent)")
                                         : ", not " + type.substr(0, 100)));
  }
  if (!is_valid_utf8(request.body)) {
    throw ApiException(400, error_code::kInvalidUtf8, "the body is not valid UTF-8");
  }
  auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded()) {
    throw ApiException(400, error_code::kInvalidJson, "the body is not valid JSON");
  }
  if (!body.is_object()) {
    throw ApiException(422, error_code::kValidation, "the body must be a JSON object");
  }
  return body;
}

void reject_unknown_fields(const nlohmann::json& body, std::initializer_list<const char*> allowed) {
  for (const auto& [key, value] : body.items()) {
    bool known = std::any_of(allowed.begin(), allowed.end(),
                             [&](const char* a) { return key == a; });
    if (!known) {
      throw ApiException(422, error_code::kValidation, "unknown field '" + key.substr(0, 100) + "'",
                         {{"field", key.substr(0, 100)}});
    }
  }
}

std::optional<std::string> optional_string(const nlohmann::json& body, const char* field,
                                           size_t max_bytes) {
  const nlohmann::json* value = field_of(body, field);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) fail_field(field, "must be a string");
  const std::string& text = value->get_ref<const std::string&>();
  if (text.size() > max_bytes) {
    fail_field(field, "is longer than " + std::to_string(max_bytes) + " bytes");
  }
  return text;
}

std::string required_string(const nlohmann::json& body, const char* field, size_t max_bytes) {
  auto value = optional_string(body, field, max_bytes);
  if (!value) fail_field(field, "is required");
  if (value->find_first_not_of(" \t\r\n") == std::string::npos) fail_field(field, "is empty");
  return *value;
}

std::optional<int64_t> optional_int(const nlohmann::json& body, const char* field, int64_t min,
                                    int64_t max) {
  const nlohmann::json* value = field_of(body, field);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number_integer()) fail_field(field, "must be an integer");
  int64_t v = value->is_number_unsigned() && value->get<uint64_t>() > INT64_MAX
                  ? INT64_MAX
                  : value->get<int64_t>();
  if (v < min || v > max) {
    fail_field(field, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return v;
}

std::optional<double> optional_number(const nlohmann::json& body, const char* field, double min,
                                      double max) {
  const nlohmann::json* value = field_of(body, field);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number()) fail_field(field, "must be a number");
  double v = value->get<double>();
  if (!(v >= min && v <= max)) {
    fail_field(field, "must be between " + nlohmann::json(min).dump() + " and " +
                          nlohmann::json(max).dump());
  }
  return v;
}

std::optional<bool> optional_bool(const nlohmann::json& body, const char* field) {
  const nlohmann::json* value = field_of(body, field);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) fail_field(field, "must be true or false");
  return value->get<bool>();
}

std::vector<std::string> string_list(const nlohmann::json& body, const char* field,
                                     size_t max_items) {
  const nlohmann::json* value = field_of(body, field);
  std::vector<std::string> out;
  if (value == nullptr) return out;
  if (value->is_string()) {
    out.push_back(value->get<std::string>());
    return out;
  }
  if (!value->is_array()) fail_field(field, "must be a string or an array of strings");
  if (value->size() > max_items) {
    fail_field(field, "has more than " + std::to_string(max_items) + " items");
  }
  for (const auto& item : *value) {
    if (!item.is_string()) fail_field(field, "must contain only strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

int64_t query_int(const Request& request, const char* name, int64_t fallback, int64_t min,
                  int64_t max) {
  const std::string* value = request.query_param(name);
  if (value == nullptr) return fallback;
  char* end = nullptr;
  long long v = std::strtoll(value->c_str(), &end, 10);
  if (value->empty() || *end != '\0' || v < min || v > max) {
    fail_field(name, "must be an integer between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return static_cast<int64_t>(v);
}

std::string checked_collection_name(const std::string& name, const char* field) {
  bool ok = !name.empty() && name.size() <= 64 && std::isalnum(static_cast<unsigned char>(name[0]));
  for (char c : name) {
    if (!ok) break;
    ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  }
  if (!ok) {
    fail_field(field, "a collection name is 1 to 64 characters of letters, digits, '_', '.' "
                      "and '-', starting with a letter or digit");
  }
  return name;
}

ParsedFilters parse_filters(const nlohmann::json& body) {
  ParsedFilters parsed;
  auto it = body.find("filters");
  if (it == body.end() || it->is_null()) return parsed;
  const nlohmann::json& filters = *it;
  if (!filters.is_object()) fail_field("filters", "must be an object");
  for (const auto& [key, value] : filters.items()) {
    if (key != "domain" && key != "tags" && key != "date_from" && key != "date_to" &&
        key != "document") {
      fail_field("filters." + key.substr(0, 100), "is not a known filter (domain, tags, "
                                                  "date_from, date_to, document)");
    }
  }
  parsed.filter.domains = string_list(filters, "domain");
  parsed.filter.tags = string_list(filters, "tags");
  for (const char* name : {"date_from", "date_to"}) {
    auto text = optional_string(filters, name, 32);
    if (!text) continue;
    auto days = parse_iso_date(*text);
    if (!days) fail_field(std::string("filters.") + name, "must be a date as YYYY-MM-DD");
    (std::string(name) == "date_from" ? parsed.filter.date_from : parsed.filter.date_to) = *days;
  }
  parsed.document_key = optional_string(filters, "document", 4096);
  nlohmann::json canonical = {{"domain", parsed.filter.domains},
                              {"tags", parsed.filter.tags},
                              {"date_from", optional_string(filters, "date_from", 32).value_or("")},
                              {"date_to", optional_string(filters, "date_to", 32).value_or("")},
                              {"document", parsed.document_key.value_or("")}};
  parsed.canonical = canonical.dump();
  return parsed;
}

}  // namespace ragd::server

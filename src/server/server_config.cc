#include "server/server_config.h"

#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <type_traits>
#include <variant>

#include "common/file_io.h"
#include "net/url.h"
#include "retrieve/query_router.h"

extern char** environ;

namespace ragd::server {
namespace {

constexpr uint64_t kMaxConfigFileBytes = 1 << 20;
constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

enum class Kind { kString, kInteger, kNumber, kBool, kList };
using Value = std::variant<std::string, int64_t, double, bool, std::vector<std::string>>;
// A problem with one value, without key or source: ok, or a Status whose message completes
// "<source>: <key> ..." (for instance "must be ...").
using Check = std::function<Status(const Value&)>;

struct Entry {
  ServerSetting info;
  Kind kind;
  Check check;
  std::function<void(ServerConfig&, const Value&)> set;
  std::function<nlohmann::json(const ServerConfig&)> get;
};

std::string env_name(const std::string& key) {
  std::string name = "RAGD_";
  for (char c : key) name.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(c)));
  return name;
}

ServerSetting info(std::string key, std::string type, std::string env, std::string flag,
                   std::string description) {
  if (env.empty()) env = env_name(key);
  return {std::move(key),  std::move(type),        std::move(env),
          std::move(flag), std::move(description), false};
}

template <auto M>
Entry string_entry(std::string key, std::string env, std::string flag, std::string description,
                   Check check = {}) {
  return {info(std::move(key), "string", std::move(env), std::move(flag), std::move(description)),
          Kind::kString, std::move(check),
          [](ServerConfig& c, const Value& v) { c.*M = std::get<std::string>(v); },
          [](const ServerConfig& c) { return nlohmann::json(c.*M); }};
}

template <auto M>
Entry integer_entry(std::string key, std::string flag, std::string description, int64_t min,
                    int64_t max) {
  Check check = [min, max](const Value& v) {
    const int64_t n = std::get<int64_t>(v);
    if (n >= min && n <= max) return Status::ok();
    std::string range = max == std::numeric_limits<int64_t>::max()
                            ? "at least " + std::to_string(min)
                            : "from " + std::to_string(min) + " to " + std::to_string(max);
    return Status::invalid("must be an integer " + range + ", got " + std::to_string(n));
  };
  return {info(std::move(key), "integer", "", std::move(flag), std::move(description)),
          Kind::kInteger, std::move(check),
          [](ServerConfig& c, const Value& v) {
            c.*M = static_cast<std::remove_cvref_t<decltype(c.*M)>>(std::get<int64_t>(v));
          },
          [](const ServerConfig& c) { return nlohmann::json(c.*M); }};
}

// A number > 0, and <= max when max is given.
template <auto M>
Entry positive_number_entry(std::string key, std::string description,
                            double max = std::numeric_limits<double>::infinity()) {
  Check check = [max](const Value& v) {
    const double x = std::get<double>(v);
    if (x > 0 && x <= max) return Status::ok();
    if (std::isinf(max)) return Status::invalid("must be a number greater than 0");
    return Status::invalid("must be a number greater than 0 and at most " +
                           nlohmann::json(max).dump());
  };
  return {info(std::move(key), "number", "", "", std::move(description)), Kind::kNumber,
          std::move(check), [](ServerConfig& c, const Value& v) { c.*M = std::get<double>(v); },
          [](const ServerConfig& c) { return nlohmann::json(c.*M); }};
}

template <auto M>
Entry bool_entry(std::string key, std::string description) {
  return {info(std::move(key), "bool", "", "", std::move(description)),
          Kind::kBool,
          {},
          [](ServerConfig& c, const Value& v) { c.*M = std::get<bool>(v); },
          [](const ServerConfig& c) { return nlohmann::json(c.*M); }};
}

template <auto M>
Entry list_entry(std::string key, std::string env, std::string description,
                 std::function<Status(const std::string&)> check_item) {
  Check check = [check_item](const Value& v) {
    for (const std::string& item : std::get<std::vector<std::string>>(v)) {
      RAGD_RETURN_IF_ERROR(check_item(item));
    }
    return Status::ok();
  };
  return {info(std::move(key), "list", std::move(env), "", std::move(description)), Kind::kList,
          std::move(check),
          [](ServerConfig& c, const Value& v) { c.*M = std::get<std::vector<std::string>>(v); },
          [](const ServerConfig& c) { return nlohmann::json(c.*M); }};
}

Check one_of(std::vector<std::string> allowed) {
  return [allowed](const Value& v) {
    const std::string& s = std::get<std::string>(v);
    if (std::find(allowed.begin(), allowed.end(), s) != allowed.end()) return Status::ok();
    std::string list;
    for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + ("\"" + a + "\"");
    return Status::invalid("must be one of " + list + ", got \"" + s + "\"");
  };
}

Status check_host(const Value& v) {
  const std::string& host = std::get<std::string>(v);
  if (host.empty() || host.find_first_of(" \t\r\n/") != std::string::npos) {
    return Status::invalid("must be a host name or IP address, got \"" + host + "\"");
  }
  return Status::ok();
}

Status check_auth(const Value& v) {
  const std::string& auth = std::get<std::string>(v);
  if (auth == "off" || auth == "on") return Status::ok();
  return Status::invalid("must be \"on\" or \"off\", got \"" + auth + "\"");
}

Status check_mode(const Value& v) {
  if (parse_search_mode(std::get<std::string>(v)).is_ok()) return Status::ok();
  return one_of({"lexical", "dense", "hybrid", "auto"})(v);
}

Status check_origin(const std::string& origin) {
  if (origin == "*") return Status::ok();
  const size_t scheme_end = origin.find("://");
  const bool shape = scheme_end != std::string::npos &&
                     origin.find_first_of("/?#", scheme_end + 3) == std::string::npos;
  if (!shape || !parse_url(origin).is_ok()) {
    return Status::invalid(
        "entries must be \"*\" or an origin like https://example.com:8443 "
        "(scheme, host, optional port, no path), got \"" +
        origin + "\"");
  }
  return Status::ok();
}

Status check_llm_url(const std::string& entry) {
  const std::string url = entry.substr(0, entry.find('#'));
  if (!parse_url(url).is_ok()) {
    return Status::invalid(
        "entries must be http:// or https:// URLs (optionally URL#model), "
        "got \"" +
        entry + "\"");
  }
  return Status::ok();
}

const std::vector<Entry>& entries() {
  static const std::vector<Entry> table = [] {
    std::vector<Entry> t;
    t.push_back(string_entry<&ServerConfig::host>("server.host", "", "--host",
                                                  "address to listen on", check_host));
    t.push_back(integer_entry<&ServerConfig::port>(
        "server.port", "--port", "TCP port, 0..65535 (0: any free port)", 0, 65535));
    t.push_back(
        string_entry<&ServerConfig::data_dir>("server.data_dir", "RAGD_DATA", "--data",
                                              "data folder (empty: $RAGD_DATA, else ./ragd-data)"));
    t.push_back(string_entry<&ServerConfig::auth>(
        "server.auth", "", "--auth",
        "authentication: \"on\" (organisations, users, API keys) or \"off\" (one local owner)",
        check_auth));
    t.push_back(integer_entry<&ServerConfig::io_threads>(
        "server.io_threads", "", "network threads, 0..1024 (0: half the cores, at least 1)", 0, 1024));
    t.push_back(integer_entry<&ServerConfig::worker_threads>(
        "server.worker_threads", "", "handler threads, 0..1024 (0: hardware concurrency)", 0,
        1024));
    t.push_back(integer_entry<&ServerConfig::max_body_bytes>(
        "server.max_body_bytes", "", "largest request body in bytes (413 beyond)", 1, kMaxInt));
    t.push_back(integer_entry<&ServerConfig::max_upload_bytes>(
        "server.max_upload_bytes", "", "largest document upload in bytes (413 beyond)", 1,
        kMaxInt));
    t.push_back(positive_number_entry<&ServerConfig::header_timeout_s>(
        "server.header_timeout_s", "seconds to receive a request's headers"));
    t.push_back(positive_number_entry<&ServerConfig::idle_timeout_s>(
        "server.idle_timeout_s", "seconds a keep-alive connection may stay idle"));
    t.push_back(positive_number_entry<&ServerConfig::request_timeout_s>(
        "server.request_timeout_s", "deadline in seconds for one request"));
    t.push_back(positive_number_entry<&ServerConfig::drain_timeout_s>(
        "server.drain_timeout_s", "seconds to finish in-flight requests and streams on SIGTERM"));
    t.push_back(list_entry<&ServerConfig::cors_origins>(
        "server.cors_origins", "", "origins allowed by CORS: \"*\" or scheme://host[:port]",
        check_origin));
    t.push_back(string_entry<&ServerConfig::tls_cert>(
        "server.tls_cert", "", "", "TLS certificate chain (PEM); needs server.tls_key"));
    t.push_back(string_entry<&ServerConfig::tls_key>(
        "server.tls_key", "", "", "TLS private key (PEM); needs server.tls_cert"));
    t.push_back(list_entry<&ServerConfig::llm_urls>(
        "llm.urls", "RAGD_LLM_URL",
        "OpenAI-compatible servers in fallback order, URL or URL#model (none: extractive)",
        check_llm_url));
    t.push_back(string_entry<&ServerConfig::llm_model>("llm.model", "RAGD_LLM_MODEL", "",
                                                       "model for URLs without #model"));
    Entry api_key = string_entry<&ServerConfig::llm_api_key>("llm.api_key", "RAGD_LLM_API_KEY", "",
                                                             "API key sent to the LLM servers");
    api_key.info.secret = true;
    t.push_back(std::move(api_key));
    t.push_back(positive_number_entry<&ServerConfig::llm_first_token_timeout_s>(
        "llm.first_token_timeout_s", "seconds to wait for an LLM's first token"));
    t.push_back(positive_number_entry<&ServerConfig::llm_total_timeout_s>(
        "llm.total_timeout_s", "seconds for a whole LLM answer"));
    t.push_back(string_entry<&ServerConfig::mode>(
        "answer.mode", "", "", "retrieval: lexical, dense, hybrid or auto", check_mode));
    t.push_back(integer_entry<&ServerConfig::k>(
        "answer.k", "", "passages retrieved before the context budget, 1..100", 1, 100));
    t.push_back(
        string_entry<&ServerConfig::prompts_dir>("answer.prompts_dir", "RAGD_PROMPTS_DIR", "",
                                                 "folder of prompt templates (empty: built in)"));
    t.push_back(
        bool_entry<&ServerConfig::cache_enabled>("cache.enabled", "whether answers are cached"));
    t.push_back(integer_entry<&ServerConfig::cache_max_entries>("cache.max_entries", "",
                                                                "most cached answers", 0, kMaxInt));
    t.push_back(positive_number_entry<&ServerConfig::cache_ttl_s>(
        "cache.ttl_s", "seconds a cached answer stays valid"));
    t.push_back(positive_number_entry<&ServerConfig::cache_semantic_threshold>(
        "cache.semantic_threshold",
        "cosine similarity in (0, 1] at which a question reuses a cached answer", 1.0));
    Entry jwt_secret = string_entry<&ServerConfig::jwt_secret>(
        "auth.jwt_secret", "", "",
        "HS256 signing secret, at least 32 bytes (empty: generated once into <data>/jwt.secret)");
    jwt_secret.info.secret = true;
    t.push_back(std::move(jwt_secret));
    t.push_back(string_entry<&ServerConfig::jwt_algorithm>(
        "auth.jwt_algorithm", "", "", "access token signature: HS256 or RS256",
        one_of({"HS256", "RS256"})));
    t.push_back(string_entry<&ServerConfig::jwt_private_key_file>(
        "auth.jwt_private_key_file", "", "", "RS256: PEM private key file"));
    t.push_back(string_entry<&ServerConfig::jwt_public_key_file>(
        "auth.jwt_public_key_file", "", "",
        "RS256: PEM public key file (empty: derived from the private key)"));
    t.push_back(string_entry<&ServerConfig::jwt_issuer>("auth.issuer", "", "",
                                                        "the access tokens' iss claim"));
    t.push_back(string_entry<&ServerConfig::jwt_audience>("auth.audience", "", "",
                                                          "the access tokens' aud claim"));
    t.push_back(bool_entry<&ServerConfig::open_registration>(
        "auth.open_registration", "whether POST /v1/auth/register creates organisations"));
    t.push_back(integer_entry<&ServerConfig::argon2_memory_kib>(
        "auth.argon2_memory_kib", "", "argon2id memory per password hash in KiB, 8..4194304", 8,
        4194304));
    t.push_back(integer_entry<&ServerConfig::argon2_passes>(
        "auth.argon2_passes", "", "argon2id passes, 1..16", 1, 16));
    t.push_back(integer_entry<&ServerConfig::argon2_parallelism>(
        "auth.argon2_parallelism", "", "argon2id lanes, 0..16 (0: the number of cores)", 0, 16));
    t.push_back(string_entry<&ServerConfig::log_level>("log.level", "", "",
                                                       "debug, info, warn or error",
                                                       one_of({"debug", "info", "warn", "error"})));
    t.push_back(
        bool_entry<&ServerConfig::access_log>("log.access_log", "one JSON log line per request"));
    return t;
  }();
  return table;
}

const Entry* find_entry(std::string_view key) {
  for (const Entry& entry : entries()) {
    if (entry.info.key == key) return &entry;
  }
  return nullptr;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// " (did you mean server.port?)" for a near miss, else "".
std::string suggestion(std::string_view key) {
  const Entry* best = nullptr;
  size_t best_distance = 3;  // further than 2 edits is no typo
  for (const Entry& entry : entries()) {
    const size_t d = edit_distance(key, entry.info.key);
    if (d < best_distance) {
      best = &entry;
      best_distance = d;
    }
  }
  return best ? " (did you mean " + best->info.key + "?)" : "";
}

std::string kind_text(Kind kind) {
  switch (kind) {
    case Kind::kString:
      return "a string";
    case Kind::kInteger:
      return "an integer";
    case Kind::kNumber:
      return "a number";
    case Kind::kBool:
      return "true or false";
    case Kind::kList:
      return "an array of strings";
  }
  return "a value";
}

Status wrong_type(const std::string& source, const Entry& entry, std::string_view got) {
  std::string message = source + ": " + entry.info.key + " must be " + kind_text(entry.kind);
  if (!entry.info.secret) message += ", got " + std::string(got);
  return Status::invalid(std::move(message));
}

// Checks `value` and stores it; errors carry the source and the key.
Status apply(const std::string& source, const Entry& entry, const Value& value,
             ServerConfig& config) {
  if (entry.check) {
    Status status = entry.check(value);
    if (!status.is_ok()) {
      return Status::error(status.code(), source + ": " + entry.info.key + " " + status.message());
    }
  }
  entry.set(config, value);
  return Status::ok();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// A value from environment or flag text.
Result<Value> parse_text(const std::string& source, const Entry& entry, const std::string& text) {
  const std::string shown = "\"" + text + "\"";
  switch (entry.kind) {
    case Kind::kString:
      return Value(text);
    case Kind::kInteger: {
      const std::string_view s = trim(text);
      int64_t n = 0;
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
      if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
        return wrong_type(source, entry, shown);
      }
      return Value(n);
    }
    case Kind::kNumber: {
      const std::string_view s = trim(text);
      double x = 0;
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
      if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(x)) {
        return wrong_type(source, entry, shown);
      }
      return Value(x);
    }
    case Kind::kBool: {
      std::string s(trim(text));
      std::transform(s.begin(), s.end(), s.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (s == "true" || s == "1" || s == "yes" || s == "on") return Value(true);
      if (s == "false" || s == "0" || s == "no" || s == "off") return Value(false);
      return wrong_type(source, entry, shown);
    }
    case Kind::kList: {
      std::vector<std::string> items;
      std::string_view rest = text;
      while (true) {
        const size_t comma = rest.find(',');
        const std::string_view item = trim(rest.substr(0, comma));
        if (!item.empty()) items.emplace_back(item);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
      return Value(std::move(items));
    }
  }
  return Status::internal("unknown setting kind");
}

std::string node_text(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date or time";
  }
}

// A value from a TOML node.
Result<Value> parse_node(const std::string& source, const Entry& entry, const toml::node& node) {
  switch (entry.kind) {
    case Kind::kString:
      if (const auto* s = node.as_string()) return Value(s->get());
      break;
    case Kind::kInteger:
      if (const auto* i = node.as_integer()) return Value(i->get());
      break;
    case Kind::kNumber:
      if (const auto* f = node.as_floating_point()) {
        if (!std::isfinite(f->get())) return wrong_type(source, entry, "a non-finite number");
        return Value(f->get());
      }
      if (const auto* i = node.as_integer()) return Value(static_cast<double>(i->get()));
      break;
    case Kind::kBool:
      if (const auto* b = node.as_boolean()) return Value(b->get());
      break;
    case Kind::kList:
      if (const auto* array = node.as_array()) {
        std::vector<std::string> items;
        for (const toml::node& item : *array) {
          const auto* s = item.as_string();
          if (!s) return wrong_type(source, entry, "an array holding " + node_text(item));
          items.push_back(s->get());
        }
        return Value(std::move(items));
      }
      break;
  }
  return wrong_type(source, entry, node_text(node));
}

std::string at(const std::string& path, const toml::source_region& region) {
  return path + ":" + std::to_string(region.begin.line);
}

// [plans.<name>] tables: integer limits of a plan (-1: unlimited).
Status apply_plans(const std::string& path, const toml::table& plans, ServerConfig& config) {
  static const std::vector<std::string> kFields = {
      "price_cents_per_month", "messages_per_month", "tokens_per_message", "api_calls_per_day",
      "storage_bytes",         "requests_per_minute", "chat_per_minute",   "search_per_minute"};
  for (const auto& [name, node] : plans) {
    const std::string plan(name.str());
    const auto* fields = node.as_table();
    if (!fields) {
      return Status::invalid(at(path, name.source()) + ": plans." + plan +
                             " must be a table of limits, e.g. [plans." + plan + "]");
    }
    auto& limits = config.plan_limits[plan];
    for (const auto& [field_name, value] : *fields) {
      const std::string field(field_name.str());
      const std::string key = "plans." + plan + "." + field;
      if (std::find(kFields.begin(), kFields.end(), field) == kFields.end()) {
        std::string known;
        for (const std::string& f : kFields) known += (known.empty() ? "" : ", ") + f;
        return Status::invalid(at(path, field_name.source()) + ": unknown setting " + key +
                               "; a plan has " + known);
      }
      const auto* number = value.as_integer();
      if (!number || number->get() < -1) {
        return Status::invalid(at(path, value.source()) + ": " + key +
                               " must be an integer, -1 (unlimited) or more");
      }
      limits[field] = number->get();
    }
  }
  return Status::ok();
}

Status apply_file(const std::string& path, ServerConfig& config) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::not_found("configuration file " + path + " does not exist");
  }
  Result<std::string> text = read_file(path, kMaxConfigFileBytes);
  if (!text.is_ok()) {
    if (text.status().code() == ErrorCode::kTooLarge) return text.status();
    return Status::io("cannot read configuration file: " + text.status().message());
  }
  toml::table root;
  try {
    root = toml::parse(*text, path);
  } catch (const toml::parse_error& error) {
    return Status::invalid(at(path, error.source()) + ": " + std::string(error.description()));
  }
  for (const auto& [section, section_node] : root) {
    const std::string section_name(section.str());
    const auto* table = section_node.as_table();
    if (table && section_name == "plans") {
      RAGD_RETURN_IF_ERROR(apply_plans(path, *table, config));
      continue;
    }
    if (!table) {
      return Status::invalid(at(path, section.source()) + ": unknown setting " + section_name +
                             suggestion(section_name) +
                             "; settings belong in the sections [server], [auth], [llm], [answer], "
                             "[cache], [log], [plans.<name>]");
    }
    for (const auto& [name, node] : *table) {
      const std::string key = section_name + "." + std::string(name.str());
      const Entry* entry = find_entry(key);
      if (!entry) {
        return Status::invalid(at(path, name.source()) + ": unknown setting " + key +
                               suggestion(key));
      }
      const std::string source = at(path, node.source());
      Result<Value> value = parse_node(source, *entry, node);
      if (!value.is_ok()) return value.status();
      RAGD_RETURN_IF_ERROR(apply(source, *entry, *value, config));
    }
  }
  return Status::ok();
}

}  // namespace

const std::vector<ServerSetting>& server_settings() {
  static const std::vector<ServerSetting> settings = [] {
    std::vector<ServerSetting> out;
    for (const Entry& entry : entries()) out.push_back(entry.info);
    return out;
  }();
  return settings;
}

Result<ServerConfig> load_server_config(const std::string& file_path,
                                        const std::map<std::string, std::string>& env,
                                        const std::map<std::string, std::string>& overrides) {
  try {
    ServerConfig config;
    if (!file_path.empty()) RAGD_RETURN_IF_ERROR(apply_file(file_path, config));

    for (const Entry& entry : entries()) {
      const auto it = env.find(entry.info.env);
      if (it == env.end() || it->second.empty()) continue;
      const std::string source = "env " + entry.info.env;
      Result<Value> value = parse_text(source, entry, it->second);
      if (!value.is_ok()) return value.status();
      RAGD_RETURN_IF_ERROR(apply(source, entry, *value, config));
    }

    for (const auto& [key, text] : overrides) {
      const Entry* entry = find_entry(key);
      if (!entry) return Status::invalid("unknown setting " + key + suggestion(key));
      const std::string source =
          entry->info.flag.empty() ? "override " + key : "flag " + entry->info.flag;
      Result<Value> value = parse_text(source, *entry, text);
      if (!value.is_ok()) return value.status();
      RAGD_RETURN_IF_ERROR(apply(source, *entry, *value, config));
    }

    if (config.tls_cert.empty() != config.tls_key.empty()) {
      return Status::invalid(
          config.tls_cert.empty()
              ? "server.tls_key is set but server.tls_cert is not: TLS needs both"
              : "server.tls_cert is set but server.tls_key is not: TLS needs both");
    }
    return config;
  } catch (const std::exception& error) {  // allocation failure, or a toml++ surprise
    return Status::internal(std::string("loading the configuration failed: ") + error.what());
  }
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry && *entry; ++entry) {
    const std::string_view text(*entry);
    const size_t eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return env;
}

nlohmann::json config_to_json(const ServerConfig& config) {
  nlohmann::json out = nlohmann::json::object();
  for (const Entry& entry : entries()) {
    const std::string& key = entry.info.key;
    const size_t dot = key.find('.');
    nlohmann::json value = entry.get(config);
    if (entry.info.secret && !(value.is_string() && value.get<std::string>().empty())) {
      value = "***";
    }
    out[key.substr(0, dot)][key.substr(dot + 1)] = std::move(value);
  }
  for (const auto& [plan, limits] : config.plan_limits) out["plans"][plan] = limits;
  return out;
}

}  // namespace ragd::server

// ServerConfig: the configuration of `ragd serve`, from a TOML file, then environment
// variables, then command-line flags (a later source wins, setting by setting).
//
// One table of settings (server_settings()) drives the file, the environment and the flags
// alike, and --print-config. Every setting:
//
//   key (TOML [section] name)      type      default      env variable               flag
//   server.host                    string    127.0.0.1    RAGD_SERVER_HOST           --host
//   server.port                    integer   8080         RAGD_SERVER_PORT           --port
//       0..65535; 0 picks any free port
//   server.data_dir                string    ""           RAGD_DATA                  --data
//       "" means resolve_data_dir("") ($RAGD_DATA, else ./ragd-data)
//   server.auth                    string    on           RAGD_SERVER_AUTH           --auth
//       "on" (organisations, users, API keys) or "off" (one local owner, no limits)
//   server.io_threads              integer   0            RAGD_SERVER_IO_THREADS
//   server.worker_threads          integer   0            RAGD_SERVER_WORKER_THREADS
//       0..1024; 0 means the hardware concurrency
//   server.max_body_bytes          integer   10485760     RAGD_SERVER_MAX_BODY_BYTES     >= 1
//   server.max_upload_bytes        integer   268435456    RAGD_SERVER_MAX_UPLOAD_BYTES   >= 1
//   server.header_timeout_s        number    10           RAGD_SERVER_HEADER_TIMEOUT_S   > 0
//   server.idle_timeout_s          number    60           RAGD_SERVER_IDLE_TIMEOUT_S     > 0
//   server.request_timeout_s       number    30           RAGD_SERVER_REQUEST_TIMEOUT_S  > 0
//   server.drain_timeout_s         number    30           RAGD_SERVER_DRAIN_TIMEOUT_S    > 0
//   server.cors_origins            list      []           RAGD_SERVER_CORS_ORIGINS
//       "*" or exact origins scheme://host[:port]
//   server.tls_cert                string    ""           RAGD_SERVER_TLS_CERT
//   server.tls_key                 string    ""           RAGD_SERVER_TLS_KEY
//       PEM files; both or neither
//   auth.jwt_secret                string    "" (secret)  RAGD_AUTH_JWT_SECRET
//       HS256 key, >= 32 bytes; "" means generated once into <data>/jwt.secret (mode 0600)
//   auth.jwt_algorithm             string    HS256        RAGD_AUTH_JWT_ALGORITHM    HS256|RS256
//   auth.jwt_private_key_file      string    ""           RAGD_AUTH_JWT_PRIVATE_KEY_FILE
//   auth.jwt_public_key_file       string    ""           RAGD_AUTH_JWT_PUBLIC_KEY_FILE
//   auth.issuer / auth.audience    string    ragd / ragd-api
//   auth.open_registration         bool      true         RAGD_AUTH_OPEN_REGISTRATION
//   auth.argon2_memory_kib         integer   65536        8..4194304
//   auth.argon2_passes             integer   3            1..16
//   auth.argon2_parallelism        integer   0            0..16; 0 means the cores
//   [plans.<name>] tables          integers  plans.h defaults; -1 is unlimited; fields
//       price_cents_per_month, messages_per_month, tokens_per_message, api_calls_per_day,
//       storage_bytes, requests_per_minute, chat_per_minute, search_per_minute
//   llm.urls                       list      []           RAGD_LLM_URL
//       OpenAI-compatible servers in fallback order, "URL" or "URL#model"; none: extractive
//   llm.model                      string    ""           RAGD_LLM_MODEL
//   llm.api_key                    string    "" (secret)  RAGD_LLM_API_KEY
//   llm.first_token_timeout_s      number    30           RAGD_LLM_FIRST_TOKEN_TIMEOUT_S > 0
//   llm.total_timeout_s            number    120          RAGD_LLM_TOTAL_TIMEOUT_S       > 0
//   answer.mode                    string    auto         RAGD_ANSWER_MODE
//       lexical | dense | hybrid | auto
//   answer.k                       integer   8            RAGD_ANSWER_K                  1..100
//   answer.prompts_dir             string    ""           RAGD_PROMPTS_DIR
//       "" means the built-in prompts
//   cache.enabled                  bool      true         RAGD_CACHE_ENABLED
//   cache.max_entries              integer   10000        RAGD_CACHE_MAX_ENTRIES         >= 0
//   cache.ttl_s                    number    3600         RAGD_CACHE_TTL_S               > 0
//   cache.semantic_threshold       number    0.95         RAGD_CACHE_SEMANTIC_THRESHOLD  (0, 1]
//   log.level                      string    info         RAGD_LOG_LEVEL
//       debug | info | warn | error
//   log.access_log                 bool      true         RAGD_LOG_ACCESS_LOG
//
// Environment variables keep the names the other commands already read (RAGD_DATA,
// RAGD_LLM_URL, RAGD_LLM_MODEL, RAGD_LLM_API_KEY, RAGD_PROMPTS_DIR); the rest are
// RAGD_<SECTION>_<NAME>. In the environment and in flags a list is comma-separated text and
// a bool is true/false, 1/0, yes/no or on/off; a number may be written as an integer in TOML.
//
// Thread-safety: pure functions; a ServerConfig is a plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"

namespace ragd::server {

struct ServerConfig {
  // [server]
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string data_dir;  // empty: resolve_data_dir("") default
  std::string auth = "on";
  size_t io_threads = 0;      // 0: half the cores, at least 1
  size_t worker_threads = 0;  // 0: hardware concurrency
  uint64_t max_body_bytes = 10 << 20;
  uint64_t max_upload_bytes = 256ull << 20;
  double header_timeout_s = 10;
  double idle_timeout_s = 60;
  double request_timeout_s = 30;
  double drain_timeout_s = 30;
  std::vector<std::string> cors_origins;  // "*" or exact origins
  std::string tls_cert;
  std::string tls_key;
  // [auth]
  std::string jwt_secret;  // secret; empty: generated once into <data>/jwt.secret
  std::string jwt_algorithm = "HS256";
  std::string jwt_private_key_file;
  std::string jwt_public_key_file;
  std::string jwt_issuer = "ragd";
  std::string jwt_audience = "ragd-api";
  bool open_registration = true;
  int64_t argon2_memory_kib = 64 * 1024;
  int64_t argon2_passes = 3;
  int64_t argon2_parallelism = 0;
  // [plans.<name>]: plan -> field -> limit (plans.h field names; -1 unlimited)
  std::map<std::string, std::map<std::string, int64_t>> plan_limits;
  // [llm]
  std::vector<std::string> llm_urls;
  std::string llm_model;
  std::string llm_api_key;  // secret
  double llm_first_token_timeout_s = 30;
  double llm_total_timeout_s = 120;
  // [answer]
  std::string mode = "auto";
  size_t k = 8;
  std::string prompts_dir;
  // [cache]
  bool cache_enabled = true;
  size_t cache_max_entries = 10000;
  double cache_ttl_s = 3600;
  double cache_semantic_threshold = 0.95;
  // [log]
  std::string log_level = "info";  // debug|info|warn|error
  bool access_log = true;

  bool operator==(const ServerConfig&) const = default;
};

// One row of the settings table, for flags, help and documentation.
struct ServerSetting {
  std::string key;          // "server.port"
  std::string type;         // "string", "integer", "number", "bool" or "list"
  std::string env;          // "RAGD_SERVER_PORT"
  std::string flag;         // "--port" for the settings `ragd serve` has a flag for, else ""
  std::string description;  // one line, with the accepted values
  bool secret = false;
};
const std::vector<ServerSetting>& server_settings();

// Loads the configuration: defaults, then the TOML file (file_path empty: none), then the
// settings found in `env` (the environment to read: tests pass a map, `ragd serve` passes
// process_environment()), then `overrides` (dotted key -> value text, from flags).
// Errors name the key and the source ("ragd.toml:12", "env RAGD_SERVER_PORT", "flag --port",
// or "override server.k" for a key without its own flag):
//   kNotFound / kIo      the file is missing / unreadable;
//   kInvalidArgument     TOML syntax; an unknown section or key in the file (typo
//                        protection) or in `overrides`; a value of the wrong type or out of
//                        range; tls_cert without tls_key or the reverse; auth not "on"/"off";
//                        a plan field that is unknown or below -1.
// Environment variables that name no setting are ignored, and so is an empty one.
Result<ServerConfig> load_server_config(const std::string& file_path,
                                        const std::map<std::string, std::string>& env,
                                        const std::map<std::string, std::string>& overrides);

// The process environment as a map (the RAGD_* variables are the ones that matter).
std::map<std::string, std::string> process_environment();

// The effective values as JSON grouped by section ({"server": {"host": ...}, "llm": ...}),
// secrets shown as "***" when set (for --print-config).
nlohmann::json config_to_json(const ServerConfig& config);

}  // namespace ragd::server

#include "server/server_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace ragd::server {
namespace {

namespace fs = std::filesystem;
using Map = std::map<std::string, std::string>;

class ServerConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ragd-server-config-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& text, const std::string& name = "ragd.toml") {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  // The error of loading `toml` (with env and overrides), which must fail.
  Status error_of(const std::string& toml, const Map& env = {}, const Map& overrides = {}) {
    auto config = load_server_config(toml.empty() ? "" : write(toml), env, overrides);
    EXPECT_FALSE(config.is_ok()) << "loaded: " << toml;
    return config.status();
  }

  fs::path dir_;
};

TEST_F(ServerConfigTest, DefaultsWithoutAnySource) {
  auto config = load_server_config("", {}, {});
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(*config, ServerConfig{});
  EXPECT_EQ(config->host, "127.0.0.1");
  EXPECT_EQ(config->port, 8080);
  EXPECT_EQ(config->max_body_bytes, 10u << 20);
  EXPECT_EQ(config->auth, "on");
  EXPECT_TRUE(config->cache_enabled);
}

TEST_F(ServerConfigTest, ReadsEverySectionOfAFile) {
  const std::string path = write(R"(
# ragd serve configuration
[server]
host = "0.0.0.0"
port = 9000
data_dir = "/srv/ragd"
io_threads = 2
worker_threads = 4
max_body_bytes = 1048576
max_upload_bytes = 5_000_000
header_timeout_s = 5          # an integer where a number is expected
idle_timeout_s = 12.5
request_timeout_s = 20
drain_timeout_s = 3
cors_origins = ["https://app.example.com", "http://localhost:5173"]
tls_cert = "/etc/ragd/cert.pem"
tls_key = "/etc/ragd/key.pem"

[llm]
urls = ["http://127.0.0.1:8081", "https://api.example.com/v1#gpt-4o-mini"]
model = "llama"
api_key = "sk-secret"
first_token_timeout_s = 10
total_timeout_s = 60

[answer]
mode = "hybrid"
k = 12
prompts_dir = "prompts"

[cache]
enabled = false
max_entries = 0
ttl_s = 60
semantic_threshold = 1.0

[log]
level = "debug"
access_log = false
)");
  auto config = load_server_config(path, {}, {});
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->host, "0.0.0.0");
  EXPECT_EQ(config->port, 9000);
  EXPECT_EQ(config->data_dir, "/srv/ragd");
  EXPECT_EQ(config->io_threads, 2u);
  EXPECT_EQ(config->worker_threads, 4u);
  EXPECT_EQ(config->max_body_bytes, 1048576u);
  EXPECT_EQ(config->max_upload_bytes, 5000000u);
  EXPECT_DOUBLE_EQ(config->header_timeout_s, 5);
  EXPECT_DOUBLE_EQ(config->idle_timeout_s, 12.5);
  EXPECT_DOUBLE_EQ(config->request_timeout_s, 20);
  EXPECT_DOUBLE_EQ(config->drain_timeout_s, 3);
  EXPECT_EQ(config->cors_origins,
            (std::vector<std::string>{"https://app.example.com", "http://localhost:5173"}));
  EXPECT_EQ(config->tls_cert, "/etc/ragd/cert.pem");
  EXPECT_EQ(config->tls_key, "/etc/ragd/key.pem");
  EXPECT_EQ(config->llm_urls.size(), 2u);
  EXPECT_EQ(config->llm_model, "llama");
  EXPECT_EQ(config->llm_api_key, "sk-secret");
  EXPECT_DOUBLE_EQ(config->llm_first_token_timeout_s, 10);
  EXPECT_DOUBLE_EQ(config->llm_total_timeout_s, 60);
  EXPECT_EQ(config->mode, "hybrid");
  EXPECT_EQ(config->k, 12u);
  EXPECT_EQ(config->prompts_dir, "prompts");
  EXPECT_FALSE(config->cache_enabled);
  EXPECT_EQ(config->cache_max_entries, 0u);
  EXPECT_DOUBLE_EQ(config->cache_ttl_s, 60);
  EXPECT_DOUBLE_EQ(config->cache_semantic_threshold, 1.0);
  EXPECT_EQ(config->log_level, "debug");
  EXPECT_FALSE(config->access_log);
}

TEST_F(ServerConfigTest, FileThenEnvThenOverrides) {
  const std::string path = write(R"(
[server]
port = 9000
host = "10.0.0.1"
cors_origins = ["https://a.example"]
[llm]
model = "from-file"
[cache]
enabled = false
semantic_threshold = 0.9
)");
  const Map env = {{"RAGD_SERVER_PORT", "9001"},
                   {"RAGD_LLM_MODEL", "from-env"},
                   {"RAGD_SERVER_CORS_ORIGINS", " https://b.example, https://c.example ,"},
                   {"RAGD_CACHE_ENABLED", "yes"},
                   {"RAGD_CACHE_SEMANTIC_THRESHOLD", "0.8"}};
  const Map overrides = {{"server.port", "9002"},
                         {"llm.model", "from-flag"},
                         {"server.cors_origins", "*"},
                         {"cache.enabled", "0"}};

  auto file_only = load_server_config(path, {}, {});
  ASSERT_TRUE(file_only.is_ok()) << file_only.status().to_string();
  EXPECT_EQ(file_only->port, 9000);
  EXPECT_EQ(file_only->llm_model, "from-file");
  EXPECT_EQ(file_only->cors_origins, std::vector<std::string>{"https://a.example"});
  EXPECT_FALSE(file_only->cache_enabled);

  auto with_env = load_server_config(path, env, {});
  ASSERT_TRUE(with_env.is_ok()) << with_env.status().to_string();
  EXPECT_EQ(with_env->port, 9001);
  EXPECT_EQ(with_env->llm_model, "from-env");
  EXPECT_EQ(with_env->cors_origins,
            (std::vector<std::string>{"https://b.example", "https://c.example"}));
  EXPECT_TRUE(with_env->cache_enabled);
  EXPECT_DOUBLE_EQ(with_env->cache_semantic_threshold, 0.8);
  EXPECT_EQ(with_env->host, "10.0.0.1");  // not in env: the file's value stays

  auto all = load_server_config(path, env, overrides);
  ASSERT_TRUE(all.is_ok()) << all.status().to_string();
  EXPECT_EQ(all->port, 9002);
  EXPECT_EQ(all->llm_model, "from-flag");
  EXPECT_EQ(all->cors_origins, std::vector<std::string>{"*"});
  EXPECT_FALSE(all->cache_enabled);
  EXPECT_DOUBLE_EQ(all->cache_semantic_threshold, 0.8);  // env's, no override
  EXPECT_EQ(all->host, "10.0.0.1");

  // Overrides win over env without a file too.
  auto no_file = load_server_config("", env, {{"server.port", "0"}});
  ASSERT_TRUE(no_file.is_ok());
  EXPECT_EQ(no_file->port, 0);  // any free port
}

TEST_F(ServerConfigTest, EnvironmentNames) {
  auto config = load_server_config("",
                                   {{"RAGD_DATA", "/data"},
                                    {"RAGD_LLM_URL", "http://a:1,http://b:2#m"},
                                    {"RAGD_LLM_API_KEY", "k"},
                                    {"RAGD_PROMPTS_DIR", "/p"},
                                    {"RAGD_ANSWER_K", "3"},
                                    {"RAGD_LOG_ACCESS_LOG", "OFF"},
                                    {"RAGD_SERVER_IDLE_TIMEOUT_S", "1.5"},
                                    {"RAGD_UNRELATED", "x"},
                                    {"RAGD_SERVER_HOST", ""}},  // empty: unset
                                   {});
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->data_dir, "/data");
  EXPECT_EQ(config->llm_urls, (std::vector<std::string>{"http://a:1", "http://b:2#m"}));
  EXPECT_EQ(config->llm_api_key, "k");
  EXPECT_EQ(config->prompts_dir, "/p");
  EXPECT_EQ(config->k, 3u);
  EXPECT_FALSE(config->access_log);
  EXPECT_DOUBLE_EQ(config->idle_timeout_s, 1.5);
  EXPECT_EQ(config->host, "127.0.0.1");

  std::set<std::string> envs, keys;
  for (const ServerSetting& setting : server_settings()) {
    EXPECT_TRUE(envs.insert(setting.env).second) << setting.env;
    EXPECT_TRUE(keys.insert(setting.key).second) << setting.key;
    EXPECT_EQ(setting.env.rfind("RAGD_", 0), 0u) << setting.env;
  }
  EXPECT_EQ(keys.size(), 39u);  // one per ServerConfig field (plan tables aside)
}

TEST_F(ServerConfigTest, UnknownKeysInTheFileAreErrors) {
  Status status = error_of("[server]\nhost = \"h\"\nprot = 1\n");
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(status.message().find("ragd.toml:3"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("server.prot"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("did you mean server.port"), std::string::npos)
      << status.message();

  status = error_of("[srever]\nport = 1\n");
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(status.message().find("srever.port"), std::string::npos) << status.message();

  status = error_of("port = 1\n");  // outside any section
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(status.message().find("ragd.toml:1"), std::string::npos) << status.message();

  status = error_of("[server.extra]\nx = 1\n");
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);

  status = error_of("", {}, {{"server.prot", "1"}});
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(status.message().find("did you mean server.port"), std::string::npos);
}

TEST_F(ServerConfigTest, WrongTypesNameKeyAndSource) {
  Status status = error_of("[server]\n\nport = \"8080\"\n");
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(status.message().find("ragd.toml:3"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("server.port"), std::string::npos) << status.message();

  for (const char* toml :
       {"[server]\nport = 80.5", "[server]\nhost = 1", "[cache]\nenabled = 1",
        "[server]\ncors_origins = \"*\"", "[llm]\nurls = [1]", "[server]\nidle_timeout_s = \"1\"",
        "[server]\nport = 1979-05-27", "[server]\nidle_timeout_s = inf", "server = 1"}) {
    EXPECT_EQ(error_of(toml).code(), ErrorCode::kInvalidArgument) << toml;
  }

  status = error_of("", {{"RAGD_SERVER_PORT", "80a"}});
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(status.message().find("env RAGD_SERVER_PORT"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("server.port"), std::string::npos) << status.message();

  status = error_of("", {{"RAGD_CACHE_ENABLED", "maybe"}});
  EXPECT_NE(status.message().find("env RAGD_CACHE_ENABLED"), std::string::npos);
  status = error_of("", {{"RAGD_CACHE_TTL_S", "1e999"}});
  EXPECT_NE(status.message().find("cache.ttl_s"), std::string::npos);

  status = error_of("", {}, {{"server.port", "eighty"}});
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(status.message().find("flag --port"), std::string::npos) << status.message();
  status = error_of("", {}, {{"answer.k", "many"}});
  EXPECT_NE(status.message().find("override answer.k"), std::string::npos) << status.message();
}

TEST_F(ServerConfigTest, OutOfRangeValues) {
  const std::vector<Map> bad = {
      {{"server.port", "-1"}},
      {{"server.port", "65536"}},
      {{"server.io_threads", "-2"}},
      {{"server.worker_threads", "100000"}},
      {{"server.max_body_bytes", "0"}},
      {{"server.max_upload_bytes", "0"}},
      {{"server.header_timeout_s", "0"}},
      {{"server.idle_timeout_s", "-1"}},
      {{"server.request_timeout_s", "0"}},
      {{"server.drain_timeout_s", "0.0"}},
      {{"llm.first_token_timeout_s", "0"}},
      {{"llm.total_timeout_s", "-5"}},
      {{"cache.ttl_s", "0"}},
      {{"cache.semantic_threshold", "0"}},
      {{"cache.semantic_threshold", "1.01"}},
      {{"cache.max_entries", "-1"}},
      {{"answer.k", "0"}},
      {{"answer.k", "101"}},
      {{"answer.mode", "fast"}},
      {{"log.level", "trace"}},
      {{"server.host", ""}},
      {{"server.cors_origins", "https://a.example/path"}},
      {{"server.cors_origins", "a.example"}},
      {{"llm.urls", "ftp://x"}},
      {{"llm.urls", "http://ok:1, not a url"}},
  };
  for (const Map& overrides : bad) {
    Status status = error_of("", {}, overrides);
    EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument) << overrides.begin()->first;
    EXPECT_NE(status.message().find(overrides.begin()->first), std::string::npos)
        << status.message();
  }
  // The edges that are allowed.
  auto ok = load_server_config("", {},
                               {{"server.port", "65535"},
                                {"cache.semantic_threshold", "1"},
                                {"answer.k", "100"},
                                {"server.cors_origins", "*,https://a.example:8443"},
                                {"llm.urls", "http://[::1]:8081/v1#m"}});
  EXPECT_TRUE(ok.is_ok()) << ok.status().to_string();

  Status status = error_of("[server]\nport = 70000\n");
  EXPECT_NE(status.message().find("ragd.toml:2"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("0 to 65535"), std::string::npos) << status.message();
}

TEST_F(ServerConfigTest, TlsNeedsCertAndKey) {
  EXPECT_EQ(error_of("[server]\ntls_cert = \"c.pem\"\n").code(), ErrorCode::kInvalidArgument);
  Status status = error_of("", {{"RAGD_SERVER_TLS_KEY", "k.pem"}});
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(status.message().find("server.tls_cert"), std::string::npos);
  auto both = load_server_config(write("[server]\ntls_cert = \"c.pem\"\n"),
                                 {{"RAGD_SERVER_TLS_KEY", "k.pem"}}, {});
  EXPECT_TRUE(both.is_ok()) << both.status().to_string();
}

TEST_F(ServerConfigTest, AuthIsOnOrOff) {
  Status status = error_of("", {}, {{"server.auth", "maybe"}});
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(status.message().find("flag --auth"), std::string::npos) << status.message();
  EXPECT_EQ(load_server_config("", {}, {{"server.auth", "off"}})->auth, "off");
  EXPECT_EQ(load_server_config(write("[server]\nauth = \"on\"\n"), {}, {})->auth, "on");
}

TEST_F(ServerConfigTest, AuthSettingsAndSecretMasking) {
  auto config = load_server_config(
      write("[auth]\njwt_algorithm = \"RS256\"\nargon2_memory_kib = 256\nopen_registration = false\n"),
      {{"RAGD_AUTH_JWT_SECRET", "0123456789abcdef0123456789abcdef"}}, {});
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->jwt_algorithm, "RS256");
  EXPECT_EQ(config->argon2_memory_kib, 256);
  EXPECT_FALSE(config->open_registration);
  EXPECT_EQ(config->jwt_secret, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(config_to_json(*config)["auth"]["jwt_secret"], "***");
  EXPECT_EQ(error_of("[auth]\njwt_algorithm = \"none\"\n").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_of("[auth]\nargon2_passes = 0\n").code(), ErrorCode::kInvalidArgument);
}

TEST_F(ServerConfigTest, PlanTables) {
  auto config = load_server_config(
      write("[plans.free]\nmessages_per_month = 20\n[plans.team]\nstorage_bytes = -1\n"), {}, {});
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->plan_limits.at("free").at("messages_per_month"), 20);
  EXPECT_EQ(config->plan_limits.at("team").at("storage_bytes"), -1);
  EXPECT_EQ(config_to_json(*config)["plans"]["free"]["messages_per_month"], 20);
  Status unknown = error_of("[plans.free]\nmessages = 20\n");
  EXPECT_EQ(unknown.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(unknown.message().find("plans.free.messages"), std::string::npos) << unknown.message();
  EXPECT_EQ(error_of("[plans.free]\nmessages_per_month = -2\n").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_of("[plans.free]\nmessages_per_month = \"ten\"\n").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_of("[plans]\nfree = 3\n").code(), ErrorCode::kInvalidArgument);
}

TEST_F(ServerConfigTest, FileProblems) {
  auto missing = load_server_config((dir_ / "none.toml").string(), {}, {});
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  auto folder = load_server_config(dir_.string(), {}, {});
  EXPECT_EQ(folder.status().code(), ErrorCode::kIo);

  Status status = error_of("[server]\nport = = 1\n");
  EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(status.message().find("ragd.toml:2"), std::string::npos) << status.message();
  EXPECT_EQ(error_of("[server]\nport = 1\n[server]\nport = 2\n").code(),
            ErrorCode::kInvalidArgument);  // a table defined twice
}

TEST_F(ServerConfigTest, JsonGroupsBySectionAndMasksSecrets) {
  ServerConfig config;
  nlohmann::json json = config_to_json(config);
  EXPECT_EQ(json["server"]["port"], 8080);
  EXPECT_EQ(json["server"]["host"], "127.0.0.1");
  EXPECT_EQ(json["server"]["cors_origins"], nlohmann::json::array());
  EXPECT_EQ(json["llm"]["api_key"], "");  // not set: shown empty
  EXPECT_EQ(json["answer"]["k"], 8);
  EXPECT_EQ(json["cache"]["semantic_threshold"], 0.95);
  EXPECT_EQ(json["log"]["level"], "info");
  EXPECT_EQ(json.size(), 6u);  // server, auth, llm, answer, cache, log
  size_t settings = 0;
  for (const auto& [section, values] : json.items()) settings += values.size();
  EXPECT_EQ(settings, server_settings().size());

  config.llm_api_key = "sk-very-secret";
  config.llm_urls = {"http://a:1"};
  json = config_to_json(config);
  EXPECT_EQ(json["llm"]["api_key"], "***");
  EXPECT_EQ(json["llm"]["urls"], nlohmann::json::array({"http://a:1"}));
  EXPECT_EQ(json.dump().find("sk-very-secret"), std::string::npos);
  for (const ServerSetting& setting : server_settings()) {
    EXPECT_EQ(setting.secret, setting.key == "llm.api_key" || setting.key == "auth.jwt_secret") << setting.key;
  }
}

TEST_F(ServerConfigTest, ProcessEnvironment) {
  ASSERT_EQ(::setenv("RAGD_CONFIG_TEST_VAR", "a=b", 1), 0);
  const Map env = process_environment();
  ::unsetenv("RAGD_CONFIG_TEST_VAR");
  ASSERT_TRUE(env.count("RAGD_CONFIG_TEST_VAR"));
  EXPECT_EQ(env.at("RAGD_CONFIG_TEST_VAR"), "a=b");
}

}  // namespace
}  // namespace ragd::server

#include "server/openapi_document.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <cctype>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <utility>

#include "server/routes.h"
#include "server/services.h"

namespace ragd::server {
namespace {

using nlohmann::json;
using Operation = std::pair<std::string, std::string>;  // (method upper case, path)

const std::set<std::string> kMethods = {"get",     "put",  "post",  "delete",
                                        "options", "head", "patch", "trace"};

json parsed() {
  return json::parse(openapi_document());
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::set<Operation> operations(const json& doc) {
  std::set<Operation> result;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const auto& [key, operation] : item.items()) {
      if (kMethods.count(key) > 0) result.emplace(upper(key), path);
    }
  }
  return result;
}

// Every route the server registers (add_all_routes over real Services on an empty data
// folder), so a route added without its documentation, or documented without existing,
// fails this test.
std::set<Operation> live_routes() {
  const std::filesystem::path data =
      std::filesystem::temp_directory_path() / ("ragd-openapi-" + std::to_string(::getpid()));
  std::filesystem::create_directories(data);
  std::set<Operation> result;
  {
    ServerConfig config;
    config.worker_threads = 1;
    Services services(config, DataDir(data.string()), nullptr, PipelineFactory{});
    Router router;
    add_all_routes(router, services);
    for (const Route& route : router.routes()) result.emplace(route.method, route.pattern);
  }
  std::filesystem::remove_all(data);
  return result;
}

// Calls visit(value) for every object and array element below `node`.
template <typename Visit>
void walk(const json& node, Visit&& visit) {
  visit(node);
  if (node.is_object() || node.is_array()) {
    for (const auto& child : node) walk(child, visit);
  }
}

TEST(OpenApiDocument, IsOpenApi303Json) {
  ASSERT_TRUE(json::accept(openapi_document()));
  const json doc = parsed();
  EXPECT_EQ(doc.at("openapi"), "3.0.3");
  EXPECT_TRUE(doc.at("info").at("title").is_string());
  EXPECT_TRUE(doc.at("info").at("version").is_string());
  EXPECT_EQ(&openapi_document(), &openapi_document()) << "built once";
}

TEST(OpenApiDocument, ListsExactlyTheApiRoutes) {
  const std::set<Operation> documented = operations(parsed());
  const std::set<Operation> kRoutes = live_routes();
  ASSERT_GT(kRoutes.size(), 40u);
  for (const Operation& route : kRoutes) {
    EXPECT_TRUE(documented.count(route)) << "undocumented: " << route.first << " " << route.second;
  }
  for (const Operation& operation : documented) {
    EXPECT_TRUE(kRoutes.count(operation))
        << "documented but not a route: " << operation.first << " " << operation.second;
  }
}

TEST(OpenApiDocument, EveryReferenceResolves) {
  const json doc = parsed();
  int references = 0;
  walk(doc, [&](const json& node) {
    if (!node.is_object() || !node.contains("$ref")) return;
    ++references;
    const std::string target = node.at("$ref").get<std::string>();
    ASSERT_EQ(target.rfind("#/", 0), 0u) << target;
    EXPECT_TRUE(doc.contains(json::json_pointer(target.substr(1)))) << "dangling " << target;
  });
  EXPECT_GT(references, 50);
}

TEST(OpenApiDocument, PathParametersAreDeclared) {
  const json doc = parsed();
  const std::regex placeholder(R"(\{([^}]+)\})");
  for (const auto& [path, item] : doc.at("paths").items()) {
    std::set<std::string> in_path;
    for (std::sregex_iterator it(path.begin(), path.end(), placeholder), end; it != end; ++it) {
      in_path.insert((*it)[1].str());
    }
    std::set<std::string> declared;
    for (const json& parameter : item.value("parameters", json::array())) {
      if (parameter.at("in") == "path") {
        EXPECT_TRUE(parameter.at("required").get<bool>()) << path;
        declared.insert(parameter.at("name").get<std::string>());
      }
    }
    EXPECT_EQ(in_path, declared) << path;
  }
}

TEST(OpenApiDocument, EveryOperationDescribesItsSuccessAndErrors) {
  const json doc = parsed();
  std::set<std::string> operation_ids;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const auto& [method, operation] : item.items()) {
      if (kMethods.count(method) == 0) continue;
      const std::string where = upper(method) + " " + path;
      EXPECT_TRUE(operation_ids.insert(operation.at("operationId").get<std::string>()).second)
          << "duplicate operationId at " << where;
      const json& responses = operation.at("responses");
      bool success = false;
      for (const auto& [status, response] : responses.items()) {
        if (status[0] == '2') success = true;
        // Every response carries X-Request-ID (a component response holds it itself).
        if (!response.contains("$ref")) {
          EXPECT_TRUE(response.at("headers").contains("X-Request-ID")) << where << " " << status;
        }
      }
      EXPECT_TRUE(success) << where;
      // A path naming a resource can miss it; an upload creates its collection instead.
      if (path.find('{') != std::string::npos && where != "POST /v1/collections/{name}/documents") {
        EXPECT_TRUE(responses.contains("404")) << where;
      }
      // A path that is not valid percent-encoded UTF-8 is refused before any handler runs.
      if (path.find('{') != std::string::npos) {
        EXPECT_TRUE(responses.contains("400")) << where;
      }
      if (operation.contains("requestBody")) {
        // Bodies are parsed, so each of these failures is possible and must be documented.
        for (const char* status : {"400", "413", "415", "422"}) {
          EXPECT_TRUE(responses.contains(status)) << where << " lacks " << status;
        }
      }
    }
  }
}

TEST(OpenApiDocument, ErrorResponsesUseTheErrorSchema) {
  const json doc = parsed();
  const json& error = doc.at("/components/schemas/Error"_json_pointer);
  EXPECT_EQ(error.at("required"), json({"code", "message", "details", "request_id"}));
  const json& codes = error.at("/properties/code/enum"_json_pointer);
  for (const char* code :
       {"bad_request", "invalid_json", "invalid_utf8", "not_found", "method_not_allowed",
        "conflict", "payload_too_large", "unsupported_media_type", "validation_failed",
        "internal_error", "unavailable", "deadline_exceeded"}) {
    EXPECT_NE(std::find(codes.begin(), codes.end(), code), codes.end()) << code;
  }
  for (const auto& [name, response] : doc.at("/components/responses"_json_pointer).items()) {
    EXPECT_EQ(response.at("/content/application~1json/schema/$ref"_json_pointer),
              "#/components/schemas/Error")
        << name;
  }
}

// Unknown top-level fields are refused everywhere except the OpenAI-compatible bodies, whose
// clients send fields ragd does not use.
TEST(OpenApiDocument, UnknownFieldsAreRefusedExceptOnOpenAiBodies) {
  const json doc = parsed();
  const json& schemas = doc.at("/components/schemas"_json_pointer);
  for (const char* closed : {"CollectionCreate", "CollectionUpdate", "DocumentCreate",
                             "SearchRequest", "ChatRequest", "Feedback"}) {
    EXPECT_EQ(schemas.at(closed).value("additionalProperties", json(true)), json(false)) << closed;
  }
  for (const char* open : {"ChatCompletionRequest", "EmbeddingRequest"}) {
    EXPECT_FALSE(schemas.at(open).contains("additionalProperties")) << open;
  }
}

TEST(OpenApiDocument, ChatAnswersMayStream) {
  const json doc = parsed();
  for (const char* path : {"/v1/chat", "/v1/chat/completions"}) {
    const json& content =
        doc.at("paths").at(path).at("post").at("responses").at("200").at("content");
    EXPECT_TRUE(content.contains("application/json")) << path;
    EXPECT_TRUE(content.contains("text/event-stream")) << path;
  }
}

TEST(OpenApiDocument, RangesFollowTheContract) {
  const json doc = parsed();
  const json& chat = doc.at("/components/schemas/ChatRequest/properties"_json_pointer);
  EXPECT_EQ(chat.at("max_tokens").at("minimum"), 50);
  EXPECT_EQ(chat.at("max_tokens").at("maximum"), 2000);
  EXPECT_EQ(chat.at("temperature").at("minimum"), 0);
  EXPECT_EQ(chat.at("temperature").at("maximum"), 1);
  const json& search = doc.at("/components/schemas/SearchRequest/properties"_json_pointer);
  EXPECT_EQ(search.at("k").at("minimum"), 1);
  EXPECT_EQ(search.at("k").at("maximum"), 100);
  EXPECT_EQ(search.at("mode").at("enum"), json({"auto", "lexical", "dense", "hybrid"}));
  const json& name = doc.at("/components/schemas/CollectionName"_json_pointer);
  const std::regex pattern(name.at("pattern").get<std::string>());
  EXPECT_TRUE(std::regex_match("default", pattern));
  EXPECT_TRUE(std::regex_match("a.b_c-1", pattern));
  EXPECT_FALSE(std::regex_match("..", pattern));
  EXPECT_FALSE(std::regex_match("a/b", pattern));
  EXPECT_FALSE(std::regex_match(std::string(65, 'a'), pattern));
}

}  // namespace
}  // namespace ragd::server

#include "server/chat_request.h"

#include "server/api_exception.h"
#include "server/json_input.h"
#include "server/quota_support.h"
#include "server/tenant_scope.h"

namespace ragd::server {

ChatJob chat_job_from(Services& services, const Request& request, const nlohmann::json& options,
                      std::string collection, std::string question) {
  ChatJob job;
  job.collection = scoped_collection(request.principal, collection);
  job.public_collection = std::move(collection);
  job.request.owner = request.principal.session_owner();
  job.request.question = std::move(question);
  job.request.enable_rag = optional_bool(options, "enable_rag").value_or(true);
  job.request.k = services.config.k;
  job.request.max_tokens = static_cast<int>(optional_int(options, "max_tokens", 50, 2000).value_or(512));
  const int64_t cap = plan_tokens_per_message(services, request);
  if (cap > 0 && job.request.max_tokens > cap) job.request.max_tokens = static_cast<int>(cap);
  job.request.temperature = optional_number(options, "temperature", 0, 1).value_or(0.2);
  job.request.traceparent = request.traceparent;
  ParsedFilters filters = parse_filters(options);
  job.request.filter = filters.filter;
  job.document_key = filters.document_key;
  std::string cache = optional_string(options, "cache", 16).value_or("use");
  if (cache != "use" && cache != "bypass") fail_field("cache", "must be \"use\" or \"bypass\"");
  job.use_cache = cache == "use";
  job.cache_options = nlohmann::json({{"filters", filters.canonical},
                                      {"rag", job.request.enable_rag},
                                      {"max_tokens", job.request.max_tokens},
                                      {"temperature", job.request.temperature}})
                          .dump();
  return job;
}

}  // namespace ragd::server

// Reading the options of a chat request (/v1/chat, and the `ragd` extension of
// /v1/chat/completions) into a ChatJob. Throws ApiException on bad values.
#pragma once

#include <nlohmann/json.hpp>

#include "server/chat_runner.h"
#include "server/http_message.h"

namespace ragd::server {

// The answering options shared by both routes: enable_rag, filters, max_tokens (50..2000),
// temperature (0..1; max_tokens also capped by the plan's tokens per message), cache ("use" |
// "bypass"). `question` and the collection (its public name; the job gets the organisation's
// scoped one) come from the caller; sessions belong to the request's principal.
ChatJob chat_job_from(Services& services, const Request& request, const nlohmann::json& options,
                      std::string collection, std::string question);

}  // namespace ragd::server

// Reading the options of a chat request (/v1/chat, and the `ragd` extension of
// /v1/chat/completions) into a ChatJob. Throws ApiException on bad values.
#pragma once

#include <nlohmann/json.hpp>

#include "server/chat_runner.h"
#include "server/http_message.h"

namespace ragd::server {

// The answering options shared by both routes: enable_rag, filters, max_tokens (50..2000),
// temperature (0..1), cache ("use" | "bypass"). `question` and the collection come from the
// caller.
ChatJob chat_job_from(Services& services, const Request& request, const nlohmann::json& options,
                      std::string collection, std::string question);

}  // namespace ragd::server

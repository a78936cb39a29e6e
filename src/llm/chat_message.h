// ChatMessage: one message of an OpenAI-style conversation (role "system", "user" or
// "assistant"), as prompt templates render them and LLM providers send them.
#pragma once

#include <string>

namespace ragd {

struct ChatMessage {
  std::string role;
  std::string content;
};

}  // namespace ragd

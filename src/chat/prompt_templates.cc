// Prompt templates: loading, checking and rendering (contract in prompt_templates.h).
#include "chat/prompt_templates.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "common/file_io.h"
#include "text/normalize.h"

namespace ragd {
namespace {

constexpr uint64_t kMaxTemplateBytes = 64 * 1024;
constexpr std::array<std::string_view, 5> kPlaceholders = {"context", "question", "history",
                                                           "today", "collection"};
constexpr std::array<PromptPart, 4> kParts = {PromptPart::kSystem, PromptPart::kContext,
                                              PromptPart::kHistory, PromptPart::kQuestion};

size_t line_of(std::string_view text, size_t offset) {
  size_t line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) line += text[i] == '\n' ? 1 : 0;
  return line;
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void trim_trailing_whitespace(std::string& s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r')) {
    s.pop_back();
  }
}

}  // namespace

const char* prompt_file_name(PromptPart part) {
  switch (part) {
    case PromptPart::kSystem:
      return "system.md";
    case PromptPart::kContext:
      return "context.md";
    case PromptPart::kHistory:
      return "history.md";
    case PromptPart::kQuestion:
      return "question.md";
  }
  return "system.md";
}

PromptTemplates::PromptTemplates() {
  for (PromptPart part : kParts) {
    const size_t i = static_cast<size_t>(part);
    texts_[i] = std::string(default_prompt_text(part));
    // The built-in texts are checked by the unit tests; a failure here is a build defect.
    const Status status = parse(texts_[i], prompt_file_name(part), segments_[i]);
    if (!status) segments_[i] = {Segment{false, texts_[i]}};
  }
}

Status PromptTemplates::parse(std::string_view text, const std::string& where,
                              std::vector<Segment>& segments) {
  segments.clear();
  if (!is_valid_utf8(text)) return Status::invalid(where + " is not valid UTF-8");
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      segments.push_back({false, std::string(text.substr(pos))});
      break;
    }
    if (open > pos) segments.push_back({false, std::string(text.substr(pos, open - pos))});
    const size_t close = text.find("}}", open + 2);
    const size_t newline = text.find('\n', open + 2);
    if (close == std::string_view::npos || (newline != std::string_view::npos && newline < close)) {
      return Status::invalid(where + ", line " + std::to_string(line_of(text, open)) +
                             ": \"{{\" is not closed by \"}}\" on the same line");
    }
    const std::string_view name = trim_spaces(text.substr(open + 2, close - open - 2));
    if (std::find(kPlaceholders.begin(), kPlaceholders.end(), name) == kPlaceholders.end()) {
      return Status::invalid(where + ", line " + std::to_string(line_of(text, open)) +
                             ": unknown placeholder {{" + std::string(name) +
                             "}}; known: {{context}}, {{question}}, {{history}}, {{today}}, "
                             "{{collection}}");
    }
    segments.push_back({true, std::string(name)});
    pos = close + 2;
  }
  return Status::ok();
}

Result<PromptTemplates> PromptTemplates::from_texts(std::array<std::string, 4> texts,
                                                    const std::string& origin) {
  PromptTemplates templates;
  for (PromptPart part : kParts) {
    const size_t i = static_cast<size_t>(part);
    const std::string where = origin + "/" + prompt_file_name(part);
    RAGD_RETURN_IF_ERROR(parse(texts[i], where, templates.segments_[i]));
    templates.texts_[i] = std::move(texts[i]);
  }
  auto uses = [&](PromptPart part, std::string_view name) {
    for (const Segment& s : templates.segments_[static_cast<size_t>(part)]) {
      if (s.placeholder && s.text == name) return true;
    }
    return false;
  };
  if (!uses(PromptPart::kQuestion, "question")) {
    return Status::invalid(origin +
                           "/question.md must contain {{question}}, or the model "
                           "never sees the question");
  }
  if (!uses(PromptPart::kContext, "context")) {
    return Status::invalid(origin +
                           "/context.md must contain {{context}}, or the model never "
                           "sees the passages");
  }
  return templates;
}

Result<PromptTemplates> PromptTemplates::load(const std::string& directory) {
  if (directory.empty()) return PromptTemplates();
  std::error_code ec;
  if (!std::filesystem::is_directory(directory, ec)) {
    return Status::not_found("prompt directory '" + directory +
                             "' does not exist or is not a directory");
  }
  std::array<std::string, 4> texts;
  for (PromptPart part : kParts) {
    const std::string path = (std::filesystem::path(directory) / prompt_file_name(part)).string();
    const size_t i = static_cast<size_t>(part);
    // Only a file that is not there at all falls back; a dangling link is unreadable.
    if (std::filesystem::symlink_status(path, ec).type() == std::filesystem::file_type::not_found) {
      texts[i] = std::string(default_prompt_text(part));
      continue;
    }
    Result<std::string> text = read_file(path, kMaxTemplateBytes);
    if (!text) {
      return Status::error(text.status().code(), "cannot read prompt template '" + path + "': " +
                                                     (text.status().code() == ErrorCode::kTooLarge
                                                          ? std::string("it is over 64 KiB")
                                                          : text.status().message()));
    }
    texts[i] = std::move(text).value();
  }
  return from_texts(std::move(texts), directory);
}

std::string PromptTemplates::render_part(PromptPart part, const PromptInputs& inputs) const {
  std::string out;
  for (const Segment& s : segments_[static_cast<size_t>(part)]) {
    if (!s.placeholder) {
      out += s.text;
    } else if (s.text == "context") {
      out += inputs.context;
    } else if (s.text == "question") {
      out += inputs.question;
    } else if (s.text == "history") {
      out += inputs.history;
    } else if (s.text == "today") {
      out += inputs.today;
    } else if (s.text == "collection") {
      out += inputs.collection;
    }
  }
  trim_trailing_whitespace(out);
  return out;
}

std::vector<ChatMessage> PromptTemplates::render(const PromptInputs& inputs) const {
  std::vector<ChatMessage> messages;
  std::string system = render_part(PromptPart::kSystem, inputs);
  std::string history_text = inputs.history;
  trim_trailing_whitespace(history_text);
  if (!history_text.empty()) {
    const std::string history = render_part(PromptPart::kHistory, inputs);
    if (!history.empty()) system += (system.empty() ? "" : "\n\n") + history;
  }
  if (!system.empty()) messages.push_back({"system", std::move(system)});
  for (const ChatMessage& turn : inputs.turns) messages.push_back(turn);
  std::string user = render_part(PromptPart::kContext, inputs);
  const std::string question = render_part(PromptPart::kQuestion, inputs);
  if (!user.empty() && !question.empty()) user += "\n\n";
  user += question;
  messages.push_back({"user", std::move(user)});
  return messages;
}

}  // namespace ragd

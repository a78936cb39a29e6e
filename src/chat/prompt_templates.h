// PromptTemplates: the four texts an operator can change to shape what the LLM is told —
// system (instructions), context (the numbered passages), history (what the earlier
// conversation said) and question — and their rendering into chat messages.
//
// Templates are Markdown files system.md, context.md, history.md and question.md in a prompt
// directory; the defaults ship in prompts/ and are built in, so a server without a directory
// setting behaves exactly as with the shipped files. A missing file in a configured directory
// falls back to its built-in default; an unreadable one is an error.
//
// Placeholders are {{name}} (spaces inside the braces allowed): {{context}}, {{question}},
// {{history}}, {{today}}, {{collection}}. Any other name, or an unclosed "{{", is an error
// when the templates are loaded, as is a question template without {{question}} or a context
// template without {{context}}. Values are inserted in one pass and never scanned again, so a
// question that contains "{{context}}" stays literal text.
//
// Messages: system = system template, followed by the history template when there is a
// history text; then the earlier turns as given; then one user message = context template +
// blank line + question template. Trailing whitespace of each rendered part is removed.
//
// Thread-safety: immutable after construction; render() may run concurrently.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "llm/chat_message.h"

namespace ragd {

enum class PromptPart { kSystem = 0, kContext = 1, kHistory = 2, kQuestion = 3 };

const char* prompt_file_name(PromptPart part);  // "system.md", ...
// The built-in default text, byte for byte the shipped prompts/<file>.
std::string_view default_prompt_text(PromptPart part);

struct PromptInputs {
  std::string question;
  std::string context;             // the rendered passages (render_context in context_builder.h)
  std::string history;             // summaries of earlier turns or sessions; empty: no history part
  std::vector<ChatMessage> turns;  // earlier turns as user/assistant messages, oldest first
  std::string today;               // ISO date
  std::string collection;          // the collection's name
};

class PromptTemplates {
 public:
  // The built-in defaults.
  PromptTemplates();

  // From a directory of template files; an empty `directory` gives the built-in defaults.
  // kNotFound when the directory does not exist; kInvalidArgument for a bad template (the
  // message names the file, the line and the problem); kIo / kTooLarge for unreadable files.
  static Result<PromptTemplates> load(const std::string& directory);
  // From texts, checked the same way (`origin` names them in messages).
  static Result<PromptTemplates> from_texts(std::array<std::string, 4> texts,
                                            const std::string& origin = "template");

  const std::string& text(PromptPart part) const { return texts_[static_cast<size_t>(part)]; }

  std::vector<ChatMessage> render(const PromptInputs& inputs) const;

 private:
  struct Segment {
    bool placeholder = false;
    std::string text;  // literal text, or the placeholder's name
  };
  static Status parse(std::string_view text, const std::string& where,
                      std::vector<Segment>& segments);
  std::string render_part(PromptPart part, const PromptInputs& inputs) const;

  std::array<std::string, 4> texts_;
  std::array<std::vector<Segment>, 4> segments_;
};

}  // namespace ragd

// `ragd chat`: an interactive session in the terminal. Each line is a question; answers
// stream as they are generated and follow-ups are resolved with the conversation.
// Commands: /new starts a new session, /exit (or end of input) quits. With --json, each
// answer is one JSON line instead (for scripts and benchmarks).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "chat/answer_json.h"
#include "cli/answer_output.h"
#include "cli/answer_setup.h"
#include "cli/commands.h"
#include "cli/common_options.h"
#include "cli/exit_codes.h"
#include "jobs/collection_handle.h"

namespace ragd::cli {
namespace {

struct ChatArgs {
  std::string data;
  std::string collection;
  std::string session;
  bool json = false;
  AnswerFlags answer;
};

int run_chat(const ChatArgs& args) {
  DataDir data(resolve_data_dir(args.data));
  OpenCollectionOptions open_options;
  open_options.vectors = args.answer.mode != "lexical";
  auto handle = open_collection(data, args.collection, OpenMode::kRead, open_options);
  if (!handle.is_ok()) return report_error(handle.status());
  auto pipeline = make_answer_pipeline(*handle, args.answer);
  if (!pipeline.is_ok()) return report_error(pipeline.status());
  const bool interactive = ::isatty(STDIN_FILENO) == 1 && !args.json;
  const bool terminal = ::isatty(STDOUT_FILENO) == 1;
  if (!handle->dense_note.empty() && args.answer.mode != "lexical") {
    std::cerr << "ragd: note: " << handle->dense_note << "\n";
  }
  if (interactive) {
    std::cout << "Asking collection '" << handle->collection.name << "' ("
              << ((*pipeline)->has_llm() ? "LLM answers" : "extractive answers")
              << "). /new starts a new session, /exit quits.\n";
  }
  std::string session = args.session;
  std::string line;
  int failures = 0;
  while (true) {
    if (interactive) std::cout << "\n> " << std::flush;
    if (!std::getline(std::cin, line)) break;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (line == "/exit" || line == "/quit") break;
    if (line == "/new") {
      session.clear();
      std::cout << "(new session)\n";
      continue;
    }
    AnswerRequest request = make_answer_request(args.answer, line);
    request.session_id = session;
    AnswerEvents events;
    if (args.json) {
      auto result = (*pipeline)->answer(request, events);
      if (!result.is_ok()) {
        nlohmann::ordered_json error{{"error", result.status().message()}};
        std::cout << error.dump() << "\n" << std::flush;
        ++failures;
        if (result.status().code() == ErrorCode::kNotFound) session.clear();
        continue;
      }
      session = result->session_id;
      std::cout << answer_to_json(request, *result).dump() << "\n" << std::flush;
      continue;
    }
    events.on_delta = [](std::string_view delta) {
      std::cout << delta << std::flush;
      return true;
    };
    events.on_retract = [](std::string_view reason) {
      std::cout << "\n[the answer above was cut off (" << reason
                << "); answering from the passages instead]\n";
    };
    auto result = (*pipeline)->answer(request, events);
    if (!result.is_ok()) {
      std::cerr << "ragd: error: " << result.status().message() << "\n";
      ++failures;
      if (result.status().code() == ErrorCode::kNotFound) session.clear();
      continue;
    }
    session = result->session_id;
    std::cout << "\n";
    if (result->unsupported_citations > 0) {
      std::cout << "\n(checked: " << result->unsupported_citations
                << " unsupported citation(s) removed)\n" << result->answer << "\n";
    }
    std::cout << format_sources(*result, terminal) << std::flush;
  }
  return failures == 0 ? kExitOk : kExitPartialFailure;
}

}  // namespace

void add_chat_command(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<ChatArgs>();
  CLI::App* chat = app.add_subcommand(
      "chat", "Interactive question answering over a collection (one question per line)");
  add_data_option(chat, args->data);
  add_collection_option(chat, args->collection);
  chat->add_option("--session", args->session, "Continue this session");
  chat->add_flag("--json", args->json,
                 "One JSON object per answer (as `ask --json`), nothing streamed");
  add_answer_flags(chat, args->answer);
  chat->callback([args, &runner] { runner = [args] { return run_chat(*args); }; });
}

}  // namespace ragd::cli

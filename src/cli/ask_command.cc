// `ragd ask`: one question, one grounded answer with its citations.
#include <unistd.h>

#include <CLI/CLI.hpp>
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

struct AskArgs {
  std::string data;
  std::string collection;
  std::string session;
  bool no_session = false;
  std::vector<std::string> question_words;
  std::vector<std::string> domains;
  std::vector<std::string> tags;
  bool json = false;
  AnswerFlags answer;
};

int run_ask(const AskArgs& args) {
  std::string question;
  for (const std::string& word : args.question_words) {
    question += (question.empty() ? "" : " ") + word;
  }
  DataDir data(resolve_data_dir(args.data));
  OpenCollectionOptions open_options;
  open_options.vectors = args.answer.mode != "lexical";
  auto handle = open_collection(data, args.collection, OpenMode::kRead, open_options);
  if (!handle.is_ok()) return report_error(handle.status());
  auto pipeline = make_answer_pipeline(*handle, args.answer);
  if (!pipeline.is_ok()) return report_error(pipeline.status());

  AnswerRequest request = make_answer_request(args.answer, std::move(question));
  request.session_id = args.session;
  request.persist = !args.no_session;
  request.filter.domains = args.domains;
  request.filter.tags = args.tags;
  auto result = (*pipeline)->answer(request);
  if (!result.is_ok()) return report_error(result.status());
  if (!handle->dense_note.empty() && args.answer.mode != "lexical") {
    std::cerr << "ragd: note: " << handle->dense_note << "\n";
  }
  if (args.json) {
    std::cout << answer_to_json(request, *result).dump() << "\n";
  } else {
    std::cout << format_answer(*result, ::isatty(STDOUT_FILENO) == 1);
  }
  return kExitOk;
}

}  // namespace

void add_ask_command(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<AskArgs>();
  CLI::App* ask = app.add_subcommand(
      "ask", "Answer a question from a collection, citing the passages it comes from");
  add_data_option(ask, args->data);
  add_collection_option(ask, args->collection);
  ask->add_option("--session", args->session,
                  "Continue this session (follow-up questions are resolved with it)");
  ask->add_flag("--no-session", args->no_session, "Do not store this question and answer");
  ask->add_option("--domain", args->domains, "Only passages of this domain (repeatable)");
  ask->add_option("--tag", args->tags, "Only passages of documents with this tag (repeatable)");
  ask->add_flag("--json", args->json,
                "Print one JSON object: answer, citations, strategy, usage, latency_ms, ...");
  add_answer_flags(ask, args->answer);
  ask->add_option("question", args->question_words, "The question")->required();
  ask->callback([args, &runner] { runner = [args] { return run_ask(*args); }; });
}

}  // namespace ragd::cli

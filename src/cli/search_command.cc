#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "cli/exit_codes.h"
#include "cli/fusion_flags.h"
#include "common/dates.h"
#include "jobs/collection_handle.h"
#include "jobs/source_scan.h"
#include "retrieve/searcher.h"

namespace ragd::cli {
namespace {

struct SearchArgs {
  std::string data;
  std::string collection;
  std::vector<std::string> query_words;
  std::vector<std::string> domains;
  std::vector<std::string> tags;
  std::vector<std::string> documents;
  std::string date_from;
  std::string date_to;
  size_t k = 10;
  bool json = false;
  std::string mode = "auto";
  size_t candidates = 100;
  FusionFlags fusion;
};

Result<std::optional<int32_t>> parse_date_flag(const std::string& flag, const std::string& value) {
  if (value.empty()) return std::optional<int32_t>();
  auto days = parse_iso_date(value);
  if (!days) return Status::invalid(flag + " expects a date as YYYY-MM-DD, got '" + value + "'");
  return std::optional<int32_t>(*days);
}

void print_json(const std::string& query, const SearchResponse& response) {
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  int rank = 0;
  for (const SearchHit& hit : response.hits) {
    nlohmann::ordered_json highlights = nlohmann::ordered_json::array();
    for (const auto& [b, e] : hit.snippet.highlights) highlights.push_back({b, e});
    results.push_back({{"rank", ++rank},
                       {"score", hit.score},
                       {"chunk_id", hit.chunk_id},
                       {"document_id", hit.document_id},
                       {"title", hit.title},
                       {"section_path", hit.section_path},
                       {"source", hit.source_path},
                       {"key", hit.document_key},
                       {"domain", hit.domain},
                       {"tags", hit.tags},
                       {"date", hit.date ? nlohmann::ordered_json(*hit.date) : nullptr},
                       {"span", {{"begin", hit.begin}, {"end", hit.end}}},
                       {"snippet", hit.snippet.text},
                       {"highlights", highlights},
                       {"text", hit.text},
                       {"lexical_rank", hit.lexical_rank},
                       {"dense_rank", hit.dense_rank}});
  }
  nlohmann::ordered_json out{{"query", query},
                             {"mode", response.mode},
                             {"strategy", response.strategy},
                             {"route", response.route_reason},
                             {"fusion", response.fusion},
                             {"candidates", {{"lexical", response.lexical_candidates},
                                             {"dense", response.dense_candidates}}},
                             {"notes", response.notes},
                             {"query_terms", response.query_terms},
                             {"latency_ms", response.latency_ms},
                             {"results", results}};
  std::cout << out.dump() << "\n";
}

std::string describe_strategy(const SearchResponse& r) {
  std::string line = "strategy: " + r.strategy;
  if (r.strategy == "hybrid") {
    line += " (" + r.fusion + " of " + std::to_string(r.lexical_candidates) + " lexical + " +
            std::to_string(r.dense_candidates) + " dense candidates)";
  }
  if (!r.route_reason.empty()) line += "; auto: " + r.route_reason;
  return line;
}

void print_text(const SearchResponse& response, bool terminal) {
  std::printf("%s\n\n", describe_strategy(response).c_str());
  if (response.hits.empty()) {
    std::printf("no results\n");
    return;
  }
  const char* open = terminal ? "\033[1m" : "**";
  const char* close = terminal ? "\033[0m" : "**";
  int rank = 0;
  for (const SearchHit& hit : response.hits) {
    // The section path usually opens with the document's own top heading, often its title.
    std::string heading = hit.title;
    if (hit.section_path.rfind(hit.title, 0) == 0) {
      heading = hit.section_path;
    } else if (!hit.section_path.empty()) {
      heading += " > " + hit.section_path;
    }
    std::printf("%d. [%.3f] %s\n", ++rank, hit.score, heading.c_str());
    std::printf("   %s%s%s\n", hit.source_path.c_str(), hit.domain.empty() ? "" : "  domain: ",
                hit.domain.c_str());
    std::printf("   %s\n\n", mark_highlights(hit.snippet, open, close).c_str());
  }
}

int run_search(const SearchArgs& args) {
  std::string query;
  for (const std::string& word : args.query_words) query += (query.empty() ? "" : " ") + word;
  SearchRequest request;
  request.query = query;
  request.k = args.k;
  request.filter.domains = args.domains;
  request.filter.tags = args.tags;
  auto from = parse_date_flag("--from", args.date_from);
  if (!from.is_ok()) return report_error(from.status());
  auto to = parse_date_flag("--to", args.date_to);
  if (!to.is_ok()) return report_error(to.status());
  request.filter.date_from = *from;
  request.filter.date_to = *to;
  auto mode = parse_search_mode(args.mode);
  if (!mode.is_ok()) return report_error(mode.status());
  request.mode = *mode;
  request.candidates = args.candidates;
  auto fusion = fusion_config(args.fusion);
  if (!fusion.is_ok()) return report_error(fusion.status());
  request.fusion = *fusion;

  DataDir data(resolve_data_dir(args.data));
  OpenCollectionOptions open_options;
  open_options.vectors = request.mode != SearchMode::kLexical;  // no model to load otherwise
  auto handle = open_collection(data, args.collection, OpenMode::kRead, open_options);
  if (!handle.is_ok()) return report_error(handle.status());
  SearchResponse response;
  bool no_document_matches = false;
  Status status = handle->store->in_read_snapshot([&]() -> Status {
    RAGD_RETURN_IF_ERROR(catch_up_in_memory(*handle));
    for (const std::string& path : args.documents) {
      auto docs = handle->store->list_documents(handle->collection.id, absolute_path(path));
      if (!docs.is_ok()) return docs.status();
      for (const DocumentInfo& doc : *docs) request.filter.document_ids.push_back(doc.id);
    }
    no_document_matches = !args.documents.empty() && request.filter.document_ids.empty();
    if (no_document_matches) return Status::ok();
    DenseRetriever dense{handle->vectors.get(), handle->provider.get(), handle->dense_note};
    Searcher searcher(*handle->store, *handle->index, *handle->analyzer, std::move(dense));
    auto result = searcher.search(request);
    if (!result.is_ok()) return result.status();
    response = std::move(result).value();
    return Status::ok();
  });
  if (!status.is_ok()) return report_error(status);
  // Said once: why dense retrieval is off or incomplete, unless the search did not need it.
  if (!handle->dense_note.empty() && response.strategy != "lexical") {
    std::cerr << "ragd: note: " << handle->dense_note << "\n";
  }
  for (const std::string& note : response.notes) std::cerr << "ragd: note: " << note << "\n";
  if (no_document_matches) {
    std::cerr << "ragd: note: no document of collection '" << args.collection
              << "' matches --document\n";
  }
  if (args.json) {
    print_json(query, response);
  } else {
    print_text(response, ::isatty(STDOUT_FILENO) == 1);
  }
  return kExitOk;
}

}  // namespace

void add_search_command(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<SearchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "search", "Search a collection (lexical BM25F, dense embeddings or both fused): ranked "
                "chunks with score, title, section and a snippet with the query terms marked.");
  add_data_option(cmd, args->data);
  add_collection_option(cmd, args->collection);
  cmd->add_option("query", args->query_words, "The query (words may be given unquoted)")
      ->required();
  cmd->add_option("--k,-k", args->k, "Number of results")->default_val(10)->check(CLI::Range(1, 1000));
  cmd->add_option("--domain", args->domains, "Only chunks of this domain (repeatable: any of)");
  cmd->add_option("--tag", args->tags, "Only documents with this tag (repeatable: all of)");
  cmd->add_option("--document", args->documents,
                  "Only this document, or the documents under this folder (repeatable)");
  cmd->add_option("--from", args->date_from, "Only documents dated on or after YYYY-MM-DD");
  cmd->add_option("--to", args->date_to, "Only documents dated on or before YYYY-MM-DD");
  cmd->add_flag("--json", args->json, "Print results as one JSON object");
  cmd->add_option("--mode", args->mode,
                  "lexical (BM25F), dense (embeddings), hybrid (both, fused) or auto (short "
                  "keyword queries lexical, questions hybrid)")
      ->default_val("auto")
      ->check(CLI::IsMember({"lexical", "dense", "hybrid", "auto"}));
  cmd->add_option("--candidates", args->candidates,
                  "Hybrid: candidates taken from each retriever before fusion")
      ->default_val(100)
      ->check(CLI::Range(1, 10000));
  add_fusion_flags(cmd, args->fusion);
  cmd->callback([&runner, args] { runner = [args] { return run_search(*args); }; });
}

}  // namespace ragd::cli

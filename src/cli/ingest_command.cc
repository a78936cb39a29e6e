#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "cli/exit_codes.h"
#include "cli/ingest_progress.h"
#include "chat/domain_config.h"
#include "cli/answer_setup.h"
#include "common/file_io.h"
#include "jobs/collection_handle.h"
#include "jobs/ingest_job.h"

namespace ragd::cli {
namespace {

struct IngestArgs {
  std::string data;
  std::string collection;
  std::vector<std::string> paths;
  size_t chunk_tokens = 384;
  size_t chunk_overlap = 48;
  uint64_t max_file_mb = 256;
  size_t threads = 0;
  bool chunking_given = false;  // --chunk-tokens/--chunk-overlap override the collection's
  bool no_prune = false;
  bool verbose = false;
  bool json = false;
};

// `model` is empty and `vectors` 0 when the collection is lexical-only.
void print_summary(const IngestSummary& s, bool json, const std::string& model, uint64_t vectors) {
  if (json) {
    nlohmann::ordered_json out{{"files", s.files},
                               {"files_unchanged", s.files_skipped_unchanged},
                               {"files_unsupported", s.files_skipped_unsupported},
                               {"added", s.added},
                               {"updated", s.updated},
                               {"unchanged", s.unchanged},
                               {"removed", s.removed},
                               {"failed", s.failed},
                               {"chunks", s.chunks_written},
                               {"seconds", s.seconds},
                               {"embedding", {{"model", model},
                                              {"passages_embedded", s.passages_embedded},
                                              {"passages_cached", s.passages_cached},
                                              {"vectors", vectors},
                                              {"seconds", s.embed_seconds}}}};
    std::cout << out.dump() << "\n";
    return;
  }
  std::printf(
      "ingested %llu files in %.2fs: %llu added, %llu updated, %llu unchanged, %llu removed, "
      "%llu failed; %llu chunks written",
      static_cast<unsigned long long>(s.files), s.seconds,
      static_cast<unsigned long long>(s.added), static_cast<unsigned long long>(s.updated),
      static_cast<unsigned long long>(s.unchanged), static_cast<unsigned long long>(s.removed),
      static_cast<unsigned long long>(s.failed), static_cast<unsigned long long>(s.chunks_written));
  if (s.files_skipped_unchanged) {
    std::printf("; %llu files skipped as unchanged",
                static_cast<unsigned long long>(s.files_skipped_unchanged));
  }
  if (s.files_skipped_unsupported) {
    std::printf("; %llu files of unsupported types ignored",
                static_cast<unsigned long long>(s.files_skipped_unsupported));
  }
  if (!model.empty()) {
    std::printf("; %llu passages embedded (%llu from the cache) with %s in %.2fs",
                static_cast<unsigned long long>(s.passages_embedded),
                static_cast<unsigned long long>(s.passages_cached), model.c_str(), s.embed_seconds);
  }
  std::printf("\n");
}

// A knowledge base declares its domains in a domains.json at the root of an ingested
// folder; it becomes the collection's default domain routing for `ask` and `chat`. A
// malformed one is an error that names the file (the documents are ingested regardless).
Status remember_domains(CollectionHandle& handle, const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    std::error_code ec;
    std::filesystem::path file = std::filesystem::path(path) / "domains.json";
    if (!std::filesystem::is_directory(path, ec) || !std::filesystem::is_regular_file(file, ec)) {
      continue;
    }
    auto text = read_file(file.string());
    if (!text.is_ok()) return text.status();
    auto domains = parse_domain_configs(*text);
    if (!domains.is_ok()) {
      return Status::invalid(file.string() + ": " + domains.status().message());
    }
    return handle.store->set_state(domains_state_key(handle.collection.id),
                                   serialize_domain_configs(*domains));
  }
  return Status::ok();
}

int run_ingest(const IngestArgs& args) {
  IngestOptions options;
  options.collection = args.collection;
  options.chunker.target_tokens = args.chunk_tokens;
  options.chunker.overlap_tokens = args.chunk_overlap;
  options.max_file_bytes = args.max_file_mb << 20;
  options.threads = args.threads;
  options.prune_missing = !args.no_prune;
  if (Status valid = options.chunker.validate(); !valid.is_ok()) return report_error(valid);

  DataDir data(resolve_data_dir(args.data));
  OpenCollectionOptions open_options;
  open_options.catch_up_vectors = false;  // the job embeds what is missing, with progress
  open_options.encoder_threads = args.threads;
  auto handle = open_collection(data, args.collection, OpenMode::kWriteOrCreate, open_options);
  if (!handle.is_ok()) return report_error(handle.status());
  if (!handle->dense_note.empty()) std::cerr << "ragd: note: " << handle->dense_note << "\n";
  if (!args.chunking_given) options.chunker = handle->settings.chunker;
  IngestProgressPrinter printer(::isatty(STDERR_FILENO) == 1, args.verbose);
  IngestJob job(*handle->store, *handle->index, *handle->analyzer, options);
  if (handle->dense()) job.set_vectors(handle->vectors.get(), handle->embedder.get());
  auto summary = job.run(args.paths, &printer);
  if (!summary.is_ok()) return report_error(summary.status());
  if (Status domains = remember_domains(*handle, args.paths); !domains.is_ok()) {
    return report_error(domains);
  }
  print_summary(*summary, args.json, handle->dense() ? handle->provider->model_id() : "",
                handle->dense() ? handle->vectors->stats().live_vectors : 0);
  return summary->failed ? kExitPartialFailure : kExitOk;
}

}  // namespace

void add_ingest_command(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<IngestArgs>();
  CLI::App* cmd = app.add_subcommand(
      "ingest",
      "Load documents into a collection: Markdown, text, HTML, PDF, BEIR JSONL(.gz), folders "
      "recursively. Unchanged documents are skipped; changed ones replaced atomically. When the "
      "collection has an embedding model, new chunks are embedded for dense search.");
  add_data_option(cmd, args->data);
  add_collection_option(cmd, args->collection);
  cmd->add_option("paths", args->paths, "Files and folders to ingest")->required();
  cmd->add_option("--chunk-tokens", args->chunk_tokens,
                  "Target chunk size in tokens (default: the collection's, 384)")
      ->default_val(384)
      ->check(CLI::Range(16, 8192));
  cmd->add_option("--chunk-overlap", args->chunk_overlap,
                  "Overlap between chunks in tokens (default: the collection's, 48)")
      ->default_val(48)
      ->check(CLI::Range(0, 4096));
  cmd->add_option("--max-file-mb", args->max_file_mb,
                  "Refuse single-document files larger than this (MiB)")
      ->default_val(256)
      ->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--threads", args->threads, "Parser and encoder threads (default: all cores)")
      ->check(CLI::Range(0, 256));
  cmd->add_flag("--no-prune", args->no_prune,
                "Keep documents whose files disappeared from an ingested folder");
  cmd->add_flag("--verbose,-v", args->verbose, "Print one line per document");
  cmd->add_flag("--json", args->json, "Print the summary as JSON");
  cmd->callback([&runner, args, cmd] {
    args->chunking_given = cmd->count("--chunk-tokens") + cmd->count("--chunk-overlap") > 0;
    runner = [args] { return run_ingest(*args); };
  });
}

}  // namespace ragd::cli

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "cli/exit_codes.h"
#include "cli/fusion_flags.h"
#include "eval/beir_dataset.h"
#include "eval/beir_eval.h"
#include "eval/metrics.h"
#include "retrieve/query_router.h"

namespace ragd::cli {
namespace {

struct BeirArgs {
  std::string data;
  std::string dataset_dir;
  std::string split = "test";
  std::string run_path;
  size_t threads = 0;
  bool json = false;
  std::string mode = "lexical";
  size_t candidates = 100;
  FusionFlags fusion;
};

struct MetricsArgs {
  std::string qrels;
  std::string run;
  bool json = false;
  bool per_query = false;
};

int run_beir(const BeirArgs& args) {
  DataDir data(resolve_data_dir(args.data));
  BeirEvalOptions options;
  options.split = args.split;
  options.run_path = args.run_path;
  options.threads = args.threads;
  auto mode = parse_search_mode(args.mode);
  if (!mode.is_ok()) return report_error(mode.status());
  options.mode = *mode;
  options.candidates = args.candidates;
  auto fusion = fusion_config(args.fusion);
  if (!fusion.is_ok()) return report_error(fusion.status());
  options.fusion = *fusion;
  auto report = run_beir_eval(data, args.dataset_dir, options);
  if (!report.is_ok()) return report_error(report.status());
  if (args.json) {
    std::cout << beir_report_to_json(*report) << "\n";
    return kExitOk;
  }
  const BeirEvalReport& r = *report;
  std::printf("dataset      %s (%zu queries, %llu documents, %llu chunks)\n", r.dataset.c_str(),
              r.queries, static_cast<unsigned long long>(r.documents),
              static_cast<unsigned long long>(r.chunks));
  std::printf("mode         %s%s%s%s%s\n", r.mode.c_str(), r.fusion.empty() ? "" : ", fusion ",
              r.fusion.c_str(), r.model.empty() ? "" : ", model ", r.model.c_str());
  std::printf("nDCG@10      %.4f\nRecall@100   %.4f\nMRR@10       %.4f\nMAP@100      %.4f\n",
              r.metrics.ndcg_at_10, r.metrics.recall_at_100, r.metrics.mrr_at_10,
              r.metrics.map_at_100);
  std::printf("latency      p50 %.3f ms, p99 %.3f ms\nthroughput   %.0f queries/s (one thread)\n",
              r.latency_p50_ms, r.latency_p99_ms, r.qps);
  std::printf("indexing     %.2f s%s\n", r.index_seconds, r.index_reused ? " (index reused)" : "");
  if (r.passages_embedded > 0) {
    std::printf("embedding    %.2f s, %llu passages (%.0f passages/s)\n", r.embed_seconds,
                static_cast<unsigned long long>(r.passages_embedded),
                r.embed_seconds > 0 ? static_cast<double>(r.passages_embedded) / r.embed_seconds : 0);
  }
  return kExitOk;
}

int run_metrics(const MetricsArgs& args) {
  auto qrels = load_qrels(args.qrels);
  if (!qrels.is_ok()) return report_error(qrels.status());
  auto run = load_trec_run(args.run);
  if (!run.is_ok()) return report_error(run.status());
  auto summary = evaluate_run(*run, *qrels);
  if (!summary.is_ok()) return report_error(summary.status());
  if (args.json) {
    std::cout << metrics_to_json(*summary, args.per_query) << "\n";
  } else {
    std::printf("queries %zu\nnDCG@10 %.4f\nRecall@100 %.4f\nMRR@10 %.4f\nMAP@100 %.4f\n",
                summary->num_queries, summary->ndcg_at_10, summary->recall_at_100,
                summary->mrr_at_10, summary->map_at_100);
  }
  return kExitOk;
}

}  // namespace

void add_eval_command(CLI::App& app, CommandRunner& runner) {
  CLI::App* eval = app.add_subcommand("eval", "Measure retrieval quality and speed.");
  eval->require_subcommand(1);

  auto beir = std::make_shared<BeirArgs>();
  CLI::App* beir_cmd = eval->add_subcommand(
      "beir",
      "Index a BEIR dataset (corpus.jsonl[.gz], queries.jsonl, qrels/<split>.tsv) into the "
      "collection beir-<name> (reused when unchanged), run every judged query, report nDCG@10, "
      "Recall@100, MRR@10, MAP@100 (as trec_eval), latency p50/p99, queries/s, indexing time.");
  add_data_option(beir_cmd, beir->data);
  beir_cmd->add_option("dataset", beir->dataset_dir, "BEIR dataset folder")->required();
  beir_cmd->add_option("--split", beir->split, "Qrels split")->default_val("test");
  beir_cmd->add_option("--run", beir->run_path, "Also write the run (TREC format) to this file");
  beir_cmd->add_option("--threads", beir->threads,
                       "Indexing threads (default: all cores); queries always run on one")
      ->check(CLI::Range(0, 256));
  beir_cmd->add_option("--mode", beir->mode,
                       "lexical, dense, hybrid or auto (as `ragd search --mode`)")
      ->default_val("lexical")
      ->check(CLI::IsMember({"lexical", "dense", "hybrid", "auto"}));
  beir_cmd->add_option("--candidates", beir->candidates,
                       "Hybrid: chunks taken from each retriever before fusion")
      ->default_val(100)
      ->check(CLI::Range(1, 10000));
  add_fusion_flags(beir_cmd, beir->fusion);
  beir_cmd->add_flag("--json", beir->json,
                     "One JSON object: dataset, mode, model, fusion, queries, ndcg@10, "
                     "recall@100, mrr@10, map@100, latency_ms {p50, p99}, qps, index_seconds, "
                     "embed_seconds");
  beir_cmd->callback([&runner, beir] { runner = [beir] { return run_beir(*beir); }; });

  add_eval_qa_subcommand(*eval, runner);

  auto metrics = std::make_shared<MetricsArgs>();
  CLI::App* metrics_cmd = eval->add_subcommand(
      "metrics", "Score a TREC run file against qrels (BEIR TSV or TREC format) as trec_eval.");
  metrics_cmd->add_option("--qrels", metrics->qrels, "Relevance judgements")->required();
  metrics_cmd->add_option("--run", metrics->run, "Run file: qid Q0 docid rank score tag")->required();
  metrics_cmd->add_flag("--json", metrics->json, "Print as JSON");
  metrics_cmd->add_flag("--per-query", metrics->per_query, "With --json: include per-query values");
  metrics_cmd->callback([&runner, metrics] { runner = [metrics] { return run_metrics(*metrics); }; });
}

}  // namespace ragd::cli

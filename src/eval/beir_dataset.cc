#include "eval/beir_dataset.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>

#include "common/file_io.h"

namespace ragd {
namespace {

// Reads a whole evaluation file, telling a missing file (most often a wrong dataset folder)
// apart from one the system cannot read.
Result<std::string> read_eval_file(const std::string& path, const char* what) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::not_found(std::string(what) + " file '" + path +
                             "' does not exist; check the dataset folder");
  }
  return read_file(path);
}

// Calls `on_line(line_number, line)` for every non-blank line, without BOM or trailing CR.
template <typename OnLine>
Status for_each_line(std::string_view data, OnLine on_line) {
  if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);
  size_t line_number = 0;
  while (!data.empty()) {
    const size_t end = data.find('\n');
    std::string_view line = data.substr(0, end);
    data.remove_prefix(end == std::string_view::npos ? data.size() : end + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    RAGD_RETURN_IF_ERROR(on_line(line_number, line));
  }
  return Status::ok();
}

std::vector<std::string_view> split(std::string_view line, std::string_view separators) {
  std::vector<std::string_view> fields;
  size_t pos = 0;
  while (pos <= line.size()) {
    const size_t end = line.find_first_of(separators, pos);
    const size_t stop = end == std::string_view::npos ? line.size() : end;
    fields.push_back(line.substr(pos, stop - pos));
    pos = stop + 1;
  }
  return fields;
}

std::vector<std::string_view> split_whitespace(std::string_view line) {
  std::vector<std::string_view> fields;
  for (std::string_view f : split(line, " \t")) {
    if (!f.empty()) fields.push_back(f);
  }
  return fields;
}

bool parse_int(std::string_view text, int* out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return !text.empty() && ec == std::errc() && ptr == end;
}

bool parse_double(std::string_view text, double* out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return !text.empty() && ec == std::errc() && ptr == end;
}

Status line_error(const std::string& path, size_t line_number, const std::string& message) {
  return Status::invalid(path + ":" + std::to_string(line_number) + ": " + message);
}

std::string shorten(std::string_view line) {
  constexpr size_t kMax = 80;
  return line.size() <= kMax ? std::string(line) : std::string(line.substr(0, kMax)) + "...";
}

}  // namespace

Result<std::vector<BeirQuery>> load_beir_queries(const std::string& path) {
  Result<std::string> data = read_eval_file(path, "queries");
  if (!data.is_ok()) return data.status();
  std::vector<BeirQuery> queries;
  std::set<std::string> seen;
  Status st = for_each_line(*data, [&](size_t n, std::string_view line) -> Status {
    nlohmann::json obj = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (obj.is_discarded() || !obj.is_object()) {
      return line_error(path, n, "not a JSON object: " + shorten(line));
    }
    BeirQuery q;
    auto id = obj.find("_id");
    if (id != obj.end() && id->is_string()) {
      q.id = id->get<std::string>();
    } else if (id != obj.end() && id->is_number_integer()) {
      q.id = id->dump();
    } else {
      return line_error(path, n, "expected a string \"_id\"");
    }
    auto text = obj.find("text");
    if (text == obj.end() || !text->is_string()) {
      return line_error(path, n, "query '" + q.id + "' has no string \"text\"");
    }
    q.text = text->get<std::string>();
    if (!seen.insert(q.id).second) {
      return line_error(path, n, "query id '" + q.id + "' appears twice");
    }
    queries.push_back(std::move(q));
    return Status::ok();
  });
  if (!st.is_ok()) return st;
  return queries;
}

Result<Qrels> load_qrels(const std::string& path) {
  Result<std::string> data = read_eval_file(path, "qrels");
  if (!data.is_ok()) return data.status();
  Qrels qrels;
  bool first = true;
  Status st = for_each_line(*data, [&](size_t n, std::string_view line) -> Status {
    const bool is_first = std::exchange(first, false);
    std::vector<std::string_view> fields = split(line, "\t");
    if (fields.size() != 3) fields = split_whitespace(line);
    std::string_view query, doc, relevance;
    if (fields.size() == 3) {
      query = fields[0], doc = fields[1], relevance = fields[2];
    } else if (fields.size() == 4) {
      query = fields[0], doc = fields[2], relevance = fields[3];
    } else {
      return line_error(path, n,
                        "expected 'query-id<TAB>corpus-id<TAB>score' (BEIR) or 'qid iter docid "
                        "rel' (TREC), got " +
                            std::to_string(fields.size()) + " fields: " + shorten(line));
    }
    int rel = 0;
    if (!parse_int(relevance, &rel)) {
      if (is_first) return Status::ok();  // a header line such as "query-id corpus-id score"
      return line_error(path, n, "relevance '" + std::string(relevance) + "' is not an integer");
    }
    if (query.empty() || doc.empty()) return line_error(path, n, "empty query or document id");
    qrels[std::string(query)][std::string(doc)] = rel;
    return Status::ok();
  });
  if (!st.is_ok()) return st;
  return qrels;
}

Result<BeirDataset> load_beir_dataset(const std::string& dir, const std::string& split) {
  const std::filesystem::path root(dir);
  Result<std::vector<BeirQuery>> queries = load_beir_queries((root / "queries.jsonl").string());
  if (!queries.is_ok()) return queries.status();
  Result<Qrels> qrels = load_qrels((root / "qrels" / (split + ".tsv")).string());
  if (!qrels.is_ok()) return qrels.status();

  BeirDataset dataset;
  std::set<std::string> present;
  for (BeirQuery& q : *queries) {
    present.insert(q.id);
    if (qrels->count(q.id)) dataset.queries.push_back(std::move(q));
  }
  for (const auto& [query_id, judgements] : *qrels) {
    if (!present.count(query_id)) {
      return Status::invalid("query '" + query_id + "' is judged in qrels/" + split +
                             ".tsv but missing from queries.jsonl in '" + dir + "'");
    }
  }
  dataset.qrels = std::move(qrels).value();
  return dataset;
}

Result<RetrievalRun> load_trec_run(const std::string& path) {
  Result<std::string> data = read_eval_file(path, "run");
  if (!data.is_ok()) return data.status();
  RetrievalRun run;
  Status st = for_each_line(*data, [&](size_t n, std::string_view line) -> Status {
    std::vector<std::string_view> fields = split_whitespace(line);
    if (fields.size() != 6) {
      return line_error(path, n,
                        "expected 'qid Q0 docid rank score tag', got " +
                            std::to_string(fields.size()) + " fields: " + shorten(line));
    }
    double score = 0.0;
    if (!parse_double(fields[4], &score) || std::isnan(score)) {
      return line_error(path, n, "score '" + std::string(fields[4]) + "' is not a number");
    }
    run[std::string(fields[0])].push_back(RunHit{std::string(fields[2]), score});
    return Status::ok();
  });
  if (!st.is_ok()) return st;
  return run;
}

Status write_trec_run(const std::string& path, const RetrievalRun& run, const std::string& tag) {
  auto representable = [](const std::string& id) {
    return !id.empty() && id.find_first_of(" \t\r\n") == std::string::npos;
  };
  if (!representable(tag)) return Status::invalid("run tag '" + tag + "' must be one word");
  std::string out;
  for (const auto& [query_id, hits] : run) {
    if (!representable(query_id)) {
      return Status::invalid("query id '" + query_id +
                             "' is empty or holds whitespace, "
                             "which a TREC run file cannot represent");
    }
    std::vector<const RunHit*> ranked;
    ranked.reserve(hits.size());
    for (const RunHit& hit : hits) {
      if (!representable(hit.doc_id)) {
        return Status::invalid("document id '" + hit.doc_id + "' (query '" + query_id +
                               "') is empty or holds whitespace, which a TREC run file "
                               "cannot represent");
      }
      if (std::isnan(hit.score)) {
        return Status::invalid("document '" + hit.doc_id + "' (query '" + query_id +
                               "') has a NaN score");
      }
      ranked.push_back(&hit);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const RunHit* a, const RunHit* b) {
      if (a->score != b->score) return a->score > b->score;
      return a->doc_id > b->doc_id;
    });
    char score[64];
    for (size_t i = 0; i < ranked.size(); ++i) {
      std::snprintf(score, sizeof score, "%.17g", ranked[i]->score);
      out += query_id;
      out += " Q0 ";
      out += ranked[i]->doc_id;
      out += ' ';
      out += std::to_string(i + 1);
      out += ' ';
      out += score;
      out += ' ';
      out += tag;
      out += '\n';
    }
  }
  return write_file_atomic(path, out);
}

}  // namespace ragd

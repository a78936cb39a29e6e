#include "eval/qa_dataset.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "eval/beir_dataset.h"
#include "ingest/assemble.h"
#include "ingest/loaders.h"

namespace ragd {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLayout =
    "expected a QA dataset folder with queries.jsonl, answers.jsonl, corpus.jsonl and "
    "qrels/<split>.tsv";

Result<std::string> id_of(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  return Status::invalid("\"_id\" must be a string or an integer");
}

struct AnswerEntry {
  std::vector<std::string> answers;
  std::string doc_id;
  bool has_answer = true;
};

Result<std::unordered_map<std::string, AnswerEntry>> load_answers(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::io("cannot read '" + path + "'");
  std::unordered_map<std::string, AnswerEntry> out;
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (number == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    nlohmann::json json = nlohmann::json::parse(line, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
      return Status::invalid(where + "not a JSON object");
    }
    if (!json.contains("_id")) return Status::invalid(where + "missing \"_id\"");
    auto id = id_of(json["_id"]);
    if (!id.is_ok()) return Status::invalid(where + id.status().message());
    AnswerEntry entry;
    if (json.contains("hasanswer")) {
      if (!json["hasanswer"].is_boolean()) {
        return Status::invalid(where + "\"hasanswer\" must be true or false");
      }
      entry.has_answer = json["hasanswer"].get<bool>();
    }
    if (!json.contains("answers") || !json["answers"].is_array()) {
      return Status::invalid(where + "\"answers\" must be a list of strings");
    }
    for (const auto& answer : json["answers"]) {
      if (!answer.is_string()) return Status::invalid(where + "\"answers\" must hold strings");
      if (!answer.get<std::string>().empty()) entry.answers.push_back(answer.get<std::string>());
    }
    if (entry.has_answer && entry.answers.empty()) {
      return Status::invalid(where + "no gold answer for an answerable question");
    }
    if (json.contains("doc_id") && !json["doc_id"].is_null()) {
      auto doc = id_of(json["doc_id"]);
      if (!doc.is_ok()) return Status::invalid(where + "\"doc_id\" must be a string or integer");
      entry.doc_id = *doc;
    }
    if (!out.emplace(*id, std::move(entry)).second) {
      return Status::invalid(where + "question '" + *id + "' appears twice");
    }
  }
  if (in.bad()) return Status::io("error reading '" + path + "'");
  return out;
}

}  // namespace

Result<QaDataset> load_qa_dataset(const std::string& dir_in, const std::string& split) {
  std::string dir = fs::path(dir_in).lexically_normal().string();
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (!fs::is_directory(dir)) {
    return Status::not_found("no QA dataset folder '" + dir + "'; " + kLayout);
  }
  QaDataset dataset;
  dataset.dir = dir;
  dataset.name = fs::path(dir).filename().string();
  for (const char* name : {"corpus.jsonl", "corpus.jsonl.gz"}) {
    if (fs::is_regular_file(dir + "/" + name)) dataset.corpus_path = dir + "/" + name;
  }
  if (dataset.corpus_path.empty()) {
    return Status::not_found("no corpus.jsonl in '" + dir + "'; " + kLayout);
  }
  for (const char* name : {"queries.jsonl", "answers.jsonl"}) {
    if (!fs::is_regular_file(dir + "/" + name)) {
      return Status::not_found("no " + std::string(name) + " in '" + dir + "'; " + kLayout);
    }
  }
  auto queries = load_beir_queries(dir + "/queries.jsonl");
  if (!queries.is_ok()) return queries.status();
  auto answers = load_answers(dir + "/answers.jsonl");
  if (!answers.is_ok()) return answers.status();
  Qrels qrels;
  const std::string qrels_path = dir + "/qrels/" + split + ".tsv";
  if (fs::is_regular_file(qrels_path)) {
    auto loaded = load_qrels(qrels_path);
    if (!loaded.is_ok()) return loaded.status();
    qrels = std::move(loaded).value();
  }
  std::unordered_set<std::string> known;
  for (BeirQuery& query : *queries) {
    known.insert(query.id);
    auto entry = answers->find(query.id);
    if (entry == answers->end()) continue;
    QaQuestion question;
    question.id = query.id;
    question.text = std::move(query.text);
    question.answers = std::move(entry->second.answers);
    question.has_answer = entry->second.has_answer;
    auto judged = qrels.find(question.id);
    if (judged != qrels.end()) {
      for (const auto& [doc, relevance] : judged->second) {
        if (relevance > 0) question.gold_doc_ids.push_back(doc);
      }
    }
    const std::string& doc = entry->second.doc_id;
    if (!doc.empty() && std::find(question.gold_doc_ids.begin(), question.gold_doc_ids.end(),
                                  doc) == question.gold_doc_ids.end()) {
      question.gold_doc_ids.push_back(doc);
    }
    dataset.questions.push_back(std::move(question));
  }
  for (const auto& [id, entry] : *answers) {
    if (!known.count(id)) {
      return Status::invalid(dir + "/answers.jsonl names question '" + id +
                             "', which queries.jsonl does not have");
    }
  }
  if (dataset.questions.empty()) {
    return Status::invalid("no questions in '" + dir + "': answers.jsonl is empty");
  }
  return dataset;
}

Result<std::vector<QaCorpusDocument>> load_qa_corpus(const std::string& corpus_path) {
  std::vector<QaCorpusDocument> out;
  std::string first_error;
  Status status = read_beir_jsonl(
      corpus_path,
      [&](RawDocument&& raw) {
        DocumentOrigin origin;
        origin.key = corpus_path + "#" + raw.external_id;
        origin.source_path = corpus_path;
        origin.fallback_title = raw.external_id;
        std::string id = raw.external_id;
        Document doc = assemble_document(std::move(raw), origin);
        out.push_back({std::move(id), std::move(doc.title), std::move(doc.text)});
      },
      [&](const LineError& error) {
        if (first_error.empty()) {
          first_error = corpus_path + ":" + std::to_string(error.line) + ": " + error.message;
        }
      });
  RAGD_RETURN_IF_ERROR(status);
  if (!first_error.empty()) return Status::invalid(first_error);
  return out;
}

}  // namespace ragd

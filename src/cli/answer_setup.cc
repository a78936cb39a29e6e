#include "cli/answer_setup.h"

#include <chrono>
#include <cstdlib>
#include <future>
#include <utility>

#include "llm/fallback_chain.h"
#include "llm/openai_chat_client.h"
#include "retrieve/query_router.h"

namespace ragd::cli {

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

std::chrono::milliseconds seconds(double s) {
  return std::chrono::milliseconds(static_cast<int64_t>(s * 1000));
}

// Remembers the last query embedding: one answer searches once per domain share with the
// same query, and embedding it is the costliest step of a dense search. prefetch() starts
// embedding a likely query on another thread while the pipeline loads the conversation; a
// later embed() of that text waits for it instead of starting again. Used by one pipeline
// thread at a time (the prefetch thread touches only the provider, which is thread-safe).
class QueryEmbeddingMemo final : public EmbeddingProvider {
 public:
  explicit QueryEmbeddingMemo(EmbeddingProvider& inner) : inner_(inner) {}
  ~QueryEmbeddingMemo() override {
    if (pending_.valid()) pending_.wait();
  }

  void prefetch(const std::string& text) {
    if (pending_.valid() || (has_last_ && text == last_text_)) return;
    pending_text_ = text;
    pending_ = std::async(std::launch::async, [this, text] {
      return inner_.embed({std::string_view(text)}, EmbedPurpose::kQuery);
    });
  }

  Result<std::vector<float>> embed(const std::vector<std::string_view>& texts,
                                   EmbedPurpose purpose) override {
    const bool memo = purpose == EmbedPurpose::kQuery && texts.size() == 1;
    if (memo && pending_.valid()) {
      auto prefetched = pending_.get();  // wait for it either way: one embedding at a time
      if (texts[0] == pending_text_ && prefetched.is_ok()) remember(pending_text_, *prefetched);
    }
    if (memo && has_last_ && texts[0] == last_text_) return last_vector_;
    auto vectors = inner_.embed(texts, purpose);
    if (memo && vectors.is_ok()) remember(std::string(texts[0]), *vectors);
    return vectors;
  }
  size_t dimension() const override { return inner_.dimension(); }
  const std::string& model_id() const override { return inner_.model_id(); }
  bool normalized() const override { return inner_.normalized(); }

 private:
  void remember(std::string text, const std::vector<float>& vector) {
    last_text_ = std::move(text);
    last_vector_ = vector;
    has_last_ = true;
  }

  EmbeddingProvider& inner_;
  bool has_last_ = false;
  std::string last_text_;
  std::vector<float> last_vector_;
  std::string pending_text_;
  std::future<Result<std::vector<float>>> pending_;
};

}  // namespace

void add_answer_flags(CLI::App* command, AnswerFlags& flags) {
  command->add_option("--mode", flags.mode, "Retrieval: lexical, dense, hybrid or auto")
      ->default_val("auto");
  command->add_option("-k", flags.k, "Passages retrieved before the context budget")
      ->default_val(8)
      ->check(CLI::Range(1, 100));
  command->add_option("--llm", flags.llm_urls,
                      "OpenAI-compatible server URL (repeat for a fallback chain; URL#model "
                      "names its model). Default: $RAGD_LLM_URL; none: extractive answers");
  command->add_option("--model", flags.model, "Model name sent to the LLM server(s)");
  command->add_option("--api-key", flags.api_key,
                      "API key for the LLM server(s) (default: $RAGD_LLM_API_KEY)");
  command->add_option("--first-token-timeout", flags.first_token_timeout_s,
                      "Seconds to wait for the LLM's first token")
      ->default_val(30)
      ->check(CLI::Range(0.1, 3600.0));
  command->add_option("--timeout", flags.total_timeout_s, "Seconds for a whole LLM answer")
      ->default_val(120)
      ->check(CLI::Range(0.1, 3600.0));
  command->add_option("--prompts", flags.prompts_dir,
                      "Folder of prompt templates (default: $RAGD_PROMPTS_DIR, else built in)");
  command->add_option("--domains", flags.domains_file,
                      "domains.json with the collection's domains (default: the one in the "
                      "collection's source folder, if any)");
  command->add_option("--max-tokens", flags.max_tokens, "Most tokens the LLM may write")
      ->default_val(512)
      ->check(CLI::Range(1, 32768));
  command->add_option("--temperature", flags.temperature, "LLM sampling temperature")
      ->default_val(0.2)
      ->check(CLI::Range(0.0, 2.0));
}

AnswerRequest make_answer_request(const AnswerFlags& flags, std::string question) {
  AnswerRequest request;
  request.question = std::move(question);
  request.k = flags.k;
  request.max_tokens = flags.max_tokens;
  request.temperature = flags.temperature;
  return request;
}

Result<std::shared_ptr<LlmProvider>> make_llm_chain(const AnswerFlags& flags) {
  std::vector<std::string> urls = flags.llm_urls;
  if (urls.empty()) {
    std::string from_env = env_or("RAGD_LLM_URL", "");
    if (!from_env.empty()) urls.push_back(from_env);
  }
  if (urls.empty()) return std::shared_ptr<LlmProvider>();
  std::string api_key = flags.api_key.empty() ? env_or("RAGD_LLM_API_KEY", "") : flags.api_key;
  std::string default_model = flags.model.empty() ? env_or("RAGD_LLM_MODEL", "") : flags.model;
  std::vector<FallbackEntry> entries;
  for (size_t i = 0; i < urls.size(); ++i) {
    OpenAiChatOptions options;
    std::string url = urls[i];
    size_t hash = url.find('#');
    options.model = default_model;
    if (hash != std::string::npos) {
      options.model = url.substr(hash + 1);
      url = url.substr(0, hash);
    }
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
      return Status::invalid("--llm expects an http:// or https:// URL, got '" + urls[i] + "'");
    }
    options.name = "llm" + std::to_string(i + 1);
    options.base_url = url;
    options.api_key = api_key;
    options.first_token_timeout = seconds(flags.first_token_timeout_s);
    options.idle_timeout = seconds(flags.first_token_timeout_s);
    options.total_timeout = seconds(flags.total_timeout_s);
    FallbackEntry entry;
    entry.provider = std::make_shared<OpenAiChatClient>(std::move(options));
    entries.push_back(std::move(entry));
  }
  return std::shared_ptr<LlmProvider>(std::make_shared<FallbackChain>(std::move(entries)));
}

std::string domains_state_key(int64_t collection_id) {
  return "domains:" + std::to_string(collection_id);
}

Result<std::unique_ptr<AnswerPipeline>> make_answer_pipeline(CollectionHandle& handle,
                                                             const AnswerFlags& flags) {
  auto mode = parse_search_mode(flags.mode);
  if (!mode.is_ok()) return mode.status();
  auto llm = make_llm_chain(flags);
  if (!llm.is_ok()) return llm.status();
  std::string prompts_dir =
      flags.prompts_dir.empty() ? env_or("RAGD_PROMPTS_DIR", "") : flags.prompts_dir;
  auto prompts = PromptTemplates::load(prompts_dir);
  if (!prompts.is_ok()) return prompts.status();
  std::vector<DomainConfig> domains;
  if (!flags.domains_file.empty()) {
    auto loaded = load_domain_configs(flags.domains_file);
    if (!loaded.is_ok()) return loaded.status();
    domains = std::move(*loaded);
  } else {
    auto stored = handle.store->get_state(domains_state_key(handle.collection.id));
    if (stored.is_ok() && stored->has_value()) {
      auto parsed = parse_domain_configs(**stored);
      if (!parsed.is_ok()) return parsed.status();
      domains = std::move(*parsed);
    }
  }

  AnswerPipelineDeps deps;
  deps.store = handle.store.get();
  deps.collection_id = handle.collection.id;
  deps.analyzer = handle.analyzer.get();
  const LexicalIndex* index = handle.index.get();
  deps.idf = [index](std::string_view term) { return index->term_idf(term); };
  deps.document_frequency = [index](std::string_view term) {
    return index->term_document_frequency(term);
  };
  CollectionHandle* h = &handle;
  SearchMode search_mode = *mode;
  std::shared_ptr<QueryEmbeddingMemo> memo;
  if (handle.provider) memo = std::make_shared<QueryEmbeddingMemo>(*handle.provider);
  if (memo) {
    deps.prefetch_query = [memo, search_mode](const std::string& likely_query) {
      const SearchMode mode =
          search_mode == SearchMode::kAuto ? route_query(likely_query).mode : search_mode;
      if (mode != SearchMode::kLexical) memo->prefetch(likely_query);
    };
  }
  deps.retrieve = [h, search_mode, memo](const SearchRequest& request) -> Result<SearchResponse> {
    SearchResponse response;
    Status status = h->store->in_read_snapshot([&]() -> Status {
      RAGD_RETURN_IF_ERROR(catch_up_in_memory(*h));
      DenseRetriever dense{h->vectors.get(), memo.get(), h->dense_note};
      Searcher searcher(*h->store, *h->index, *h->analyzer, std::move(dense));
      SearchRequest with_mode = request;
      with_mode.mode = search_mode;
      auto result = searcher.search(with_mode);
      if (!result.is_ok()) return result.status();
      response = std::move(result).value();
      return Status::ok();
    });
    if (!status.is_ok()) return status;
    return response;
  };
  if (handle.provider) {
    // The collection's model: semantic support of citations and the relevance check of
    // extractive answers (a passage that shares the question's words but not its meaning).
    EmbeddingProvider* provider = handle.provider.get();
    deps.embed = [provider](const std::vector<std::string>& texts)
        -> Result<std::vector<std::vector<float>>> {
      std::vector<std::string_view> views(texts.begin(), texts.end());
      auto flat = provider->embed(views);
      if (!flat.is_ok()) return flat.status();
      const size_t dim = provider->dimension();
      if (dim == 0 || flat->size() != dim * texts.size()) {
        return Status::internal("embedding returned " + std::to_string(flat->size()) +
                                " values for " + std::to_string(texts.size()) + " texts");
      }
      std::vector<std::vector<float>> rows;
      rows.reserve(texts.size());
      for (size_t i = 0; i < texts.size(); ++i) {
        rows.emplace_back(flat->begin() + static_cast<std::ptrdiff_t>(i * dim),
                          flat->begin() + static_cast<std::ptrdiff_t>((i + 1) * dim));
      }
      return rows;
    };
  }
  deps.llm = *llm;
  deps.domains = std::move(domains);
  deps.prompts = std::move(*prompts);
  AnswerPipelineConfig config;
  config.collection_name = handle.collection.name;
  return std::make_unique<AnswerPipeline>(std::move(deps), config);
}

}  // namespace ragd::cli

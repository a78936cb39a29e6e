#include "chat/collection_pipeline.h"

#include <future>
#include <utility>

#include "retrieve/searcher.h"

namespace ragd {

namespace {

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

std::string domains_state_key(int64_t collection_id) {
  return "domains:" + std::to_string(collection_id);
}

Result<std::unique_ptr<AnswerPipeline>> make_collection_pipeline(CollectionHandle& handle,
                                                                 CollectionPipelineOptions options) {
  std::vector<DomainConfig> domains;
  if (options.domains) {
    domains = std::move(*options.domains);
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
  SearchMode search_mode = options.mode;
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
  deps.llm = std::move(options.llm);
  deps.domains = std::move(domains);
  deps.prompts = std::move(options.prompts);
  AnswerPipelineConfig config;
  config.collection_name = handle.collection.name;
  return std::make_unique<AnswerPipeline>(std::move(deps), config);
}

}  // namespace ragd

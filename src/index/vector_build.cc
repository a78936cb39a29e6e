#include "index/vector_build.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexScalarQuantizer.h>
#include <omp.h>

#include <algorithm>

namespace ragd::vec {

OmpThreads::OmpThreads(size_t n) : previous_(omp_get_max_threads()) {
  omp_set_num_threads(static_cast<int>(std::clamp<size_t>(n, 1, 256)));
}
OmpThreads::~OmpThreads() { omp_set_num_threads(previous_); }

Base::~Base() = default;

void Base::finish() {
  hnsw = dynamic_cast<const faiss::IndexHNSW*>(index.get());
  kind = hnsw ? BaseKind::kHnsw : BaseKind::kFlat;
  const faiss::Index* storage = hnsw ? hnsw->storage : index.get();
  auto* flat = dynamic_cast<const faiss::IndexFlat*>(storage);
  floats = flat ? flat->get_xb() : nullptr;
  lists = SegmentLists::build(attrs);
}

void Base::vector(size_t row, float* out) const {
  const size_t d = static_cast<size_t>(index->d);
  if (floats) {
    std::copy(floats + row * d, floats + (row + 1) * d, out);
    return;
  }
  const faiss::Index* storage = hnsw ? hnsw->storage : index.get();
  storage->reconstruct(static_cast<faiss::Index::idx_t>(row), out);
}

uint64_t Base::index_bytes() const {
  const faiss::Index* storage = hnsw ? hnsw->storage : index.get();
  uint64_t bytes = 0;
  if (auto* codes = dynamic_cast<const faiss::IndexFlatCodes*>(storage)) {
    bytes += codes->codes.size();
  } else if (auto* sq = dynamic_cast<const faiss::IndexScalarQuantizer*>(storage)) {
    bytes += sq->codes.size();
  }
  if (hnsw) {
    const faiss::HNSW& g = hnsw->hnsw;
    bytes += g.neighbors.size() * sizeof(g.neighbors[0]) + g.offsets.size() * sizeof(size_t) +
             g.levels.size() * sizeof(int);
  }
  return bytes;
}

std::shared_ptr<Base> build_base(BaseKind kind, const float* vectors, size_t n, SegmentAttrs attrs,
                                 const VectorIndexOptions& o, uint64_t id) {
  auto base = std::make_shared<Base>();
  base->id = id;
  const int d = static_cast<int>(o.dimension);
  if (kind == BaseKind::kFlat) {
    auto flat = std::make_unique<faiss::IndexFlatIP>(d);
    flat->add(static_cast<faiss::Index::idx_t>(n), vectors);
    base->index = std::move(flat);
  } else {
    const int m = static_cast<int>(std::max<size_t>(o.hnsw_m, 2));
    std::unique_ptr<faiss::IndexHNSW> h;
    if (o.sq8) {
      h = std::make_unique<faiss::IndexHNSWSQ>(d, faiss::ScalarQuantizer::QT_8bit, m,
                                               faiss::METRIC_INNER_PRODUCT);
      // Per-dimension ranges from an evenly spaced sample.
      const size_t sample = std::min<size_t>(n, 100000);
      std::vector<float> train(sample * o.dimension);
      for (size_t i = 0; i < sample; ++i) {
        size_t row = i * n / sample;
        std::copy(vectors + row * o.dimension, vectors + (row + 1) * o.dimension,
                  train.begin() + static_cast<ptrdiff_t>(i * o.dimension));
      }
      h->train(static_cast<faiss::Index::idx_t>(sample), train.data());
    } else {
      h = std::make_unique<faiss::IndexHNSWFlat>(d, m, faiss::METRIC_INNER_PRODUCT);
    }
    h->hnsw.efConstruction = static_cast<int>(std::max<size_t>(o.hnsw_ef_construction, 1));
    h->hnsw.efSearch = static_cast<int>(std::max<size_t>(o.hnsw_ef_search, 1));
    h->add(static_cast<faiss::Index::idx_t>(n), vectors);
    base->index = std::move(h);
  }
  base->attrs = std::move(attrs);
  base->finish();
  return base;
}

std::shared_ptr<Base> extend_base(const Base& old, const float* vectors, size_t n,
                                  const SegmentAttrs& attrs, size_t dimension, uint64_t id) {
  auto base = std::make_shared<Base>();
  base->id = id;
  if (!old.hnsw) {
    auto flat = std::make_unique<faiss::IndexFlatIP>(static_cast<int>(dimension));
    flat->add(static_cast<faiss::Index::idx_t>(old.rows()), old.floats);
    flat->add(static_cast<faiss::Index::idx_t>(n), vectors);
    base->index = std::move(flat);
  } else {
    // IndexHNSW owns its storage through a raw pointer, so it is copied field by field
    // into an object of the same class (faiss::clone_index returns a plain IndexHNSW,
    // which write_index cannot serialise).
    std::unique_ptr<faiss::IndexHNSW> h;
    faiss::Index* storage = nullptr;
    if (auto* sq = dynamic_cast<const faiss::IndexScalarQuantizer*>(old.hnsw->storage)) {
      h = std::make_unique<faiss::IndexHNSWSQ>();
      storage = new faiss::IndexScalarQuantizer(*sq);
    } else {
      h = std::make_unique<faiss::IndexHNSWFlat>();
      storage = new faiss::IndexFlat(*dynamic_cast<const faiss::IndexFlat*>(old.hnsw->storage));
    }
    static_cast<faiss::Index&>(*h) = static_cast<const faiss::Index&>(*old.hnsw);
    h->hnsw = old.hnsw->hnsw;
    h->storage = storage;
    h->own_fields = true;
    h->add(static_cast<faiss::Index::idx_t>(n), vectors);
    base->index = std::move(h);
  }
  base->attrs = old.attrs;
  for (size_t i = 0; i < attrs.size(); ++i) base->attrs.append(attrs, i);
  base->finish();
  return base;
}

}  // namespace ragd::vec

// Vector-search benchmark for ragd's VectorIndex (bench/vector_bench.sh builds and runs it).
//
//   vector_bench build DATA INDEX_DIR M EFC SQ8 THREADS   -> applies base.f32 in one apply
//   vector_bench search DATA INDEX_DIR EF1,EF2,...         -> one JSON line per ef
//
// Search runs on this thread only (VectorIndex searches never use OpenMP): one query at a
// time, each timed on its own; recall@10 against DATA/truth.i32 (chunk id = row + 1).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "index/vector_index.h"

namespace {

std::vector<char> slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(f), {});
}

long rss_kib(const char* field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::string(field).size());
  }
  return -1;
}

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

ragd::VectorIndexOptions options(size_t m, size_t efc, bool sq8, size_t threads, size_t ef) {
  ragd::VectorIndexOptions o;
  o.dimension = 384;
  o.hnsw_m = m;
  o.hnsw_ef_construction = efc;
  o.hnsw_ef_search = ef;
  o.sq8 = sq8;
  o.threads = threads;
  return o;
}

int build(const std::string& data, const std::string& dir, size_t m, size_t efc, bool sq8,
          size_t threads) {
  auto raw = slurp(data + "/base.f32");
  const size_t d = 384, n = raw.size() / (d * sizeof(float));
  const float* x = reinterpret_cast<const float*>(raw.data());
  std::vector<ragd::VectorEntry> entries(n);
  for (size_t i = 0; i < n; ++i) {
    entries[i].chunk_id = static_cast<int64_t>(i + 1);
    entries[i].document_id = static_cast<int64_t>(i / 8 + 1);
    entries[i].domain = "d" + std::to_string(i % 16);
    entries[i].vector.assign(x + i * d, x + (i + 1) * d);
  }
  std::vector<char>().swap(raw);
  auto index = ragd::VectorIndex::open(dir, options(m, efc, sq8, threads, 64));
  if (!index) {
    std::fprintf(stderr, "%s\n", index.status().to_string().c_str());
    return 1;
  }
  double t0 = now_s();
  ragd::Status s = (*index)->apply(std::move(entries), {}, 1);
  double t1 = now_s();
  if (!s) {
    std::fprintf(stderr, "%s\n", s.to_string().c_str());
    return 1;
  }
  auto st = (*index)->stats();
  std::printf("{\"build_s\": %.1f, \"n\": %zu, \"hnsw\": %s, \"bytes_on_disk\": %llu}\n", t1 - t0,
              n, st.hnsw ? "true" : "false", static_cast<unsigned long long>(st.bytes_on_disk));
  return 0;
}

int search(const std::string& data, const std::string& dir, const std::string& efs, size_t m,
           size_t efc, bool sq8) {
  auto qraw = slurp(data + "/queries.f32");
  auto traw = slurp(data + "/truth.i32");
  const size_t d = 384, nq = qraw.size() / (d * sizeof(float));
  const float* q = reinterpret_cast<const float*>(qraw.data());
  const int32_t* truth = reinterpret_cast<const int32_t*>(traw.data());
  std::stringstream list(efs);
  std::string item;
  while (std::getline(list, item, ',')) {
    const size_t ef = std::stoul(item);
    double t0 = now_s();
    auto index = ragd::VectorIndex::open(dir, options(m, efc, sq8, 1, ef), /*read_only=*/true);
    if (!index) {
      std::fprintf(stderr, "%s\n", index.status().to_string().c_str());
      return 1;
    }
    double load_s = now_s() - t0;
    for (size_t i = 0; i < std::min<size_t>(nq, 200); ++i) (*index)->search(q + i * d, 10);  // warm
    std::vector<double> lat;
    size_t hits = 0;
    double start = now_s();
    for (size_t i = 0; i < nq; ++i) {
      auto a = std::chrono::steady_clock::now();
      auto got = (*index)->search(q + i * d, 10);
      auto b = std::chrono::steady_clock::now();
      lat.push_back(std::chrono::duration<double, std::milli>(b - a).count());
      for (const auto& c : got) {
        for (size_t j = 0; j < 10; ++j) hits += c.chunk_id == truth[i * 10 + j] + 1;
      }
    }
    double total = now_s() - start;
    std::sort(lat.begin(), lat.end());
    auto pct = [&](double p) { return lat[std::min(lat.size() - 1, size_t(p * lat.size()))]; };
    auto st = (*index)->stats();
    std::printf(
        "{\"system\": \"ragd%s\", \"M\": %zu, \"efc\": %zu, \"ef\": %zu, \"recall10\": %.4f, "
        "\"p50_ms\": %.3f, \"p99_ms\": %.3f, \"qps\": %.0f, \"rss_mib\": %.0f, "
        "\"index_mib\": %.0f, \"disk_mib\": %.0f, \"load_s\": %.1f}\n",
        sq8 ? "-sq8" : "", m, efc, ef, double(hits) / double(nq * 10), pct(0.5), pct(0.99),
        double(nq) / total, rss_kib("VmRSS:") / 1024.0, st.bytes_in_memory / 1048576.0,
        st.bytes_on_disk / 1048576.0, load_s);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> a(argv, argv + argc);
  if (a.size() == 8 && a[1] == "build") {
    return build(a[2], a[3], std::stoul(a[4]), std::stoul(a[5]), a[6] == "1", std::stoul(a[7]));
  }
  if (a.size() == 8 && a[1] == "search") {
    return search(a[2], a[3], a[4], std::stoul(a[5]), std::stoul(a[6]), a[7] == "1");
  }
  std::fprintf(stderr,
               "usage: vector_bench build DATA DIR M EFC SQ8 THREADS\n"
               "       vector_bench search DATA DIR EF,EF,... M EFC SQ8\n");
  return 2;
}

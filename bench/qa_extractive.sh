#!/usr/bin/env bash
# Extractive answers on a QA set (default ../shared/data/qa/nq-open-oracle): every question,
# answered once from its gold passage (oracle) and once from lexical retrieval (k = 5) over
# the whole corpus, plus the winery golden sets (unanswerable / answerable).
# Prints the qa_eval JSON reports. Usage: bench/qa_extractive.sh [DATASET_DIR]
# Tuning knobs (environment): RAGD_QA_MIN_COVERAGE, RAGD_QA_COMPANION, RAGD_QA_COMPANION_MIN,
# RAGD_QA_RANK_DECAY, RAGD_QA_TYPE_BONUS, RAGD_QA_CONTEXT, RAGD_QA_UNKNOWN (0/1),
# RAGD_QA_REQUIRE_TYPE (0/1), RAGD_QA_SENTENCES, RAGD_QA_K.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${RAGD_QA_BUILD:-$root/build-qa-rel}"
dataset="${1:-$root/../shared/data/qa/nq-open-oracle}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target test_eval -j2
RAGD_QA_FULL=1 RAGD_QA_DATASET="$dataset" "$build/test_eval" \
  --gtest_filter='QaNqOracle.*:WineryGoldenTest.*' | grep -E '^(oracle|retrieval|answerable|unanswerable)'

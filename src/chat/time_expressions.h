// Time expressions in questions: "in 2023", "last year", "since March", "before 2020",
// "between 2019 and 2021", "in March 2024", "the past 6 months", and recency words
// ("recent", "latest"), resolved against a given `today` to an inclusive range of days since
// 1970-01-01.
//
// The range says which period the question is about. Whether to filter or boost documents by
// their date with it is the caller's decision (a question about "the 2021 harvest" may be
// answered by a document dated 2025). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "chat/query_words.h"

namespace ragd {

struct TimeConstraint {
  std::optional<int32_t> from;  // inclusive; nullopt = open
  std::optional<int32_t> to;    // inclusive; nullopt = open
  bool prefer_recent = false;   // "recent", "latest", "current", ...
  // Byte ranges of the expressions found, in order, so a rewriter can replace them.
  std::vector<std::pair<size_t, size_t>> spans;

  bool has_range() const { return from.has_value() || to.has_value(); }
  bool empty() const { return !has_range() && !prefer_recent; }
};

// Finds the time expressions of `text` (already split into `words`) relative to `today`
// (days since epoch). Several ranges intersect ("since 2019 ... before 2022"); an expression
// that would make the range empty is ignored. Month names without a year mean the most
// recent such month that has begun by `today`. Years outside 1800..2200 are not dates, and
// `today` is clamped into that span.
TimeConstraint find_time_constraint(std::string_view text, const std::vector<QueryWord>& words,
                                    int32_t today);
TimeConstraint find_time_constraint(std::string_view text, int32_t today);

// Days since epoch of a proleptic Gregorian date; `day` may be past the month's end only by
// the caller's choice (it is not checked).
int32_t days_from_civil(int year, unsigned month, unsigned day);

}  // namespace ragd

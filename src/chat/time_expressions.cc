// Time expressions (contract in time_expressions.h).
//
// A small recursive-descent reader over the question's words: a preposition or relative word
// ("in", "since", "last", ...) followed by a date form (year, month [year], ISO date, quarter,
// decade, year range) becomes an inclusive range of days.
#include "chat/time_expressions.h"

#include <algorithm>
#include <array>
#include <string>

#include "common/dates.h"

namespace ragd {

int32_t days_from_civil(int y, unsigned m, unsigned d) {
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

namespace {

constexpr int kMinYear = 1800;
constexpr int kMaxYear = 2200;

struct Civil {
  int year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(int32_t days) {
  const int z = days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

int32_t month_first(int y, unsigned m) {
  return days_from_civil(y, m, 1);
}
int32_t month_last(int y, unsigned m) {
  return m == 12 ? days_from_civil(y + 1, 1, 1) - 1 : days_from_civil(y, m + 1, 1) - 1;
}
int32_t year_first(int y) {
  return days_from_civil(y, 1, 1);
}
int32_t year_last(int y) {
  return days_from_civil(y, 12, 31);
}

// The same day `months` months earlier (clamped to the month's length).
int32_t months_before(Civil c, int months) {
  const int index = std::max(0, c.year * 12 + static_cast<int>(c.month) - 1 - months);
  const int y = index / 12;
  const unsigned m = static_cast<unsigned>(index % 12) + 1;
  const int32_t last = month_last(y, m);
  return std::min(days_from_civil(y, m, c.day), last);
}

std::optional<int> parse_year(std::string_view s) {
  if (s.size() != 4) return std::nullopt;
  int y = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    y = y * 10 + (c - '0');
  }
  if (y < kMinYear || y > kMaxYear) return std::nullopt;
  return y;
}

std::optional<unsigned> month_of(const QueryWord& w) {
  struct Name {
    std::string_view name;
    unsigned month;
  };
  static constexpr std::array<Name, 24> kMonths = {{
      {"january", 1},   {"jan", 1},   {"february", 2},  {"feb", 2},      {"march", 3},
      {"mar", 3},       {"april", 4}, {"apr", 4},       {"may", 5},      {"june", 6},
      {"jun", 6},       {"july", 7},  {"jul", 7},       {"august", 8},   {"aug", 8},
      {"september", 9}, {"sept", 9},  {"sep", 9},       {"october", 10}, {"oct", 10},
      {"november", 11}, {"nov", 11},  {"december", 12}, {"dec", 12},
  }};
  for (const Name& n : kMonths) {
    if (w.lower != n.name) continue;
    // "may" and the short forms are ordinary words unless capitalised ("you may", "mar").
    if ((n.name.size() <= 4 && n.name != "june" && n.name != "july") && !w.capitalised) {
      return std::nullopt;
    }
    return n.month;
  }
  return std::nullopt;
}

std::optional<int> word_number(std::string_view s) {
  static constexpr std::array<std::string_view, 13> kNumbers = {
      "zero",  "one",   "two",  "three", "four",   "five",  "six",
      "seven", "eight", "nine", "ten",   "eleven", "twelve"};
  for (size_t i = 0; i < kNumbers.size(); ++i) {
    if (s == kNumbers[i]) return static_cast<int>(i);
  }
  if (s == "a" || s == "an") return 1;
  if (s.empty() || s.size() > 3) return std::nullopt;
  int n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

bool is_one_of(std::string_view s, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

struct Period {
  int32_t first;
  int32_t last;
  size_t next;  // index of the first word after the date form
};

class Reader {
 public:
  Reader(std::string_view text, const std::vector<QueryWord>& words, int32_t today)
      : text_(text), w_(words), today_(today), now_(civil_from_days(today)) {}

  TimeConstraint read() {
    size_t i = 0;
    while (i < w_.size()) i = step(i);
    return std::move(result_);
  }

 private:
  // Reads at i; returns the index to continue from (always > i).
  size_t step(size_t i) {
    const std::string& w = w_[i].lower;
    if (is_one_of(w, {"recent", "recently", "latest", "newest", "current", "currently", "nowadays",
                      "lately"})) {
      if (w == "current") {
        if (auto next = relative_unit(i)) return *next;
      }
      result_.prefer_recent = true;
      result_.spans.emplace_back(w_[i].begin, w_[i].end);
      return i + 1;
    }
    if (is_one_of(w, {"between", "from"})) {
      if (auto a = date_at(i + 1)) {
        size_t j = a->next;
        if (j < w_.size() && is_one_of(w_[j].lower, {"and", "to", "through", "until", "till"})) {
          if (auto b = date_at(j + 1)) {
            add(std::min(a->first, b->first), std::max(a->last, b->last), i, b->next);
            return b->next;
          }
        }
        if (w == "between") {
          add(a->first, a->last, i, a->next);
        } else {
          add(a->first, std::nullopt, i, a->next);
        }
        return a->next;
      }
      return i + 1;
    }
    if (is_one_of(w, {"in", "during", "throughout"})) {
      if (auto a = date_at(i + 1)) {
        add(a->first, a->last, i, a->next);
        return a->next;
      }
      return i + 1;
    }
    if (w == "since") {
      if (auto a = date_at(i + 1)) {
        add(a->first, a->first <= today_ ? std::optional<int32_t>(today_) : std::nullopt, i,
            a->next);
        return a->next;
      }
      return i + 1;
    }
    if (w == "after") {
      if (auto a = date_at(i + 1)) {
        add(a->last + 1, std::nullopt, i, a->next);
        return a->next;
      }
      return i + 1;
    }
    if (w == "before") {
      if (auto a = date_at(i + 1)) {
        add(std::nullopt, a->first - 1, i, a->next);
        return a->next;
      }
      return i + 1;
    }
    if (is_one_of(w, {"until", "till", "through", "thru"})) {
      if (auto a = date_at(i + 1)) {
        add(std::nullopt, a->last, i, a->next);
        return a->next;
      }
      return i + 1;
    }
    if (is_one_of(w, {"last", "past", "previous", "this", "next"})) {
      if (auto next = relative_unit(i)) return *next;
      return i + 1;
    }
    // Bare forms that can only be dates: "March 2024", "2024-03-05", "Q3 2023", "1990s",
    // "2019-2021". A bare year is not one ("the 2021 Pinot Noir" is a vintage).
    if (auto a = date_at(i); a && bare_date(i, *a)) {
      add(a->first, a->last, i, a->next);
      return a->next;
    }
    return i + 1;
  }

  // Bare forms must be unambiguous: two words or more, or one identifier that is not a year.
  bool bare_date(size_t i, const Period& p) const {
    if (p.next > i + 1) return true;
    return w_[i].kind == SurfaceKind::kIdentifier && !parse_year(w_[i].lower).has_value();
  }

  // "last year", "past 6 months", "this month", "next week", "current year" at i.
  std::optional<size_t> relative_unit(size_t i) {
    const std::string& w = w_[i].lower;
    size_t j = i + 1;
    if (j >= w_.size()) return std::nullopt;
    std::optional<int> count;
    if (w != "this" && w != "current" && w != "next") {
      count = word_number(w_[j].lower);
      if (count && j + 1 < w_.size() && is_unit(w_[j + 1].lower)) {
        ++j;
      } else {
        count.reset();
      }
    }
    if (!is_unit(w_[j].lower)) return std::nullopt;
    std::string unit = w_[j].lower;
    if (unit.back() == 's') unit.pop_back();
    const bool rolling = count.has_value() || w == "past";
    const int n = count.value_or(1);
    if (n <= 0 || n > 200) return std::nullopt;
    std::optional<int32_t> from;
    std::optional<int32_t> to;
    if (w == "this" || w == "current") {
      if (unit == "year") {
        from = year_first(now_.year), to = year_last(now_.year);
      } else if (unit == "month") {
        from = month_first(now_.year, now_.month), to = month_last(now_.year, now_.month);
      } else if (unit == "week") {
        from = today_ - weekday_from_monday(), to = *from + 6;
      } else {
        return std::nullopt;
      }
    } else if (w == "next") {
      if (unit == "year") {
        from = year_first(now_.year + 1), to = year_last(now_.year + 1);
      } else if (unit == "month") {
        const Civil c = civil_from_days(month_last(now_.year, now_.month) + 1);
        from = month_first(c.year, c.month), to = month_last(c.year, c.month);
      } else if (unit == "week") {
        from = today_ - weekday_from_monday() + 7, to = *from + 6;
      } else {
        return std::nullopt;
      }
    } else if (rolling || unit == "week" || unit == "day") {
      to = today_;
      if (unit == "day") {
        from = today_ - n;
      } else if (unit == "week") {
        from = today_ - 7 * n;
      } else if (unit == "month") {
        from = months_before(now_, n);
      } else if (unit == "year") {
        from = months_before(now_, 12 * n);
      } else {
        from = months_before(now_, 120 * n);
      }
    } else if (unit == "year") {  // "last year": the previous calendar year
      from = year_first(now_.year - 1), to = year_last(now_.year - 1);
    } else if (unit == "month") {
      const Civil c = civil_from_days(month_first(now_.year, now_.month) - 1);
      from = month_first(c.year, c.month), to = month_last(c.year, c.month);
    } else {  // "last decade": the ten years before this one
      from = months_before(now_, 120), to = today_;
    }
    // "in the last 3 years": the lead-in words belong to the expression.
    size_t first = i;
    if (first > 0 && w_[first - 1].lower == "the") --first;
    if (first > 0 && is_one_of(w_[first - 1].lower, {"in", "over", "during", "within", "for"})) {
      --first;
    }
    add(from, to, first, j + 1);
    return j + 1;
  }

  static bool is_unit(std::string_view s) {
    return is_one_of(s, {"day", "days", "week", "weeks", "month", "months", "year", "years",
                         "decade", "decades"});
  }

  int weekday_from_monday() const {
    // 1970-01-01 was a Thursday (3 days after a Monday).
    const int r = (today_ + 3) % 7;
    return r < 0 ? r + 7 : r;
  }

  // A date form starting at word i.
  std::optional<Period> date_at(size_t i) const {
    if (i >= w_.size()) return std::nullopt;
    const QueryWord& word = w_[i];
    const std::string& s = word.lower;
    if (s == "the" && i + 1 < w_.size()) {  // "in the 1990s", "since the 2010s"
      auto decade = decade_at(i + 1);
      if (decade) return decade;
      return std::nullopt;
    }
    if (word.kind == SurfaceKind::kIdentifier) {
      if (s.size() == 10) {
        if (auto d = parse_iso_date(s)) {
          const int y = civil_from_days(*d).year;
          if (y >= kMinYear && y <= kMaxYear) return Period{*d, *d, i + 1};
        }
      }
      if (s.size() == 9 && s[4] == '-') {  // "2019-2021"
        auto a = parse_year(std::string_view(s).substr(0, 4));
        auto b = parse_year(std::string_view(s).substr(5, 4));
        if (a && b) return Period{year_first(std::min(*a, *b)), year_last(std::max(*a, *b)), i + 1};
      }
      if (s.size() == 2 && s[0] == 'q' && s[1] >= '1' && s[1] <= '4' && i + 1 < w_.size()) {
        if (auto y = parse_year(w_[i + 1].lower)) {
          const unsigned q = static_cast<unsigned>(s[1] - '0');
          return Period{month_first(*y, 3 * q - 2), month_last(*y, 3 * q), i + 2};
        }
      }
      if (auto decade = decade_at(i)) return decade;
    }
    if (auto y = parse_year(s)) {
      // "2019–2021", "2019 - 2021": two years joined by a dash.
      if (i + 1 < w_.size() && dash_between(i)) {
        if (auto b = parse_year(w_[i + 1].lower)) {
          return Period{year_first(std::min(*y, *b)), year_last(std::max(*y, *b)), i + 2};
        }
      }
      return Period{year_first(*y), year_last(*y), i + 1};
    }
    if (auto m = month_of(word)) {
      size_t j = i + 1;
      if (j + 1 < w_.size() && w_[j].lower == "of" && parse_year(w_[j + 1].lower)) ++j;
      if (j < w_.size()) {
        if (auto y = parse_year(w_[j].lower)) {
          return Period{month_first(*y, *m), month_last(*y, *m), j + 1};
        }
      }
      // The most recent such month that has begun.
      const int y = *m <= now_.month ? now_.year : now_.year - 1;
      return Period{month_first(y, *m), month_last(y, *m), i + 1};
    }
    return std::nullopt;
  }

  std::optional<Period> decade_at(size_t i) const {
    const std::string& s = w_[i].lower;
    if (s.size() == 5 && s[4] == 's' && s[3] == '0') {
      if (auto y = parse_year(std::string_view(s).substr(0, 4))) {
        return Period{year_first(*y), year_last(*y + 9), i + 1};
      }
    }
    return std::nullopt;
  }

  bool dash_between(size_t i) const {
    std::string_view gap = text_.substr(w_[i].end, w_[i + 1].begin - w_[i].end);
    while (!gap.empty() && gap.front() == ' ') gap.remove_prefix(1);
    while (!gap.empty() && gap.back() == ' ') gap.remove_suffix(1);
    return gap == "-" || gap == "\xE2\x80\x93" || gap == "\xE2\x80\x94";  // -, en, em dash
  }

  void add(std::optional<int32_t> from, std::optional<int32_t> to, size_t first_word,
           size_t end_word) {
    std::optional<int32_t> new_from = result_.from;
    std::optional<int32_t> new_to = result_.to;
    if (from) new_from = new_from ? std::max(*new_from, *from) : *from;
    if (to) new_to = new_to ? std::min(*new_to, *to) : *to;
    if (new_from && new_to && *new_from > *new_to) return;
    result_.from = new_from;
    result_.to = new_to;
    result_.spans.emplace_back(w_[first_word].begin, w_[end_word - 1].end);
  }

  std::string_view text_;
  const std::vector<QueryWord>& w_;
  int32_t today_;
  Civil now_;
  TimeConstraint result_;
};

}  // namespace

TimeConstraint find_time_constraint(std::string_view text, const std::vector<QueryWord>& words,
                                    int32_t today) {
  // Keeps the calendar arithmetic far from integer limits whatever the caller passes.
  today = std::clamp(today, days_from_civil(kMinYear, 1, 1), days_from_civil(kMaxYear, 12, 31));
  return Reader(text, words, today).read();
}

TimeConstraint find_time_constraint(std::string_view text, int32_t today) {
  const std::vector<QueryWord> words = split_query_words(text);
  return find_time_constraint(text, words, today);
}

}  // namespace ragd

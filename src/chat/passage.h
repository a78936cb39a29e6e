// Passage: one numbered piece of retrieved context as the answer pipeline sees it. The
// context builder makes them from search hits; generators cite them as [number]; citation
// verification checks sentences against them; clients resolve a citation through chunk_id and
// the span to the exact text in the source document.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ragd {

struct Passage {
  int number = 0;            // 1-based, as cited: [number]
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  std::string document_key;  // the store's stable key (source path or corpus id)
  std::string title;
  std::string section_path;
  std::string domain;
  std::optional<std::string> date;  // ISO date of the document, when known
  std::string text;          // the text shown to the generator (possibly trimmed)
  // Byte span of `text` in the document's cleaned text (a trimmed passage has a narrower span
  // than its chunk).
  int64_t begin = 0;
  int64_t end = 0;
  float retrieval_score = 0;
};

}  // namespace ragd

#include "ingest/assemble.h"

#include <string_view>
#include <utility>

#include "common/hash.h"
#include "text/normalize.h"

namespace ragd {
namespace {

std::string clean_block(const RawBlock& block) {
  switch (block.kind) {
    case BlockKind::kHeading:
      return clean_line(block.text);
    case BlockKind::kCode:
      return clean_preformatted(block.text);  // "never re-flowed": indentation survives
    case BlockKind::kParagraph:
      break;
  }
  return clean_text(block.text);
}

// Length-prefixed fields, so that no two different documents serialise alike (a title
// ending in a tag's text, a tag containing a separator...).
void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.push_back(':');
  out.append(std::to_string(value.size()));
  out.push_back(':');
  out.append(value);
  out.push_back('\n');
}

std::string content_hash(const Document& doc) {
  std::string canonical;
  canonical.reserve(doc.text.size() + doc.title.size() + 128);
  canonical.append("ragd-document-v1\n");
  append_field(canonical, "title", doc.title);
  append_field(canonical, "tags", std::to_string(doc.tags.size()));
  for (const std::string& tag : doc.tags) append_field(canonical, "tag", tag);
  append_field(canonical, "date", doc.date ? "1" + *doc.date : "0");
  append_field(canonical, "text", doc.text);
  return sha256_hex(canonical);
}

}  // namespace

Document assemble_document(RawDocument raw, const DocumentOrigin& origin) {
  Document doc;
  doc.key = origin.key;
  doc.source_path = origin.source_path;
  doc.domain = origin.domain;

  std::string first_heading;
  for (const RawBlock& block : raw.blocks) {
    std::string cleaned = clean_block(block);
    if (cleaned.empty()) continue;
    if (block.kind == BlockKind::kHeading && first_heading.empty()) first_heading = cleaned;
    if (!doc.text.empty()) doc.text.append("\n\n");
    Block range;
    range.kind = block.kind;
    range.level = block.kind == BlockKind::kHeading ? block.level : 0;
    range.begin = doc.text.size();
    doc.text.append(cleaned);
    range.end = doc.text.size();
    doc.blocks.push_back(range);
  }

  doc.title = clean_line(raw.meta.title);
  if (doc.title.empty()) doc.title = std::move(first_heading);
  if (doc.title.empty()) doc.title = clean_line(origin.fallback_title);

  for (const std::string& tag : raw.meta.tags) {
    std::string cleaned = clean_line(tag);
    if (!cleaned.empty()) doc.tags.push_back(std::move(cleaned));
  }
  if (raw.meta.date) {
    std::string date = clean_line(*raw.meta.date);
    if (!date.empty()) doc.date = std::move(date);
  }
  for (auto& [name, value] : raw.meta.extra) doc.extra.emplace(name, clean_line(value));

  doc.content_hash = content_hash(doc);
  return doc;
}

}  // namespace ragd

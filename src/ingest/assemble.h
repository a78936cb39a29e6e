// Turns a RawDocument into a cleaned Document. Pure; thread-safe.
#pragma once

#include <string>

#include "ingest/document.h"

namespace ragd {

struct DocumentOrigin {
  std::string key;          // see Document::key
  std::string source_path;  // absolute path
  std::string domain;
  std::string fallback_title;  // file stem or external id, used when nothing better exists
};

// Cleans every block with clean_text (headings with clean_line), drops blocks that clean
// to nothing, joins them with "\n\n" and records their ranges; picks the title (meta title,
// else first heading, else fallback); computes content_hash. A document whose text cleans
// to nothing comes back with empty text; the caller reports it as empty.
Document assemble_document(RawDocument raw, const DocumentOrigin& origin);

}  // namespace ragd

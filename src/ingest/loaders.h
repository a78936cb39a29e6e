// Loaders: one per source format. Each turns bytes into RawDocuments and never throws or
// crashes on hostile input; a malformed file yields a Status that says what is wrong.
// All functions are pure apart from reading the named file; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "ingest/document.h"

namespace ragd {

enum class SourceFormat { kMarkdown, kText, kHtml, kPdf, kBeirJsonl, kUnknown };

// By extension: .md .markdown -> Markdown; .txt .text -> text; .html .htm -> HTML;
// .pdf -> PDF; .jsonl .jsonl.gz -> BEIR JSONL; anything else -> kUnknown.
SourceFormat detect_format(std::string_view path);
const char* format_name(SourceFormat format);

// Markdown with optional YAML front matter (--- ... ---: title, tags as [a, b] or a "- x"
// list, date, other scalars into extra). Headings become heading blocks; paragraphs,
// list items, quotes and table rows become paragraph blocks; fenced/indented code becomes
// code blocks. Markup is removed (links keep their text).
Result<RawDocument> parse_markdown(std::string_view bytes);

// Plain text: paragraphs separated by blank lines.
Result<RawDocument> parse_text(std::string_view bytes);

// HTML via gumbo: <title> as title; h1-h6 as headings; p, li, td/th rows, blockquote,
// pre as blocks; script, style, noscript, nav, header, footer, aside, form, template and
// elements with role=navigation are boilerplate and dropped.
Result<RawDocument> parse_html(std::string_view bytes);

// PDF via poppler-cpp: info title; text per page, split into paragraphs on blank lines.
// Encrypted or broken PDFs fail with kInvalidArgument.
Result<RawDocument> parse_pdf(std::string_view bytes);

// Rejects binary data: NUL bytes, or more than 10% control bytes in the first 8 KiB.
// Used for text-like formats before parsing.
Status check_not_binary(std::string_view bytes);

// One error found while reading a multi-document file; the rest of the file goes on.
struct LineError {
  uint64_t line = 0;  // 1-based
  std::string message;
};

// Streams a BEIR corpus (JSON object per line with "_id", optional "title", "text";
// plain or gzip-compressed, detected by magic bytes) from `path`. Calls `on_document` for
// each good line and `on_error` for each bad one (malformed JSON, missing/non-string _id
// or text, invalid UTF-8 is repaired, not an error). Fails only when the file cannot be
// opened/read or the gzip stream is corrupt.
Status read_beir_jsonl(const std::string& path,
                       const std::function<void(RawDocument&&)>& on_document,
                       const std::function<void(const LineError&)>& on_error);

// Same, over an in-memory (uncompressed) buffer; used by tests and the fuzzer.
Status parse_beir_jsonl(std::string_view bytes,
                        const std::function<void(RawDocument&&)>& on_document,
                        const std::function<void(const LineError&)>& on_error);

}  // namespace ragd

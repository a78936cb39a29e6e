// Format detection by file name and the binary-content guard shared by text-like loaders.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>

#include "ingest/loaders.h"

namespace ragd {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Bytes that do not appear in text: C0 controls other than the whitespace ones, and DEL.
bool is_control_byte(unsigned char c) {
  if (c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return false;
  return c < 0x20 || c == 0x7f;
}

}  // namespace

SourceFormat detect_format(std::string_view path) {
  size_t slash = path.find_last_of('/');
  std::string name(slash == std::string_view::npos ? path : path.substr(slash + 1));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // A bare ".md" is a hidden file named "md", not a Markdown file without a stem.
  auto has_ext = [&name](std::string_view ext) {
    return name.size() > ext.size() && ends_with(name, ext);
  };
  if (has_ext(".md") || has_ext(".markdown")) return SourceFormat::kMarkdown;
  if (has_ext(".txt") || has_ext(".text")) return SourceFormat::kText;
  if (has_ext(".html") || has_ext(".htm")) return SourceFormat::kHtml;
  if (has_ext(".pdf")) return SourceFormat::kPdf;
  if (has_ext(".jsonl") || has_ext(".jsonl.gz")) return SourceFormat::kBeirJsonl;
  return SourceFormat::kUnknown;
}

const char* format_name(SourceFormat format) {
  switch (format) {
    case SourceFormat::kMarkdown:
      return "markdown";
    case SourceFormat::kText:
      return "text";
    case SourceFormat::kHtml:
      return "html";
    case SourceFormat::kPdf:
      return "pdf";
    case SourceFormat::kBeirJsonl:
      return "beir-jsonl";
    case SourceFormat::kUnknown:
      return "unknown";
  }
  return "unknown";
}

Status check_not_binary(std::string_view bytes) {
  const void* nul = std::memchr(bytes.data(), '\0', bytes.size());
  if (nul != nullptr) {
    size_t offset = static_cast<const char*>(nul) - bytes.data();
    return Status::invalid("content looks binary (NUL byte at offset " + std::to_string(offset) +
                           "); text must be UTF-8 (convert UTF-16 files first)");
  }
  constexpr size_t kSample = 8192;
  std::string_view sample = bytes.substr(0, kSample);
  size_t controls = static_cast<size_t>(std::count_if(sample.begin(), sample.end(), [](char c) {
    return is_control_byte(static_cast<unsigned char>(c));
  }));
  if (controls * 10 > sample.size()) {
    return Status::invalid("content looks binary (" + std::to_string(controls) +
                           " control bytes in the first " + std::to_string(sample.size()) +
                           " bytes)");
  }
  return Status::ok();
}

}  // namespace ragd

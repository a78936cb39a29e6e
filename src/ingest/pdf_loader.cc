// PDF via poppler-cpp, from the bytes in memory.
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <climits>
#include <exception>
#include <memory>
#include <mutex>
#include <new>

#include "ingest/block_builder.h"
#include "ingest/loaders.h"

namespace ragd {
namespace {

void discard_poppler_message(const std::string& /*message*/, void* /*closure*/) {}

// Poppler prints every syntax warning of a damaged file to stderr unless told otherwise;
// the handler is process-wide state in poppler, so it is set once and never changed.
void silence_poppler() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(discard_poppler_message, nullptr); });
}

std::string to_utf8(const poppler::ustring& text) {
  poppler::byte_array bytes = text.to_utf8();
  std::string out(bytes.begin(), bytes.end());
  // ustring::to_utf8 keeps a terminating NUL on some poppler versions.
  while (!out.empty() && out.back() == '\0') out.pop_back();
  return out;
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r\f\v") == std::string_view::npos;
}

// One page's text into paragraph blocks: blank lines (and form feeds) separate them.
void add_page_text(std::string_view text, BlockBuilder* builder) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find_first_of("\n\f", pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (is_blank(line)) {
      builder->flush();
    } else {
      if (!builder->empty()) builder->append('\n');
      builder->append(line);
    }
    if (nl != std::string_view::npos && text[nl] == '\f') builder->flush();
    pos = end + 1;
  }
  builder->flush();
}

}  // namespace

Result<RawDocument> parse_pdf(std::string_view bytes) {
  try {
    // Readers accept the header anywhere in the first KiB; without it this is not a PDF.
    if (bytes.substr(0, 1024).find("%PDF-") == std::string_view::npos) {
      return Status::invalid("not a PDF file (no %PDF- header)");
    }
    if (bytes.size() > static_cast<size_t>(INT_MAX)) {
      return Status::error(ErrorCode::kTooLarge, "PDF file larger than 2 GiB");
    }
    silence_poppler();
    // load_from_raw_data reads `bytes` in place; they outlive the document.
    std::unique_ptr<poppler::document> pdf(
        poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
    if (!pdf) {
      return Status::invalid("damaged or unreadable PDF (poppler could not open it)");
    }
    if (pdf->is_locked()) {
      return Status::invalid("PDF is encrypted and needs a password; decrypt it first");
    }
    RawDocument doc;
    doc.meta.title = to_utf8(pdf->get_title());
    doc.meta.title.erase(doc.meta.title.find_last_not_of(" \t\r\n") + 1);
    BlockBuilder builder(&doc);
    int pages = pdf->pages();
    for (int i = 0; i < pages; ++i) {
      std::unique_ptr<poppler::page> page(pdf->create_page(i));
      if (!page) continue;
      add_page_text(to_utf8(page->text()), &builder);
    }
    return doc;
  } catch (const std::bad_alloc&) {
    return Status::internal("out of memory while reading PDF");
  } catch (const std::exception& e) {
    return Status::invalid(std::string("damaged PDF: ") + e.what());
  } catch (...) {
    return Status::invalid("damaged PDF (poppler failed)");
  }
}

}  // namespace ragd

// Markdown via md4c (CommonMark + GitHub tables, strikethrough, task lists), after the
// front matter has been split off.
#include <md4c.h>

#include <cstdint>
#include <exception>
#include <new>
#include <string>

#include "ingest/block_builder.h"
#include "ingest/front_matter.h"
#include "ingest/html_entities.h"
#include "ingest/loaders.h"

namespace ragd {
namespace {

constexpr size_t kPadding = 64;

// md4c reports a flat stream of enter/leave/text events; blocks are cut at every
// structural boundary so that list items, quotes and table rows each become a paragraph.
struct MarkdownReader {
  explicit MarkdownReader(RawDocument* doc) : builder(doc) {}

  BlockBuilder builder;
  int image_depth = 0;   // text inside ![alt](src) is dropped with the image
  bool in_html = false;  // raw HTML blocks are markup, not prose
  int cell_index = 0;    // cells seen so far in the current table row
  bool failed = false;   // an exception was caught inside a callback
  size_t max_text = 0;   // no text event can be longer than the input

  void enter_block(MD_BLOCKTYPE type, void* detail) {
    switch (type) {
      case MD_BLOCK_H:
        builder.start(BlockKind::kHeading, static_cast<MD_BLOCK_H_DETAIL*>(detail)->level);
        break;
      case MD_BLOCK_CODE:
        builder.start(BlockKind::kCode);
        break;
      case MD_BLOCK_HTML:
        builder.flush();
        in_html = true;
        break;
      case MD_BLOCK_TR:
        builder.flush();
        cell_index = 0;
        break;
      case MD_BLOCK_TH:
      case MD_BLOCK_TD:
        if (cell_index++ > 0) builder.append(" | ");
        break;
      case MD_BLOCK_DOC:
        break;
      default:  // P, LI, QUOTE, UL, OL, HR, TABLE, THEAD, TBODY
        builder.flush();
        break;
    }
  }

  void leave_block(MD_BLOCKTYPE type) {
    switch (type) {
      case MD_BLOCK_HTML:
        in_html = false;
        break;
      case MD_BLOCK_TH:
      case MD_BLOCK_TD:
        break;
      default:
        builder.flush();
        break;
    }
  }

  void text(MD_TEXTTYPE type, std::string_view text) {
    if (image_depth > 0 || in_html || text.size() > max_text) return;
    switch (type) {
      case MD_TEXT_NULLCHAR:
        builder.append("\xEF\xBF\xBD");
        break;
      case MD_TEXT_BR:
        builder.append('\n');
        break;
      case MD_TEXT_SOFTBR:
        builder.append(' ');
        break;
      case MD_TEXT_ENTITY:
        if (!decode_html_entity(text, &builder.text())) builder.append(text);
        break;
      case MD_TEXT_HTML:
        break;
      default:  // NORMAL, CODE (inline and blocks), LATEXMATH
        builder.append(text);
        break;
    }
  }
};

// Each callback converts exceptions (allocation failure) into an abort of md_parse, since
// unwinding through md4c's C frames is not allowed.
template <typename F>
int guarded(void* userdata, F&& f) {
  auto* reader = static_cast<MarkdownReader*>(userdata);
  try {
    f(reader);
    return 0;
  } catch (...) {
    reader->failed = true;
    return 1;
  }
}

int on_enter_block(MD_BLOCKTYPE type, void* detail, void* userdata) {
  return guarded(userdata, [&](MarkdownReader* r) { r->enter_block(type, detail); });
}
int on_leave_block(MD_BLOCKTYPE type, void* /*detail*/, void* userdata) {
  return guarded(userdata, [&](MarkdownReader* r) { r->leave_block(type); });
}
int on_enter_span(MD_SPANTYPE type, void* /*detail*/, void* userdata) {
  if (type == MD_SPAN_IMG) ++static_cast<MarkdownReader*>(userdata)->image_depth;
  return 0;
}
int on_leave_span(MD_SPANTYPE type, void* /*detail*/, void* userdata) {
  if (type == MD_SPAN_IMG) --static_cast<MarkdownReader*>(userdata)->image_depth;
  return 0;
}
int on_text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* userdata) {
  return guarded(userdata, [&](MarkdownReader* r) { r->text(type, std::string_view(text, size)); });
}

}  // namespace

Result<RawDocument> parse_markdown(std::string_view bytes) {
  try {
    RAGD_RETURN_IF_ERROR(check_not_binary(bytes));
    FrontMatter front = split_front_matter(strip_bom(bytes));
    if (front.body.size() > UINT32_MAX) {
      return Status::error(ErrorCode::kTooLarge, "Markdown file larger than 4 GiB");
    }
    RawDocument doc;
    doc.meta = std::move(front.meta);
    MarkdownReader reader(&doc);
    MD_PARSER parser = {};
    parser.abi_version = 0;
    parser.flags = MD_DIALECT_GITHUB;
    parser.enter_block = on_enter_block;
    parser.leave_block = on_leave_block;
    parser.enter_span = on_enter_span;
    parser.leave_span = on_leave_span;
    parser.text = on_text;
    // md4c 0.4.8 (Debian 12) reads the byte after the end of its input on some malformed
    // documents (valgrind on tests/fuzz/seeds/markdown/regression-*); the fuzzer saw that
    // turn into garbage text lengths. A zero-padded copy makes those reads land on NULs of
    // ours, and text() refuses lengths no input could produce.
    std::string padded;
    padded.reserve(front.body.size() + kPadding);
    padded.append(front.body);
    padded.append(kPadding, '\0');
    reader.max_text = front.body.size();
    int rc = md_parse(padded.data(), static_cast<MD_SIZE>(front.body.size()), &parser, &reader);
    if (rc != 0 || reader.failed) {
      return Status::internal("Markdown parser gave up (out of memory?)");
    }
    reader.builder.flush();
    return doc;
  } catch (const std::bad_alloc&) {
    return Status::internal("out of memory while parsing Markdown");
  } catch (const std::exception& e) {
    return Status::internal(std::string("Markdown parsing failed: ") + e.what());
  }
}

}  // namespace ragd

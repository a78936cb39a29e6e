// HTML via gumbo (the HTML5 parsing algorithm, so malformed markup parses the way browsers
// see it). The tree is walked iteratively: nesting depth is bounded only by input size.
#include <gumbo.h>

#include <cstdlib>
#include <exception>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "ingest/block_builder.h"
#include "ingest/html_depth.h"
#include "ingest/loaders.h"

namespace ragd {
namespace {

// Real pages nest a few dozen elements deep; past this, parse time grows quadratically.
constexpr size_t kMaxHtmlDepth = 2048;

// Gumbo's own gumbo_destroy_output() recurses once per nesting level, which overflows the
// stack on deeply nested input. All of gumbo's memory comes from this allocator instead,
// which keeps its blocks on a list and frees whatever is left when the parse is done.
class GumboArena {
 public:
  GumboArena() = default;
  GumboArena(const GumboArena&) = delete;
  GumboArena& operator=(const GumboArena&) = delete;
  ~GumboArena() {
    while (head_.next != &head_) release(head_.next);
  }

  static void* allocate(void* userdata, size_t size) {
    auto* arena = static_cast<GumboArena*>(userdata);
    void* raw = std::malloc(sizeof(Header) + size);
    // Gumbo does not check for NULL; failing here is the same as failing inside it.
    if (raw == nullptr) std::abort();
    auto* h = static_cast<Header*>(raw);
    h->prev = &arena->head_;
    h->next = arena->head_.next;
    arena->head_.next->prev = h;
    arena->head_.next = h;
    return h + 1;
  }
  static void deallocate(void* /*userdata*/, void* ptr) {
    if (ptr != nullptr) release(static_cast<Header*>(ptr) - 1);
  }

 private:
  struct alignas(16) Header {
    Header* prev;
    Header* next;
  };
  static void release(Header* h) {
    h->prev->next = h->next;
    h->next->prev = h->prev;
    std::free(h);
  }
  Header head_{&head_, &head_};
};

enum class Role {
  kInline,  // no effect on block structure (a, em, span, unknown tags)
  kBlock,   // ends the current block before and after
  kHeading,
  kCode,       // pre: whitespace kept
  kRow,        // tr: its cells joined into one paragraph
  kCell,       // td, th
  kLineBreak,  // br
  kSkip,       // boilerplate or not prose: the whole subtree is dropped
  kTitle,
};

bool has_attribute(const GumboElement& el, const char* name, const char* value = nullptr) {
  const GumboAttribute* attr = gumbo_get_attribute(&el.attributes, name);
  if (attr == nullptr) return false;
  return value == nullptr || std::string_view(attr->value) == value;
}

Role role_of(const GumboElement& el) {
  if (el.tag_namespace != GUMBO_NAMESPACE_HTML) return Role::kSkip;  // inline SVG, MathML
  if (has_attribute(el, "role", "navigation") || has_attribute(el, "hidden")) return Role::kSkip;
  switch (el.tag) {
    // Boilerplate, per the loader contract.
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_TEMPLATE:
    // Not prose: embedded content and controls whose text is markup or labels.
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_MAP:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_APPLET:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
      return Role::kSkip;
    case GUMBO_TAG_TITLE:
      return Role::kTitle;
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
      return Role::kHeading;
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_LISTING:
    case GUMBO_TAG_XMP:
    case GUMBO_TAG_PLAINTEXT:
      return Role::kCode;
    case GUMBO_TAG_TR:
      return Role::kRow;
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
      return Role::kCell;
    case GUMBO_TAG_BR:
      return Role::kLineBreak;
    case GUMBO_TAG_HTML:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_P:
    case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_DIR:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_FRAMESET:
      return Role::kBlock;
    default:
      return Role::kInline;
  }
}

bool is_html_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// Appends text with HTML whitespace collapsed, as a browser renders it outside <pre>.
void append_collapsed(std::string_view text, std::string* out) {
  for (char c : text) {
    if (is_html_space(c)) {
      if (!out->empty() && !is_html_space(out->back())) out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
}

class HtmlReader {
 public:
  explicit HtmlReader(RawDocument* doc) : doc_(doc), builder_(doc) {}

  void read(const GumboNode* root) {
    struct Frame {
      const GumboNode* node;
      Exit exit;
      unsigned next_child;
    };
    std::vector<Frame> stack;
    stack.push_back({root, Exit::kNothing, 0});
    while (!stack.empty()) {
      Frame& top = stack.back();
      const GumboVector& children = children_of(top.node);
      if (top.next_child < children.length) {
        const auto* child = static_cast<const GumboNode*>(children.data[top.next_child++]);
        Exit exit = Exit::kNothing;
        if (enter(child, &exit)) stack.push_back({child, exit, 0});
      } else {
        leave(top.exit);
        stack.pop_back();
      }
    }
    builder_.flush();
  }

 private:
  // What closing an element undoes; decided when it is opened, so that opening and
  // closing always match whatever the tree looks like.
  enum class Exit { kNothing, kFlush, kEndCode, kEndRow, kEndTable, kSpace };

  static const GumboVector& children_of(const GumboNode* node) {
    static const GumboVector kNone = {nullptr, 0, 0};
    if (node->type == GUMBO_NODE_DOCUMENT) return node->v.document.children;
    if (node->type == GUMBO_NODE_ELEMENT) return node->v.element.children;
    return kNone;
  }

  // Handles the start of a node; true when its children are to be visited, with `exit`
  // saying what its end does.
  bool enter(const GumboNode* node, Exit* exit) {
    switch (node->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
        append_text(node->v.text.text);
        return false;
      case GUMBO_NODE_ELEMENT:
        break;
      default:  // comments, CDATA (foreign content only), template contents
        return false;
    }
    const GumboElement& el = node->v.element;
    Role role = role_of(el);
    switch (role) {
      case Role::kSkip:
        return false;
      case Role::kTitle:
        read_title(el);
        return false;
      case Role::kInline:
        return true;
      case Role::kLineBreak:
        builder_.append('\n');
        return false;
      case Role::kCell:
        if (in_row_ && cells_in_row_++ > 0 && !builder_.empty()) {
          std::string& text = builder_.text();
          while (!text.empty() && text.back() == ' ') text.pop_back();
          builder_.append(" | ");
        }
        return true;
      default:
        break;
    }
    if (el.tag == GUMBO_TAG_TABLE) {
      // A table nested in a cell (a layout table) gets rows of its own; the outer row
      // resumes after it.
      saved_rows_.push_back({in_row_, cells_in_row_});
      in_row_ = false;
      builder_.flush();
      *exit = Exit::kEndTable;
      return true;
    }
    if (in_row_) {
      // Other block structure inside a table row is flattened into the row's paragraph.
      space();
      *exit = Exit::kSpace;
      return true;
    }
    switch (role) {
      case Role::kHeading:
        builder_.start(BlockKind::kHeading, 1 + static_cast<int>(el.tag - GUMBO_TAG_H1));
        *exit = Exit::kFlush;
        break;
      case Role::kCode:
        builder_.start(BlockKind::kCode);
        ++pre_depth_;
        *exit = Exit::kEndCode;
        break;
      case Role::kRow:
        builder_.flush();
        in_row_ = true;
        cells_in_row_ = 0;
        *exit = Exit::kEndRow;
        break;
      default:
        builder_.flush();
        *exit = Exit::kFlush;
        break;
    }
    return true;
  }

  void leave(Exit exit) {
    switch (exit) {
      case Exit::kNothing:
        break;
      case Exit::kFlush:
        builder_.flush();
        break;
      case Exit::kEndCode:
        --pre_depth_;
        builder_.flush();
        break;
      case Exit::kEndRow:
        builder_.flush();
        in_row_ = false;
        break;
      case Exit::kEndTable:
        builder_.flush();
        in_row_ = saved_rows_.back().in_row;
        cells_in_row_ = saved_rows_.back().cells;
        saved_rows_.pop_back();
        break;
      case Exit::kSpace:
        space();
        break;
    }
  }

  void read_title(const GumboElement& el) {
    if (!doc_->meta.title.empty()) return;
    for (unsigned i = 0; i < el.children.length; ++i) {
      const auto* child = static_cast<const GumboNode*>(el.children.data[i]);
      if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE) {
        append_collapsed(child->v.text.text, &doc_->meta.title);
      }
    }
    while (!doc_->meta.title.empty() && doc_->meta.title.back() == ' ') {
      doc_->meta.title.pop_back();
    }
  }

  void append_text(const char* text) {
    if (pre_depth_ > 0) {
      builder_.append(text);
    } else {
      append_collapsed(text, &builder_.text());
    }
  }

  void space() { append_collapsed(" ", &builder_.text()); }

  struct RowState {
    bool in_row;
    int cells;
  };

  RawDocument* doc_;
  BlockBuilder builder_;
  int pre_depth_ = 0;    // open <pre>-like elements: whitespace is kept verbatim
  bool in_row_ = false;  // inside a <tr>: cells are joined into one paragraph
  int cells_in_row_ = 0;
  std::vector<RowState> saved_rows_;  // the row state outside each open <table>
};

}  // namespace

Result<RawDocument> parse_html(std::string_view bytes) {
  try {
    RAGD_RETURN_IF_ERROR(check_not_binary(bytes));
    if (estimate_html_depth(bytes, kMaxHtmlDepth) > kMaxHtmlDepth) {
      return Status::error(ErrorCode::kTooLarge,
                           "HTML nests more than " + std::to_string(kMaxHtmlDepth) +
                               " elements deep; parsing it would take too long (convert the "
                               "page to text first)");
    }
    GumboArena arena;
    GumboOptions options = kGumboDefaultOptions;
    options.allocator = &GumboArena::allocate;
    options.deallocator = &GumboArena::deallocate;
    options.userdata = &arena;
    options.max_errors = 0;  // parse errors are not reported; don't spend memory on them
    bytes = strip_bom(bytes);
    // The output is not destroyed with gumbo_destroy_output (see GumboArena).
    GumboOutput* output = gumbo_parse_with_options(&options, bytes.data(), bytes.size());
    RawDocument doc;
    HtmlReader(&doc).read(output->document);
    return doc;
  } catch (const std::bad_alloc&) {
    return Status::internal("out of memory while parsing HTML");
  } catch (const std::exception& e) {
    return Status::internal(std::string("HTML parsing failed: ") + e.what());
  }
}

}  // namespace ragd

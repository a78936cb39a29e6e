// Chunker (contract in chunker.h). The packing rules, as implemented:
//
// - Sections. A heading opens a section whose path is the titles of the open headings
//   ("A > B"); the heading's own text is the first unit of its section, so a chunk carries
//   its heading. At a heading the current chunk is closed, with one exception: a small
//   chunk (under a quarter of the target) continues into a sibling or child section when
//   the heading and the first block under it fit too, so runs of tiny sections ("Hours",
//   "Address", "Phone") share a chunk instead of making one fragment each. A chunk never
//   continues into a section higher up. A merged chunk's section_path is the deepest path
//   that encloses all of its body text (a heading with no body text in the chunk does not
//   count), e.g. "Contact" for the merged "Contact > Hours" and "Contact > Address".
// - Blocks are packed whole while they fit. A block over the target is split (sentences,
//   or lines for code; then words; then code points). It starts a new chunk when the
//   current one is at least half full, and otherwise fills the current chunk first.
// - A chunk closed for size hands on its end: the next chunk starts at overlap_start()
//   within the same section, with overlap_tokens as budget, capped so that the next chunk
//   still fits; the overlap never reaches back over a heading.
// - Every chunk's token_count is at most target_tokens.
// - An invalid config is brought to the nearest valid one (callers are expected to have
//   run validate(); chunk_document has no error channel).
#include "ingest/chunker.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "common/hash.h"
#include "ingest/chunk_units.h"
#include "text/sentences.h"

namespace ragd {
namespace {

using chunking::Unit;

constexpr size_t kNone = static_cast<size_t>(-1);
// Longest heading title kept in a section path; a heading is a line, not a paragraph.
constexpr size_t kMaxTitleBytes = 200;
constexpr size_t kIdHexChars = 32;

struct Section {
  std::vector<std::string> path;
  int level = 0;  // 0 for the text before the first heading
};

// The heading text as a path element: whitespace runs collapsed to one space, capped in
// length at a code-point boundary.
std::string heading_title(std::string_view text) {
  std::string title;
  bool space = false;
  for (const char c : text) {
    if (chunking::is_space(c)) {
      space = !title.empty();
      continue;
    }
    if (space) title.push_back(' ');
    space = false;
    title.push_back(c);
    if (title.size() >= kMaxTitleBytes) break;
  }
  size_t end = title.size();
  if (end >= kMaxTitleBytes) {
    while (end > 0 && chunking::is_continuation(title[end - 1])) --end;
    if (end > 0) --end;  // the lead byte of a possibly cut sequence
    title.resize(end);
  }
  return title;
}

std::string chunk_id(const std::string& key, int ordinal, size_t begin, std::string_view text) {
  // Length-prefixed key and newline-terminated numbers keep the encoding unambiguous.
  std::string data = std::to_string(key.size());
  data += ':';
  data += key;
  data += '\n';
  data += std::to_string(ordinal);
  data += '\n';
  data += std::to_string(begin);
  data += '\n';
  data += text;
  return sha256_hex(data).substr(0, kIdHexChars);
}

// Accumulates units into chunks, applying the rules above.
class Packer {
 public:
  Packer(const Document& document, const ChunkerConfig& config,
         const std::vector<Section>& sections)
      : text_(document.text),
        key_(document.key),
        target_(config.target_tokens),
        overlap_(config.overlap_tokens),
        sections_(sections) {}

  // Before the units of a heading of `level`; `lookahead` is the tokens of the heading and
  // of the block that follows it, when that block is not a heading.
  void heading(int level, size_t lookahead) {
    if (!open_) return;
    const bool small = tokens_ < target_ / 4;
    if (small && level >= last_level_ && tokens_ + lookahead <= target_) return;
    close(0);
  }

  // Before the units of a body block that had to be split.
  void large_block(size_t first_unit_tokens) {
    if (open_ && tokens_ >= target_ / 2) close(overlap_budget(first_unit_tokens));
  }

  void add(const Unit& unit, int section, bool heading) {
    if (open_ && tokens_ + unit.tokens > target_) close(heading ? 0 : overlap_budget(unit.tokens));
    if (!open_) {
      open_ = true;
      begin_ = unit.begin;
      tokens_ = 0;
      in_chunk_.clear();
      body_floor_ = kNone;
    }
    end_ = unit.end;
    tokens_ += unit.tokens;
    if (in_chunk_.empty() || in_chunk_.back().first != section) {
      in_chunk_.emplace_back(section, !heading);
    } else if (!heading) {
      in_chunk_.back().second = true;
    }
    if (heading) {
      body_floor_ = kNone;
    } else if (body_floor_ == kNone) {
      body_floor_ = unit.begin;
    }
    last_section_ = section;
    last_level_ = sections_[section].level;
  }

  std::vector<Chunk> finish() {
    if (open_) emit();
    return std::move(chunks_);
  }

 private:
  size_t overlap_budget(size_t next_tokens) const {
    return next_tokens >= target_ ? 0 : std::min(overlap_, target_ - next_tokens);
  }

  // Emits the open chunk and, with a non-zero budget, opens the next one on its tail.
  void close(size_t budget) {
    size_t from = end_;
    if (budget > 0 && body_floor_ != kNone) {
      from = chunking::overlap_start(text_, std::max(body_floor_, begin_ + 1), end_, budget);
    }
    const size_t previous_end = end_;
    emit();
    if (from < previous_end) {
      open_ = true;
      begin_ = from;
      end_ = previous_end;
      tokens_ = count_tokens(text_.substr(from, previous_end - from));
      in_chunk_.assign(1, {last_section_, true});
      body_floor_ = from;
    }
  }

  void emit() {
    Chunk chunk;
    chunk.ordinal = static_cast<int>(chunks_.size());
    chunk.begin = begin_;
    chunk.end = end_;
    chunk.text = std::string(text_.substr(begin_, end_ - begin_));
    chunk.token_count = count_tokens(chunk.text);
    chunk.section_path = section_path();
    chunk.id = chunk_id(key_, chunk.ordinal, chunk.begin, chunk.text);
    chunks_.push_back(std::move(chunk));
    open_ = false;
  }

  std::string section_path() const {
    const bool any_body = std::any_of(in_chunk_.begin(), in_chunk_.end(),
                                      [](const auto& entry) { return entry.second; });
    const std::vector<std::string>* first = nullptr;
    size_t common = 0;
    for (const auto& [section, body] : in_chunk_) {
      if (any_body && !body) continue;
      const std::vector<std::string>& path = sections_[section].path;
      if (first == nullptr) {
        first = &path;
        common = path.size();
      } else {
        common = std::min(common, path.size());
        common = static_cast<size_t>(
            std::mismatch(path.begin(), path.begin() + common, first->begin()).first -
            path.begin());
      }
    }
    std::string joined;
    for (size_t i = 0; i < common; ++i) {
      if (i > 0) joined += " > ";
      joined += (*first)[i];
    }
    return joined;
  }

  std::string_view text_;
  const std::string& key_;
  size_t target_;
  size_t overlap_;
  const std::vector<Section>& sections_;
  std::vector<Chunk> chunks_;

  bool open_ = false;
  size_t begin_ = 0;
  size_t end_ = 0;
  size_t tokens_ = 0;  // upper bound of count_tokens(text_[begin_, end_))
  // Sections the open chunk touches, in order, and whether it holds body text of each.
  std::vector<std::pair<int, bool>> in_chunk_;
  // Start of the body text after the chunk's last heading: an overlap may not go earlier.
  size_t body_floor_ = kNone;
  int last_section_ = 0;
  int last_level_ = 0;
};

ChunkerConfig usable(ChunkerConfig config) {
  config.target_tokens = std::max<size_t>(config.target_tokens, 16);
  config.overlap_tokens = std::min(config.overlap_tokens, config.target_tokens / 2 - 1);
  return config;
}

}  // namespace

Status ChunkerConfig::validate() const {
  if (target_tokens < 16) {
    return Status::invalid("chunker target_tokens is " + std::to_string(target_tokens) +
                           "; it must be at least 16 (the default is 384)");
  }
  if (overlap_tokens >= target_tokens / 2) {
    return Status::invalid("chunker overlap_tokens is " + std::to_string(overlap_tokens) +
                           "; it must be less than half of target_tokens (" +
                           std::to_string(target_tokens) + "), e.g. " +
                           std::to_string(target_tokens / 8));
  }
  return Status::ok();
}

std::vector<Chunk> chunk_document(const Document& document, const ChunkerConfig& config) {
  const ChunkerConfig settings = usable(config);
  const std::string_view text = document.text;
  const std::vector<Block> blocks = chunking::normalize_blocks(text, document.blocks);
  std::vector<size_t> block_tokens(blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    block_tokens[i] = count_tokens(text.substr(blocks[i].begin, blocks[i].end - blocks[i].begin));
  }

  std::vector<Section> sections(1);  // [0]: the text before the first heading
  std::vector<int> open_headings;    // indices into `sections`, outermost first
  int current = 0;
  Packer packer(document, settings, sections);
  std::vector<Unit> units;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const Block& block = blocks[i];
    const bool heading = block.kind == BlockKind::kHeading;
    if (heading) {
      while (!open_headings.empty() && sections[open_headings.back()].level >= block.level) {
        open_headings.pop_back();
      }
      Section section;
      section.level = block.level;
      if (!open_headings.empty()) section.path = sections[open_headings.back()].path;
      section.path.push_back(heading_title(text.substr(block.begin, block.end - block.begin)));
      sections.push_back(std::move(section));
      current = static_cast<int>(sections.size()) - 1;
      open_headings.push_back(current);
      const bool body_follows = i + 1 < blocks.size() && blocks[i + 1].kind != BlockKind::kHeading;
      packer.heading(block.level, block_tokens[i] + (body_follows ? block_tokens[i + 1] : 0));
    }
    units.clear();
    if (block_tokens[i] <= settings.target_tokens) {
      units.push_back({block.begin, block.end, block_tokens[i]});
    } else {
      chunking::split_block(text, block, settings.target_tokens, units);
      if (!heading && !units.empty()) packer.large_block(units.front().tokens);
    }
    for (const Unit& unit : units) packer.add(unit, current, heading);
  }
  return packer.finish();
}

}  // namespace ragd

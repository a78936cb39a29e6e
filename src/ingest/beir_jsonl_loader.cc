// BEIR corpora: one JSON object per line ({"_id", "title", "text", ...}), plain or gzip.
// Read in 1 MiB chunks through a LineSplitter, so memory stays bounded by the longest line.
#include <simdjson.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <vector>

#include "ingest/line_splitter.h"
#include "ingest/loaders.h"
#include "text/normalize.h"

namespace ragd {
namespace {

constexpr size_t kChunkBytes = size_t{1} << 20;
// No BEIR document comes near this; a longer line is damage, and buffering it would let one
// bad file take all memory.
constexpr size_t kMaxLineBytes = size_t{64} << 20;

class BeirLineParser {
 public:
  BeirLineParser(const std::function<void(RawDocument&&)>& on_document,
                 const std::function<void(const LineError&)>& on_error)
      : on_document_(on_document),
        on_error_(on_error),
        splitter_(
            kMaxLineBytes, [this](uint64_t n, std::string_view line) { parse_line(n, line); },
            [this](uint64_t n) {
              on_error_(LineError{n, "line longer than 64 MiB; skipped"});
            }) {}

  void feed(std::string_view chunk) { splitter_.feed(chunk); }
  void finish() { splitter_.finish(); }

 private:
  void parse_line(uint64_t number, std::string_view line) {
    if (number == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    if (line.find_first_not_of(" \t\r\f\v") == std::string_view::npos) return;
    std::string repaired;
    if (!is_valid_utf8(line)) {
      repaired = repair_utf8(line);
      line = repaired;
    }
    simdjson::dom::element root;
    if (auto error = parser_.parse(line.data(), line.size()).get(root)) {
      return fail(number, std::string("malformed JSON: ") + simdjson::error_message(error));
    }
    simdjson::dom::object object;
    if (root.get_object().get(object)) return fail(number, "not a JSON object");
    std::string_view id;
    if (auto error = object["_id"].get_string().get(id)) {
      return fail(number,
                  error == simdjson::NO_SUCH_FIELD ? "missing \"_id\"" : "\"_id\" is not a string");
    }
    if (id.empty()) return fail(number, "\"_id\" is empty");
    std::string_view text;
    if (auto error = object["text"].get_string().get(text)) {
      return fail(number, error == simdjson::NO_SUCH_FIELD ? "missing \"text\""
                                                           : "\"text\" is not a string");
    }
    RawDocument doc;
    doc.external_id = std::string(id);
    std::string_view title;
    if (!object["title"].get_string().get(title)) doc.meta.title = std::string(title);
    doc.blocks.push_back(RawBlock{BlockKind::kParagraph, 0, std::string(text)});
    on_document_(std::move(doc));
  }

  void fail(uint64_t number, std::string message) {
    on_error_(LineError{number, std::move(message)});
  }

  const std::function<void(RawDocument&&)>& on_document_;
  const std::function<void(const LineError&)>& on_error_;
  simdjson::dom::parser parser_;
  LineSplitter splitter_;
};

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};

Status open_error(const std::string& path, int err) {
  std::string message = "cannot open " + path + ": " + std::strerror(err);
  return err == ENOENT ? Status::not_found(message) : Status::io(message);
}

Status read_plain(const std::string& path, BeirLineParser* parser) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return open_error(path, errno);
  std::vector<char> buffer(kChunkBytes);
  while (true) {
    size_t n = std::fread(buffer.data(), 1, buffer.size(), file.get());
    if (n > 0) parser->feed(std::string_view(buffer.data(), n));
    if (n < buffer.size()) {
      if (std::ferror(file.get())) return Status::io("cannot read " + path + ": read error");
      break;
    }
  }
  parser->finish();
  return Status::ok();
}

Status read_gzip(const std::string& path, BeirLineParser* parser) {
  std::unique_ptr<gzFile_s, GzCloser> file(gzopen(path.c_str(), "rb"));
  if (!file) return open_error(path, errno);
  gzbuffer(file.get(), kChunkBytes);
  std::vector<char> buffer(kChunkBytes);
  while (true) {
    int n = gzread(file.get(), buffer.data(), static_cast<unsigned>(buffer.size()));
    if (n > 0) {
      parser->feed(std::string_view(buffer.data(), static_cast<size_t>(n)));
      continue;
    }
    int code = Z_OK;
    const char* message = gzerror(file.get(), &code);
    if (code == Z_ERRNO) return Status::io("cannot read " + path + ": " + std::strerror(errno));
    // Z_BUF_ERROR: the stream ended mid-member (a truncated file).
    if (code != Z_OK) {
      return Status::invalid(path + ": corrupt or truncated gzip stream (" + message +
                             "); lines before the damage were read");
    }
    break;
  }
  parser->finish();
  return Status::ok();
}

}  // namespace

Status parse_beir_jsonl(std::string_view bytes,
                        const std::function<void(RawDocument&&)>& on_document,
                        const std::function<void(const LineError&)>& on_error) {
  try {
    BeirLineParser parser(on_document, on_error);
    parser.feed(bytes);
    parser.finish();
    return Status::ok();
  } catch (const std::bad_alloc&) {
    return Status::internal("out of memory while reading a BEIR corpus");
  } catch (const std::exception& e) {
    return Status::internal(std::string("reading a BEIR corpus failed: ") + e.what());
  }
}

Status read_beir_jsonl(const std::string& path,
                       const std::function<void(RawDocument&&)>& on_document,
                       const std::function<void(const LineError&)>& on_error) {
  try {
    unsigned char magic[2] = {0, 0};
    {
      std::unique_ptr<std::FILE, FileCloser> probe(std::fopen(path.c_str(), "rb"));
      if (!probe) return open_error(path, errno);
      size_t got = std::fread(magic, 1, sizeof magic, probe.get());
      if (got < sizeof magic && std::ferror(probe.get())) {
        return Status::io("cannot read " + path + ": read error");
      }
    }
    BeirLineParser parser(on_document, on_error);
    if (magic[0] == 0x1f && magic[1] == 0x8b) return read_gzip(path, &parser);
    return read_plain(path, &parser);
  } catch (const std::bad_alloc&) {
    return Status::internal("out of memory while reading " + path);
  } catch (const std::exception& e) {
    return Status::internal("reading " + path + " failed: " + e.what());
  }
}

}  // namespace ragd

// libFuzzer target: parse_html must return a Result, never crash, leak or hang, on any bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/loaders.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ragd::Result<ragd::RawDocument> doc = ragd::parse_html(bytes);
  if (doc.is_ok()) {
    for (const ragd::RawBlock& block : doc->blocks) {
      if (block.kind == ragd::BlockKind::kHeading ? block.level < 1 || block.level > 6
                                                  : block.level != 0) {
        __builtin_trap();  // the block structure contract does not hold
      }
    }
  }
  return 0;
}

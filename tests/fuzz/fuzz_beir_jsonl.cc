// libFuzzer target: parse_beir_jsonl must report each line as a document or an error with
// a line number inside the input, never crash, leak or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/loaders.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  uint64_t max_line = 1;
  for (char c : bytes) max_line += c == '\n';
  ragd::Status status = ragd::parse_beir_jsonl(
      bytes,
      [](ragd::RawDocument&& doc) {
        if (doc.external_id.empty() || doc.blocks.size() != 1) __builtin_trap();
      },
      [max_line](const ragd::LineError& error) {
        if (error.line < 1 || error.line > max_line || error.message.empty()) __builtin_trap();
      });
  if (!status.is_ok()) __builtin_trap();  // in-memory input can only fail on a bug
  return 0;
}

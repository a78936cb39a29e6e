// checksum64: a fast non-cryptographic 64-bit checksum of index files, to detect torn or
// corrupted writes (not tampering). Pure function, thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace ragd::lex {

uint64_t checksum64(std::string_view data);

}  // namespace ragd::lex

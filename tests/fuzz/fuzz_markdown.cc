// libFuzzer target: parse_markdown must return a Result, never crash, leak or hang, on any
// bytes, and what it returns must clean and chunk within their contracts.
#include "loader_fuzz.h"

RAGD_LOADER_FUZZ_TARGET(ragd::parse_markdown)

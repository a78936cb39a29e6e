// E-mail addresses and short display texts as AuthService accepts them: the format check
// and the case folding that make addresses unique across the deployment.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ragd::platform {

// ASCII letters lower-cased; every other byte (UTF-8 included) unchanged.
std::string fold_ascii_case(std::string_view text);

// One '@', a non-empty local part, a domain with an inner dot and no empty label, no
// spaces or control characters, at most 254 bytes.
bool valid_email(std::string_view email);

// True when `text` is valid UTF-8 of min_chars..max_chars code points without control
// characters (C0, DEL, C1): names of organisations, users and API keys.
bool valid_display_text(std::string_view text, size_t min_chars, size_t max_chars);

}  // namespace ragd::platform

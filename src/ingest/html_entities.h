// Decoding of HTML character references ("&amp;", "&#233;", "&#x1F600;") for loaders whose
// parser reports them undecoded (md4c). Covers every numeric reference and the named ones
// that occur in prose; gumbo decodes HTML documents itself. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ragd {

// Appends the decoded form of `entity` (the whole reference, "&" through ";") to `out`.
// Numeric references to NUL, surrogates or values past U+10FFFF decode to U+FFFD, as
// CommonMark requires. Returns false, appending nothing, for an unknown name.
bool decode_html_entity(std::string_view entity, std::string* out);

// Appends the UTF-8 encoding of `code_point` (U+FFFD when it is not a scalar value).
void append_utf8(char32_t code_point, std::string* out);

}  // namespace ragd

// Text cleaning applied to every loaded document before chunking.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ragd {

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or values > U+10FFFF).
bool is_valid_utf8(std::string_view text);

// Replaces each invalid UTF-8 sequence with U+FFFD.
std::string repair_utf8(std::string_view text);

// Repairs the common mojibake of UTF-8 that was decoded as Latin-1/Windows-1252 and
// re-encoded ("â€™" -> "’", "Ã©" -> "é"). Text without such sequences is returned as is.
std::string repair_mojibake(std::string_view text);

// The full cleaning pass, in order: invalid UTF-8 replaced, mojibake repaired, Unicode NFC,
// control characters stripped (tab and newline kept), runs of spaces/tabs collapsed to one
// space, trailing spaces on lines removed, three or more newlines collapsed to two, leading
// and trailing whitespace trimmed. Paragraph breaks ("\n\n") survive.
// Details: \r\n, \r, \f, \v, U+0085, U+2028 and U+2029 count as newlines; Unicode space
// separators (U+00A0, U+2000..U+200A, ...) count as spaces; soft hyphen, zero-width space,
// word joiner and BOM are removed; spaces at the start of a line are removed like trailing
// ones. The result is valid UTF-8 in NFC.
std::string clean_text(std::string_view text);

// clean_text for a single-line value (a title, a heading): all whitespace runs, newlines
// included, become one space.
std::string clean_line(std::string_view text);

// clean_text for preformatted text (code blocks): the same repairs, control stripping,
// newline handling and NFC, but spaces and tabs inside and at the start of lines are kept
// verbatim (only trailing spaces on lines and leading/trailing blank lines are removed).
std::string clean_preformatted(std::string_view text);

}  // namespace ragd

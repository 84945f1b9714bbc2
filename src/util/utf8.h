// UTF-8 at the edges: text from services, files and the environment is made
// valid UTF-8 on the way in, so nothing downstream (JSON output, the
// database) meets a byte sequence it cannot encode, and text is cut only
// between characters.
#pragma once

#include <string>
#include <string_view>

namespace refreshctl {

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);

// `text` with every byte that does not start a well-formed sequence replaced
// by U+FFFD, as WHATWG's decoder does (one U+FFFD per maximal invalid part).
std::string sanitize_utf8(std::string_view text);

// At most `max_bytes` of valid UTF-8 `text`, cut before a character that
// would not fit, with "…" appended when anything was cut (the ellipsis is
// not counted in `max_bytes`).
std::string cut_utf8(std::string_view text, size_t max_bytes);

// The length of the well-formed UTF-8 sequence at the front of `text`, or 0
// when it does not start with one.
size_t utf8_sequence_length(std::string_view text);

}  // namespace refreshctl

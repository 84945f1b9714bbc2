// Small text helpers shared by every layer.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace refreshctl {

// The closest candidate to `word` by edit distance, if it is close enough to
// be a likely typo; for "did you mean" hints.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

// ", did you mean \"x\"?" or "" — to append to an error message.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

std::string join(const std::vector<std::string>& parts, std::string_view separator);

// `text` made safe to print on a terminal for people: control characters
// (CR, LF, ESC and the rest of C0 and C1, DEL) and the Unicode controls that
// reorder or hide text (bidi overrides, zero-width marks) become visible
// escapes ("\r", "\x1b", "\u202e"), invalid UTF-8 becomes U+FFFD, and a
// backslash is doubled so an escape cannot be forged. A service's reply or a
// version can then neither move the cursor nor fake a line of output.
std::string escape_for_terminal(std::string_view text);

}  // namespace refreshctl

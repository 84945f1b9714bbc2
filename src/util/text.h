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

}  // namespace refreshctl

#include "util/text.h"

#include <fmt/format.h>

#include <algorithm>

#include "util/utf8.h"

namespace refreshctl {
namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    // A truncated name ("max_refresh" for "max_refresh_time") is a likely typo too.
    bool prefix = word.size() >= 4 && candidate.rfind(word, 0) == 0;
    size_t d = prefix ? 1 : edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  auto match = closest_match(word, candidates);
  return match ? ", did you mean \"" + *match + "\"?" : "";
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += separator;
    out += parts[i];
  }
  return out;
}

namespace {

// The code point of the well-formed sequence at the front of `text`.
char32_t decode(std::string_view text, size_t length) {
  auto b = [&](size_t i) { return static_cast<char32_t>(static_cast<unsigned char>(text[i])); };
  if (length == 1) return b(0);
  if (length == 2) return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
  if (length == 3) return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
}

// Invisible or reordering characters that can make printed text lie.
bool is_format_control(char32_t c) {
  return (c >= 0x80 && c <= 0x9F) ||                     // C1 controls (0x9B is CSI)
         (c >= 0x200B && c <= 0x200F) ||                 // zero-width, LRM, RLM
         (c >= 0x202A && c <= 0x202E) ||                 // bidi embeddings and overrides
         (c >= 0x2066 && c <= 0x2069) || c == 0x061C ||  // bidi isolates, ALM
         c == 0xFEFF || c == 0x2028 || c == 0x2029;      // BOM, line/paragraph separators
}

}  // namespace

std::string escape_for_terminal(std::string_view raw) {
  std::string text = sanitize_utf8(raw);
  std::string out;
  out.reserve(text.size());
  std::string_view rest(text);
  while (!rest.empty()) {
    size_t n = utf8_sequence_length(rest);
    char32_t c = decode(rest, n);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
    } else if (is_format_control(c)) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out.append(rest.substr(0, n));
    }
    rest.remove_prefix(n);
  }
  return out;
}

}  // namespace refreshctl

#include "report/html_text.h"

#include <fmt/format.h>

#include <cstdint>

namespace refreshctl::report {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The code point that starts at text[i] and its length in bytes, or a length
// of 0 when the bytes there are not valid UTF-8 (overlong forms, surrogates
// and values past U+10FFFF included).
struct Decoded {
  uint32_t code_point = 0;
  size_t length = 0;
};

Decoded decode(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  unsigned char lead = byte(0);
  if (lead < 0x80) return {lead, 1};
  size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (length == 0 || i + length > text.size()) return {};
  uint32_t cp = lead & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) {
    if (!is_continuation(byte(k))) return {};
    cp = (cp << 6) | (byte(k) & 0x3F);
  }
  static constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kSmallest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
  return {cp, length};
}

bool is_noncharacter(uint32_t cp) {
  return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

void append_ascii(std::string& out, char c) {
  switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    case '\t':
    case '\n':
      out += c;
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
        out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
      } else {
        out += c;
      }
  }
}

}  // namespace

void append_html(std::string& out, std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    Decoded d = decode(text, i);
    if (d.length == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (d.length == 1) {
      append_ascii(out, text[i]);
    } else if (d.code_point <= 0x9F) {
      out += fmt::format("\\u{:04x}", d.code_point);  // a C1 control
    } else if (is_noncharacter(d.code_point)) {
      out += kReplacement;
    } else {
      out.append(text.substr(i, d.length));
    }
    i += d.length;
  }
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_html(out, text);
  return out;
}

std::string shorten(std::string_view text, size_t max_chars) {
  auto starts_char = [&](size_t i) {
    return !is_continuation(static_cast<unsigned char>(text[i]));
  };
  size_t total = 0;
  for (size_t i = 0; i < text.size(); ++i) total += starts_char(i);
  if (total <= max_chars || max_chars == 0) return std::string(text);
  size_t chars = 0;
  size_t i = 0;
  for (; i < text.size(); ++i) {
    if (starts_char(i) && chars++ == max_chars - 1) break;
  }
  return std::string(text.substr(0, i)) + "\xE2\x80\xA6";  // U+2026
}

}  // namespace refreshctl::report

#include "text.h"

#include <cctype>
#include <cstdint>
#include <cstdio>

namespace example_service {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// A cursor over JSON text; each reader advances `at` past what it read.
struct JsonReader {
  std::string_view text;
  size_t at = 0;

  void skip_space() {
    while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
  }
  bool eat(char c) {
    skip_space();
    if (at >= text.size() || text[at] != c) return false;
    ++at;
    return true;
  }
  std::optional<std::string> string() {
    if (!eat('"')) return std::nullopt;
    std::string out;
    while (at < text.size() && text[at] != '"') {
      char c = text[at++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at >= text.size()) return std::nullopt;
      char e = text[at++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'u': {
          uint32_t cp = 0;
          for (int i = 0; i < 4; ++i) {
            int h = at < text.size() ? hex_value(text[at++]) : -1;
            if (h < 0) return std::nullopt;
            cp = cp * 16 + static_cast<uint32_t>(h);
          }
          append_utf8(cp, &out);
          break;
        }
        default:
          out += e;  // \" \\ \/
      }
    }
    if (at >= text.size()) return std::nullopt;
    ++at;
    return out;
  }
  // A number, boolean or null as its text; a nested object or array skipped
  // (returned as ""), honouring strings inside it.
  std::optional<std::string> value() {
    skip_space();
    if (at >= text.size()) return std::nullopt;
    if (text[at] == '"') return string();
    if (text[at] == '{' || text[at] == '[') return skip_nested();
    size_t start = at;
    while (at < text.size() && text[at] != ',' && text[at] != '}' &&
           !std::isspace(static_cast<unsigned char>(text[at])))
      ++at;
    if (at == start) return std::nullopt;
    return std::string(text.substr(start, at - start));
  }
  std::optional<std::string> skip_nested() {
    int depth = 0;
    do {
      if (at >= text.size()) return std::nullopt;
      char c = text[at];
      if (c == '"') {
        if (!string()) return std::nullopt;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') --depth;
      ++at;
    } while (depth > 0);
    return std::string();
  }
};

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 12) return std::nullopt;
  int64_t n = std::stoll(std::string(text.substr(0, digits)));
  std::string_view unit = text.substr(digits);
  if (unit == "ms") return std::chrono::milliseconds(n);
  if (unit == "s") return std::chrono::seconds(n);
  if (unit == "m") return std::chrono::minutes(n);
  if (unit == "h") return std::chrono::hours(n);
  return std::nullopt;
}

std::string url_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string json_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::optional<std::map<std::string, std::string>> parse_json_members(std::string_view text) {
  JsonReader r{text};
  std::map<std::string, std::string> members;
  if (!r.eat('{')) return std::nullopt;
  if (r.eat('}')) return members;
  do {
    auto key = r.string();
    if (!key || !r.eat(':')) return std::nullopt;
    auto value = r.value();
    if (!value) return std::nullopt;
    members[*key] = *value;
  } while (r.eat(','));
  if (!r.eat('}')) return std::nullopt;
  return members;
}

}  // namespace example_service

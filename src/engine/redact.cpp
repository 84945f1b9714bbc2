#include "engine/redact.h"

#include <algorithm>
#include <optional>

#include "util/encode.h"
#include "util/utf8.h"

namespace refreshctl::engine {
namespace {

constexpr size_t kMinSecret = 3;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<unsigned> hex4(std::string_view t, size_t at) {
  if (at + 4 > t.size()) return std::nullopt;
  unsigned v = 0;
  for (size_t i = 0; i < 4; ++i) {
    int h = hex_value(t[at + i]);
    if (h < 0) return std::nullopt;
    v = v * 16 + static_cast<unsigned>(h);
  }
  return v;
}

// The bytes of UTF-8 for code point `cp`.
std::string utf8_of(unsigned cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

// One decoded unit at `at` of `text`: the bytes it stands for and how many
// bytes of text it takes. A plain byte, %XX, "+" (a space), or a JSON escape.
struct Unit {
  std::string bytes;
  size_t length = 0;
};

// Every way the text at `at` can be read as one unit (a "+" is itself or a
// space; a "\u00e9" is é).
void units_at(std::string_view t, size_t at, std::vector<Unit>* out) {
  out->clear();
  char c = t[at];
  out->push_back(Unit{std::string(1, c), 1});
  if (c == '+') out->push_back(Unit{" ", 1});
  if (c == '%' && at + 2 < t.size()) {
    int hi = hex_value(t[at + 1]), lo = hex_value(t[at + 2]);
    if (hi >= 0 && lo >= 0)
      out->push_back(Unit{std::string(1, static_cast<char>(hi * 16 + lo)), 3});
  }
  if (c == '\\' && at + 1 < t.size()) {
    char e = t[at + 1];
    static const std::string_view kFrom = "\"\\/bfnrt";
    static const std::string_view kTo = "\"\\/\b\f\n\r\t";
    if (size_t k = kFrom.find(e); k != std::string_view::npos) {
      out->push_back(Unit{std::string(1, kTo[k]), 2});
    } else if (e == 'u') {
      if (auto cp = hex4(t, at + 2)) {
        if (*cp >= 0xD800 && *cp <= 0xDBFF && at + 12 <= t.size() && t[at + 6] == '\\' &&
            t[at + 7] == 'u') {
          if (auto lo = hex4(t, at + 8); lo && *lo >= 0xDC00 && *lo <= 0xDFFF) {
            unsigned full = 0x10000 + ((*cp - 0xD800) << 10) + (*lo - 0xDC00);
            out->push_back(Unit{utf8_of(full), 12});
          }
        } else if (*cp < 0xD800 || *cp > 0xDFFF) {
          out->push_back(Unit{utf8_of(*cp), 6});
          // A service may \u-escape single bytes (\u00ff for byte 0xFF).
          if (*cp >= 0x80 && *cp <= 0xFF)
            out->push_back(Unit{std::string(1, static_cast<char>(*cp)), 6});
        }
      }
    }
  }
}

// A search for one occurrence of `secret` starting at `start` of `t`, in
// any mix of the encodings units_at() reads. Several readings of the text
// can match the same part of the secret (a run of backslashes is raw bytes
// or JSON escapes), so (text position, secret position) pairs that failed
// once are remembered: the search is polynomial, never exponential.
class Matcher {
 public:
  Matcher(std::string_view t, std::string_view secret, size_t start)
      : t_(t), secret_(secret), start_(start) {}

  // The length of text from start that decodes to the secret, or npos.
  size_t run() { return match(start_, 0); }

 private:
  size_t match(size_t at, size_t k) {
    if (k == secret_.size()) return 0;
    if (at >= t_.size()) return std::string_view::npos;
    size_t key = (at - start_) * (secret_.size() + 1) + k;
    if (failed_.size() <= key) failed_.resize(key + 1, false);
    if (failed_[key]) return std::string_view::npos;
    std::vector<Unit> units;
    units_at(t_, at, &units);
    for (const auto& u : units) {
      if (secret_.compare(k, u.bytes.size(), u.bytes) != 0) continue;
      size_t rest = match(at + u.length, k + u.bytes.size());
      if (rest != std::string_view::npos) return u.length + rest;
    }
    failed_[key] = true;
    return std::string_view::npos;
  }

  std::string_view t_;
  std::string_view secret_;
  size_t start_;
  std::vector<bool> failed_;
};

// The base64 texts that must appear wherever `secret` is base64-encoded
// inside a longer string, at each of the three alignments: the characters
// whose six bits all come from the secret's bytes.
std::vector<std::string> base64_cores(const std::string& secret) {
  std::vector<std::string> out;
  for (int url_safe = 0; url_safe < 2; ++url_safe) {
    for (size_t shift = 0; shift < 3; ++shift) {
      // Zero bytes around the secret complete the groups; the characters
      // they touch are dropped below.
      std::string padded = std::string(shift, '\0') + secret + std::string(3, '\0');
      std::string encoded = base64_encode(padded, url_safe == 1);
      size_t first = (8 * shift + 5) / 6;              // first character inside
      size_t end = (8 * (shift + secret.size())) / 6;  // one past the last inside
      if (end > first) out.push_back(encoded.substr(first, end - first));
    }
  }
  return out;
}

// Marks [begin, end) of every occurrence of `secret` in any form.
void mark(std::string_view t, const std::string& secret, std::vector<bool>* marked) {
  for (size_t at = 0; at < t.size(); ++at) {
    char c = t[at];
    if (c != secret[0] && c != '%' && c != '\\' && c != '+') continue;  // the common case, fast
    size_t n = Matcher(t, secret, at).run();
    if (n == std::string_view::npos || n == 0) continue;
    std::fill(marked->begin() + static_cast<long>(at), marked->begin() + static_cast<long>(at + n),
              true);
  }
  for (const auto& core : base64_cores(secret)) {
    if (core.size() < 4) continue;
    for (size_t at = t.find(core); at != std::string_view::npos; at = t.find(core, at + 1)) {
      std::fill(marked->begin() + static_cast<long>(at),
                marked->begin() + static_cast<long>(at + core.size()), true);
    }
  }
}

}  // namespace

std::string redact(std::string_view text, const std::vector<std::string>& secrets) {
  std::vector<bool> marked(text.size(), false);
  bool any = false;
  for (const auto& secret : secrets) {
    if (secret.size() < kMinSecret) continue;
    mark(text, secret, &marked);
    any = true;
  }
  if (!any) return std::string(text);
  // Each run of marked bytes becomes one "***"; what remains was never part
  // of an occurrence, so no secret without '*' can span it.
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (!marked[i]) {
      out += text[i];
    } else if (i == 0 || !marked[i - 1]) {
      out += "***";
    }
  }
  return out;
}

const std::string* find_secret(std::string_view text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.size() < kMinSecret || secret.find('*') != std::string::npos) continue;
    std::vector<bool> marked(text.size(), false);
    mark(text, secret, &marked);
    if (std::find(marked.begin(), marked.end(), true) != marked.end()) return &secret;
  }
  return nullptr;
}

}  // namespace refreshctl::engine

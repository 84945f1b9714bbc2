// libFuzzer target for redaction. Input: 1 byte choosing an encoding, 1 byte
// of split, then bytes that are cut into a secret and surrounding text. The
// secret is written into the text in the chosen encoding (raw,
// percent-encoded upper or lower case, form-encoded, JSON-escaped with or
// without \/, \u-escaped, base64 or base64url of the secret with bytes
// around it) and redacted. Property: no encoding of the secret survives
// (checked by encoding it again here, independently of redact.cpp), and the
// text around it that holds no secret is kept.
#include <cstdint>
#include <string>

#include "engine/redact.h"
#include "fuzz_check.h"
#include "util/encode.h"

using namespace refreshctl;
using refreshctl::engine::redact;
using refreshctl::fuzz::check;

namespace {

std::string lower_hex(std::string s) {
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    if (s[i] != '%') continue;
    s[i + 1] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i + 1])));
    s[i + 2] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i + 2])));
  }
  return s;
}

std::string json_slash(std::string s) {
  std::string out;
  for (char c : s) out += c == '/' ? std::string("\\/") : std::string(1, c);
  return out;
}

std::string unicode_escape(const std::string& s) {
  std::string out;
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char c : s) {
    if (c < 0x80) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// The base64 characters fully determined by the secret, as base64 of
// before + secret + after shows them.
std::string base64_core(const std::string& before, const std::string& secret, bool url_safe) {
  std::string encoded = base64_encode(before + secret + std::string(3, 'A'), url_safe);
  size_t bits_from = before.size() * 8, bits_to = (before.size() + secret.size()) * 8;
  size_t first = (bits_from + 5) / 6, end = bits_to / 6;
  return end > first ? encoded.substr(first, end - first) : "";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  uint8_t kind = data[0] % 9;
  std::string rest(reinterpret_cast<const char*>(data + 2), size - 2);
  size_t split = std::min<size_t>(data[1] % 32 + 4, rest.size());
  std::string secret = rest.substr(0, split);
  std::string around = rest.substr(split);
  if (secret.size() < 4 || secret.find('*') != std::string::npos) return 0;
  std::string before = around.substr(0, around.size() / 2),
              after = around.substr(around.size() / 2);
  std::string encoded;
  switch (kind) {
    case 0:
      encoded = secret;
      break;
    case 1:
      encoded = percent_encode(secret);
      break;
    case 2:
      encoded = lower_hex(percent_encode(secret));
      break;
    case 3:
      encoded = percent_encode(secret, " ");
      for (char& c : encoded)
        if (c == ' ') c = '+';
      break;
    case 4:
      encoded = json_escape(secret);
      break;
    case 5:
      encoded = json_slash(json_escape(secret));
      break;
    case 6:
      encoded = unicode_escape(secret);
      break;
    case 7:
      encoded = base64_encode(before + secret + after);
      break;
    default:
      encoded = base64_encode(before + secret + after, true);
      break;
  }
  std::vector<std::string> secrets{secret};
  std::string text = kind >= 7 ? "auth: " + encoded + " end" : before + encoded + after;
  std::string out = redact(text, secrets);
  check(out.find(secret) == std::string::npos, "the raw secret survives");
  if (kind >= 7) {
    std::string core = base64_core(before, secret, kind == 8);
    check(core.size() < 4 || out.find(core) == std::string::npos,
          "the base64 of the secret survives");
  } else {
    check(out.find(encoded) == std::string::npos, "an encoding of the secret survives");
  }
  check(engine::find_secret(out, secrets) == nullptr, "redact and find_secret agree");
  // Redacting again changes nothing: what is left holds no secret.
  check(redact(out, secrets) == out, "redaction is idempotent");
  return 0;
}

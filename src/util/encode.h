// Encodings of a value for where it stands: in a URL, inside a JSON string,
// as base64. Used by templates to insert values safely and by redaction to
// find a secret in the forms a service may echo it in.
#pragma once

#include <string>
#include <string_view>

namespace refreshctl {

// Percent-encodes every byte except the unreserved characters of RFC 3986
// (A-Z a-z 0-9 - . _ ~) and those in `keep`. Hex digits are upper case.
std::string percent_encode(std::string_view text, std::string_view keep = "");

// The body of a JSON string for `text` (without the quotes): `"` and `\`
// escaped, control characters as \n, \t or \u00XX. `text` is valid UTF-8.
std::string json_escape(std::string_view text);

// Standard base64 (RFC 4648 §4) with padding; url_safe: §5 alphabet.
std::string base64_encode(std::string_view data, bool url_safe = false);

// True when `text` is a JSON number, true, false or null: a value that may
// stand outside a string in a JSON document.
bool is_json_scalar_literal(std::string_view text);

}  // namespace refreshctl

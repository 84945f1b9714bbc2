// Redaction: no resolved secret reaches the database, a log line or the
// terminal, in any form a service may echo it in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace refreshctl::engine {

// Replaces with "***" every occurrence in `text` of each secret, also when
// the occurrence is written
//  - percent-encoded, wholly or in part, in upper or lower case hex, or with
//    "+" for a space (a URL or a form body echoed back);
//  - JSON-escaped (\", \\, \/, \n, \u00e9, surrogate pairs), in any mix with
//    the above;
//  - base64 or base64url, at any of the three alignments (a Basic
//    credential "user:secret" echoed back, a JWT).
// Secrets shorter than 3 bytes are not looked for: they would mangle
// ordinary text. Text and secrets are byte strings.
std::string redact(std::string_view text, const std::vector<std::string>& secrets);

// The property redact() keeps, for tests and the fuzzer: no secret of at
// least 3 bytes without a '*' appears in `text` in any form above. Returns
// the first secret found, or nullptr.
const std::string* find_secret(std::string_view text, const std::vector<std::string>& secrets);

}  // namespace refreshctl::engine

// Small text helpers of the example service: durations, URL decoding and the
// tiny subset of JSON it reads and writes. No dependencies beyond the standard
// library, so the service builds anywhere.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace example_service {

// "250ms", "5s", "2m", "1h" → milliseconds; nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// Percent-decoding of a query component; '+' is a space.
std::string url_decode(std::string_view text);

// `text` as a quoted JSON string.
std::string json_quote(std::string_view text);

// The string, number and boolean members of a flat JSON object, as text
// ({"type": "sales", "n": 3} → type=sales, n=3). Nested values are skipped;
// nullopt when `text` is not a JSON object.
std::optional<std::map<std::string, std::string>> parse_json_members(std::string_view text);

}  // namespace example_service

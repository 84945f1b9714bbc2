#include "util/duration.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdint>

namespace refreshctl {
namespace {

constexpr int64_t kMs = 1;
constexpr int64_t kSecond = 1000 * kMs;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;

int64_t unit_of(std::string_view unit) {
  if (unit == "ms") return kMs;
  if (unit == "s") return kSecond;
  if (unit == "m") return kMinute;
  if (unit == "h") return kHour;
  if (unit == "d") return kDay;
  return 0;
}

Error bad_duration(std::string_view text) {
  return make_error(fmt::format("\"{}\" is not a duration (use 250ms, 90s, 5m, 2h, 1d)", text));
}

}  // namespace

Result<Millis> parse_duration(std::string_view text) {
  if (text.empty()) return bad_duration(text);
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t digits_start = i;
    int64_t number = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      number = number * 10 + (text[i] - '0');
      if (number > 100'000'000) return bad_duration(text);
      ++i;
    }
    if (i == digits_start) return bad_duration(text);
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    int64_t unit = unit_of(text.substr(unit_start, i - unit_start));
    if (unit == 0) return bad_duration(text);
    total += number * unit;
    if (total > 3650 * kDay) {
      return make_error(fmt::format("\"{}\" is longer than ten years", text));
    }
  }
  return Millis(total);
}

std::string format_duration(Millis d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  for (auto [unit, name] :
       {std::pair{kDay, "d"}, {kHour, "h"}, {kMinute, "m"}, {kSecond, "s"}, {kMs, "ms"}}) {
    if (ms >= unit) {
      out += fmt::format("{}{}", ms / unit, name);
      ms %= unit;
    }
  }
  return out;
}

std::string format_elapsed(Millis d) {
  if (d < std::chrono::seconds(1)) return fmt::format("{}ms", d.count());
  if (d < std::chrono::minutes(1))
    return fmt::format("{:.1f}s", static_cast<double>(d.count()) / 1000);
  return format_duration(std::chrono::duration_cast<std::chrono::seconds>(d));
}

}  // namespace refreshctl

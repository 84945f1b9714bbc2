// Time as refreshctl sees it: UTC time points in milliseconds, a Clock that
// can be replaced in tests, and RFC 3339 text.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace refreshctl {

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

// Where "now" comes from. Production uses SystemClock; tests pass a fake.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock : public Clock {
 public:
  TimePoint now() const override;
};

// A clock that returns what it is set to; for tests and `--at`.
class FixedClock : public Clock {
 public:
  explicit FixedClock(TimePoint t) : t_(t) {}
  TimePoint now() const override { return t_; }
  void set(TimePoint t) { t_ = t; }
  void advance(std::chrono::milliseconds d) { t_ += d; }

 private:
  TimePoint t_;
};

// "2026-11-23T02:30:00Z"; milliseconds are shown only when not zero.
std::string format_rfc3339(TimePoint t);

// Accepts "2026-11-23T02:30:00Z", "...+08:00", fractional seconds, a space
// instead of 'T', and a bare date "2026-11-23" (midnight UTC).
Result<TimePoint> parse_rfc3339(std::string_view text);

// An HTTP date in the preferred form of RFC 9110 §5.6.7 (IMF-fixdate,
// "Sun, 06 Nov 1994 08:49:37 GMT"); nullopt for anything else.
std::optional<TimePoint> parse_http_date(std::string_view text);

}  // namespace refreshctl

#include "util/time.h"

#include <date/date.h>
#include <fmt/format.h>

#include <cstdio>
#include <cstring>

namespace refreshctl {

TimePoint SystemClock::now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

namespace {

// `value` as exactly `width` decimal digits at `out`, zero-padded.
char* put_digits(char* out, long value, int width) {
  for (int i = width - 1; i >= 0; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
  return out + width;
}

}  // namespace

// By hand rather than date::format, which builds an ostringstream per call,
// or fmt::format, which parses its format string per call: run and history
// print one of these for every refresh and every state change.
std::string format_rfc3339(TimePoint t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  date::year_month_day ymd{date::sys_days{day}};
  auto in_day = t - day;
  auto h = floor<hours>(in_day);
  auto m = floor<minutes>(in_day - h);
  auto s = floor<seconds>(in_day - h - m);
  auto ms = (in_day - h - m - s).count();
  int year = static_cast<int>(ymd.year());
  auto month = static_cast<unsigned>(ymd.month());
  auto mday = static_cast<unsigned>(ymd.day());
  char text[32];  // 2026-11-23T02:30:00.500Z; a year of up to 11 characters
  // A year of other than four digits as fmt writes it: -001, 10000.
  char* p =
      year >= 0 && year <= 9999 ? put_digits(text, year, 4) : fmt::format_to(text, "{:04}", year);
  *p++ = '-';
  p = put_digits(p, month, 2);
  *p++ = '-';
  p = put_digits(p, mday, 2);
  *p++ = 'T';
  p = put_digits(p, h.count(), 2);
  *p++ = ':';
  p = put_digits(p, m.count(), 2);
  *p++ = ':';
  p = put_digits(p, s.count(), 2);
  if (ms != 0) {
    *p++ = '.';
    p = put_digits(p, ms, 3);
  }
  *p++ = 'Z';
  return std::string(text, p);
}

Result<TimePoint> parse_rfc3339(std::string_view text) {
  std::string s(text);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, consumed = 0;
  auto bad = [&] {
    return make_error(fmt::format(
        "\"{}\" is not a time (use RFC 3339, as 2026-11-23T02:30:00Z or 2026-11-23)", text));
  };
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3) return bad();
  using namespace std::chrono;
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return bad();
  TimePoint base = time_point_cast<milliseconds>(date::sys_days{ymd});
  size_t i = static_cast<size_t>(consumed);
  if (i == s.size()) return base;
  if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return bad();
  ++i;
  int n = 0;
  if (std::sscanf(s.c_str() + i, "%2d:%2d:%2d%n", &h, &mi, &sec, &n) != 3) return bad();
  if (h > 23 || mi > 59 || sec > 60) return bad();
  i += static_cast<size_t>(n);
  milliseconds frac{0};
  if (i < s.size() && s[i] == '.') {
    ++i;
    int digits = 0, value = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      if (digits < 3) value = value * 10 + (s[i] - '0'), ++digits;
      ++i;
    }
    if (digits == 0) return bad();
    while (digits < 3) value *= 10, ++digits;
    frac = milliseconds(value);
  }
  minutes offset{0};
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh = 0, om = 0;
    if (std::sscanf(s.c_str() + i + 1, "%2d:%2d%n", &oh, &om, &n) != 2) return bad();
    offset = hours(oh) + minutes(om);
    if (s[i] == '-') offset = -offset;
    i += 1 + static_cast<size_t>(n);
  } else {
    return bad();
  }
  if (i != s.size()) return bad();
  return base + hours(h) + minutes(mi) + seconds(sec) + frac - offset;
}

std::optional<TimePoint> parse_http_date(std::string_view text) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::string s(text);
  char weekday[4] = "", month[4] = "";
  int d = 0, y = 0, h = 0, mi = 0, sec = 0, consumed = 0;
  if (std::sscanf(s.c_str(), "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d GMT%n", weekday, &d, month,
                  &y, &h, &mi, &sec, &consumed) != 7 ||
      static_cast<size_t>(consumed) != s.size()) {
    return std::nullopt;
  }
  int mo = 0;
  for (int i = 0; i < 12; ++i) {
    if (std::strcmp(month, kMonths[i]) == 0) mo = i + 1;
  }
  using namespace std::chrono;
  auto ymd =
      date::year(y) / date::month(static_cast<unsigned>(mo)) / date::day(static_cast<unsigned>(d));
  if (mo == 0 || !ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  return TimePoint(date::sys_days(ymd) + hours(h) + minutes(mi) + seconds(sec));
}

}  // namespace refreshctl

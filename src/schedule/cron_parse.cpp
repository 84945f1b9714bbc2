// Parsing of cron expressions into CronFields. Every error names the field
// and says what it allows: "hour 24 is out of range 0-23".
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "schedule/cron_fields.h"
#include "util/text.h"

namespace refreshctl::schedule {
namespace {

const std::vector<std::string> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                              "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
const std::vector<std::string> kDayNames = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

struct FieldSpec {
  const char* name;
  int min;
  int max;
  const std::vector<std::string>* names;  // nullptr: numbers only
  int first_name_value;                   // the value of names[0]
  const char* names_hint;                 // "JAN-DEC"
};

const FieldSpec kSecond{"second", 0, 59, nullptr, 0, ""};
const FieldSpec kMinute{"minute", 0, 59, nullptr, 0, ""};
const FieldSpec kHour{"hour", 0, 23, nullptr, 0, ""};
const FieldSpec kDayOfMonth{"day-of-month", 1, 31, nullptr, 0, ""};
const FieldSpec kMonth{"month", 1, 12, &kMonthNames, 1, "JAN-DEC"};
const FieldSpec kDayOfWeek{"day-of-week", 0, 7, &kDayNames, 0, "SUN-SAT"};

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

// A number of at most 6 digits (longer is out of range anyway); -1 if none.
int to_int(std::string_view s) {
  if (!all_digits(s)) return -1;
  if (s.size() > 6) return 1000000;
  return std::stoi(std::string(s));
}

Error not_a_value(const FieldSpec& f, std::string_view token) {
  if (f.names == nullptr) {
    return make_error(
        fmt::format("{} \"{}\" is not a number (use {}-{})", f.name, token, f.min, f.max));
  }
  return make_error(fmt::format("{} \"{}\" is not a number or name (use {}-{} or {}){}", f.name,
                                token, f.min, f.max, f.names_hint,
                                did_you_mean(upper(token), *f.names)));
}

// One value: a number in range or a name.
Result<int> parse_value(const FieldSpec& f, std::string_view token) {
  if (all_digits(token)) {
    int v = to_int(token);
    if (v < f.min || v > f.max) {
      return make_error(fmt::format("{} {} is out of range {}-{}", f.name, token, f.min, f.max));
    }
    return v;
  }
  if (f.names != nullptr) {
    auto it = std::find(f.names->begin(), f.names->end(), upper(token));
    if (it != f.names->end()) return f.first_name_value + static_cast<int>(it - f.names->begin());
  }
  return not_a_value(f, token);
}

// `*`, `?`, `a`, `a-b`, each with an optional `/step`; the values go to `set`.
Result<void> parse_range(const FieldSpec& f, std::string_view item, std::vector<int>& set) {
  std::string_view base = item;
  int step = 1;
  bool has_step = false;
  if (auto slash = item.find('/'); slash != std::string_view::npos) {
    base = item.substr(0, slash);
    std::string_view step_text = item.substr(slash + 1);
    step = to_int(step_text);
    if (step < 1) {
      return make_error(fmt::format("{} step \"{}\" in \"{}\" must be a number of at least 1",
                                    f.name, step_text, item));
    }
    has_step = true;
  }
  int lo = f.min, hi = f.max;
  if (base == "*" || base == "?") {
    // the whole range
  } else if (auto dash = base.find('-'); dash != std::string_view::npos && dash > 0) {
    if (dash + 1 == base.size()) {
      return make_error(
          fmt::format("{} range \"{}\" needs a number on both sides of '-'", f.name, base));
    }
    auto a = parse_value(f, base.substr(0, dash));
    if (!a) return std::move(a).take_error();
    auto b = parse_value(f, base.substr(dash + 1));
    if (!b) return std::move(b).take_error();
    lo = *a, hi = *b;
    if (&f == &kDayOfWeek && hi == 0 && lo > 0) hi = 7;  // "FRI-SUN" ends on Sunday
    if (lo > hi) {
      return make_error(fmt::format("{} range {} goes backwards (write {}-{},{}-{} or a list)",
                                    f.name, base, lo, f.max, f.min, hi));
    }
  } else {
    auto v = parse_value(f, base);
    if (!v) return std::move(v).take_error();
    lo = *v;
    hi = has_step ? f.max : *v;  // "5/15" is "5-max/15", as in Quartz
  }
  if (base == "?" && has_step) return not_a_value(f, item);
  for (int v = lo; v <= hi; v += step) set.push_back(v);
  return {};
}

// The day-of-month items of Quartz: L, L-n, nW, LW.
Result<bool> parse_day_of_month_special(std::string_view item, CronFields& out) {
  std::string u = upper(item);
  if (u == "L") {
    out.days_before_last.set(0);
    return true;
  }
  if (u == "LW") {
    out.last_weekday_of_month = true;
    return true;
  }
  if (u.size() > 2 && u.compare(0, 2, "L-") == 0) {
    int n = to_int(u.substr(2));
    if (n < 0 || n > 30) {
      return make_error(fmt::format(
          "day-of-month \"{}\" is not L-n with n in 0-30 (days before the last day)", item));
    }
    out.days_before_last.set(static_cast<size_t>(n));
    return true;
  }
  if (u.size() > 1 && u.back() == 'W' && all_digits(u.substr(0, u.size() - 1))) {
    auto day = parse_value(kDayOfMonth, u.substr(0, u.size() - 1));
    if (!day) return std::move(day).take_error();
    out.nearest_weekday.set(static_cast<size_t>(*day));
    return true;
  }
  return false;
}

// The day-of-week items of Quartz, with Sunday as 0 or 7: nL, n#k.
Result<bool> parse_day_of_week_special(std::string_view item, CronFields& out) {
  std::string u = upper(item);
  if (u.size() > 1 && u.back() == 'L') {
    auto day = parse_value(kDayOfWeek, u.substr(0, u.size() - 1));
    if (!day) return std::move(day).take_error();
    out.last_in_month.set(static_cast<size_t>(*day % 7));
    return true;
  }
  if (auto hash = u.find('#'); hash != std::string::npos) {
    auto day = parse_value(kDayOfWeek, u.substr(0, hash));
    if (!day) return std::move(day).take_error();
    int k = to_int(u.substr(hash + 1));
    if (k < 1 || k > 5) {
      return make_error(
          fmt::format("day-of-week \"{}\" needs a week number 1-5 after '#' (FRI#3 is the third "
                      "Friday)",
                      item));
    }
    out.nth_in_month[static_cast<size_t>(*day % 7)] |= static_cast<std::uint8_t>(1u << (k - 1));
    return true;
  }
  if (u == "L") {
    return make_error(
        "day-of-week \"L\" needs a day before it (5L is the last Friday; use L in day-of-month "
        "for the last day)");
  }
  return false;
}

template <size_t N>
Result<void> parse_field(const FieldSpec& f,
                         std::string_view text,
                         std::bitset<N>& bits,
                         CronFields& out) {
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view item = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (item.empty()) {
      return make_error(fmt::format("{} \"{}\" has an empty list item", f.name, text));
    }
    if ((item == "?" || item.find('?') != std::string_view::npos) && &f != &kDayOfMonth &&
        &f != &kDayOfWeek) {
      return make_error(fmt::format(
          "{} \"{}\": '?' is only allowed in day-of-month and day-of-week", f.name, text));
    }
    Result<bool> special = false;
    if (&f == &kDayOfMonth) special = parse_day_of_month_special(item, out);
    if (&f == &kDayOfWeek) special = parse_day_of_week_special(item, out);
    if (!special) return std::move(special).take_error();
    if (!*special) {
      std::vector<int> values;
      RCTL_TRY(parse_range(f, item, values));
      for (int v : values) bits.set(static_cast<size_t>(v % static_cast<int>(N)));
    }
    if (comma == std::string_view::npos) return {};
    start = comma + 1;
  }
}

std::vector<std::string_view> split_fields(std::string_view text) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  return fields;
}

Result<std::string_view> expand_alias(std::string_view word) {
  static const std::vector<std::pair<std::string, std::string_view>> kAliases = {
      {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
      {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
      {"@hourly", "0 * * * *"}};
  std::string lower(word);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::vector<std::string> names;
  for (const auto& [name, fields] : kAliases) {
    if (name == lower) return fields;
    names.push_back(name);
  }
  return make_error(
      fmt::format("unknown schedule \"{}\" (use @yearly, @annually, @monthly, "
                  "@weekly, @daily, @midnight or @hourly){}",
                  word, did_you_mean(lower, names)));
}

// "2026", "2026-2030", "2026,2027": what Quartz's optional last field holds.
bool looks_like_year(std::string_view field) {
  static const std::regex year(R"(^(19|20|21)[0-9]{2}([-,/][0-9]{1,4})*$)");
  return std::regex_match(std::string(field), year);
}

// Quartz (and AWS) write a year last. Without this check a six-field Quartz
// expression would be read with its fields shifted, and the error would name
// the wrong field ("month \"MON\" is not a number").
Result<void> refuse_year_field(const std::vector<std::string_view>& fields) {
  if (fields.size() == 7 && (looks_like_year(fields[6]) || fields[6] == "*")) {
    return make_error(fmt::format(
        "expected 5 or 6 fields, got 7: a seventh field (Quartz's year, here \"{}\") is not "
        "supported; drop it",
        fields[6]));
  }
  if (fields.size() == 6 && looks_like_year(fields[5])) {
    return make_error(
        fmt::format("the last field \"{}\" looks like a year, and a year field is not supported; "
                    "six fields are second minute hour day-of-month month day-of-week",
                    fields[5]));
  }
  return {};
}

}  // namespace

Result<CronFields> parse_cron_fields(std::string_view expression) {
  auto fields = split_fields(expression);
  if (fields.size() == 1 && fields[0].front() == '@') {
    auto expanded = expand_alias(fields[0]);
    if (!expanded) return std::move(expanded).take_error();
    fields = split_fields(*expanded);
  }
  RCTL_TRY(refuse_year_field(fields));
  if (fields.size() != 5 && fields.size() != 6) {
    return make_error(fmt::format("expected 5 or 6 fields, got {}", fields.size()));
  }
  CronFields out;
  size_t i = 0;
  if (fields.size() == 6) {
    RCTL_TRY(parse_field(kSecond, fields[i++], out.seconds, out));
  } else {
    out.seconds.set(0);
  }
  RCTL_TRY(parse_field(kMinute, fields[i++], out.minutes, out));
  out.hour_star = fields[i].front() == '*';
  RCTL_TRY(parse_field(kHour, fields[i++], out.hours, out));
  out.dom_star = fields[i].front() == '*' || fields[i].front() == '?';
  RCTL_TRY(parse_field(kDayOfMonth, fields[i++], out.days, out));
  RCTL_TRY(parse_field(kMonth, fields[i++], out.months, out));
  out.dow_star = fields[i].front() == '*' || fields[i].front() == '?';
  RCTL_TRY(parse_field(kDayOfWeek, fields[i++], out.weekdays, out));
  return out;
}

}  // namespace refreshctl::schedule

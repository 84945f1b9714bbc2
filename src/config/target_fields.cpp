#include "config/target_fields.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "config/target_file.h"
#include "config/template.h"
#include "schedule/cron.h"
#include "util/duration.h"
#include "util/text.h"
#include "util/time.h"

namespace refreshctl::config_detail {
namespace {

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date or time";
  }
}

Error wrong_type(const toml::node& node, const char* expected) {
  return make_error(fmt::format("expected {}, got {}", expected, type_name(node)));
}

Result<std::string> read_string(const toml::node& node) {
  if (auto s = node.value<std::string>(); s && node.is_string()) return *s;
  return wrong_type(node, "a string");
}

Result<int64_t> read_int(const toml::node& node, int64_t min, int64_t max) {
  if (!node.is_integer()) return wrong_type(node, "an integer");
  int64_t v = *node.value<int64_t>();
  if (v < min || v > max) return make_error(fmt::format("{} is out of range {}-{}", v, min, max));
  return v;
}

Result<std::vector<std::string>> read_strings(const toml::node& node) {
  const auto* array = node.as_array();
  if (array == nullptr) return wrong_type(node, "an array of strings");
  std::vector<std::string> out;
  for (const auto& item : *array) {
    if (!item.is_string()) return wrong_type(item, "an array of strings");
    out.push_back(*item.value<std::string>());
  }
  return out;
}

Result<std::vector<int>> read_codes(const toml::node& node) {
  const auto* array = node.as_array();
  if (array == nullptr) return wrong_type(node, "an array of HTTP status codes");
  std::vector<int> out;
  for (const auto& item : *array) {
    auto code = read_int(item, 100, 599);
    if (!code.ok()) return make_error("HTTP status codes are integers from 100 to 599");
    out.push_back(static_cast<int>(*code));
  }
  if (out.empty()) return make_error("the list is empty");
  return out;
}

Result<Millis> read_duration(const toml::node& node, Millis min) {
  auto text = read_string(node);
  if (!text.ok()) return make_error("expected a duration string such as \"90s\" or \"5m\"");
  auto d = parse_duration(*text);
  if (!d.ok()) return std::move(d).take_error();
  if (*d < min) {
    return make_error(
        fmt::format("\"{}\" is too short (at least {})", *text, format_duration(min)));
  }
  return *d;
}

Result<void> check_json_pointer(const std::string& pointer) {
  try {
    nlohmann::json::json_pointer p(pointer);
  } catch (const nlohmann::json::exception&) {
    return make_error(fmt::format(
        "\"{}\" is not a JSON pointer (use \"/status\" or \"/job/id\"; empty for none)", pointer));
  }
  return {};
}

// Control characters have no place in a URL, a header or a version: CR and LF
// there would end the request line or a header and start another.
Result<void> refuse_control_characters(const std::string& text, const char* what) {
  size_t at = find_control_character(text);
  if (at == std::string::npos) return {};
  return make_error(fmt::format(
      "{} holds a control character (byte 0x{:02X} at offset {}); CR, LF, NUL and the other "
      "control characters are refused so that nothing can be smuggled into a request",
      what, static_cast<unsigned>(static_cast<unsigned char>(text[at])), at));
}

Result<void> check_url(const std::string& url, bool allow_job_id) {
  RCTL_TRY(check_template(url, allow_job_id));
  RCTL_TRY(refuse_control_characters(url, "the URL"));
  if (url.rfind("${", 0) == 0) return {};  // the scheme comes from a reference
  static const std::regex http_url(R"(^https?://[^/\s]+.*$)", std::regex::icase);
  if (!std::regex_match(url, http_url)) {
    return make_error(fmt::format("\"{}\" is not an http:// or https:// URL", url));
  }
  return {};
}

Result<std::string> read_follow_redirects(const toml::node& node) {
  auto s = read_string(node);
  if (!s.ok()) return s;
  static const std::vector<std::string> kinds{"same-host", "any", "none"};
  for (const auto& known : kinds) {
    if (*s == known) return s;
  }
  return make_error(fmt::format("\"{}\" is not a redirect rule (use {}){}", *s, join(kinds, ", "),
                                did_you_mean(*s, kinds)));
}

Result<std::string> read_method(const toml::node& node) {
  auto m = read_string(node);
  if (!m.ok()) return m;
  static const std::vector<std::string> methods{"GET", "POST", "PUT", "PATCH", "DELETE"};
  for (const auto& known : methods) {
    if (*m == known) return m;
  }
  return make_error(fmt::format("\"{}\" is not an HTTP method (use {}){}", *m, join(methods, ", "),
                                did_you_mean(*m, methods)));
}

Result<HeaderList> read_headers(const toml::node& node, bool allow_job_id) {
  const auto* table = node.as_table();
  if (table == nullptr) return wrong_type(node, "a table of header names and values");
  static const std::regex token(R"(^[!#$%&'*+.^_`|~0-9A-Za-z-]+$)");
  HeaderList out;
  for (const auto& [key, value] : *table) {
    std::string name(key.str());
    if (!std::regex_match(name, token)) {
      return make_error(fmt::format("\"{}\" is not a valid header name", name));
    }
    auto v = read_string(value);
    if (!v.ok()) return make_error(fmt::format("header {}: {}", name, v.error()));
    auto clean = refuse_control_characters(*v, "the value");
    if (!clean.ok()) return make_error(fmt::format("header {}: {}", name, clean.error()));
    auto checked = check_template(*v, allow_job_id);
    if (!checked.ok()) return make_error(fmt::format("header {}: {}", name, checked.error()));
    out.emplace_back(name, *v);
  }
  return out;
}

// Builds a Field whose reader parses with `parse` and stores with `store`.
template <class Parse, class Store>
Field field(std::string key, Parse parse, Store store) {
  return Field{std::move(key), [parse, store](Target& t, const toml::node& n) -> Result<void> {
                 auto v = parse(n);
                 if (!v.ok()) return std::move(v).take_error();
                 store(t, std::move(v).value());
                 return {};
               }};
}

auto duration_parser(Millis min) {
  return [min](const toml::node& n) { return read_duration(n, min); };
}
auto int_parser(int64_t min, int64_t max) {
  return [min, max](const toml::node& n) { return read_int(n, min, max); };
}
auto bool_parser() {
  return [](const toml::node& n) -> Result<bool> {
    if (!n.is_boolean()) return wrong_type(n, "true or false");
    return *n.value<bool>();
  };
}
auto template_parser(bool allow_job_id) {
  return [allow_job_id](const toml::node& n) -> Result<std::string> {
    auto s = read_string(n);
    if (!s.ok()) return s;
    RCTL_TRY(check_template(*s, allow_job_id));
    return s;
  };
}
auto url_parser(bool allow_job_id) {
  return [allow_job_id](const toml::node& n) -> Result<std::string> {
    auto s = read_string(n);
    if (!s.ok()) return s;
    RCTL_TRY(check_url(*s, allow_job_id));
    return s;
  };
}
auto pointer_parser() {
  return [](const toml::node& n) -> Result<std::string> {
    auto s = read_string(n);
    if (!s.ok()) return s;
    RCTL_TRY(check_json_pointer(*s));
    return s;
  };
}

Result<std::string> read_job_id(const toml::node& n) {
  auto s = read_string(n);
  if (!s.ok()) return s;
  if (s->rfind("header:", 0) == 0) {
    if (s->size() == 7)
      return make_error("\"header:\" needs a header name, as \"header:Location\"");
    return s;
  }
  RCTL_TRY(check_json_pointer(*s));
  return s;
}

Result<std::vector<std::string>> read_versions(const toml::node& n) {
  auto versions = read_strings(n);
  if (!versions.ok()) return versions;
  if (versions->empty()) return make_error("the list is empty (give at least one version)");
  RCTL_TRY(check_versions(*versions));
  return versions;
}

// Target names, each once; whether they exist is checked at apply, against
// the database and every file applied with this one.
Result<std::vector<std::string>> read_after(const toml::node& n) {
  auto names = read_strings(n);
  if (!names.ok()) return names;
  std::set<std::string> seen;
  for (const auto& name : *names) {
    if (!is_valid_target_name(name)) {
      return make_error(
          fmt::format("\"{}\" is not a valid target name (use 1-128 of A-Z a-z 0-9 . _ -)",
                      escape_for_terminal(name)));
    }
    if (!seen.insert(name).second) return make_error(fmt::format("\"{}\" is listed twice", name));
  }
  return names;
}

Result<std::string> read_data_type(const toml::node& n) {
  auto s = read_string(n);
  if (!s.ok()) return s;
  RCTL_TRY(check_template(*s, false));
  RCTL_TRY(refuse_control_characters(*s, "data_type"));
  return s;
}

Result<std::string> read_name(const toml::node& n) {
  auto s = read_string(n);
  if (!s.ok()) return s;
  if (!is_valid_target_name(*s)) {
    return make_error(
        fmt::format("\"{}\" is not a valid name (use 1-128 of A-Z a-z 0-9 . _ -)", *s));
  }
  return s;
}

Result<std::string> read_schedule(const toml::node& n) {
  auto s = read_string(n);
  if (!s.ok()) return s;
  auto cron = schedule::Cron::parse(*s);
  if (!cron.ok()) return std::move(cron).take_error();
  // As `next` says it: a schedule that never fires would leave the target
  // silently idle for ever. Feb 30 never exists in any zone, so UTC will do.
  auto now = std::chrono::floor<std::chrono::seconds>(SystemClock().now());
  if (!cron->next_after(now, nullptr)) return make_error(schedule::never_fires_message(*s, now));
  return s;
}

Result<std::string> read_timezone(const toml::node& n) {
  auto s = read_string(n);
  if (!s.ok()) return s;
  auto zone = schedule::find_zone(*s);
  if (!zone.ok()) return std::move(zone).take_error();
  return s;
}

Result<double> read_backoff(const toml::node& n) {
  if (!n.is_number()) return wrong_type(n, "a number");
  double v = *n.value<double>();
  if (v < 1.0 || v > 10.0) return make_error(fmt::format("{} is out of range 1.0-10.0", v));
  return v;
}

// "forever" (nullopt), or a duration of at least an hour: a shorter one
// would prune refreshes that runs of the same hour still show.
Result<std::optional<Millis>> read_keep_history(const toml::node& n) {
  if (auto s = n.value<std::string>(); s && *s == "forever") return std::optional<Millis>();
  auto d = read_duration(n, std::chrono::hours(1));
  if (!d.ok()) {
    return make_error(fmt::format("{}; or \"forever\" to keep every refresh", d.error()));
  }
  return std::optional<Millis>(*d);
}

auto non_empty_strings() {
  return [](const toml::node& n) -> Result<std::vector<std::string>> {
    auto v = read_strings(n);
    if (v.ok() && v->empty()) return make_error("the list is empty");
    return v;
  };
}

}  // namespace

const std::vector<Field>& target_fields() {
  using std::chrono::milliseconds;
  static const std::vector<Field> fields{
      field("name", read_name, [](Target& t, std::string v) { t.name = std::move(v); }),
      field("data_type", read_data_type,
            [](Target& t, std::string v) { t.data_type = std::move(v); }),
      field("versions", read_versions,
            [](Target& t, std::vector<std::string> v) { t.versions = std::move(v); }),
      field("schedule", read_schedule, [](Target& t, std::string v) { t.schedule = std::move(v); }),
      field("timezone", read_timezone, [](Target& t, std::string v) { t.timezone = std::move(v); }),
      field("max_refresh_time", duration_parser(milliseconds(1000)),
            [](Target& t, Millis v) { t.max_refresh_time = v; }),
      field("poll_interval", duration_parser(milliseconds(100)),
            [](Target& t, Millis v) { t.poll_interval = v; }),
      field("poll_backoff", read_backoff, [](Target& t, double v) { t.poll_backoff = v; }),
      field("max_poll_interval", duration_parser(milliseconds(100)),
            [](Target& t, Millis v) { t.max_poll_interval = v; }),
      field("starting_deadline", duration_parser(milliseconds(1000)),
            [](Target& t, Millis v) { t.starting_deadline = v; }),
      field("max_concurrency", int_parser(1, 100000),
            [](Target& t, int64_t v) { t.max_concurrency = static_cast<int>(v); }),
      field("retries", int_parser(0, 100),
            [](Target& t, int64_t v) { t.retries = static_cast<int>(v); }),
      field("retry_delay", duration_parser(milliseconds(0)),
            [](Target& t, Millis v) { t.retry_delay = v; }),
      field("retrigger_unknown", bool_parser(), [](Target& t, bool v) { t.retrigger_unknown = v; }),
      field("enabled", bool_parser(), [](Target& t, bool v) { t.enabled = v; }),
      field("keep_history", read_keep_history,
            [](Target& t, std::optional<Millis> v) { t.keep_history = v; }),
      field("after", read_after,
            [](Target& t, std::vector<std::string> v) { t.after = std::move(v); }),
      versions_from_field(),
  };
  return fields;
}

const std::vector<Field>& refresh_fields() {
  static const std::vector<Field> fields{
      field("method", read_method,
            [](Target& t, std::string v) { t.refresh.method = std::move(v); }),
      field("url", url_parser(false),
            [](Target& t, std::string v) { t.refresh.url = std::move(v); }),
      field(
          "headers", [](const toml::node& n) { return read_headers(n, false); },
          [](Target& t, HeaderList v) { t.refresh.headers = std::move(v); }),
      field("body", template_parser(false),
            [](Target& t, std::string v) { t.refresh.body = std::move(v); }),
      field("success_codes", read_codes,
            [](Target& t, std::vector<int> v) { t.refresh.success_codes = std::move(v); }),
      field("job_id", read_job_id,
            [](Target& t, std::string v) { t.refresh.job_id = std::move(v); }),
  };
  return fields;
}

const std::vector<Field>& status_fields() {
  static const std::vector<Field> fields{
      field("method", read_method,
            [](Target& t, std::string v) { t.status.method = std::move(v); }),
      field("url", url_parser(true), [](Target& t, std::string v) { t.status.url = std::move(v); }),
      field(
          "headers", [](const toml::node& n) { return read_headers(n, true); },
          [](Target& t, HeaderList v) { t.status.headers = std::move(v); }),
      field("body", template_parser(true),
            [](Target& t, std::string v) { t.status.body = std::move(v); }),
      field("state", pointer_parser(),
            [](Target& t, std::string v) { t.status.state = std::move(v); }),
      field("succeeded", non_empty_strings(),
            [](Target& t, std::vector<std::string> v) { t.status.succeeded = std::move(v); }),
      field("failed", read_strings,
            [](Target& t, std::vector<std::string> v) { t.status.failed = std::move(v); }),
      field("running_codes", read_codes,
            [](Target& t, std::vector<int> v) { t.status.running_codes = std::move(v); }),
      field("error", pointer_parser(),
            [](Target& t, std::string v) { t.status.error = std::move(v); }),
      field("message", pointer_parser(),
            [](Target& t, std::string v) { t.status.message = std::move(v); }),
  };
  return fields;
}

const std::vector<Field>& http_fields() {
  using std::chrono::milliseconds;
  static const std::vector<Field> fields{
      field("connect_timeout", duration_parser(milliseconds(100)),
            [](Target& t, Millis v) { t.http.connect_timeout = v; }),
      field("request_timeout", duration_parser(milliseconds(100)),
            [](Target& t, Millis v) { t.http.request_timeout = v; }),
      field("max_body_bytes", int_parser(1024, int64_t{1} << 30),
            [](Target& t, int64_t v) { t.http.max_body_bytes = v; }),
      field("max_redirects", int_parser(0, 20),
            [](Target& t, int64_t v) { t.http.max_redirects = static_cast<int>(v); }),
      field("ca_bundle", read_string,
            [](Target& t, std::string v) { t.http.ca_bundle = std::move(v); }),
      field("insecure", bool_parser(), [](Target& t, bool v) { t.http.insecure = v; }),
      field("follow_redirects", read_follow_redirects,
            [](Target& t, std::string v) { t.http.follow_redirects = std::move(v); }),
  };
  return fields;
}

namespace {

// The ping URL gets /start and /fail appended and names no refresh: only
// {{target}} and {{data_type}} mean anything there.
Result<std::string> read_ping(const toml::node& n) {
  auto s = url_parser(false)(n);
  if (!s.ok()) return s;
  static const std::regex placeholder(R"(\{\{\s*([A-Za-z_]+)\s*\}\})");
  for (std::sregex_iterator it(s->begin(), s->end(), placeholder), end; it != end; ++it) {
    std::string name = (*it)[1];
    if (name != "target" && name != "data_type") {
      return make_error(fmt::format(
          "{{{{{}}}}} has no value in a ping, which is about the whole target (use {{{{target}}}} "
          "or {{{{data_type}}}})",
          name));
    }
  }
  return s;
}

}  // namespace

const std::vector<Field>& notify_fields() {
  static const std::vector<Field> fields{
      field("on_failure", url_parser(false),
            [](Target& t, std::string v) { t.notify.on_failure = std::move(v); }),
      field("ping", read_ping, [](Target& t, std::string v) { t.notify.ping = std::move(v); }),
      field(
          "headers", [](const toml::node& n) { return read_headers(n, false); },
          [](Target& t, HeaderList v) { t.notify.headers = std::move(v); }),
  };
  return fields;
}

Result<void> check_whole_target(const Target& t, std::string* field) {
  if (t.max_poll_interval < t.poll_interval) {
    *field = "max_poll_interval";
    return make_error(fmt::format("{} is shorter than poll_interval ({})",
                                  format_duration(t.max_poll_interval),
                                  format_duration(t.poll_interval)));
  }
  bool status_uses_job_id = t.status.url.find("job_id") != std::string::npos ||
                            t.status.body.find("job_id") != std::string::npos;
  if (status_uses_job_id && t.refresh.job_id.empty()) {
    *field = "refresh.job_id";
    return make_error(
        "the status request uses {{job_id}}, so refresh.job_id must say where to find it "
        "(a JSON pointer such as \"/jobId\", or \"header:Location\")");
  }
  return {};
}

namespace {

// versions_from's URL and headers are about the whole slot, not a refresh:
// {{version}}, {{job_id}} and the rest have no value there.
Result<void> check_slot_placeholders(const std::string& text) {
  static const std::regex placeholder(R"(\{\{\s*([A-Za-z_]+)\s*\}\})");
  for (std::sregex_iterator it(text.begin(), text.end(), placeholder), end; it != end; ++it) {
    std::string name = (*it)[1];
    if (name != "target" && name != "data_type" && name != "slot") {
      return make_error(fmt::format(
          "{{{{{}}}}} has no value here: the versions are read once for the whole slot (use "
          "{{{{target}}}}, {{{{data_type}}}} or {{{{slot}}}})",
          name));
    }
  }
  return {};
}

Result<VersionsFromSpec> read_versions_from_table(const toml::table& table) {
  VersionsFromSpec spec;
  static const std::vector<std::string> keys{"url", "method", "headers", "pointer", "latest"};
  for (const auto& [key, node] : table) {
    std::string name(key.str());
    auto fail = [&](const std::string& error) {
      return make_error(fmt::format("{}: {}", name, error));
    };
    if (name == "url") {
      auto url = url_parser(false)(node);
      if (!url.ok()) return fail(url.error());
      auto checked = check_slot_placeholders(*url);
      if (!checked.ok()) return fail(checked.error());
      spec.url = std::move(url).value();
    } else if (name == "method") {
      auto method = read_method(node);
      if (!method.ok()) return fail(method.error());
      spec.method = std::move(method).value();
    } else if (name == "headers") {
      auto headers = read_headers(node, false);
      if (!headers.ok()) return fail(headers.error());
      for (const auto& [header, value] : *headers) {
        auto checked = check_slot_placeholders(value);
        if (!checked.ok()) return fail(fmt::format("header {}: {}", header, checked.error()));
      }
      spec.headers = std::move(headers).value();
    } else if (name == "pointer") {
      auto pointer = pointer_parser()(node);
      if (!pointer.ok()) return fail(pointer.error());
      spec.pointer = std::move(pointer).value();
    } else if (name == "latest") {
      auto latest = read_int(node, 1, 100000);
      if (!latest.ok()) {
        return fail(fmt::format("{} (a whole number of versions, at least 1)", latest.error()));
      }
      spec.latest = static_cast<int>(*latest);
    } else {
      return make_error(fmt::format("{}: unknown field (known: {}){}", name, join(keys, ", "),
                                    did_you_mean(name, keys)));
    }
  }
  if (spec.url.empty()) return make_error("url: missing (it is required)");
  return spec;
}

}  // namespace

// versions_from = { url = "…", method = "GET", headers = {…}, pointer = "/versions", latest = N }
const Field& versions_from_field() {
  static const Field field{"versions_from", [](Target& t, const toml::node& n) -> Result<void> {
                             const auto* table = n.as_table();
                             if (table == nullptr) {
                               return wrong_type(n,
                                                 "a table such as { url = \"https://…\", pointer "
                                                 "= \"/versions\" }");
                             }
                             auto spec = read_versions_from_table(*table);
                             if (!spec.ok()) return std::move(spec).take_error();
                             t.versions_from = std::move(spec).value();
                             return {};
                           }};
  return field;
}

}  // namespace refreshctl::config_detail

namespace refreshctl {

Result<void> check_versions(const std::vector<std::string>& versions) {
  std::set<std::string> seen;
  for (const auto& v : versions) {
    if (v.empty()) return make_error("a version is an empty string");
    RCTL_TRY(config_detail::refuse_control_characters(
        v, fmt::format("version \"{}\"", escape_for_terminal(v)).c_str()));
    if (v.size() > 256) return make_error("a version is longer than 256 characters");
    if (!seen.insert(v).second) {
      return make_error(fmt::format("\"{}\" is listed twice", escape_for_terminal(v)));
    }
  }
  return {};
}

}  // namespace refreshctl

// Writes a Target as TOML, in the order SPEC §4 shows.
#include <fmt/format.h>

#include <cmath>

#include "config/target_file.h"
#include "util/duration.h"

namespace refreshctl {
namespace {

std::string quote(const std::string& s) {
  bool literal_ok = s.find('\'') == std::string::npos;
  for (unsigned char c : s) literal_ok &= c >= 0x20 && c != 0x7f;
  bool needs_escape = false;
  for (unsigned char c : s) needs_escape |= c == '"' || c == '\\' || c < 0x20 || c == 0x7f;
  if (needs_escape && literal_ok) return "'" + s + "'";
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\u{:04X}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string key(const std::string& k) {
  for (char c : k) {
    bool bare = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-';
    if (!bare) return quote(k);
  }
  return k;
}

std::string strings(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quote(items[i]);
  return out + "]";
}

std::string codes(const std::vector<int>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += fmt::format("{}{}", i ? ", " : "", items[i]);
  return out + "]";
}

std::string headers(const HeaderList& list) {
  std::string out = "{ ";
  for (size_t i = 0; i < list.size(); ++i) {
    out += (i ? ", " : "") + key(list[i].first) + " = " + quote(list[i].second);
  }
  return out + " }";
}

std::string duration(Millis d) { return quote(format_duration(d)); }

// An inline table: versions_from reads as one value, beside `versions`.
std::string versions_from(const VersionsFromSpec& v) {
  std::string out = "{ url = " + quote(v.url) + ", method = " + quote(v.method);
  if (!v.headers.empty()) out += ", headers = " + headers(v.headers);
  if (!v.pointer.empty()) out += ", pointer = " + quote(v.pointer);
  if (v.latest) out += fmt::format(", latest = {}", *v.latest);
  return out + " }";
}

std::string number(double v) {
  if (v == std::floor(v)) return fmt::format("{:.1f}", v);
  return fmt::format("{}", v);
}

class Writer {
 public:
  void line(const char* k, const std::string& value) { out_ += fmt::format("{} = {}\n", k, value); }
  void line_if(bool condition, const char* k, const std::string& value) {
    if (condition) line(k, value);
  }
  void header(const char* h) { out_ += fmt::format("\n{}\n", h); }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace

std::string to_toml(const Target& t) {
  Writer w;
  w.header("[[target]]");
  w.line("name", quote(t.name));
  w.line("data_type", quote(t.data_type));
  w.line_if(!t.versions_from, "versions", strings(t.versions));
  w.line_if(!t.schedule.empty(), "schedule", quote(t.schedule));
  w.line("timezone", quote(t.timezone));
  w.line("max_refresh_time", duration(t.max_refresh_time));
  w.line("poll_interval", duration(t.poll_interval));
  w.line("poll_backoff", number(t.poll_backoff));
  w.line("max_poll_interval", duration(t.max_poll_interval));
  if (t.starting_deadline) w.line("starting_deadline", duration(*t.starting_deadline));
  w.line("max_concurrency", std::to_string(t.max_concurrency));
  w.line("retries", std::to_string(t.retries));
  w.line("retry_delay", duration(t.retry_delay));
  w.line("retrigger_unknown", t.retrigger_unknown ? "true" : "false");
  w.line("enabled", t.enabled ? "true" : "false");
  // Only when not the default: revisions stored before keep_history existed
  // stay canonical, so applying an unchanged file makes no new revision.
  w.line_if(t.keep_history != kDefaultKeepHistory, "keep_history",
            t.keep_history ? duration(*t.keep_history) : quote("forever"));
  w.line_if(!t.after.empty(), "after", strings(t.after));
  if (t.versions_from) w.line("versions_from", versions_from(*t.versions_from));

  w.header("[target.refresh]");
  w.line("method", quote(t.refresh.method));
  w.line("url", quote(t.refresh.url));
  w.line_if(!t.refresh.headers.empty(), "headers", headers(t.refresh.headers));
  w.line_if(!t.refresh.body.empty(), "body", quote(t.refresh.body));
  w.line("success_codes", codes(t.refresh.success_codes));
  w.line_if(!t.refresh.job_id.empty(), "job_id", quote(t.refresh.job_id));

  w.header("[target.status]");
  w.line("method", quote(t.status.method));
  w.line("url", quote(t.status.url));
  w.line_if(!t.status.headers.empty(), "headers", headers(t.status.headers));
  w.line_if(!t.status.body.empty(), "body", quote(t.status.body));
  w.line_if(!t.status.state.empty(), "state", quote(t.status.state));
  w.line("succeeded", strings(t.status.succeeded));
  w.line("failed", strings(t.status.failed));
  w.line("running_codes", codes(t.status.running_codes));
  w.line_if(!t.status.error.empty(), "error", quote(t.status.error));
  w.line_if(!t.status.message.empty(), "message", quote(t.status.message));

  if (!(t.http == HttpSpec{})) {
    const HttpSpec d;
    w.header("[target.http]");
    w.line_if(t.http.connect_timeout != d.connect_timeout, "connect_timeout",
              duration(t.http.connect_timeout));
    w.line_if(t.http.request_timeout != d.request_timeout, "request_timeout",
              duration(t.http.request_timeout));
    w.line_if(t.http.max_body_bytes != d.max_body_bytes, "max_body_bytes",
              std::to_string(t.http.max_body_bytes));
    w.line_if(t.http.max_redirects != d.max_redirects, "max_redirects",
              std::to_string(t.http.max_redirects));
    w.line_if(!t.http.ca_bundle.empty(), "ca_bundle", quote(t.http.ca_bundle));
    w.line_if(t.http.insecure, "insecure", "true");
    w.line_if(t.http.follow_redirects != d.follow_redirects, "follow_redirects",
              quote(t.http.follow_redirects));
  }
  if (!(t.notify == NotifySpec{})) {
    w.header("[target.notify]");
    w.line_if(!t.notify.on_failure.empty(), "on_failure", quote(t.notify.on_failure));
    w.line_if(!t.notify.ping.empty(), "ping", quote(t.notify.ping));
    w.line_if(!t.notify.headers.empty(), "headers", headers(t.notify.headers));
  }
  std::string out = w.take();
  return out.substr(1);  // no blank line before [[target]]
}

}  // namespace refreshctl

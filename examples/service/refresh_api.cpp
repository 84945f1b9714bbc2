#include "refresh_api.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "text.h"

namespace example_service {
namespace {

constexpr size_t kMaxJobs = 1 << 20;         // older jobs are forgotten (404)
constexpr size_t kMaxTriggerKeys = 100'000;  // more distinct type/version are counted together
constexpr uint64_t kMaxHugeMiB = 4096;
constexpr size_t kMaxLog = 1000;  // requests kept for GET /api/log

HttpResponse json(int status, std::string body) { return make_response(status, std::move(body)); }

HttpResponse error(int status, std::string_view message) {
  return json(status, "{\"error\":" + json_quote(message) + "}");
}

std::string job_name(uint64_t n) { return "j-" + std::to_string(n); }

}  // namespace

RefreshApi::RefreshApi(std::chrono::milliseconds default_duration, bool quiet)
    : default_duration_(default_duration), quiet_(quiet) {}

HttpResponse RefreshApi::handle(const HttpRequest& request) {
  ++requests_;
  if (request.path != "/api/log") {
    if (log_.size() == kMaxLog) log_.pop_front();
    log_.push_back(request.method + " " + request.target);
  }
  if (request.first_on_connection) ++connections_;
  const std::string& path = request.path;
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  constexpr std::string_view kStatus = "/api/status/";
  if (path.compare(0, kStatus.size(), kStatus) == 0 && path.size() > kStatus.size()) {
    if (!get) return error(405, "use GET");
    return status(request, std::string_view(path).substr(kStatus.size()));
  }
  if (path == "/api/refresh") return post ? refresh(request) : error(405, "use POST");
  if (path == "/api/hooks") return hooks();
  if (path == "/api/hook" || path.rfind("/api/hook/", 0) == 0) return hook(request);
  if (path == "/api/reply") return reply(request);
  if (path == "/api/redirect") return redirect(request);
  if (path == "/api/loop") {
    HttpResponse r = json(302, "{}");
    r.headers.emplace_back("Location", "/api/loop");
    return r;
  }
  if (path == "/api/reset") {
    if (!post) return error(405, "use POST");
    triggers_.clear();
    keys_.clear();
    log_.clear();
    hooks_.clear();
    requests_ = status_requests_ = connections_ = 0;
    return json(200, "{}");
  }
  if (!get) return error(path.rfind("/api/", 0) == 0 ? 405 : 404, "no such endpoint");
  if (path == "/api/versions") return versions(request);
  if (path == "/api/stats") return stats();
  if (path == "/api/last-headers") return last_headers();
  if (path == "/api/log") return request_log();
  if (path == "/api/huge") return huge(request);
  if (path == "/api/redirect-file") {
    HttpResponse r = json(302, "{}");
    r.headers.emplace_back("Location", "file:///etc/passwd");
    return r;
  }
  return error(404, "no such endpoint");
}

HttpResponse RefreshApi::refresh(const HttpRequest& request) {
  last_headers_ = request.headers;
  std::string type = request.param("type"), version = request.param("version");
  if (!request.body.empty()) {
    auto members = parse_json_members(request.body);
    if (!members) return error(400, "the body is not a JSON object");
    if (type.empty() && members->count("type")) type = (*members)["type"];
    if (version.empty() && members->count("version")) version = (*members)["version"];
  }
  if (type.empty() || version.empty()) return error(400, "type and version are required");
  count_trigger(triggers_, type + "/" + version);
  if (const std::string* key = request.header("idempotency-key")) count_trigger(keys_, *key);
  if (request.param("reject") == "1") return error(500, "refresh rejected on purpose");
  auto duration = default_duration_;
  if (std::string d = request.param("duration"); !d.empty()) {
    auto parsed = parse_duration(d);
    if (!parsed) return error(400, "duration must look like 250ms, 5s or 2m");
    duration = *parsed;
  }
  Job job;
  job.done_at = std::chrono::steady_clock::now() + duration;
  job.hang = version.find("hang") != std::string::npos;
  if (version.find("fail") != std::string::npos)
    job.failure = "refresh of " + type + "/" + version + " failed on purpose";
  if (jobs_.size() == kMaxJobs) {
    jobs_.pop_front();
    ++first_job_;
  }
  jobs_.push_back(std::move(job));
  std::string id = job_name(first_job_ + jobs_.size() - 1);
  if (!quiet_)
    std::fprintf(stderr, "%s: refresh of %s/%s\n", id.c_str(), type.c_str(), version.c_str());
  HttpResponse r = json(202, "{\"jobId\":\"" + id + "\",\"status\":\"QUEUED\"}");
  r.headers.emplace_back("Location", "/api/status/" + id);
  return r;
}

HttpResponse RefreshApi::status(const HttpRequest& request, std::string_view id) {
  ++status_requests_;
  Job* job = find_job(id);
  if (job == nullptr) return error(404, "no such job");
  ++job->status_requests;
  if (request.param("flaky") == "1" && job->status_requests % 2 == 1)
    return error(503, "temporarily unavailable, try again");
  bool done = !job->hang && std::chrono::steady_clock::now() >= job->done_at;
  const char* state = !done ? "RUNNING" : job->failure.empty() ? "SUCCEEDED" : "FAILED";
  std::string style = request.param("style");
  if (style == "text") return make_response(200, state, "text/plain");
  if (style == "code" && !done) return json(202, "{}");
  std::string body = "{\"jobId\":\"" + std::string(id) + "\",\"status\":\"" + state + "\"";
  if (done && !job->failure.empty()) body += ",\"errorMessage\":" + json_quote(job->failure);
  return json(200, body + "}");
}

HttpResponse RefreshApi::stats() const {
  std::string body = "{\"triggers\":{";
  for (const auto& [key, count] : triggers_) {
    if (body.back() != '{') body += ',';
    body += json_quote(key) + ":" + std::to_string(count);
  }
  body += "},\"idempotency_keys\":{";
  for (const auto& [key, count] : keys_) {
    if (body.back() != '{') body += ',';
    body += json_quote(key) + ":" + std::to_string(count);
  }
  body += "},\"requests\":" + std::to_string(requests_) +
          ",\"status_requests\":" + std::to_string(status_requests_) +
          ",\"connections\":" + std::to_string(connections_) + "}";
  return json(200, body);
}

HttpResponse RefreshApi::last_headers() const {
  std::string body = "{";
  for (const auto& [name, value] : last_headers_) {
    if (body.size() > 1) body += ',';
    body += json_quote(name) + ":" + json_quote(value);
  }
  return json(200, body + "}");
}

HttpResponse RefreshApi::huge(const HttpRequest& request) const {
  std::string mb = request.param("mb", "64");
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(mb.data(), mb.data() + mb.size(), n);
  if (ec != std::errc() || end != mb.data() + mb.size() || n == 0 || n > kMaxHugeMiB)
    return error(400, "mb must be a whole number from 1 to 4096");
  HttpResponse r = make_response(200, "", "application/octet-stream");
  r.filler_bytes = n << 20;
  r.until_close = request.param("length") == "0";
  return r;
}

HttpResponse RefreshApi::redirect(const HttpRequest& request) const {
  std::string to = request.param("to");
  if (to.empty()) return error(400, "the to parameter is required");
  int code = std::atoi(request.param("code", "302").c_str());
  if (code < 300 || code > 399) return error(400, "code must be a 3xx status");
  HttpResponse r = json(code, "{}");
  r.headers.emplace_back("Location", to);
  return r;
}

// Any answer a test needs from "another service": the status, the body
// (URL-decoded, so %FF sends the byte 0xFF), and a few headers.
HttpResponse RefreshApi::reply(const HttpRequest& request) const {
  int code = std::atoi(request.param("status", "200").c_str());
  if (code < 100 || code > 599) return error(400, "status must be an HTTP status code");
  HttpResponse r =
      make_response(code, request.param("body"), request.param("content_type", "application/json"));
  for (const char* name : {"Location", "Retry-After"}) {
    std::string key = name == std::string("Location") ? "location" : "retry_after";
    if (std::string v = request.param(key); !v.empty()) r.headers.emplace_back(name, v);
  }
  return r;
}

HttpResponse RefreshApi::request_log() const {
  std::string body = "[";
  for (const auto& line : log_) body += (body.size() > 1 ? "," : "") + json_quote(line);
  return json(200, body + "]");
}

// A webhook receiver: records the request and answers `status` (default
// 200), or never answers with hang=1.
HttpResponse RefreshApi::hook(const HttpRequest& request) {
  std::string headers = "{";
  for (const auto& [name, value] : request.headers) {
    if (headers.size() > 1) headers += ',';
    headers += json_quote(name) + ":" + json_quote(value);
  }
  if (hooks_.size() == kMaxLog) hooks_.pop_front();
  hooks_.push_back("{\"method\":" + json_quote(request.method) +
                   ",\"target\":" + json_quote(request.target) +
                   ",\"body\":" + json_quote(request.body) + ",\"headers\":" + headers + "}}");
  if (request.param("hang") == "1") {
    HttpResponse r;
    r.hang = true;
    return r;
  }
  int code = std::atoi(request.param("status", "200").c_str());
  if (code < 100 || code > 599) return error(400, "status must be an HTTP status code");
  return json(code, "{}");
}

HttpResponse RefreshApi::hooks() const {
  std::string body = "[";
  for (const auto& hook : hooks_) body += (body.size() > 1 ? "," : "") + hook;
  return json(200, body + "]");
}

namespace {

// The date `days` after 1970-01-01 as YYYY-MM-DD (H. Hinnant's civil_from_days).
std::string civil_date(int64_t days) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t day = doy - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char text[32];
  std::snprintf(text, sizeof text, "%04lld-%02lld-%02lld", static_cast<long long>(year),
                static_cast<long long>(month), static_cast<long long>(day));
  return text;
}

}  // namespace

// The data versions a service has, oldest first: `count` (default 3, 0-1000)
// daily partitions ending 2026-11-20, fixed so that tests know them.
HttpResponse RefreshApi::versions(const HttpRequest& request) {
  constexpr int64_t kLastDay = 20777;  // 2026-11-20
  std::string text = request.param("count", "3");
  uint64_t count = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (ec != std::errc() || end != text.data() + text.size() || count > 1000)
    return error(400, "count must be a whole number from 0 to 1000");
  std::string body = "{\"versions\":[";
  for (uint64_t i = 0; i < count; ++i) {
    body += (i ? "," : "") + json_quote(civil_date(kLastDay - static_cast<int64_t>(count - 1 - i)));
  }
  return json(200, body + "]}");
}

void RefreshApi::count_trigger(std::map<std::string, uint64_t>& counts, const std::string& key) {
  auto it = counts.find(key);
  if (it != counts.end()) {
    ++it->second;
  } else {
    ++counts[counts.size() < kMaxTriggerKeys ? key : "(other)"];
  }
}

RefreshApi::Job* RefreshApi::find_job(std::string_view id) {
  if (id.substr(0, 2) != "j-") return nullptr;
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(id.data() + 2, id.data() + id.size(), n);
  if (ec != std::errc() || end != id.data() + id.size()) return nullptr;
  if (n < first_job_ || n - first_job_ >= jobs_.size()) return nullptr;
  return &jobs_[n - first_job_];
}

}  // namespace example_service

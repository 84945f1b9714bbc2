#include "engine/refresh_logic.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "util/time.h"
#include "util/url.h"
#include "util/utf8.h"

namespace refreshctl::engine {
namespace {

// Resolves references, remembering every resolved value as a secret.
ReferenceResolver recording(const ReferenceResolver& inner, std::vector<std::string>* secrets) {
  return ReferenceResolver{[&inner, secrets](const std::string& name) {
                             auto v = inner.env(name);
                             if (v.ok() && !v->empty()) secrets->push_back(*v);
                             return v;
                           },
                           [&inner, secrets](const std::string& path) {
                             auto v = inner.file(path);
                             if (v.ok() && !v->empty()) secrets->push_back(*v);
                             return v;
                           }};
}

http::Redirects redirect_rule(const std::string& follow) {
  if (follow == "any") return http::Redirects::kAny;
  if (follow == "none") return http::Redirects::kNone;
  return http::Redirects::kSameHost;
}

// The parts of one request as the target writes them.
struct RequestSpec {
  const char* what;  // "refresh" or "status", for messages
  const std::string& method;
  const std::string& url;
  const HeaderList& headers;
  const std::string& body;
};

Result<BuiltRequest> build(const RequestSpec& spec,
                           const Target& target,
                           const TemplateVars& vars,
                           const ReferenceResolver& resolver,
                           const std::optional<UrlOrigin>& required_origin) {
  BuiltRequest out;
  auto resolve = recording(resolver, &out.secrets);
  auto fail = [&](const char* field, const std::string& error) {
    return make_error(fmt::format("{}.{}: {}", spec.what, field, error));
  };
  auto url = render_url(spec.url, vars, resolve, required_origin.has_value());
  if (!url.ok()) return fail("url", url.error());
  auto origin = url_origin(url->url);
  if (!origin) {
    return fail("url", fmt::format("\"{}\" is not an http:// or https:// URL", url->url));
  }
  if (url->verbatim && (origin->has_userinfo || !(*origin == *required_origin))) {
    // A URL the service chose (a job id from Location) must stay on the host
    // the refresh request went to.
    return fail("url", fmt::format("\"{}\" is not on {}, where the refresh request went; refused",
                                   url->url, to_string(*required_origin)));
  }
  out.request.url = std::move(url->url);
  for (const auto& [name, value] : spec.headers) {
    auto v = render_header(value, vars, resolve);
    if (!v.ok()) return fail("headers", name + ": " + v.error());
    out.request.headers.emplace_back(name, std::move(v).value());
  }
  auto body = render_body(spec.body, body_kind(spec.body, spec.headers), vars, resolve);
  if (!body.ok()) return fail("body", body.error());
  out.request.body = std::move(body).value();
  out.request.method = spec.method;
  out.request.connect_timeout = target.http.connect_timeout;
  out.request.total_timeout = target.http.request_timeout;
  out.request.max_body_bytes = static_cast<size_t>(target.http.max_body_bytes);
  out.request.max_redirects = target.http.max_redirects;
  out.request.redirects = redirect_rule(target.http.follow_redirects);
  out.request.insecure = target.http.insecure;
  out.request.ca_bundle = target.http.ca_bundle;
  return out;
}

uint64_t fnv1a(const std::string& text, uint64_t seed) {
  uint64_t h = seed;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// A JSON value as text: strings as they are, other values as JSON text
// ("10", "true"); nullopt when absent or null.
std::optional<std::string> text_at(const nlohmann::json& doc, const std::string& pointer) {
  const nlohmann::json* v = value_at(doc, pointer);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_string()) return v->get<std::string>();
  return v->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// True for a value that says "failed": present, and not null, false, "",
// [] or {}.
bool is_set(const nlohmann::json* v) {
  if (v == nullptr || v->is_null()) return false;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string()) return !v->get_ref<const std::string&>().empty();
  if (v->is_array() || v->is_object()) return !v->empty();
  return true;
}

std::string trim(std::string_view s) {
  auto space = [](unsigned char c) { return std::isspace(c); };
  while (!s.empty() && space(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && space(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

bool contains(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

bool contains(const std::vector<int>& list, long v) {
  return std::find(list.begin(), list.end(), static_cast<int>(v)) != list.end();
}

}  // namespace

// The value at `pointer`, or nullptr when absent. Never throws: a pointer
// that does not fit the document (an array index into an object) is absent.
const nlohmann::json* value_at(const nlohmann::json& doc, const std::string& pointer) {
  try {
    nlohmann::json::json_pointer p(pointer);
    if (!doc.contains(p)) return nullptr;
    return &doc.at(p);
  } catch (const nlohmann::json::exception&) {
    return nullptr;
  }
}

// A body quoted in a message: trimmed, secrets redacted, then cut. Only the
// front of a large body is redacted: enough that an occurrence of a secret
// that starts before the cut, in its longest encoding, is wholly inside.
std::string excerpt(std::string_view body, const std::vector<std::string>& secrets) {
  constexpr size_t kExcerpt = 200;
  size_t longest = 0;
  for (const auto& secret : secrets) longest = std::max(longest, secret.size());
  std::string front = trim(body.substr(0, kExcerpt + 12 * longest + 64));
  return cut_utf8(sanitize_utf8(redact(front, secrets)), kExcerpt);
}

std::string idempotency_key(const RefreshRecord& r) {
  std::string key = fmt::format("{}\n{}\n{}\n{}", r.target, r.version,
                                r.slot.time_since_epoch().count(), r.attempt);
  return fmt::format("{:016x}{:016x}", fnv1a(key, 14695981039346656037ULL),
                     fnv1a(key, 0x9e3779b97f4a7c15ULL));
}

TemplateVars template_vars(const Target& target, const RefreshRecord& record) {
  return TemplateVars{{"data_type", target.data_type},
                      {"version", record.version},
                      {"target", target.name},
                      {"slot", format_rfc3339(record.slot)},
                      {"attempt", std::to_string(record.attempt)},
                      {"job_id", record.job_id},
                      {"idempotency_key", idempotency_key(record)}};
}

Result<BuiltRequest> build_trigger(const Target& target,
                                   const RefreshRecord& record,
                                   const ReferenceResolver& resolver) {
  const auto& r = target.refresh;
  return build({"refresh", r.method, r.url, r.headers, r.body}, target,
               template_vars(target, record), resolver, std::nullopt);
}

Result<BuiltRequest> build_poll(const Target& target,
                                const RefreshRecord& record,
                                const ReferenceResolver& resolver) {
  const auto& s = target.status;
  TemplateVars vars = template_vars(target, record);
  // The origin a URL taken from the service must keep: the refresh URL's.
  std::vector<std::string> ignored;
  auto refresh_url = render_url(target.refresh.url, vars, recording(resolver, &ignored), false);
  if (!refresh_url.ok()) return make_error("refresh.url: " + refresh_url.error());
  auto origin = url_origin(refresh_url->url);
  if (!origin) return make_error("refresh.url: not an http:// or https:// URL");
  auto built =
      build({"status", s.method, s.url, s.headers, s.body}, target, vars, resolver, origin);
  if (built.ok()) {
    for (auto& secret : ignored) built->secrets.push_back(std::move(secret));
  }
  return built;
}

Result<BuiltRequest> build_versions_request(const Target& target,
                                            const RefreshRecord& record,
                                            const ReferenceResolver& resolver) {
  if (!target.versions_from) return make_error("the target has no versions_from");
  const auto& v = *target.versions_from;
  static const std::string kNoBody;
  return build({"versions_from", v.method, v.url, v.headers, kNoBody}, target,
               template_vars(target, record), resolver, std::nullopt);
}

TriggerOutcome read_trigger_response(const Target& target,
                                     const http::Response& response,
                                     const std::vector<std::string>& secrets) {
  using http::Failure;
  switch (response.failure) {
    case Failure::kNone:
      break;
    case Failure::kConnect:
      return {TriggerOutcome::kNotSent, "", response.error};
    case Failure::kTimeout:
    case Failure::kTransport:
      return {TriggerOutcome::kMaybeSent, "", response.error};
    default:  // refused before sending, or an answer that cannot be used
      return {TriggerOutcome::kError, "", response.error};
  }
  if (!contains(target.refresh.success_codes, response.status)) {
    return {TriggerOutcome::kRejected, "",
            fmt::format("the refresh request answered HTTP {}: {}", response.status,
                        excerpt(response.body, secrets))};
  }
  const std::string& where = target.refresh.job_id;
  if (where.empty()) return {TriggerOutcome::kAccepted, "", ""};
  if (where.rfind("header:", 0) == 0) {
    std::string name = where.substr(7);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    const std::string* value = response.header(name);
    if (value == nullptr || value->empty()) {
      return {TriggerOutcome::kError, "",
              fmt::format("the refresh response has no {} header for the job id", where.substr(7))};
    }
    return {TriggerOutcome::kAccepted, sanitize_utf8(*value), ""};
  }
  auto doc = nlohmann::json::parse(response.body, nullptr, false);
  if (doc.is_discarded()) {
    return {TriggerOutcome::kError, "", "the refresh response is not JSON, so it has no job id"};
  }
  auto id = text_at(doc, where);
  if (!id || id->empty()) {
    return {TriggerOutcome::kError, "",
            fmt::format("the refresh response has no job id at {}", where)};
  }
  return {TriggerOutcome::kAccepted, *id, ""};
}

namespace {

// The answer of a poll that came back with an HTTP status.
PollOutcome read_status_body(const Target& target,
                             const http::Response& response,
                             const std::vector<std::string>& secrets) {
  const auto& s = target.status;
  bool needs_json = !s.state.empty() || !s.error.empty() || !s.message.empty();
  nlohmann::json doc;
  if (needs_json) {
    doc = nlohmann::json::parse(response.body, nullptr, false);
    if (doc.is_discarded()) {
      return {PollOutcome::kError, "",
              fmt::format("the status response is not JSON: {}", excerpt(response.body, secrets))};
    }
  }
  auto message = [&](const std::string& fallback) {
    if (!s.message.empty()) {
      if (auto m = text_at(doc, s.message)) return *m;
    }
    return fallback;
  };
  if (!s.error.empty()) {
    const nlohmann::json* e = value_at(doc, s.error);
    if (is_set(e)) return {PollOutcome::kFailed, "", message(*text_at(doc, s.error))};
  }
  std::optional<std::string> state;
  if (s.state.empty()) {
    state = trim(response.body);
  } else if (const nlohmann::json* v = value_at(doc, s.state);
             v && (v->is_object() || v->is_array())) {
    return {PollOutcome::kError, "",
            fmt::format("the state at {} is {}, not a string, number or boolean: {}", s.state,
                        v->is_object() ? "an object" : "an array",
                        excerpt(v->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                                secrets))};
  } else {
    state = text_at(doc, s.state);
  }
  if (!state) return {PollOutcome::kRunning, "", ""};
  if (contains(s.succeeded, *state)) return {PollOutcome::kSucceeded, *state, ""};
  if (contains(s.failed, *state)) {
    return {PollOutcome::kFailed, *state, message(fmt::format("the service says {}", *state))};
  }
  return {PollOutcome::kRunning, *state, ""};
}

}  // namespace

PollOutcome read_status_response(const Target& target,
                                 const http::Response& response,
                                 const std::vector<std::string>& secrets) {
  using http::Failure;
  const auto& s = target.status;
  switch (response.failure) {
    case Failure::kNone:
      break;
    case Failure::kConnect:
    case Failure::kTimeout:
    case Failure::kTransport:
      return {PollOutcome::kTransient, "", response.error};
    default:
      return {PollOutcome::kError, "", response.error};
  }
  if (contains(s.running_codes, response.status)) return {PollOutcome::kRunning, "", ""};
  if (response.status == 429 || response.status >= 500) {
    // Temporary: the service is busy or failing; the poll is tried again.
    return {PollOutcome::kTransient, "",
            fmt::format("the status request answered HTTP {}{}: {}", response.status,
                        response.status == 429 ? " (too many requests)" : "",
                        excerpt(response.body, secrets))};
  }
  if (response.status < 200 || response.status > 299) {
    return {PollOutcome::kError, "",
            fmt::format("the status request answered HTTP {}: {}", response.status,
                        excerpt(response.body, secrets))};
  }
  return read_status_body(target, response, secrets);
}

std::optional<Millis> retry_after(const http::Response& response, TimePoint now) {
  const std::string* value = response.header("retry-after");
  if (value == nullptr) return std::nullopt;
  constexpr Millis kMax = std::chrono::hours(24);
  std::string v = trim(*value);
  if (!v.empty() && v.size() <= 9 && std::all_of(v.begin(), v.end(), ::isdigit)) {
    return std::min<Millis>(std::chrono::seconds(std::stol(v)), kMax);
  }
  if (auto when = parse_http_date(v)) {
    return std::clamp<Millis>(*when - now, Millis(0), kMax);
  }
  return std::nullopt;
}

std::string recorded_error(std::string_view text,
                           const std::vector<std::string>& secrets,
                           size_t max_bytes) {
  return cut_utf8(sanitize_utf8(redact(text, secrets)), max_bytes);
}

Millis next_poll_interval(const Target& target, Millis current) {
  auto next =
      Millis(static_cast<int64_t>(static_cast<double>(current.count()) * target.poll_backoff));
  return std::min(std::max(next, target.poll_interval), target.max_poll_interval);
}

}  // namespace refreshctl::engine

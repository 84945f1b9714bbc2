#include "engine/refresh_logic.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "util/time.h"

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

Result<BuiltRequest> build(const std::string& what,
                           const std::string& method,
                           const std::string& url,
                           const HeaderList& headers,
                           const std::string& body,
                           const Target& target,
                           const TemplateVars& vars,
                           const ReferenceResolver& resolver) {
  BuiltRequest out;
  auto resolve = recording(resolver, &out.secrets);
  auto fail = [&](const char* field, const std::string& error) {
    return make_error(fmt::format("{}.{}: {}", what, field, error));
  };
  auto rendered_url = render_template(url, vars, resolve);
  if (!rendered_url.ok()) return fail("url", rendered_url.error());
  out.request.url = std::move(rendered_url).value();
  for (const auto& [name, value] : headers) {
    auto v = render_template(value, vars, resolve);
    if (!v.ok()) return fail("headers", name + ": " + v.error());
    out.request.headers.emplace_back(name, std::move(v).value());
  }
  auto rendered_body = render_template(body, vars, resolve);
  if (!rendered_body.ok()) return fail("body", rendered_body.error());
  out.request.body = std::move(rendered_body).value();
  out.request.method = method;
  out.request.connect_timeout = target.http.connect_timeout;
  out.request.total_timeout = target.http.request_timeout;
  out.request.max_body_bytes = static_cast<size_t>(target.http.max_body_bytes);
  out.request.max_redirects = target.http.max_redirects;
  out.request.insecure = target.http.insecure;
  out.request.ca_bundle = target.http.ca_bundle;
  return out;
}

uint64_t fnv1a(const std::string& text, uint64_t seed) {
  uint64_t h = seed;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// The value at `pointer` as text: strings as they are, other values as JSON
// text; nullopt when absent or null.
std::optional<std::string> text_at(const nlohmann::json& doc, const std::string& pointer) {
  nlohmann::json::json_pointer p(pointer);
  if (!doc.contains(p)) return std::nullopt;
  const auto& v = doc.at(p);
  if (v.is_null()) return std::nullopt;
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string trim(std::string s) {
  auto space = [](unsigned char c) { return std::isspace(c); };
  s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), space));
  s.erase(std::find_if_not(s.rbegin(), s.rend(), space).base(), s.end());
  return s;
}

bool contains(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

bool contains(const std::vector<int>& list, long v) {
  return std::find(list.begin(), list.end(), static_cast<int>(v)) != list.end();
}

std::string shorten(const std::string& s, size_t n = 200) {
  return s.size() <= n ? s : s.substr(0, n) + "…";
}

}  // namespace

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
  return build("refresh", r.method, r.url, r.headers, r.body, target, template_vars(target, record),
               resolver);
}

Result<BuiltRequest> build_poll(const Target& target,
                                const RefreshRecord& record,
                                const ReferenceResolver& resolver) {
  const auto& s = target.status;
  return build("status", s.method, s.url, s.headers, s.body, target, template_vars(target, record),
               resolver);
}

TriggerOutcome read_trigger_response(const Target& target, const http::Response& response) {
  using http::Failure;
  switch (response.failure) {
    case Failure::kNone:
      break;
    case Failure::kConnect:
      return {TriggerOutcome::kNotSent, "", response.error};
    case Failure::kTimeout:
    case Failure::kTransport:
      return {TriggerOutcome::kMaybeSent, "", response.error};
    default:
      return {TriggerOutcome::kError, "", response.error};
  }
  if (!contains(target.refresh.success_codes, response.status)) {
    return {TriggerOutcome::kRejected, "",
            fmt::format("the refresh request answered HTTP {}: {}", response.status,
                        shorten(trim(response.body)))};
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
    return {TriggerOutcome::kAccepted, *value, ""};
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

PollOutcome read_status_response(const Target& target, const http::Response& response) {
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
  if (response.status >= 500) {
    return {PollOutcome::kTransient, "", fmt::format("status answered HTTP {}", response.status)};
  }
  if (response.status < 200 || response.status > 299) {
    return {PollOutcome::kError, "",
            fmt::format("the status request answered HTTP {}: {}", response.status,
                        shorten(trim(response.body)))};
  }
  bool needs_json = !s.state.empty() || !s.error.empty() || !s.message.empty();
  nlohmann::json doc;
  if (needs_json) {
    doc = nlohmann::json::parse(response.body, nullptr, false);
    if (doc.is_discarded()) {
      return {PollOutcome::kError, "",
              fmt::format("the status response is not JSON: {}", shorten(trim(response.body)))};
    }
  }
  auto message = [&](const std::string& fallback) {
    if (!s.message.empty()) {
      if (auto m = text_at(doc, s.message)) return *m;
    }
    return fallback;
  };
  if (!s.error.empty()) {
    if (auto e = text_at(doc, s.error)) return {PollOutcome::kFailed, "", message(*e)};
  }
  std::optional<std::string> state =
      s.state.empty() ? std::optional(trim(response.body)) : text_at(doc, s.state);
  if (!state) return {PollOutcome::kRunning, "", ""};
  if (contains(s.succeeded, *state)) return {PollOutcome::kSucceeded, *state, ""};
  if (contains(s.failed, *state)) {
    return {PollOutcome::kFailed, *state, message(fmt::format("the service says {}", *state))};
  }
  return {PollOutcome::kRunning, *state, ""};
}

Millis next_poll_interval(const Target& target, Millis current) {
  auto next =
      Millis(static_cast<int64_t>(static_cast<double>(current.count()) * target.poll_backoff));
  return std::min(std::max(next, target.poll_interval), target.max_poll_interval);
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.size() < 3) continue;  // too short to find without mangling ordinary text
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

}  // namespace refreshctl::engine

// The pure part of notifications: the run's UUID, the ping URLs of the
// healthchecks.io protocol, and the JSON summary of a failed refresh.
#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>
#include <random>

#include "engine/notifier.h"

namespace refreshctl::engine {

std::string new_run_uuid() {
  std::random_device device;
  std::array<uint8_t, 16> b{};
  for (size_t i = 0; i < b.size(); i += 4) {
    uint32_t r = device();
    for (size_t j = 0; j < 4; ++j) b[i + j] = static_cast<uint8_t>(r >> (8 * j));
  }
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string out;
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += fmt::format("{:02x}", b[i]);
  }
  return out;
}

std::string ping_url(std::string_view ping, PingKind kind, std::string_view run_uuid) {
  size_t end = ping.find_first_of("?#");
  std::string_view base = ping.substr(0, end);
  std::string_view query;
  if (end != std::string_view::npos && ping[end] == '?') {
    query = ping.substr(end + 1);
    query = query.substr(0, query.find('#'));
  }
  std::string url(base);
  if (kind != PingKind::kSuccess) {
    if (!url.empty() && url.back() == '/') url.pop_back();
    url += kind == PingKind::kStart ? "/start" : "/fail";
  }
  url += '?';
  if (!query.empty()) url += std::string(query) + "&";
  return url + "rid=" + std::string(run_uuid);
}

std::string failure_summary(const Target& target, const RefreshRecord& r, const RunIdentity& run) {
  nlohmann::json duration;
  nlohmann::json finished;
  if (r.finished_at) {
    duration = (*r.finished_at - r.started_at).count();
    finished = format_rfc3339(*r.finished_at);
  }
  nlohmann::json body{
      {"event", "refresh_failed"},
      {"target", target.name},
      {"data_type", target.data_type},
      {"version", r.version},
      {"revision", r.revision},
      {"slot", format_rfc3339(r.slot)},
      {"attempt", r.attempt},
      {"state", to_string(r.state)},
      {"error", r.error},
      {"job_id", r.job_id},
      {"http_status", r.http_status},
      {"started_at", format_rfc3339(r.started_at)},
      {"finished_at", finished},
      {"duration_ms", duration},
      {"history_id", r.id},
      {"run_id", run.run_id},
      {"run_uuid", run.run_uuid},
      {"host", run.host},
  };
  std::string text =
      fmt::format("refreshctl: {} {} (slot {}, attempt {}) ended {} on {}", target.name, r.version,
                  format_rfc3339(r.slot), r.attempt, to_string(r.state), run.host);
  if (!r.error.empty()) text += ": " + r.error;
  body["text"] = text;
  // Replacing invalid UTF-8 rather than throwing: the error is already
  // sanitised, but a summary must never take the run down.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace refreshctl::engine

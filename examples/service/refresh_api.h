// The example service's API: a refresh endpoint that starts "jobs" of a fixed
// duration, a status endpoint in several styles, and endpoints that misbehave
// on purpose (redirects to file://, huge bodies, 503s) for tests.
// See README.md for every endpoint.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>

#include "http.h"

namespace example_service {

class RefreshApi {
 public:
  RefreshApi(std::chrono::milliseconds default_duration, bool quiet);

  HttpResponse handle(const HttpRequest& request);

 private:
  using TimePoint = std::chrono::steady_clock::time_point;

  // Kept small: the service holds up to kMaxJobs of them.
  struct Job {
    TimePoint done_at;
    uint32_t status_requests = 0;
    bool hang = false;
    std::string failure;  // the error message of a job that fails; empty otherwise
  };

  HttpResponse refresh(const HttpRequest& request);
  HttpResponse status(const HttpRequest& request, std::string_view id);
  HttpResponse stats() const;
  HttpResponse last_headers() const;
  HttpResponse huge(const HttpRequest& request) const;
  HttpResponse redirect(const HttpRequest& request) const;
  HttpResponse reply(const HttpRequest& request) const;
  HttpResponse request_log() const;
  HttpResponse hook(const HttpRequest& request);
  HttpResponse hooks() const;
  static HttpResponse versions(const HttpRequest& request);
  static void count_trigger(std::map<std::string, uint64_t>& counts, const std::string& key);
  Job* find_job(std::string_view id);

  std::chrono::milliseconds default_duration_;
  bool quiet_;
  std::deque<Job> jobs_;  // job ids first_job_, first_job_ + 1, ...
  uint64_t first_job_ = 1;
  std::map<std::string, uint64_t> triggers_;  // by "type/version"
  std::map<std::string, uint64_t> keys_;      // by Idempotency-Key header, when sent
  uint64_t requests_ = 0;
  uint64_t status_requests_ = 0;
  uint64_t connections_ = 0;     // that carried at least one request
  HeaderList last_headers_;      // of the latest POST /api/refresh
  std::deque<std::string> log_;  // "METHOD target" of the latest requests
  // Requests to /api/hook…, as a webhook receiver or healthchecks.io would
  // see them: {"method","target","body","headers"} as JSON text.
  std::deque<std::string> hooks_;
};

}  // namespace example_service

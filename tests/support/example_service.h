// The bundled example service (examples/service, see its README.md) as a
// child process on 127.0.0.1, for tests that need a real HTTP refresh API:
//
//   ExampleService service({"--duration", "1s"});
//   std::string url = service.url("/api/stats");  // http://127.0.0.1:PORT/api/stats
//
// Each instance is its own process on its own free port, so tests using it
// may run in parallel.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "http/client.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace refreshctl::testing {

class ExampleService {
 public:
  // Starts the service with `args` added to its command line (it always gets
  // --port 0, --port-file and --quiet) and waits up to 5 s until it listens.
  // Throws std::runtime_error, with what the service printed, when it does not.
  explicit ExampleService(std::vector<std::string> args = {});
  // Stops the service (SIGTERM, then SIGKILL) and reaps it.
  ~ExampleService();
  ExampleService(const ExampleService&) = delete;
  ExampleService& operator=(const ExampleService&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:PORT", without a trailing slash.
  std::string base_url() const;
  // base_url() + `path` ("/api/stats").
  std::string url(const std::string& path) const { return base_url() + path; }
  // GETs url(`path`); see fetch().
  http::Response get(const std::string& path) const;

 private:
  TempDir dir_;
  std::unique_ptr<BackgroundProcess> process_;
  int port_ = 0;
};

// Sends `request` through a new libcurl client (http::make_curl_client) and
// waits for its answer: a Response with failure kTimeout when none came within
// the request's total_timeout (plus a second).
http::Response fetch(http::Request request);

// fetch() of a GET of `url`.
http::Response http_get(const std::string& url);

}  // namespace refreshctl::testing

#include "support/example_service.h"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace refreshctl::testing {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(5);

// Whether the child has exited, leaving it to be reaped by its owner.
bool has_exited(int pid) {
  siginfo_t info{};
  return waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid;
}

// The port in the file, or 0 while it is not written yet.
int read_port(const std::string& path) {
  try {
    return std::stoi(read_file(path));
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

ExampleService::ExampleService(std::vector<std::string> args) {
  const std::string port_file = dir_.file("port");
  std::vector<std::string> argv{EXAMPLE_SERVICE_BIN, "--port",  "0",
                                "--port-file",       port_file, "--quiet"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions options;
  options.timeout = kStartTimeout;
  process_ = std::make_unique<BackgroundProcess>(argv, options);
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  // The service writes the file by renaming a complete one, so a number read is final.
  while ((port_ = read_port(port_file)) == 0) {
    if (has_exited(process_->pid()) || std::chrono::steady_clock::now() > deadline) {
      process_->signal(SIGKILL);
      ProcessResult result = process_->wait();
      throw std::runtime_error("the example service did not start (exit " +
                               std::to_string(result.exit_code) + "): " + result.err);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

ExampleService::~ExampleService() = default;  // BackgroundProcess stops and reaps it

std::string ExampleService::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

http::Response ExampleService::get(const std::string& path) const { return http_get(url(path)); }

http::Response fetch(http::Request request) {
  auto client = http::make_curl_client();
  const auto deadline =
      std::chrono::steady_clock::now() + request.total_timeout + std::chrono::seconds(1);
  http::Response response;
  response.failure = http::Failure::kTimeout;
  response.error = "no answer in time";
  client->submit(std::move(request), [&response](http::Response r) { response = std::move(r); });
  while (client->pending() > 0 && std::chrono::steady_clock::now() < deadline)
    client->poll(std::chrono::milliseconds(50));
  return response;
}

http::Response http_get(const std::string& url) {
  http::Request request;
  request.url = url;
  return fetch(std::move(request));
}

}  // namespace refreshctl::testing

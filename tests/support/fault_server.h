// A TCP server on 127.0.0.1 that misbehaves in one chosen way, for the fault
// catalogue: it reads each request and then resets the connection, never
// answers, streams a chunked body without end, or answers with bytes that
// are not HTTP. Connections are served one at a time on a thread; every
// behaviour is bounded in time and bytes, and the destructor stops it.
#pragma once

#include <atomic>
#include <string>
#include <thread>

namespace refreshctl::testing {

class FaultServer {
 public:
  enum class Fault {
    kReset,           // RST after reading the request
    kSilent,          // reads the request, never answers (slow headers)
    kEndlessChunked,  // 200 with a chunked body that never ends (up to 64 MiB / 20 s)
    kGarbage,         // "this is not HTTP\r\n" and close: an HTTP/0.9 answer
  };

  explicit FaultServer(Fault fault);
  ~FaultServer();
  FaultServer(const FaultServer&) = delete;
  FaultServer& operator=(const FaultServer&) = delete;

  std::string url(const std::string& path) const;
  int requests() const { return requests_; }

 private:
  void serve();
  void handle(int fd);

  Fault fault_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

}  // namespace refreshctl::testing

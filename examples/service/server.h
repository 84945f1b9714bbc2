// The example service's event loop: one thread, level-triggered epoll,
// non-blocking keep-alive connections with pipelined requests answered in
// order. Memory per connection is bounded: input by the request limits of
// http.h, output by a high-water mark, and large bodies are written from one
// shared filler buffer as the socket drains.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "http.h"

namespace example_service {

class Server {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // Serves `listen_fd` (non-blocking, listening) until `stop_fd` (a signalfd)
  // becomes readable. Owns neither descriptor.
  Server(int listen_fd, int stop_fd, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Runs the loop; returns 0 when stopped by `stop_fd`, 1 when epoll failed.
  int run();

 private:
  struct Connection;

  void accept_all();
  void on_event(int fd, uint32_t events);
  bool read_input(Connection& c);
  bool process(Connection& c);
  void answer(Connection& c, const HttpResponse& response, bool keep_alive);
  bool flush(Connection& c);
  bool serve(Connection& c);
  void update_interest(Connection& c);
  void close_connection(int fd);
  void close_idle(std::chrono::steady_clock::time_point now);

  int listen_fd_, stop_fd_, epoll_fd_ = -1;
  Handler handler_;
  std::vector<std::unique_ptr<Connection>> connections_;  // by descriptor
};

}  // namespace example_service

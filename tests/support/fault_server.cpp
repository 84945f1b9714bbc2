#include "support/fault_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

namespace refreshctl::testing {
namespace {

constexpr auto kMaxServe = std::chrono::seconds(20);  // per connection
constexpr size_t kMaxBytes = size_t{64} << 20;

// Waits up to `ms` for `fd` to be readable; false on timeout.
bool readable(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, ms) > 0;
}

// Reads until the end of a request head (or the peer gives up).
void read_head(int fd, const std::atomic<bool>& stop) {
  std::string head;
  char buf[4096];
  while (!stop && head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
    if (!readable(fd, 100)) continue;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    head.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

FaultServer::FaultServer(Fault fault) : fault_(fault) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  listen(listen_fd_, 16);
  thread_ = std::thread([this] { serve(); });
}

FaultServer::~FaultServer() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
}

std::string FaultServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void FaultServer::serve() {
  while (!stop_) {
    if (!readable(listen_fd_, 100)) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    handle(fd);
    close(fd);
  }
}

void FaultServer::handle(int fd) {
  read_head(fd, stop_);
  ++requests_;
  auto until = std::chrono::steady_clock::now() + kMaxServe;
  switch (fault_) {
    case Fault::kReset: {
      linger l{1, 0};  // close() now sends RST
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
      return;
    }
    case Fault::kSilent:
      // Until the client gives up (closes) or the bound passes.
      while (!stop_ && std::chrono::steady_clock::now() < until) {
        char c;
        if (readable(fd, 100) && recv(fd, &c, 1, 0) <= 0) return;
      }
      return;
    case Fault::kEndlessChunked: {
      const char head[] =
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n";
      send(fd, head, sizeof head - 1, MSG_NOSIGNAL);
      std::string chunk = "1000\r\n" + std::string(4096, 'x') + "\r\n";
      for (size_t sent = 0; !stop_ && sent < kMaxBytes && std::chrono::steady_clock::now() < until;
           sent += chunk.size()) {
        if (send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL) <= 0) return;
      }
      return;
    }
    case Fault::kGarbage: {
      const char garbage[] = "this is not HTTP\r\n";
      send(fd, garbage, sizeof garbage - 1, MSG_NOSIGNAL);
      return;
    }
  }
}

}  // namespace refreshctl::testing

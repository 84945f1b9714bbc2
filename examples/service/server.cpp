#include "server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace example_service {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kMaxInput = kMaxHeadBytes + kMaxBodyBytes + 4096;  // stop reading beyond this
constexpr size_t kOutputHighWater = 256 * 1024;  // stop answering pipelined requests beyond this
constexpr auto kIdleTimeout = std::chrono::minutes(5);  // longer than clients keep idle connections

const char* filler() {
  static const std::string kFiller(kReadChunk, 'x');
  return kFiller.data();
}

HttpResponse error_response(ParseStatus status) {
  switch (status) {
    case ParseStatus::kHeadTooLarge:
      return make_response(431, R"({"error":"request head too large"})");
    case ParseStatus::kBodyTooLarge:
      return make_response(413, R"({"error":"request body too large"})");
    case ParseStatus::kLengthRequired:
      return make_response(411, R"({"error":"chunked request bodies are not supported"})");
    default:
      return make_response(400, R"({"error":"malformed request"})");
  }
}

}  // namespace

struct Server::Connection {
  int fd = -1;
  std::string in;
  size_t in_used = 0;  // bytes of `in` already answered
  std::string out;
  size_t out_sent = 0;
  bool hung = false;           // a request it will never answer (GET /api/hook?hang=1)
  uint64_t filler_left = 0;    // filler bytes still to write after `out`
  bool closing = false;        // close once the output is written
  bool eof = false;            // the peer sent all it will send
  uint64_t requests = 0;       // answered so far
  bool continue_sent = false;  // "100 Continue" sent for the request being read
  uint32_t interest = 0;       // the events registered with epoll
  Clock::time_point last_active;
};

Server::Server(int listen_fd, int stop_fd, Handler handler)
    : listen_fd_(listen_fd), stop_fd_(stop_fd), handler_(std::move(handler)) {}

Server::~Server() {
  for (auto& c : connections_)
    if (c) close(c->fd);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

int Server::run() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return 1;
  for (int fd : {listen_fd_, stop_fd_}) {
    epoll_event ev{EPOLLIN, {.fd = fd}};
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return 1;
  }
  epoll_event events[256];
  auto last_sweep = Clock::now();
  for (;;) {
    int n = epoll_wait(epoll_fd_, events, 256, 1000);
    if (n < 0 && errno != EINTR) return 1;
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == stop_fd_) return 0;
      if (fd == listen_fd_) {
        accept_all();
      } else {
        on_event(fd, events[i].events);
      }
    }
    auto now = Clock::now();
    if (now - last_sweep > std::chrono::seconds(1)) {
      close_idle(now);
      last_sweep = now;
    }
  }
}

void Server::accept_all() {
  for (;;) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or out of descriptors: try again on the next event
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (static_cast<size_t>(fd) >= connections_.size()) connections_.resize(fd + 1);
    auto c = std::make_unique<Connection>();
    c->fd = fd;
    c->interest = EPOLLIN;
    c->last_active = Clock::now();
    epoll_event ev{EPOLLIN, {.fd = fd}};
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      close(fd);
      continue;
    }
    connections_[fd] = std::move(c);
  }
}

void Server::on_event(int fd, uint32_t events) {
  if (static_cast<size_t>(fd) >= connections_.size() || !connections_[fd]) return;
  Connection& c = *connections_[fd];
  c.last_active = Clock::now();
  if ((events & EPOLLERR) || ((events & EPOLLHUP) && !(events & EPOLLIN))) {
    close_connection(fd);
    return;
  }
  if ((events & EPOLLIN) && !read_input(c)) {
    close_connection(fd);
    return;
  }
  if (!serve(c)) {
    close_connection(fd);
    return;
  }
  update_interest(c);
}

// Reads what the socket has; false on an error. End of input means: answer
// what arrived, then close.
bool Server::read_input(Connection& c) {
  char buf[kReadChunk];
  while (!c.eof && c.in.size() < kMaxInput) {
    ssize_t n = recv(c.fd, buf, sizeof buf, 0);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    if (n == 0) {
      c.eof = true;
      return true;
    }
    c.in.append(buf, static_cast<size_t>(n));
    if (static_cast<size_t>(n) < sizeof buf) return true;  // most likely drained
  }
  return true;
}

// Answers, in order, every complete request while output is not backed up.
// Returns whether it answered any.
bool Server::process(Connection& c) {
  bool answered = false;
  while (!c.closing && !c.hung && c.filler_left == 0 &&
         c.out.size() - c.out_sent < kOutputHighWater) {
    HttpRequest request;
    std::string_view input(c.in);
    ParseResult r = parse_request(input.substr(c.in_used), &request);
    if (r.status == ParseStatus::kIncomplete) {
      if (r.expects_continue && !c.continue_sent) {
        c.out += "HTTP/1.1 100 Continue\r\n\r\n";
        c.continue_sent = true;
      }
      break;
    }
    answered = true;
    if (r.status != ParseStatus::kComplete) {
      answer(c, error_response(r.status), false);
      c.in.clear();
      c.in_used = 0;
      break;
    }
    c.in_used += r.consumed;
    c.continue_sent = false;
    request.first_on_connection = c.requests++ == 0;
    answer(c, handler_(request), request.keep_alive);
  }
  if (c.in_used > 0 && (c.in_used == c.in.size() || c.in_used > kReadChunk)) {
    c.in.erase(0, c.in_used);
    c.in_used = 0;
  }
  return answered;
}

void Server::answer(Connection& c, const HttpResponse& response, bool keep_alive) {
  if (response.hang) {
    c.hung = true;  // later requests on this connection are not read either
    return;
  }
  append_response_head(response, keep_alive, &c.out);
  if (response.filler_bytes > 0) {
    c.filler_left = response.filler_bytes;
  } else {
    c.out += response.body;
  }
  if (!keep_alive || response.until_close) c.closing = true;
}

// Writes as much output as the socket takes; false on an error.
bool Server::flush(Connection& c) {
  for (;;) {
    const char* data;
    size_t size;
    if (c.out_sent < c.out.size()) {
      data = c.out.data() + c.out_sent;
      size = c.out.size() - c.out_sent;
    } else if (c.filler_left > 0) {
      data = filler();
      size = c.filler_left < kReadChunk ? c.filler_left : kReadChunk;
    } else {
      c.out.clear();
      c.out_sent = 0;
      return true;
    }
    ssize_t n = send(c.fd, data, size, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    if (c.out_sent < c.out.size()) {
      c.out_sent += static_cast<size_t>(n);
    } else {
      c.filler_left -= static_cast<uint64_t>(n);
    }
  }
}

// Answers and writes until the socket is full or no request is complete;
// false when the connection is to be closed now.
bool Server::serve(Connection& c) {
  for (;;) {
    bool answered = process(c);
    if (!flush(c)) return false;
    if (!c.out.empty() || c.filler_left > 0) return true;  // wait until writable
    if (c.closing) return false;
    if (!answered) return !c.eof;
  }
}

void Server::update_interest(Connection& c) {
  uint32_t want = 0;
  if (!c.closing && !c.eof && c.in.size() < kMaxInput) want |= EPOLLIN;
  if (!c.out.empty() || c.filler_left > 0) want |= EPOLLOUT;
  if (want == c.interest) return;
  epoll_event ev{want, {.fd = c.fd}};
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
  c.interest = want;
}

void Server::close_connection(int fd) {
  close(fd);  // also leaves the epoll set
  connections_[fd].reset();
}

void Server::close_idle(Clock::time_point now) {
  for (auto& c : connections_)
    if (c && now - c->last_active > kIdleTimeout) close_connection(c->fd);
}

}  // namespace example_service

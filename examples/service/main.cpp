// refreshctl-example-service: a loopback HTTP refresh/status API for the
// Quick start, the integration tests and the benchmarks. See README.md.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>

#include "refresh_api.h"
#include "server.h"
#include "text.h"

namespace example_service {
namespace {

constexpr const char* kUsage =
    "usage: refreshctl-example-service [--bind 127.0.0.1] [--port 0] [--port-file PATH]\n"
    "                                  [--duration 5s] [--quiet]\n";

struct Options {
  std::string bind = "127.0.0.1";
  int port = 0;
  std::string port_file;
  std::chrono::milliseconds duration{5000};
  bool quiet = false;
};

int fail(const std::string& message) {
  std::fprintf(stderr, "refreshctl-example-service: error: %s\n", message.c_str());
  return 2;
}

// Fills `*o` from argv; returns an error message, or "" on success.
std::string parse_args(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i], value;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (arg == "--quiet") {
      o->quiet = true;
      continue;
    }
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return arg + " needs a value";
    }
    if (arg == "--bind") {
      o->bind = value;
    } else if (arg == "--port") {
      char* end = nullptr;
      long port = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || port < 0 || port > 65535)
        return "--port " + value + " is not a port number (0 picks a free port)";
      o->port = static_cast<int>(port);
    } else if (arg == "--port-file") {
      o->port_file = value;
    } else if (arg == "--duration") {
      auto d = parse_duration(value);
      if (!d) return "--duration " + value + " is not a duration (use 250ms, 5s, 2m)";
      o->duration = *d;
    } else {
      return "unknown option " + arg + "\n" + kUsage;
    }
  }
  return "";
}

// A non-blocking listening socket on a loopback address, or -1 with `*err`.
int listen_loopback(const Options& o, std::string* err) {
  std::string host = o.bind == "localhost" ? "127.0.0.1" : o.bind;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  sockaddr_storage addr{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1 &&
      (ntohl(v4->sin_addr.s_addr) >> 24) == 127) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(o.port));
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1 &&
             IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr)) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(o.port));
    len = sizeof *v6;
  } else {
    *err = "refusing to bind to " + o.bind +
           ": only loopback addresses (127.0.0.0/8, ::1) are allowed";
    return -1;
  }
  int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      listen(fd, SOMAXCONN) != 0) {
    *err = "cannot listen on " + o.bind + " port " + std::to_string(o.port) + ": " +
           std::strerror(errno);
    if (fd >= 0) close(fd);
    return -1;
  }
  return fd;
}

int bound_port(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

// Written to a temporary file and renamed, so a reader never sees half of it.
bool write_port_file(const std::string& path, int port) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
    if (!out.flush()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

// SIGTERM and SIGINT arrive on a descriptor the event loop watches.
int stop_signals_fd() {
  signal(SIGPIPE, SIG_IGN);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int run(int argc, char** argv) {
  Options options;
  if (std::string err = parse_args(argc, argv, &options); !err.empty()) return fail(err);
  raise_descriptor_limit();
  int stop_fd = stop_signals_fd();
  if (stop_fd < 0) return fail(std::string("signalfd: ") + std::strerror(errno));
  std::string err;
  int listen_fd = listen_loopback(options, &err);
  if (listen_fd < 0) return fail(err);
  int port = bound_port(listen_fd);
  if (!options.port_file.empty() && !write_port_file(options.port_file, port))
    return fail("cannot write the port file " + options.port_file);
  std::string host = options.bind.find(':') != std::string::npos && options.bind.front() != '['
                         ? "[" + options.bind + "]"
                     : options.bind == "localhost" ? "127.0.0.1"
                                                   : options.bind;
  std::printf("listening on http://%s:%d\n", host.c_str(), port);
  std::fflush(stdout);
  RefreshApi api(options.duration, options.quiet);
  Server server(listen_fd, stop_fd, [&api](const HttpRequest& r) { return api.handle(r); });
  int code = server.run();
  close(listen_fd);
  close(stop_fd);
  return code;
}

}  // namespace
}  // namespace example_service

int main(int argc, char** argv) { return example_service::run(argc, argv); }

#include "support/pg_servers.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <thread>

namespace refreshctl::testing {
namespace {

constexpr const char* kScript = PROJECT_SOURCE_DIR "/scripts/pg-test-cluster.sh";
constexpr const char* kPgBouncer = "/usr/sbin/pgbouncer";

bool accepts_connections(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// Servers that refuse root run as postgres when the tests run as root.
std::vector<std::string> as_server_user(std::vector<std::string> argv) {
  if (geteuid() != 0) return argv;
  argv.insert(argv.begin(),
              {"/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"});
  return argv;
}

}  // namespace

int conninfo_port(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  PQfreemem(error);
  int port = 0;
  for (PQconninfoOption* o = options; o != nullptr && o->keyword != nullptr; ++o) {
    if (std::string(o->keyword) == "port" && o->val != nullptr) port = std::atoi(o->val);
  }
  PQconninfoFree(options);
  return port;
}

PgCluster::PgCluster() {
  script("start");
  conninfo_ = read_file(state_.file("conninfo"));
  while (!conninfo_.empty() && conninfo_.back() == '\n') conninfo_.pop_back();
  port_ = conninfo_port(conninfo_);
}

PgCluster::~PgCluster() {
  try {
    script("stop");
  } catch (const std::exception&) {
    // nothing more to do: the data directory is under /tmp
  }
}

void PgCluster::restart() { script("restart"); }

void PgCluster::halt() { script("halt"); }

void PgCluster::resume() { script("resume"); }

void PgCluster::script(const std::string& action) {
  auto r = run_process({kScript, action, state_.path().string()},
                       {.timeout = std::chrono::milliseconds(180'000)});
  if (r.exit_code != 0) {
    throw std::runtime_error(fmt::format("scripts/pg-test-cluster.sh {} failed (exit {}): {}{}",
                                         action, r.exit_code, r.out, r.err));
  }
}

PgBouncer::PgBouncer(int server_port, const std::string& pool_mode) {
  if (access(kPgBouncer, X_OK) != 0) {
    throw std::runtime_error(
        "pgbouncer is not installed (Debian's pgbouncer; scripts/deps.sh test installs it)");
  }
  port_ = free_loopback_port();
  chmod(dir_.path().c_str(), 0755);  // readable by the postgres user
  std::string users = dir_.write("users.txt", "\"postgres\" \"\"\n");
  std::string ini = dir_.write(
      "pgbouncer.ini", fmt::format(R"([databases]
* = host=127.0.0.1 port={server_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {users}
pool_mode = {mode}
max_client_conn = 50
default_pool_size = 5
ignore_startup_parameters = extra_float_digits
)",
                                   fmt::arg("server_port", server_port), fmt::arg("port", port_),
                                   fmt::arg("users", users), fmt::arg("mode", pool_mode)));
  chmod(users.c_str(), 0644);
  chmod(ini.c_str(), 0644);
  process_ = std::make_unique<BackgroundProcess>(as_server_user({kPgBouncer, ini}));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!accepts_connections(port_)) {
    if (std::chrono::steady_clock::now() > deadline) {
      process_->signal(SIGKILL);
      auto r = process_->wait();
      throw std::runtime_error("pgbouncer did not start: " + r.out + r.err);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

PgBouncer::~PgBouncer() = default;

std::string PgBouncer::spec(const std::string& database) const {
  return fmt::format("postgresql://postgres@127.0.0.1:{}/{}", port_, database);
}

}  // namespace refreshctl::testing

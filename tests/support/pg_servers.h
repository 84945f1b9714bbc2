// PostgreSQL servers of a test's own, for what the shared test cluster must
// never see: a server stopped or restarted mid-test (PgCluster), a pooler in
// front of it (PgBouncer). Both run as the postgres user when the tests run
// as root (neither server runs as root), on free ports of 127.0.0.1.
#pragma once

#include <memory>
#include <string>

#include "support/ports.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace refreshctl::testing {

// A throwaway cluster (scripts/pg-test-cluster.sh in a state directory of
// its own). Throws, with the script's output, when it cannot start.
class PgCluster {
 public:
  PgCluster();
  // Stops it and removes its data.
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // The superuser's conninfo (host=127.0.0.1 port=N user=postgres dbname=postgres).
  const std::string& conninfo() const { return conninfo_; }
  int port() const { return port_; }
  // pg_ctl restart -m fast: every session ends; the server is back on the
  // same port when this returns. Throws when it is not.
  void restart();
  // pg_ctl stop -m fast, keeping the data; resume() starts it again.
  void halt();
  void resume();

 private:
  void script(const std::string& action);
  TempDir state_;
  std::string conninfo_;
  int port_ = 0;
};

// PgBouncer in `pool_mode` ("session" or "transaction") in front of the
// PostgreSQL server on `server_port`, trusting every user. Throws, saying
// how to install it, when pgbouncer is missing.
class PgBouncer {
 public:
  PgBouncer(int server_port, const std::string& pool_mode);
  ~PgBouncer();
  PgBouncer(const PgBouncer&) = delete;
  PgBouncer& operator=(const PgBouncer&) = delete;

  // A URL to `database` through the pooler, as user postgres.
  std::string spec(const std::string& database) const;

 private:
  TempDir dir_;
  std::unique_ptr<BackgroundProcess> process_;
  int port_ = 0;
};

// The port of `conninfo` (0 when it names none).
int conninfo_port(const std::string& conninfo);

}  // namespace refreshctl::testing

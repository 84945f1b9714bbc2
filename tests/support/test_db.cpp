#include "support/test_db.h"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <stdexcept>

namespace refreshctl::testing {
namespace {

std::string trim(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

std::string unique_database_name() {
  static std::atomic<int> counter{0};
  std::random_device random;
  return fmt::format("refreshctl_test_{}_{}_{:06x}", getpid(), ++counter, random() & 0xffffff);
}

// A URL naming database `name` on the server `conninfo` reaches, so that the
// tests go through refreshctl's URL handling; conninfo for a socket path.
std::string database_spec(const std::string& conninfo, const std::string& name) {
  std::string host, port, user;
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  PQfreemem(error);
  if (options == nullptr) throw std::runtime_error("cannot read conninfo " + conninfo);
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    std::string key = o->keyword;
    std::string value = o->val != nullptr ? o->val : "";
    if (key == "host") host = value;
    if (key == "port") port = value;
    if (key == "user") user = value;
  }
  PQconninfoFree(options);
  if (host.empty() || host[0] == '/') return conninfo + " dbname=" + name;
  return fmt::format("postgresql://{}{}{}{}/{}", user, user.empty() ? "" : "@", host,
                     port.empty() ? "" : ":" + port, name);
}

}  // namespace

std::string backend_name(Backend backend) {
  return backend == Backend::kSqlite ? "Sqlite" : "Postgres";
}

std::string test_cluster_conninfo() {
  const char* direct = std::getenv("REFRESHCTL_TEST_PG");
  if (direct != nullptr && *direct != '\0') return direct;
  const char* file = std::getenv("REFRESHCTL_TEST_PG_FILE");
  std::string path = file != nullptr && *file != '\0' ? file : PG_TEST_CONNINFO_FILE;
  std::string conninfo = trim(read_file(path));
  if (conninfo.empty()) {
    std::string dir = std::filesystem::path(path).parent_path().string();
    throw std::runtime_error(fmt::format(
        "no PostgreSQL test cluster ({} is missing): run the tests through ctest, which starts "
        "one, or start one with `scripts/pg-test-cluster.sh start {}` (`... stop {}` removes "
        "it), or set REFRESHCTL_TEST_PG to the conninfo of a server where this user may create "
        "databases",
        path, dir, dir));
  }
  return conninfo;
}

std::vector<std::string> pg_query(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string error = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("cannot connect to " + conninfo + ": " + error);
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  PGresult* r = PQexec(conn, sql.c_str());
  ExecStatusType status = PQresultStatus(r);
  std::vector<std::string> out;
  std::string error;
  if (status == PGRES_TUPLES_OK) {
    for (int i = 0; i < PQntuples(r); ++i) out.emplace_back(PQgetvalue(r, i, 0));
  } else if (status != PGRES_COMMAND_OK) {
    error = PQresultErrorMessage(r);
  }
  PQclear(r);
  PQfinish(conn);
  if (!error.empty()) throw std::runtime_error(sql + ": " + error);
  return out;
}

TestDb::TestDb(Backend backend) : backend_(backend) {
  if (backend == Backend::kSqlite) {
    spec_ = dir_.file("refreshctl.db");
    return;
  }
  admin_ = test_cluster_conninfo();
  name_ = unique_database_name();
  try {
    pg_query(admin_, "CREATE DATABASE " + name_);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(e.what()) +
                             " (is the test cluster still running? ctest starts one for each run; "
                             "by hand: scripts/pg-test-cluster.sh start build/tests/pg-test)");
  }
  spec_ = database_spec(admin_, name_);
}

TestDb::TestDb(Backend backend, const std::string& admin_conninfo) : backend_(backend) {
  admin_ = admin_conninfo;
  name_ = unique_database_name();
  pg_query(admin_, "CREATE DATABASE " + name_);
  spec_ = database_spec(admin_, name_);
}

std::unique_ptr<TestDb> TestDb::on_server(const std::string& admin_conninfo) {
  return std::unique_ptr<TestDb>(new TestDb(Backend::kPostgres, admin_conninfo));
}

TestDb::~TestDb() {
  if (backend_ != Backend::kPostgres) return;
  try {
    pg_query(admin_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // the server may be gone already (a test that stopped it)
  }
}

std::unique_ptr<Store> TestDb::open() const {
  auto store = open_store(spec_);
  if (!store.ok()) throw std::runtime_error("opening " + spec_ + ": " + store.error());
  return std::move(store).value();
}

std::string TestDb::contents() const {
  if (backend_ == Backend::kSqlite) return read_file(spec_) + read_file(spec_ + "-wal");
  std::string out;
  for (const auto& table : query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
    for (const auto& row : query(fmt::format("SELECT t::text FROM \"{}\" t", table))) {
      out += table + ": " + row + "\n";
    }
  }
  return out;
}

void TestDb::execute(const std::string& sql) const { (void)query(sql); }

std::vector<std::string> TestDb::query(const std::string& sql) const {
  if (backend_ == Backend::kPostgres) return pg_query(spec_, sql);
  sqlite3* db = nullptr;
  sqlite3_open(spec_.c_str(), &db);
  sqlite3_busy_timeout(db, 10'000);
  std::vector<std::string> out;
  char* message = nullptr;
  int rc = sqlite3_exec(
      db, sql.c_str(),
      [](void* rows, int columns, char** values, char**) {
        if (columns > 0) {
          static_cast<std::vector<std::string>*>(rows)->emplace_back(values[0] ? values[0] : "");
        }
        return 0;
      },
      &out, &message);
  std::string error = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error(sql + ": " + error);
  return out;
}

}  // namespace refreshctl::testing

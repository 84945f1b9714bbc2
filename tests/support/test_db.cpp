#include "support/test_db.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <stdexcept>

namespace refreshctl::testing {

std::string backend_name(Backend backend) {
  return backend == Backend::kSqlite ? "Sqlite" : "Postgres";
}

TestDb::TestDb(Backend backend) : backend_(backend) {
  if (backend == Backend::kSqlite) {
    spec_ = dir_.file("refreshctl.db");
    return;
  }
  throw std::runtime_error("the PostgreSQL test database is not available yet");
}

TestDb::~TestDb() = default;

std::unique_ptr<Store> TestDb::open() const {
  auto store = open_store(spec_);
  if (!store.ok()) throw std::runtime_error("opening " + spec_ + ": " + store.error());
  return std::move(store).value();
}

std::string TestDb::contents() const { return read_file(spec_) + read_file(spec_ + "-wal"); }

void TestDb::execute(const std::string& sql) const {
  sqlite3* db = nullptr;
  sqlite3_open(spec_.c_str(), &db);
  sqlite3_busy_timeout(db, 10'000);
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  std::string error = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error(sql + ": " + error);
}

}  // namespace refreshctl::testing

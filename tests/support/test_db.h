// A fresh database for one test, on either backend, so that the store and
// integration suites run against both:
//
//   TestDb db(Backend::kPostgres);
//   refreshctl({"--db", db.spec(), "list"});
//
// SQLite: a file in a temporary directory. PostgreSQL: a new database in the
// throwaway test cluster that the test command starts (its conninfo in
// REFRESHCTL_TEST_PG), dropped again at the end. Without that cluster a
// PostgreSQL test fails, saying how to start it; it never skips.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"
#include "support/temp_dir.h"

namespace refreshctl::testing {

enum class Backend { kSqlite, kPostgres };

// "Sqlite" / "Postgres", for parameterised test names.
std::string backend_name(Backend backend);

class TestDb {
 public:
  explicit TestDb(Backend backend);
  ~TestDb();
  TestDb(const TestDb&) = delete;
  TestDb& operator=(const TestDb&) = delete;

  Backend backend() const { return backend_; }
  // The --db value.
  const std::string& spec() const { return spec_; }
  // Opens it through open_store() (created and migrated on first use).
  std::unique_ptr<Store> open() const;
  // Every text the database holds, for "no secret anywhere" checks (the
  // file and its WAL for SQLite, a dump of every table for PostgreSQL).
  std::string contents() const;
  // Runs SQL on it directly, behind refreshctl's back (to age a lock holder,
  // say). Throws on failure.
  void execute(const std::string& sql) const;

 private:
  Backend backend_;
  TempDir dir_;
  std::string spec_;
  std::string name_;  // PostgreSQL: the database's name
};

}  // namespace refreshctl::testing

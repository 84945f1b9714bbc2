// A fresh database for one test, on either backend, so that the store and
// integration suites run against both:
//
//   TestDb db(Backend::kPostgres);
//   refreshctl({"--db", db.spec(), "list"});
//
// SQLite: a file in a temporary directory. PostgreSQL: a new database in the
// throwaway test cluster that CTest starts (scripts/pg-test-cluster.sh; its
// conninfo in REFRESHCTL_TEST_PG, or in the file REFRESHCTL_TEST_PG_FILE
// names), dropped again at the end. Without that cluster a PostgreSQL test
// fails, saying how to start it; it never skips. Tests that need PostgreSQL
// have "Postgres" in their names: CTest gives only those the cluster.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/store.h"
#include "support/temp_dir.h"

namespace refreshctl::testing {

enum class Backend { kSqlite, kPostgres };

// "Sqlite" / "Postgres", for parameterised test names.
std::string backend_name(Backend backend);

class TestDb {
 public:
  explicit TestDb(Backend backend);
  // A new database on the PostgreSQL server that `admin_conninfo` reaches
  // (as a superuser): for tests with a server of their own.
  static std::unique_ptr<TestDb> on_server(const std::string& admin_conninfo);
  ~TestDb();
  TestDb(const TestDb&) = delete;
  TestDb& operator=(const TestDb&) = delete;

  Backend backend() const { return backend_; }
  // The --db value (a postgresql:// URL for PostgreSQL).
  const std::string& spec() const { return spec_; }
  // PostgreSQL: the database's name.
  const std::string& name() const { return name_; }
  // Opens it through open_store() (created and migrated on first use).
  std::unique_ptr<Store> open() const;
  // Every text the database holds, for "no secret anywhere" checks (the
  // file and its WAL for SQLite, every row of every table for PostgreSQL).
  std::string contents() const;
  // Runs SQL on it directly, behind refreshctl's back (to age a lock holder,
  // say). Throws on failure.
  void execute(const std::string& sql) const;
  // Runs a query on it directly; the first column of each row, as text.
  std::vector<std::string> query(const std::string& sql) const;

 private:
  TestDb(Backend backend, const std::string& admin_conninfo);
  Backend backend_;
  TempDir dir_;
  std::string admin_;  // PostgreSQL: the server's superuser conninfo
  std::string spec_;
  std::string name_;
};

// The conninfo of the shared PostgreSQL test cluster; throws, saying how to
// start it, when there is none.
std::string test_cluster_conninfo();

// Runs SQL on the PostgreSQL database `conninfo` names; the first column of
// each row, as text. Throws on failure.
std::vector<std::string> pg_query(const std::string& conninfo, const std::string& sql);

}  // namespace refreshctl::testing

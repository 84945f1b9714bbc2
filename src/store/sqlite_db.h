// A thin RAII layer over the SQLite C API: a connection, prepared statements
// with typed binds and columns, and transactions. Only prepared statements.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace refreshctl::sqlite {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds by 1-based position; returns *this for chaining.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view(value));
  }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, std::optional<int64_t> value);
  Statement& bind_null(int index);

  // Steps once: true when a row is ready, false when done.
  Result<bool> step();
  // Steps to the end; for statements that return no rows.
  Result<void> run();
  // Clears bindings and rewinds, to run again.
  void reset();

  int64_t column_int(int index) const;
  std::optional<int64_t> column_optional_int(int index) const;
  std::string column_text(int index) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  // Opens (creating if missing) the file; the busy timeout makes writers wait
  // for one another instead of failing at once.
  static Result<Database> open(const std::string& path, int busy_timeout_ms);
  Database(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  Result<Statement> prepare(std::string_view sql);
  // Runs SQL without parameters (schema, PRAGMA, BEGIN/COMMIT).
  Result<void> exec(const std::string& sql);
  int64_t last_insert_id() const;
  int changes() const;

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// BEGIN IMMEDIATE on construction (waiting for other writers), ROLLBACK on
// destruction unless commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  ~Transaction();
  Result<void> commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace refreshctl::sqlite

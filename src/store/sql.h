// The SQL seam under the Store: one connection to SQLite or PostgreSQL that
// runs statements written once, with `?` placeholders, and returns rows of
// plain values. The Store's logic (sql_store*.cpp) is written against this,
// so both backends share every query; what differs between them (opening,
// locking, the dialect of a few schema words) stays in the backends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "util/result.h"

namespace refreshctl::sql {

// NULL, an integer, or text. Integers are 64-bit on both backends.
using Value = std::variant<std::monostate, int64_t, std::string>;
using Params = std::vector<Value>;

struct Row {
  std::vector<Value> values;

  bool is_null(size_t i) const { return std::holds_alternative<std::monostate>(values[i]); }
  // The integer in column i; 0 for NULL.
  int64_t integer(size_t i) const;
  std::optional<int64_t> optional_integer(size_t i) const;
  // The text in column i; "" for NULL, the decimal form of an integer.
  std::string text(size_t i) const;
};
using Rows = std::vector<Row>;

enum class Dialect { kSqlite, kPostgres };

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;

  // Runs one statement, its `?` placeholders bound to `params` in order, and
  // returns every row it produced (none for most writes; RETURNING rows).
  // Statements are prepared once per connection and reused. Fails with the
  // database's message; a lost connection has ErrorKind::kConnectionLost.
  virtual Result<Rows> query(std::string_view sql, const Params& params = {}) = 0;
  // Runs one statement; returns the number of rows it changed.
  virtual Result<int64_t> execute(std::string_view sql, const Params& params = {}) = 0;
  // Runs the same statement once for every parameter list, in order, as one
  // round trip where the backend can; returns each run's rows.
  virtual Result<std::vector<Rows>> query_many(std::string_view sql,
                                               const std::vector<Params>& batch) = 0;
  // Runs SQL text without parameters, possibly several statements (schema).
  virtual Result<void> execute_script(const std::string& sql) = 0;

  // A write transaction. SQLite takes the write lock at begin (IMMEDIATE),
  // so a transaction never fails half way because of another writer.
  virtual Result<void> begin() = 0;
  virtual Result<void> commit() = 0;
  // Never fails: a rollback on a lost connection has nothing left to undo.
  virtual void rollback() = 0;
};

// begin() on construction; rollback() on destruction unless commit() ran.
class Transaction {
 public:
  static Result<Transaction> begin(Connection& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Result<void> commit();

 private:
  explicit Transaction(Connection* db) : db_(db) {}
  Connection* db_;
};

// Convenience for queries that return at most one row.
Result<std::optional<Row>> query_one(Connection& db,
                                     std::string_view sql,
                                     const Params& params = {});

// "?, ?, ?" for n placeholders, for IN lists.
std::string placeholders(size_t n);

// Rewrites `?` placeholders to PostgreSQL's $1, $2, ... outside quoted
// strings and identifiers.
std::string to_postgres_placeholders(std::string_view sql);

// Replaces the schema's dialect words in a migration: {{id}} becomes an
// auto-increment integer primary key of this dialect; the lines after a
// "-- {{sqlite}}" or "-- {{postgres}}" line are kept for that dialect only,
// up to the next such line or "-- {{both}}".
std::string apply_dialect(std::string_view schema_sql, Dialect dialect);

}  // namespace refreshctl::sql

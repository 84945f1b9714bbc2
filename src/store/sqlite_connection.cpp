#include "store/sqlite_connection.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <unordered_map>

namespace refreshctl::sql {
namespace {

class SqliteConnection : public Connection {
 public:
  SqliteConnection(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  Result<Rows> query(std::string_view sql, const Params& params) override {
    auto stmt = prepare(sql, params);
    if (!stmt.ok()) return std::move(stmt).take_error();
    Rows rows;
    for (;;) {
      int rc = sqlite3_step(*stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        sqlite3_reset(*stmt);
        return failure();
      }
      rows.push_back(read_row(*stmt));
    }
    sqlite3_reset(*stmt);
    return rows;
  }

  Result<int64_t> execute(std::string_view sql, const Params& params) override {
    auto rows = query(sql, params);
    if (!rows.ok()) return std::move(rows).take_error();
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

  Result<std::vector<Rows>> query_many(std::string_view sql,
                                       const std::vector<Params>& batch) override {
    std::vector<Rows> out;
    out.reserve(batch.size());
    for (const auto& params : batch) {
      auto rows = query(sql, params);
      if (!rows.ok()) return std::move(rows).take_error();
      out.push_back(std::move(rows).value());
    }
    return out;
  }

  Result<void> execute_script(const std::string& sql) override {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message != nullptr ? message : sqlite3_errmsg(db_);
      sqlite3_free(message);
      Error error = failure();
      error.message = fmt::format("{}: {}", path_, text);
      return error;
    }
    return {};
  }

  Result<void> begin() override { return execute_script("BEGIN IMMEDIATE"); }
  Result<void> commit() override { return execute_script("COMMIT"); }
  void rollback() override {
    if (sqlite3_get_autocommit(db_) == 0) (void)execute_script("ROLLBACK");
  }

 private:
  Result<sqlite3_stmt*> prepare(std::string_view sql, const Params& params) {
    auto it = statements_.find(std::string(sql));
    if (it == statements_.end()) {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                             SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
        return failure();
      }
      it = statements_.emplace(std::string(sql), stmt).first;
    }
    sqlite3_stmt* stmt = it->second;
    sqlite3_clear_bindings(stmt);
    for (size_t i = 0; i < params.size(); ++i) {
      int index = static_cast<int>(i) + 1;
      if (const auto* n = std::get_if<int64_t>(&params[i])) {
        sqlite3_bind_int64(stmt, index, *n);
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        sqlite3_bind_text(stmt, index, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
      } else {
        sqlite3_bind_null(stmt, index);
      }
    }
    return stmt;
  }

  static Row read_row(sqlite3_stmt* stmt) {
    Row row;
    int columns = sqlite3_column_count(stmt);
    row.values.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_NULL:
          row.values.emplace_back(std::monostate{});
          break;
        case SQLITE_INTEGER:
          row.values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c)));
          break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          row.values.emplace_back(
              std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
        }
      }
    }
    return row;
  }

  // A full disk, a lock held past the busy timeout or an I/O error may pass:
  // kUnavailable, so that a run keeps what it learnt and writes it later.
  Error failure() const {
    Error error = make_error(fmt::format("{}: {}", path_, sqlite3_errmsg(db_)));
    switch (sqlite3_errcode(db_) & 0xff) {
      case SQLITE_FULL:
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
      case SQLITE_IOERR:
        error.kind = ErrorKind::kUnavailable;
        break;
      default:
        break;
    }
    return error;
  }

  std::string path_;
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace

Result<std::unique_ptr<Connection>> open_sqlite(const std::string& path, const SqliteOpen& how) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX |
              (how.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  std::string name = path;
  if (how.immutable) {
    flags |= SQLITE_OPEN_URI;
    name = "file:";
    for (char c : path) {  // a URI: '%', '?' and '#' in the path are escaped
      if (c == '%' || c == '?' || c == '#') {
        name += fmt::format("%{:02X}", static_cast<unsigned char>(c));
      } else {
        name += c;
      }
    }
    name += "?immutable=1";
  }
  int rc = sqlite3_open_v2(name.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return make_error(fmt::format("{}: {}", path, message));
  }
  sqlite3_busy_timeout(db, how.busy_timeout_ms);
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<Connection>(new SqliteConnection(path, db));
}

}  // namespace refreshctl::sql

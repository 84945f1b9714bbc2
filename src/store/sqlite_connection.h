// sql::Connection over the SQLite C API: statements prepared once and kept,
// typed binds and columns, BEGIN IMMEDIATE transactions.
#pragma once

#include <memory>
#include <string>

#include "store/sql.h"

namespace refreshctl::sql {

struct SqliteOpen {
  bool read_only = false;  // SQLITE_OPEN_READONLY: for commands that only read
  // SQLite's immutable=1: no locks, no -wal or -shm. Only for reading a file
  // whose directory this user cannot write while no writer has it open.
  bool immutable = false;
  int busy_timeout_ms = 30'000;
};

// Opens the existing or new file at `path` (created only when writable and
// missing; the caller decides whether it may be). Errors name the path.
Result<std::unique_ptr<Connection>> open_sqlite(const std::string& path, const SqliteOpen& how);

}  // namespace refreshctl::sql

// The embedded SQLite backend of Store.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "store/store.h"

namespace refreshctl {

struct SqliteOptions {
  int busy_timeout_ms = 30'000;
  OpenMode mode = OpenMode::kReadWrite;
  // Stop migrating at this schema version; for tests of upgrades.
  std::optional<int> schema_version;
};

// Opens the database file (kReadWrite: creating it, mode 0600, and its
// directory, 0700, when missing), switches it to WAL and migrates it to the
// current schema, each migration in its own transaction. kReadOnly never
// creates it, and opens it read-only when this user cannot write it.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                 const SqliteOptions& options = {});

// The schema version the file is at (0 for a new file).
Result<int> sqlite_schema_version(const std::string& path);

}  // namespace refreshctl

#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>

#include "store/pg_spec.h"
#include "store/pg_store.h"
#include "store/sqlite_store.h"
#include "store/store.h"

namespace refreshctl {

std::string default_db_path() {
  if (geteuid() == 0) return "/var/lib/refreshctl/refreshctl.db";
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state != nullptr && *state == '/') {
    return fmt::format("{}/refreshctl/refreshctl.db", state);
  }
  const char* home = std::getenv("HOME");
  return fmt::format("{}/.local/state/refreshctl/refreshctl.db", home ? home : ".");
}

bool is_postgres_spec(const std::string& db) {
  if (db.rfind("postgres://", 0) == 0 || db.rfind("postgresql://", 0) == 0) return true;
  // A conninfo string starts with a keyword and '=' ("host=db1 dbname=x").
  size_t i = 0;
  while (i < db.size() && std::isspace(static_cast<unsigned char>(db[i]))) ++i;
  size_t start = i;
  while (i < db.size() && (std::islower(static_cast<unsigned char>(db[i])) || db[i] == '_')) ++i;
  if (i == start) return false;
  while (i < db.size() && db[i] == ' ') ++i;
  return i < db.size() && db[i] == '=';
}

Result<std::unique_ptr<Store>> open_store(const std::string& db, OpenMode mode) {
  std::string spec = db;
  if (spec.empty()) {
    const char* env = std::getenv("REFRESHCTL_DB");
    spec = env != nullptr && *env != '\0' ? env : default_db_path();
  }
  if (is_postgres_spec(spec)) return open_postgres_store(spec, mode);
  if (spec.find("://") != std::string::npos) {
    return make_error(
        fmt::format("\"{}\" is not a database (use a file path for SQLite, or postgresql://...)",
                    pg::redact_spec(spec)));
  }
  SqliteOptions options;
  options.mode = mode;
  return open_sqlite_store(spec, options);
}

}  // namespace refreshctl

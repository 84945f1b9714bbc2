#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

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

Result<std::unique_ptr<Store>> open_store(const std::string& db) {
  std::string spec = db;
  if (spec.empty()) {
    const char* env = std::getenv("REFRESHCTL_DB");
    spec = env != nullptr && *env != '\0' ? env : default_db_path();
  }
  if (spec.rfind("postgres://", 0) == 0 || spec.rfind("postgresql://", 0) == 0 ||
      spec.find("host=") != std::string::npos || spec.find("dbname=") != std::string::npos) {
    return make_error("PostgreSQL databases are not supported by this build yet; use a file path");
  }
  if (spec.find("://") != std::string::npos) {
    return make_error(fmt::format(
        "\"{}\" is not a database (use a file path for SQLite, or postgresql://...)", spec));
  }
  return open_sqlite_store(spec);
}

}  // namespace refreshctl

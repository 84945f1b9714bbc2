#include "store/sqlite_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "store/file_lock.h"
#include "store/migrations.h"
#include "store/sqlite_db.h"
#include "store/sqlite_store_impl.h"

namespace refreshctl {
namespace {

namespace fs = std::filesystem;

// Creates the directory (0700) and the file (0600) when missing, so that
// SQLite never creates them with the process umask.
Result<void> prepare_path(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::exists(parent)) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) return make_error(fmt::format("cannot create {}: {}", parent.string(), ec.message()));
    fs::permissions(parent, fs::perms::owner_all, ec);
  }
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  close(fd);
  return {};
}

Result<int> current_version(sqlite::Database& db) {
  RCTL_TRY(db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
  auto stmt = db.prepare("SELECT coalesce(max(version), 0) FROM schema_version");
  if (!stmt.ok()) return std::move(stmt).take_error();
  auto row = stmt->step();
  if (!row.ok()) return std::move(row).take_error();
  return static_cast<int>(stmt->column_int(0));
}

Result<void> migrate(sqlite::Database& db, int from, std::optional<int> stop_at) {
  for (const auto& m : migrations()) {
    if (stop_at && m.version > *stop_at) break;
    if (m.version <= from) continue;  // no write transaction when there is nothing to do
    auto txn = sqlite::Transaction::begin(db);
    if (!txn.ok()) return std::move(txn).take_error();
    auto version = current_version(db);  // read inside the transaction: one migrator wins
    if (!version.ok()) return std::move(version).take_error();
    if (*version >= m.version) continue;
    auto applied = db.exec(m.sql);
    if (!applied.ok()) {
      return make_error(fmt::format("migration {}: {}", m.name, applied.error()));
    }
    auto record = db.prepare("INSERT INTO schema_version (version) VALUES (?)");
    if (!record.ok()) return std::move(record).take_error();
    RCTL_TRY(record->bind(1, m.version).run());
    RCTL_TRY(txn->commit());
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                 const SqliteOptions& options) {
  auto opened = [&]() -> Result<std::unique_ptr<Store>> {
    RCTL_TRY(prepare_path(path));
    auto db = sqlite::Database::open(path, options.busy_timeout_ms);
    if (!db.ok()) return std::move(db).take_error();
    RCTL_TRY(db->exec("PRAGMA journal_mode = WAL"));
    RCTL_TRY(db->exec("PRAGMA synchronous = NORMAL"));
    RCTL_TRY(db->exec("PRAGMA foreign_keys = ON"));
    auto version = current_version(*db);
    if (!version.ok()) return std::move(version).take_error();
    int latest = migrations().back().version;
    if (*version > latest) {
      return make_error(fmt::format(
          "the database is at schema version {}, newer than this refreshctl knows ({}); "
          "upgrade refreshctl",
          *version, latest));
    }
    RCTL_TRY(migrate(*db, *version, options.schema_version));
    return make_sqlite_store(path, std::move(db).value());
  }();
  return std::move(opened).context(path);
}

Result<int> sqlite_schema_version(const std::string& path) {
  auto db = sqlite::Database::open(path, 30'000);
  if (!db.ok()) return std::move(db).take_error();
  return current_version(*db);
}

}  // namespace refreshctl

#include "store/sqlite_store.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "store/sql_store.h"
#include "store/sqlite_connection.h"
#include "store/target_lock_file.h"

namespace refreshctl {
namespace {

namespace fs = std::filesystem;

// The per-target locks are bytes of <db>.lock, opened on first use (so that
// commands that only read never create it) beside the database's real path:
// two paths to one database share one lock space.
class SqliteStore : public SqlStore {
 public:
  SqliteStore(std::string path, std::unique_ptr<sql::Connection> db)
      : SqlStore(path, std::move(db)), path_(std::move(path)) {}

  Result<std::vector<int64_t>> reconnect() override { return std::vector<int64_t>{}; }

 protected:
  Result<std::vector<bool>> acquire(const std::vector<int64_t>& ids) override {
    std::vector<bool> taken(ids.size(), false);
    RCTL_TRY(open_lock_file());
    std::string holder;
    auto shared = lock_file_->share(&holder);
    if (!shared.ok()) return std::move(shared).take_error();
    legacy_ = *shared ? "" : holder;
    if (!*shared) return taken;
    for (size_t i = 0; i < ids.size(); ++i) {
      auto got = lock_file_->try_lock(ids[i]);
      if (!got.ok()) return std::move(got).take_error();
      taken[i] = *got;
    }
    return taken;
  }

  Result<void> release(const std::vector<int64_t>& ids) override {
    if (!lock_file_) return {};
    for (int64_t id : ids) RCTL_TRY(lock_file_->unlock(id));
    return {};
  }

  std::string legacy_holder() override { return legacy_; }

 private:
  Result<void> open_lock_file() {
    if (lock_file_) return {};
    char real[PATH_MAX];
    if (realpath(path_.c_str(), real) == nullptr) {
      return make_error(fmt::format("cannot resolve {}: {}", path_, std::strerror(errno)));
    }
    auto file = TargetLockFile::open(std::string(real) + ".lock");
    if (!file.ok()) return std::move(file).take_error();
    lock_file_ = std::move(file).value();
    return {};
  }

  std::string path_;
  std::unique_ptr<TargetLockFile> lock_file_;
  std::string legacy_;
};

// Creates the directory (0700) when missing. The file itself is created by
// SQLite under a umask of 077, so that it, its WAL and its shared-memory file
// are 0600 without this process ever opening the database file itself
// (closing another descriptor of it would drop SQLite's locks).
Result<void> prepare_directory(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty() || fs::exists(parent)) return {};
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return make_error(fmt::format("cannot create {}: {}", parent.string(), ec.message()));
  fs::permissions(parent, fs::perms::owner_all, ec);
  return {};
}

Result<std::unique_ptr<sql::Connection>> connect(const std::string& path,
                                                 const SqliteOptions& options) {
  sql::SqliteOpen how{.read_only = false, .busy_timeout_ms = options.busy_timeout_ms};
  if (options.mode == OpenMode::kReadOnly) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) {
      return make_error(fmt::format(
          "database {} does not exist (check --db or REFRESHCTL_DB; refreshctl apply creates "
          "it)",
          path));
    }
    how.read_only = access(path.c_str(), W_OK) != 0;
    // Reading a WAL database needs its -shm file, which SQLite cannot make
    // in a directory this user cannot write. When no writer has the file
    // open (no -wal beside it) nothing can change under the read: open it
    // immutable, so that history and list work on a read-only copy or for
    // a user who may only read.
    std::string dir = fs::path(path).parent_path().string();
    if (how.read_only && access(dir.empty() ? "." : dir.c_str(), W_OK) != 0 &&
        access((path + "-wal").c_str(), F_OK) != 0) {
      how.immutable = true;
    }
    return sql::open_sqlite(path, how);
  }
  RCTL_TRY(prepare_directory(path));
  if (access(path.c_str(), F_OK) == 0 && access(path.c_str(), W_OK) != 0) {
    return make_error(fmt::format(
        "database {} is read-only for this user: this command writes to it (list, history, "
        "show and report only read)",
        path));
  }
  std::string dir = fs::path(path).parent_path().string();
  if (access(dir.empty() ? "." : dir.c_str(), W_OK) != 0) {
    return make_error(fmt::format(
        "cannot write in {}, the directory of database {}: SQLite keeps its journal (-wal) "
        "beside the database, so this user needs write access to the directory too",
        dir.empty() ? "." : dir, path));
  }
  mode_t old = umask(077);
  auto db = sql::open_sqlite(path, how);
  umask(old);
  return db;
}

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                 const SqliteOptions& options) {
  auto db = connect(path, options);
  if (!db.ok()) return std::move(db).take_error();
  sql::Connection& c = **db;
  auto writable = c.execute_script("PRAGMA journal_mode = WAL");
  if (!writable.ok() && options.mode == OpenMode::kReadWrite)
    return std::move(writable).take_error();
  RCTL_TRY(c.execute_script("PRAGMA synchronous = NORMAL"));
  RCTL_TRY(c.execute_script("PRAGMA foreign_keys = ON"));
  RCTL_TRY(migrate_schema(c, options.schema_version));
  return std::unique_ptr<Store>(new SqliteStore(path, std::move(db).value()));
}

Result<int> sqlite_schema_version(const std::string& path) {
  auto db = sql::open_sqlite(path, {});
  if (!db.ok()) return std::move(db).take_error();
  return schema_version(**db);
}

}  // namespace refreshctl

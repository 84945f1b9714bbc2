// doctor: the SQLite file, its directory and <db>.lock, as this user finds
// them. Checked before the database is opened, so that a directory SQLite
// cannot create its WAL files in is named as such, not as "cannot open".
#include <fmt/format.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "cli/command.h"
#include "cli/doctor.h"

namespace refreshctl::cli {
namespace {

// "nobody (uid 65534)": who would have to be able to write.
std::string this_user() {
  uid_t uid = geteuid();
  const passwd* pw = getpwuid(uid);
  return fmt::format("{} (uid {})", pw != nullptr ? pw->pw_name : "?", uid);
}

std::string owner_of(const struct stat& st) {
  const passwd* pw = getpwuid(st.st_uid);
  return pw != nullptr ? pw->pw_name : std::to_string(st.st_uid);
}

// A private file: readable and writable by this user, by nobody else.
Check check_private_file(const std::string& what, const std::string& path, const struct stat& st) {
  Check c{what, true, "", kExitDatabase};
  unsigned mode = st.st_mode & 07777U;
  if (access(path.c_str(), R_OK | W_OK) != 0) {
    c.ok = false;
    c.message = fmt::format(
        "{} (owner {}, mode {:04o}) is not readable and writable by {}: run refreshctl as its "
        "owner, or chown it to the user that runs refreshctl",
        path, owner_of(st), mode, this_user());
  } else if ((mode & 077U) != 0) {
    c.ok = false;
    c.message =
        fmt::format("{} has mode {:04o}: others can read the history and lock state; chmod 600 {}",
                    path, mode, path);
  } else {
    c.message = fmt::format("{} (owner {}, mode {:04o})", path, owner_of(st), mode);
  }
  return c;
}

}  // namespace

bool check_sqlite_files(const std::string& path, std::vector<Check>& checks) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    checks.push_back({"database file", false,
                      fmt::format("{} does not exist: {} (check --db or REFRESHCTL_DB; "
                                  "refreshctl apply creates it)",
                                  path, std::strerror(errno)),
                      kExitDatabase});
    return false;
  }
  checks.push_back(check_private_file("database file", path, st));

  char real[PATH_MAX];
  std::string real_path = realpath(path.c_str(), real) != nullptr ? real : path;
  std::string dir = std::filesystem::path(real_path).parent_path().string();
  Check d{"database directory", true, "", kExitDatabase};
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    d.ok = false;
    d.message = fmt::format(
        "{} is not writable by {}: SQLite creates its -wal and -shm files there and refreshctl "
        "its lock file; chown the directory to that user or chmod u+w it",
        dir, this_user());
  } else {
    d.message = fmt::format("{} is writable", dir);
  }
  checks.push_back(d);

  std::string lock = real_path + ".lock";
  struct stat lock_st {};
  if (stat(lock.c_str(), &lock_st) != 0) {
    checks.push_back({"lock file", true,
                      fmt::format("{} is not there yet (the first run creates it, 0600)", lock),
                      kExitDatabase});
  } else {
    checks.push_back(check_private_file("lock file", lock, lock_st));
  }
  return true;
}

}  // namespace refreshctl::cli

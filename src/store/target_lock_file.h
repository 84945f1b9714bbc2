// The SQLite backend's per-target locks: open-file-description byte-range
// locks (F_OFD_SETLK) on <db>.lock, one byte per target id. The kernel
// releases them when the process dies, and only then; a stopped process keeps
// them. Runs also hold a shared flock on the file, so that a refreshctl from
// before per-target locks, which took it exclusively for a whole run, still
// excludes them (and they it) during an upgrade.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "util/result.h"

namespace refreshctl {

class TargetLockFile {
 public:
  // Opens (creating, 0600) `path` without following a symlink and without
  // truncating it; refuses anything but a regular file owned by this user.
  static Result<std::unique_ptr<TargetLockFile>> open(const std::string& path);
  ~TargetLockFile();
  TargetLockFile(const TargetLockFile&) = delete;
  TargetLockFile& operator=(const TargetLockFile&) = delete;

  // Takes the shared flock if it is not held yet. False when an older
  // refreshctl holds the file exclusively; *holder then says who, as that
  // run wrote it into the file.
  Result<bool> share(std::string* holder);
  // Takes the byte of `id` without waiting: false when another process (or
  // another open of the file) holds it.
  Result<bool> try_lock(int64_t id);
  Result<void> unlock(int64_t id);
  // True when some other open file description holds the byte of `id`.
  Result<bool> is_locked(int64_t id) const;

 private:
  TargetLockFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_;
  bool shared_ = false;
};

}  // namespace refreshctl

#include "store/target_lock_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace refreshctl {
namespace {

struct flock byte_of(int64_t id, short type) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = static_cast<off_t>(id);
  lock.l_len = 1;
  return lock;
}

}  // namespace

Result<std::unique_ptr<TargetLockFile>> TargetLockFile::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    int err = errno;
    if (err == ELOOP) {
      return make_error(fmt::format(
          "lock file {} is a symbolic link; refusing to use it (remove it: refreshctl makes "
          "its own)",
          path));
    }
    return make_error(fmt::format("cannot open lock file {}: {}", path, std::strerror(err)));
  }
  struct stat st {};
  std::string problem;
  if (fstat(fd, &st) != 0) {
    problem = std::strerror(errno);
  } else if (!S_ISREG(st.st_mode)) {
    problem = "it is not a regular file";
  } else if (st.st_uid != geteuid()) {
    problem = fmt::format("it belongs to uid {}, not to this user (uid {})", st.st_uid, geteuid());
  }
  if (!problem.empty()) {
    close(fd);
    return make_error(fmt::format("refusing lock file {}: {}", path, problem));
  }
  return std::unique_ptr<TargetLockFile>(new TargetLockFile(path, fd));
}

TargetLockFile::~TargetLockFile() {
  close(fd_);  // releases the flock and every byte lock of this description
}

Result<bool> TargetLockFile::share(std::string* holder) {
  if (shared_) return true;
  if (flock(fd_, LOCK_SH | LOCK_NB) == 0) {
    shared_ = true;
    return true;
  }
  if (errno != EWOULDBLOCK) {
    return make_error(fmt::format("cannot lock {}: {}", path_, std::strerror(errno)));
  }
  char buffer[512];
  ssize_t n = pread(fd_, buffer, sizeof buffer - 1, 0);
  std::string text = n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  *holder = text.empty() ? "an older refreshctl run" : "an older refreshctl run (" + text + ")";
  return false;
}

Result<bool> TargetLockFile::try_lock(int64_t id) {
  struct flock lock = byte_of(id, F_WRLCK);
  if (fcntl(fd_, F_OFD_SETLK, &lock) == 0) return true;
  if (errno == EAGAIN || errno == EACCES) return false;
  return make_error(fmt::format("cannot lock byte {} of {}: {}", id, path_, std::strerror(errno)));
}

Result<void> TargetLockFile::unlock(int64_t id) {
  struct flock lock = byte_of(id, F_UNLCK);
  if (fcntl(fd_, F_OFD_SETLK, &lock) == 0) return {};
  return make_error(
      fmt::format("cannot unlock byte {} of {}: {}", id, path_, std::strerror(errno)));
}

Result<bool> TargetLockFile::is_locked(int64_t id) const {
  struct flock lock = byte_of(id, F_WRLCK);
  if (fcntl(fd_, F_OFD_GETLK, &lock) != 0) {
    return make_error(fmt::format("cannot test {}: {}", path_, std::strerror(errno)));
  }
  return lock.l_type != F_UNLCK;
}

}  // namespace refreshctl

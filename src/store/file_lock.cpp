#include "store/file_lock.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace refreshctl {
namespace {

class FileLock : public RunLock {
 public:
  explicit FileLock(int fd) : fd_(fd) {}
  ~FileLock() override {
    (void)ftruncate(fd_, 0);
    close(fd_);  // releases the flock
  }

 private:
  int fd_;
};

std::string read_holder(int fd) {
  char buffer[512];
  ssize_t n = pread(fd, buffer, sizeof buffer - 1, 0);
  if (n <= 0) return "another refreshctl run";
  std::string text(buffer, static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  return text.empty() ? "another refreshctl run" : text;
}

}  // namespace

Result<std::unique_ptr<RunLock>> try_file_lock(const std::string& path, std::string* holder) {
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return make_error(fmt::format("cannot open lock file {}: {}", path, std::strerror(errno)));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    if (err == EWOULDBLOCK) {
      *holder = read_holder(fd);
      close(fd);
      return std::unique_ptr<RunLock>();
    }
    close(fd);
    return make_error(fmt::format("cannot lock {}: {}", path, std::strerror(err)));
  }
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  std::string me =
      fmt::format("pid {} on {}, started {}", getpid(), host, format_rfc3339(SystemClock().now()));
  (void)ftruncate(fd, 0);
  (void)pwrite(fd, me.data(), me.size(), 0);
  return std::unique_ptr<RunLock>(new FileLock(fd));
}

}  // namespace refreshctl

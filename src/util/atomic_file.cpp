#include "util/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace refreshctl {
namespace {

Result<void> write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(std::strerror(errno));
    text.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

// Writes, syncs and closes the temporary file.
Result<void> write_temp(const std::string& temp, std::string_view text) {
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(std::strerror(errno));
  auto written = write_all(fd, text);
  if (written.ok() && ::fsync(fd) != 0) written = make_error(std::strerror(errno));
  if (::close(fd) != 0 && written.ok()) written = make_error(std::strerror(errno));
  return written;
}

}  // namespace

Result<void> write_file_atomically(const std::string& path, std::string_view text) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string temp =
      (dir / fmt::format(".{}.tmp{}", target.filename().string(), getpid())).string();
  auto fail = [&](const std::string& why) {
    return make_error(fmt::format("cannot write {}: {}", path, why));
  };
  ::unlink(temp.c_str());  // left by a process of the same pid that died
  auto written = write_temp(temp, text);
  if (!written.ok()) {
    ::unlink(temp.c_str());
    return fail(written.error());
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    ::unlink(temp.c_str());
    return fail(why);
  }
  // The rename itself is durable once the directory is synced.
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return {};
}

}  // namespace refreshctl

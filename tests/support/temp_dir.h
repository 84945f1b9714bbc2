// A fresh directory per test, removed afterwards.
#pragma once

#include <filesystem>
#include <string>

namespace refreshctl::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  // Writes `contents` to `name` in the directory and returns its path.
  std::string write(const std::string& name, const std::string& contents) const;

 private:
  std::filesystem::path path_;
};

// The whole contents of a file ("" when missing).
std::string read_file(const std::string& path);

}  // namespace refreshctl::testing

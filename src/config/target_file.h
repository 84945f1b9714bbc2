// Reading and writing targets as TOML (SPEC §4).
#pragma once

#include <string>
#include <vector>

#include "config/target.h"
#include "util/result.h"

namespace refreshctl {

struct LoadedTarget {
  Target target;
  std::string source;  // "targets.toml:12", where its [[target]] starts
};

// Parses and validates every [[target]] of a TOML document. The error holds
// every problem found, one a line: "FILE:LINE: FIELD: what is wrong". A TOML
// syntax error stops the reading of its file.
Result<std::vector<LoadedTarget>> parse_target_file(const std::string& text,
                                                    const std::string& file_name);

// Reads FILE and parses it as above.
Result<std::vector<LoadedTarget>> load_target_file(const std::string& path);

// Loads every file; fails, with the problems of every file one a line (up to
// 20, then how many more), when a file is invalid or a name is defined twice
// (across files too).
Result<std::vector<LoadedTarget>> load_target_files(const std::vector<std::string>& paths);

// Checks a target built elsewhere (from flags): the same rules as the file.
Result<void> validate_target(const Target& target);

// The target as a [[target]] TOML document that parse_target_file accepts and
// that round-trips to an equal Target.
std::string to_toml(const Target& target);

// The rules of a version list, as `versions` in a file and a list read by
// versions_from must keep them: no empty, overlong (over 256 bytes) or
// repeated version, no control character. An empty list passes.
Result<void> check_versions(const std::vector<std::string>& versions);

}  // namespace refreshctl

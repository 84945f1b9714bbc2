// A line diff for showing what changed between two revisions.
#pragma once

#include <string>

namespace refreshctl {

// Unified-style lines: " same", "-removed", "+added", with a header naming
// the two sides. Empty when the texts are equal.
std::string line_diff(const std::string& a,
                      const std::string& b,
                      const std::string& a_name,
                      const std::string& b_name);

}  // namespace refreshctl

#include "util/line_diff.h"

#include <sstream>
#include <vector>

namespace refreshctl {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

std::string line_diff(const std::string& a,
                      const std::string& b,
                      const std::string& a_name,
                      const std::string& b_name) {
  if (a == b) return "";
  auto x = lines_of(a);
  auto y = lines_of(b);
  // Longest common subsequence table; target files are a few dozen lines.
  std::vector<std::vector<int>> lcs(x.size() + 1, std::vector<int>(y.size() + 1, 0));
  for (size_t i = x.size(); i-- > 0;) {
    for (size_t j = y.size(); j-- > 0;) {
      lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::string out = "--- " + a_name + "\n+++ " + b_name + "\n";
  size_t i = 0, j = 0;
  while (i < x.size() || j < y.size()) {
    if (i < x.size() && j < y.size() && x[i] == y[j]) {
      out += " " + x[i++] + "\n";
      ++j;
    } else if (i < x.size() && (j == y.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out += "-" + x[i++] + "\n";
    } else {
      out += "+" + y[j++] + "\n";
    }
  }
  return out;
}

}  // namespace refreshctl

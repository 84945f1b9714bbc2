// The schema as numbered migrations (src/store/migrations/NNN_name.sql),
// embedded at build time. Migration N takes the schema from version N-1 to N.
#pragma once

#include <string>
#include <vector>

namespace refreshctl {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// In order of version, 1 first.
const std::vector<Migration>& migrations();

}  // namespace refreshctl

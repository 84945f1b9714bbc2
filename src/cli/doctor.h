// The checks of `refreshctl doctor`: each finds one thing that would make a
// run fail at 02:30 (a database it cannot write, a lock file of another user,
// a clock that is off, a secret that is not set, a host that does not
// resolve) and says what to fix, without printing any resolved secret.
#pragma once

#include <string>
#include <vector>

#include "config/template.h"
#include "store/store.h"

namespace refreshctl::cli {

struct Check {
  std::string name;  // "database directory", "target sales-cube", "host api.example.com"
  bool ok = true;
  std::string message;  // what was found; for a problem, also what to do
  int exit_code = 0;    // doctor's exit code when this check fails (3, 2 or 1)
};

// The SQLite file, its directory and its lock file: present, private (0600)
// and writable by this user. Adds to `checks`; false when the file is
// missing, so that nothing more can be checked.
bool check_sqlite_files(const std::string& path, std::vector<Check>& checks);

// The store as opened: schema version, a write, the clock.
void check_database(Store& store, TimePoint now, std::vector<Check>& checks);

// Every enabled target's templates and ${env:}/${file:} references, then
// whether the host of each refresh and status URL resolves (getaddrinfo).
void check_targets(const std::vector<TargetRecord>& targets,
                   const ReferenceResolver& resolver,
                   std::vector<Check>& checks);

}  // namespace refreshctl::cli

// The `refreshctl report` page: one self-contained HTML file (inline CSS and
// SVG, no script, nothing fetched) that shows which refreshes ran when, how
// long they took, which failed and why, and which revision was in force.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/refresh.h"
#include "store/store.h"
#include "util/time.h"

namespace refreshctl::report {

struct ReportInput {
  std::vector<RefreshRecord> refreshes;  // any order
  // Each target's revisions, oldest first (targets without an entry: none shown).
  std::map<std::string, std::vector<RevisionInfo>> revisions;
  std::set<std::string> removed;   // targets that were removed; their history stays
  TimePoint now;                   // when the report is made; open refreshes end here
  std::optional<TimePoint> since;  // --since: the timeline starts here
  std::string database;            // where the history came from, for the header
  bool truncated = false;          // older refreshes were left out (--limit)
};

// The whole page. Everything that came from the database is escaped.
std::string render_html(const ReportInput& input);

}  // namespace refreshctl::report

// Pruning old history and the bookkeeping of the hourly retention, over
// sql::Connection.
#include <fmt/format.h>

#include <limits>

#include "store/sql_store.h"

namespace refreshctl {
namespace {

// The refreshes of a PruneScope; parameters: target, before, keep_from.
// A refresh of a (target, version) is kept while no newer slot of it exists:
// the planner decides from a slot's records whether that slot is done, so
// the newest one must stay (the unique key's index answers the EXISTS).
constexpr const char* kPrunable =
    "FROM refreshes f WHERE f.target = ? AND f.started_at < ? AND f.slot < ? "
    "AND f.state NOT IN ('pending', 'triggering', 'polling') "
    "AND EXISTS (SELECT 1 FROM refreshes n "
    "WHERE n.target = f.target AND n.version = f.version AND n.slot > f.slot)";

sql::Params scope_params(const PruneScope& scope) {
  int64_t keep_from =
      scope.keep_from ? to_millis(*scope.keep_from) : std::numeric_limits<int64_t>::max();
  return {scope.target, to_millis(scope.before), keep_from};
}

}  // namespace

Result<int64_t> SqlStore::prune(const PruneScope& scope, int limit) {
  sql::Params params = scope_params(scope);
  params.emplace_back(int64_t{limit});
  // One statement, so one short transaction of its own: the write lock is
  // held for one batch only, and runs write between batches.
  auto deleted = db().execute(
      fmt::format("DELETE FROM refreshes WHERE id IN (SELECT f.id {} LIMIT ?)", kPrunable), params);
  if (!deleted.ok()) return deleted;
  if (scope.slot_versions) RCTL_TRY(prune_slot_versions(scope));
  return deleted;
}

// The version lists (versions_from) of old slots that no refresh refers to
// any more; the due slot's stays, since the planner reads it.
Result<void> SqlStore::prune_slot_versions(const PruneScope& scope) {
  RCTL_TRY(db().execute(
      "DELETE FROM slot_versions WHERE target = ? AND fetched_at < ? AND slot < ? AND NOT EXISTS "
      "(SELECT 1 FROM refreshes r WHERE r.target = slot_versions.target AND r.slot = "
      "slot_versions.slot)",
      scope_params(scope)));
  return {};
}

Result<int64_t> SqlStore::count_prunable(const PruneScope& scope) {
  auto row =
      sql::query_one(db(), fmt::format("SELECT count(*) {}", kPrunable), scope_params(scope));
  if (!row.ok()) return std::move(row).take_error();
  return (*row)->integer(0);
}

Result<bool> SqlStore::claim_retention(TimePoint now, Millis every) {
  // Compare and set: of runs starting at once (on any host) one wins. A
  // time in the future (a clock set back) is taken as due, so retention
  // cannot stop until the clock catches up.
  auto changed = db().execute(
      "UPDATE retention SET last_started = ? WHERE id = 1 AND (last_started <= ? OR last_started > "
      "?)",
      {to_millis(now), to_millis(now - every), to_millis(now)});
  if (!changed.ok()) return std::move(changed).take_error();
  return *changed == 1;
}

Result<void> SqlStore::record_retention(int64_t deleted) {
  RCTL_TRY(db().execute("UPDATE retention SET last_deleted = ? WHERE id = 1", {deleted}));
  return {};
}

// Two index probes per target, not a scan of the history.
Result<std::map<std::string, HistoryExtent>> SqlStore::history_extents() {
  auto rows = db().query(
      "SELECT t.name, (SELECT min(f.started_at) FROM refreshes f WHERE f.target = t.name), "
      "CASE WHEN EXISTS (SELECT 1 FROM slot_versions s WHERE s.target = t.name) THEN 1 ELSE 0 "
      "END FROM targets t");
  if (!rows.ok()) return std::move(rows).take_error();
  std::map<std::string, HistoryExtent> out;
  for (const auto& row : *rows) {
    HistoryExtent& e = out[row.text(0)];
    if (auto ms = row.optional_integer(1)) e.oldest_refresh = from_millis(*ms);
    e.version_lists = row.integer(2) != 0;
  }
  return out;
}

}  // namespace refreshctl

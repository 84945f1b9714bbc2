// The Store written once over sql::Connection: targets and revisions
// (sql_targets.cpp), runs and refreshes (sql_history.cpp), lock holder
// records (sql_locks.cpp) and the schema (sql_schema.cpp). A backend
// (sqlite_store.cpp, pg_store.cpp) opens the connection and supplies the
// locks themselves.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "store/sql.h"
#include "store/stats.h"
#include "store/store.h"

namespace refreshctl {

class SqlStore : public Store {
 public:
  SqlStore(std::string description, std::unique_ptr<sql::Connection> db)
      : description_(std::move(description)), db_(std::move(db)) {}

  std::string describe() const override { return description_; }

  Result<std::vector<ApplyResult>> apply(const std::vector<TargetChange>& changes,
                                         TimePoint now) override;
  Result<std::optional<TargetRecord>> target(const std::string& name,
                                             std::optional<int> revision,
                                             bool include_removed) override;
  Result<std::vector<TargetRecord>> targets() override;
  Result<std::vector<TargetRecord>> targets_to_check(TimePoint now) override;
  Result<std::vector<TargetSummary>> target_summaries() override;
  Result<void> set_quiet_until(const std::vector<QuietMark>& marks) override;
  Result<std::vector<std::string>> target_names() override;
  Result<std::vector<RevisionInfo>> revisions(const std::string& name) override;
  Result<bool> remove(const std::string& name, TimePoint now, const ChangeAuthor& author) override;
  Result<std::vector<RemovalInfo>> removals(const std::string& name) override;

  Result<std::vector<bool>> try_lock_targets(int64_t run_id,
                                             const std::vector<int64_t>& ids,
                                             TimePoint now) override;
  Result<void> unlock_targets(const std::vector<int64_t>& ids) override;
  Result<std::map<int64_t, LockHolder>> lock_holders(const std::vector<int64_t>& ids) override;

  Result<int64_t> begin_run(const RunInfo& run) override;
  Result<void> finish_run(int64_t run_id,
                          TimePoint finished_at,
                          const std::string& outcome) override;
  Result<void> claim(std::vector<RefreshRecord*>& records, std::vector<bool>* claimed) override;
  Result<void> update(const std::vector<const RefreshRecord*>& records) override;
  Result<std::vector<RefreshRecord>> open_refreshes(const std::string& target) override;
  Result<std::vector<RefreshRecord>> slot_refreshes(const std::string& target,
                                                    TimePoint slot) override;
  Result<std::vector<RefreshRecord>> open_refreshes_of(
      const std::vector<std::string>& targets) override;
  Result<std::vector<RefreshRecord>> refreshes_of_slots(
      const std::vector<std::pair<std::string, TimePoint>>& slots) override;
  Result<std::vector<RefreshRecord>> latest_refreshes(const std::string& target) override;
  Result<std::optional<TimePoint>> last_ran_before(const std::string& target,
                                                   TimePoint slot) override;
  Result<std::vector<RefreshRecord>> history(const HistoryQuery& query) override;
  Result<std::map<std::string, RefreshState>> last_states() override;
  Result<int64_t> prune(const PruneScope& scope, int limit) override;
  Result<std::map<std::string, HistoryExtent>> history_extents() override;
  Result<int64_t> count_prunable(const PruneScope& scope) override;
  Result<bool> claim_retention(TimePoint now, Millis every) override;
  Result<void> record_retention(int64_t deleted) override;
  Result<void> record_notifications(const std::vector<NotificationRecord>& records) override;
  Result<std::vector<NotificationRecord>> notifications(int64_t run_id) override;
  Result<std::optional<std::vector<std::string>>> slot_versions(const std::string& target,
                                                                TimePoint slot) override;
  Result<std::vector<std::string>> store_slot_versions(const std::string& target,
                                                       TimePoint slot,
                                                       const std::vector<std::string>& versions,
                                                       TimePoint now) override;

  // For store/stats.h (metrics, doctor).
  Result<std::vector<VersionStats>> version_stats();
  Result<RunStats> run_stats();
  Result<DatabaseHealth> health();

 protected:
  // The backend's locks. acquire() returns, per id, whether this store now
  // holds it; release() lets them go. Neither writes to the database.
  virtual Result<std::vector<bool>> acquire(const std::vector<int64_t>& ids) = 0;
  virtual Result<void> release(const std::vector<int64_t>& ids) = 0;
  // Who holds every lock when a refreshctl from before per-target locks
  // holds the whole database; empty otherwise.
  virtual std::string legacy_holder() { return {}; }
  // Run first inside apply's transaction: PostgreSQL serialises concurrent
  // applies with it; SQLite's BEGIN IMMEDIATE already does.
  virtual Result<void> lock_for_apply() { return {}; }

  // The values update() writes of a record, in this order: state,
  // triggered_at, finished_at, deadline, polls, job_id, http_status, error,
  // run_id, and last the id it writes them to.
  static sql::Params update_params(const RefreshRecord& r);
  // The columns a claim inserts, in the order of kClaimColumns.
  static sql::Params claim_params(const RefreshRecord& r);
  static constexpr const char* kClaimColumns =
      "run_id, target, revision, version, slot, attempt, state, started_at, finished_at, error";

  sql::Connection& db() { return *db_; }
  // For reconnect(), on the new connection: takes every held lock again;
  // returns the ids another run had meanwhile (no longer held).
  Result<std::vector<int64_t>> take_locks_again();

  std::string description_;
  std::unique_ptr<sql::Connection> db_;

 private:
  Result<std::optional<ApplyResult>> apply_one(const TargetChange& change, TimePoint now);
  Result<std::vector<RefreshRecord>> select_refreshes(const std::string& where_and_order,
                                                      const sql::Params& params);
  Result<void> record_holder(int64_t run_id, const std::vector<int64_t>& ids, TimePoint now);
  Result<void> prune_slot_versions(const PruneScope& scope);

  std::map<int64_t, int64_t> held_;  // target id -> the epoch this store took it at
};

// Milliseconds since the epoch, as times are stored.
inline int64_t to_millis(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint from_millis(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

// The schema version of the database (0 for an empty one).
Result<int> schema_version(sql::Connection& db);

// Migrates to the latest schema (or to `stop_at`), each migration in its own
// transaction that first checks the version again, so that two processes
// starting at once migrate once. Refuses a database newer than this binary.
Result<void> migrate_schema(sql::Connection& db, std::optional<int> stop_at = std::nullopt);

}  // namespace refreshctl

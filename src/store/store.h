// The Store: where targets, their revisions, runs, the refresh history and
// the per-target locks live. SQLite (one file, the default) and PostgreSQL
// (for several hosts) implement it; the backend is chosen by the --db value.
// The engine and the commands know only this interface.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/target.h"
#include "store/refresh.h"
#include "util/result.h"
#include "util/time.h"

namespace refreshctl {

struct TargetRecord {
  int64_t id = 0;  // stable across remove and re-apply of the name; keys the lock
  Target target;   // as of `revision`
  int revision = 0;
  bool removed = false;
  TimePoint revision_created_at;  // when `revision` was made
};

// What `list` shows of a target at its current revision, read without
// parsing the revision (Store::target_summaries).
struct TargetSummary {
  int64_t id = 0;
  std::string name;
  int revision = 0;
  std::string data_type;
  std::vector<std::string> versions;  // empty with versions_from
  bool versions_from = false;         // the versions are read at run time
  std::string schedule;
  std::string timezone;
  bool enabled = true;
  std::vector<std::string> after;
  bool operator==(const TargetSummary&) const = default;
};

// The summary of a target, as stored with each new revision.
TargetSummary summarize(const TargetRecord& record);

// Who changed a target, recorded with the change ("" when unknown, as for
// changes made before schema version 4).
struct ChangeAuthor {
  std::string user;  // the login name: "alice", "root"
  std::string host;  // the host name
};

struct RevisionInfo {
  int revision = 0;
  TimePoint created_at;
  std::string source;      // what made it: "apply targets.toml:3", "disable", "rollback to 1"
  std::string definition;  // the target as TOML (references unresolved)
  ChangeAuthor author;
};

// One `remove` of a target. Its revisions stay; applying it again (or a
// rollback) makes a new revision.
struct RemovalInfo {
  int revision = 0;  // the revision that was current when it was removed
  TimePoint removed_at;
  ChangeAuthor author;
};

// A scheduled run's finding that target `id`, at `revision`, has nothing
// to plan before `until` (its next slot; TimePoint::max(): never, as for a
// disabled target).
struct QuietMark {
  int64_t id = 0;
  int revision = 0;
  TimePoint until;
};

enum class ApplyAction { kCreated, kUpdated, kUnchanged };

struct ApplyResult {
  std::string name;
  ApplyAction action = ApplyAction::kUnchanged;
  int revision = 0;
};

struct TargetChange {
  Target target;
  std::string source;
  ChangeAuthor author;
};

struct HistoryQuery {
  std::vector<std::string> targets;  // empty: all
  std::string version;               // empty: all
  std::optional<RefreshState> state;
  std::optional<TimePoint> since;  // started at or after
  int limit = 50;
};

// Which refreshes of one target prune may delete: finished ones that started
// before `before`. Never a refresh still open, never one of a slot at or
// after `keep_from` (the target's due slot: the planner reads it to know
// that slot is done), and never one of the newest slot of its (target,
// version).
struct PruneScope {
  std::string target;
  TimePoint before;
  std::optional<TimePoint> keep_from;
  // Whether the target may have stored version lists (versions_from, now or
  // in an earlier revision) to prune beside its refreshes.
  bool slot_versions = true;
};

struct HistoryExtent {
  std::optional<TimePoint> oldest_refresh;  // nullopt: none
  bool version_lists = false;               // any stored (versions_from)
};

struct RunInfo {
  int64_t id = 0;
  TimePoint started_at;
  std::string host;
  int pid = 0;
};

// One failure alert or health ping of a run ([target.notify]), as it ended.
struct NotificationRecord {
  int64_t run_id = 0;
  std::string run_uuid;
  std::string target;
  int64_t refresh_id = 0;  // the failed refresh; 0 for a ping
  std::string kind;        // "on_failure", "ping_start", "ping_success", "ping_fail"
  std::string url;         // as the target writes it: references unresolved
  std::string outcome;     // "sent" or "failed"
  int attempts = 0;
  int http_status = 0;
  std::string error;  // why it failed, secrets redacted
  TimePoint sent_at;  // when it ended
};

// Who holds a target's lock, as the holder recorded it.
struct LockHolder {
  int64_t run_id = 0;
  int pid = 0;
  std::string host;
  TimePoint since;
  // Set instead of the fields above when a refreshctl from before per-target
  // locks holds the whole database ("pid 12 on db1, started ...").
  std::string legacy;
};

// How a command opens the store.
enum class OpenMode {
  kReadWrite,  // creates and migrates the database as needed
  kReadOnly,   // never creates it: a missing database is an error naming it
};

class Store {
 public:
  virtual ~Store() = default;

  // Where the data lives, for messages ("/var/lib/refreshctl/refreshctl.db").
  virtual std::string describe() const = 0;

  // --- targets -----------------------------------------------------------
  // Creates or updates every target in one transaction: all or nothing. A
  // target equal to its current revision (and not removed) is unchanged and
  // gets no new revision.
  virtual Result<std::vector<ApplyResult>> apply(const std::vector<TargetChange>& changes,
                                                 TimePoint now) = 0;
  // The target at `revision` (default: current). nullopt: no such target or
  // revision. Removed targets are found only with include_removed.
  virtual Result<std::optional<TargetRecord>> target(const std::string& name,
                                                     std::optional<int> revision = std::nullopt,
                                                     bool include_removed = false) = 0;
  // Every target not removed, at its current revision, by name.
  virtual Result<std::vector<TargetRecord>> targets() = 0;
  // Every target not removed whose quiet_until is at or before `now`, at
  // its current revision, by name: what a scheduled run must plan. The
  // others are known to have nothing due before their quiet_until (only
  // their open refreshes, found by open_refreshes(), may need the run).
  virtual Result<std::vector<TargetRecord>> targets_to_check(TimePoint now) = 0;
  // Records, for each mark, that its target has nothing to plan before
  // `until`, in one transaction; a mark whose target has another revision
  // by now is dropped (the new revision is checked at the next run).
  virtual Result<void> set_quiet_until(const std::vector<QuietMark>& marks) = 0;
  // Every target not removed, as `list` shows it, by name.
  virtual Result<std::vector<TargetSummary>> target_summaries() = 0;
  // Every target name ever known, removed ones too (for "did you mean").
  virtual Result<std::vector<std::string>> target_names() = 0;
  // Oldest first; empty when the target is unknown.
  virtual Result<std::vector<RevisionInfo>> revisions(const std::string& name) = 0;
  // Marks the target removed and records who removed it; its revisions and
  // history stay. false: no such target (or it is removed already).
  virtual Result<bool> remove(const std::string& name,
                              TimePoint now,
                              const ChangeAuthor& author) = 0;
  // Every removal of the target, oldest first; empty when it was never
  // removed or is unknown.
  virtual Result<std::vector<RemovalInfo>> removals(const std::string& name) = 0;

  // --- target locks (SPEC §3) ---------------------------------------------
  // Tries the lock of each target id, without waiting, for run `run_id`.
  // held[i] is true when this store now holds ids[i] (also when it already
  // did). Each lock taken is recorded with its holder (this run, since
  // `now`) for other runs' messages. A lock dies with the process (and, on
  // PostgreSQL, with the session), never by time.
  virtual Result<std::vector<bool>> try_lock_targets(int64_t run_id,
                                                     const std::vector<int64_t>& ids,
                                                     TimePoint now) = 0;
  // Deletes the holder records of these targets, then releases their locks.
  // The caller has committed every write of these targets before.
  virtual Result<void> unlock_targets(const std::vector<int64_t>& ids) = 0;
  // The recorded holder of each of these locks. An id is absent when nothing
  // is recorded (a holder that has only just taken it).
  virtual Result<std::map<int64_t, LockHolder>> lock_holders(const std::vector<int64_t>& ids) = 0;
  // After an error of kind kConnectionLost: connects again and takes again
  // every lock this store held. Returns the ids it could not take: another
  // run has them now, and this store no longer holds them. Fails, with
  // kConnectionLost, while the database stays out of reach.
  virtual Result<std::vector<int64_t>> reconnect() = 0;

  // --- runs and refreshes ------------------------------------------------
  virtual Result<int64_t> begin_run(const RunInfo& run) = 0;
  virtual Result<void> finish_run(int64_t run_id,
                                  TimePoint finished_at,
                                  const std::string& outcome) = 0;

  // Inserts the records in one transaction. A record whose (target, version,
  // slot, attempt) already exists is skipped: claimed[i] is false for it and
  // nothing changes. Inserted records get their id.
  virtual Result<void> claim(std::vector<RefreshRecord*>& records, std::vector<bool>* claimed) = 0;
  // The same claim, begun without waiting for it where the backend can
  // (PostgreSQL): claim_done() then says whether it is done and, once it
  // is, gives `claimed` and the ids as claim() does; `wait` waits for it.
  // The records stay the caller's, untouched until then. One statement at
  // a time, with begin_update(): any other call waits for it first.
  // Elsewhere claim() runs at once and claim_done() gives its answer.
  virtual Result<void> begin_claim(std::vector<RefreshRecord*> records) {
    claim_answer_ = claim(records, &claimed_);
    return {};
  }
  virtual Result<bool> claim_done(bool /*wait*/, std::vector<bool>* claimed) {
    claimed->swap(claimed_);
    claimed_.clear();
    Result<void> answer;
    std::swap(answer, claim_answer_);
    if (!answer.ok()) return std::move(answer).take_error();
    return true;
  }
  // Writes the mutable fields of every record (by id) in one transaction.
  virtual Result<void> update(const std::vector<const RefreshRecord*>& records) = 0;
  // The same write, begun without waiting for it where the backend can
  // (PostgreSQL: the run goes on while the server works): update_done()
  // then says whether it is done, and with `wait` waits for it; the write's
  // error comes from the update_done() that finds it done. One at a time;
  // any other call waits for it first. Elsewhere update() and done at once.
  virtual Result<void> begin_update(const std::vector<const RefreshRecord*>& records) {
    return update(records);
  }
  virtual Result<bool> update_done(bool /*wait*/) { return true; }
  // The socket on which the answer of a write or claim begun comes, while
  // one is awaited; else -1. The caller may wait on it instead of asking.
  virtual int awaited_socket() const { return -1; }
  // Refreshes not in a terminal state (pending, triggering, polling), of
  // one target or (empty name) of all, oldest first.
  virtual Result<std::vector<RefreshRecord>> open_refreshes(const std::string& target = "") = 0;
  // Every refresh of `target` for `slot`, all versions and attempts.
  virtual Result<std::vector<RefreshRecord>> slot_refreshes(const std::string& target,
                                                            TimePoint slot) = 0;
  // The same for many at once (a run reads its locked targets together):
  // the open refreshes of each of `targets`, and every refresh of each
  // (target, slot) of `slots`, in a few statements instead of one each.
  virtual Result<std::vector<RefreshRecord>> open_refreshes_of(
      const std::vector<std::string>& targets) = 0;
  virtual Result<std::vector<RefreshRecord>> refreshes_of_slots(
      const std::vector<std::pair<std::string, TimePoint>>& slots) = 0;
  // The newest refresh of each version of `target` (latest slot, then
  // highest attempt), by version; empty when it has none.
  virtual Result<std::vector<RefreshRecord>> latest_refreshes(const std::string& target) = 0;
  // When `target` last ran before `slot`: the latest start of its refreshes
  // of earlier slots that were not missed. nullopt: it never ran before.
  virtual Result<std::optional<TimePoint>> last_ran_before(const std::string& target,
                                                           TimePoint slot) = 0;
  // Newest first.
  virtual Result<std::vector<RefreshRecord>> history(const HistoryQuery& query) = 0;
  // The state of each target's newest refresh, by target name.
  virtual Result<std::map<std::string, RefreshState>> last_states() = 0;

  // --- retention ---------------------------------------------------------
  // Deletes up to `limit` refreshes of the scope, as one short transaction;
  // returns how many it deleted (fewer than `limit`: none are left).
  virtual Result<int64_t> prune(const PruneScope& scope, int limit) = 0;
  // Of each target (removed ones too) in one statement, when its oldest
  // refresh started and whether it has stored version lists: retention
  // skips the targets with nothing old.
  virtual Result<std::map<std::string, HistoryExtent>> history_extents() = 0;
  // How many refreshes prune() would delete of the scope, deleting nothing.
  virtual Result<int64_t> count_prunable(const PruneScope& scope) = 0;
  // Takes the turn of the automatic retention: true, with `now` recorded,
  // when no retention started in the `every` before `now` (on any host);
  // false when one did, and nothing changes.
  virtual Result<bool> claim_retention(TimePoint now, Millis every) = 0;
  // Records how many refreshes the retention that was claimed deleted.
  virtual Result<void> record_retention(int64_t deleted) = 0;
  // --- notifications ([target.notify]) ------------------------------------
  // Inserts the records in one transaction.
  virtual Result<void> record_notifications(const std::vector<NotificationRecord>& records) = 0;
  // The notifications of one run, in the order they were recorded.
  virtual Result<std::vector<NotificationRecord>> notifications(int64_t run_id) = 0;
  // --- versions read at run time (versions_from) -------------------------
  // The version list read for (target, slot); nullopt when none is stored
  // (not read yet, or every read of it failed).
  virtual Result<std::optional<std::vector<std::string>>> slot_versions(const std::string& target,
                                                                        TimePoint slot) = 0;
  // Stores the list read for (target, slot), unless one is stored already:
  // returns the list that is stored now (this one, or the earlier one).
  virtual Result<std::vector<std::string>> store_slot_versions(
      const std::string& target,
      TimePoint slot,
      const std::vector<std::string>& versions,
      TimePoint now) = 0;

 private:
  // The answer of the claim begun by begin_claim() where it runs at once.
  std::vector<bool> claimed_;
  Result<void> claim_answer_;
};

// The default SQLite path of SPEC §3 for this user.
std::string default_db_path();

// True when `db` names a PostgreSQL database: a postgresql:// or postgres://
// URL, or a libpq conninfo string ("host=db1 dbname=refreshctl").
bool is_postgres_spec(const std::string& db);

// Opens the store that `db` names (a file path or a PostgreSQL URL or
// conninfo; empty: REFRESHCTL_DB, then the default path). kReadWrite creates
// and migrates it as needed; kReadOnly fails, naming it, when it does not
// exist, and opens a SQLite file read-only when this user cannot write it.
Result<std::unique_ptr<Store>> open_store(const std::string& db,
                                          OpenMode mode = OpenMode::kReadWrite);

}  // namespace refreshctl

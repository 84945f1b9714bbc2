// The Store: where targets, their revisions, runs and the refresh history
// live. SQLite (one file, the default) implements it; the backend is chosen by
// the --db value. The engine and the commands know only this interface.
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
  Target target;  // as of `revision`
  int revision = 0;
  bool removed = false;
  TimePoint revision_created_at;  // when `revision` was made
};

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

struct RunInfo {
  int64_t id = 0;
  TimePoint started_at;
  std::string host;
  int pid = 0;
};

// Held while a run works; released when destroyed (or when the process dies).
class RunLock {
 public:
  virtual ~RunLock() = default;
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

  // --- runs and refreshes ------------------------------------------------
  // Tries the exclusive run lock. Returns nullptr and sets *holder (who holds
  // it: "pid 123 on host, since ...") when another run has it.
  virtual Result<std::unique_ptr<RunLock>> try_lock_run(std::string* holder) = 0;
  virtual Result<int64_t> begin_run(const RunInfo& run) = 0;
  virtual Result<void> finish_run(int64_t run_id,
                                  TimePoint finished_at,
                                  const std::string& outcome) = 0;

  // Inserts the records in one transaction. A record whose (target, version,
  // slot, attempt) already exists is skipped: claimed[i] is false for it and
  // nothing changes. Inserted records get their id.
  virtual Result<void> claim(std::vector<RefreshRecord*>& records, std::vector<bool>* claimed) = 0;
  // Writes the mutable fields of every record (by id) in one transaction.
  virtual Result<void> update(const std::vector<const RefreshRecord*>& records) = 0;
  // Refreshes not in a terminal state (pending, triggering, polling).
  virtual Result<std::vector<RefreshRecord>> open_refreshes() = 0;
  // Every refresh of `target` for `slot`, all versions and attempts.
  virtual Result<std::vector<RefreshRecord>> slot_refreshes(const std::string& target,
                                                            TimePoint slot) = 0;
  // Newest first.
  virtual Result<std::vector<RefreshRecord>> history(const HistoryQuery& query) = 0;
  // The state of each target's newest refresh, by target name.
  virtual Result<std::map<std::string, RefreshState>> last_states() = 0;
};

// The default SQLite path of SPEC §3 for this user.
std::string default_db_path();

// Opens the store that `db` names (a file path; empty: REFRESHCTL_DB, then the
// default path), creating and migrating it as needed.
Result<std::unique_ptr<Store>> open_store(const std::string& db);

}  // namespace refreshctl

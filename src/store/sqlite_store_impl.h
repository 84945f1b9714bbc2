// The SQLite Store class; its methods are split by concern across
// sqlite_targets.cpp (targets, revisions) and sqlite_history.cpp (runs,
// refreshes, the lock).
#pragma once

#include <memory>
#include <string>

#include "store/sqlite_db.h"
#include "store/store.h"

namespace refreshctl {

class SqliteStore : public Store {
 public:
  SqliteStore(std::string path, sqlite::Database db) : path_(std::move(path)), db_(std::move(db)) {}

  std::string describe() const override { return path_; }

  Result<std::vector<ApplyResult>> apply(const std::vector<TargetChange>& changes,
                                         TimePoint now) override;
  Result<std::optional<TargetRecord>> target(const std::string& name,
                                             std::optional<int> revision,
                                             bool include_removed) override;
  Result<std::vector<TargetRecord>> targets() override;
  Result<std::vector<std::string>> target_names() override;
  Result<std::vector<RevisionInfo>> revisions(const std::string& name) override;
  Result<bool> remove(const std::string& name, TimePoint now, const ChangeAuthor& author) override;
  Result<std::vector<RemovalInfo>> removals(const std::string& name) override;

  Result<std::unique_ptr<RunLock>> try_lock_run(std::string* holder) override;
  Result<int64_t> begin_run(const RunInfo& run) override;
  Result<void> finish_run(int64_t run_id,
                          TimePoint finished_at,
                          const std::string& outcome) override;
  Result<void> claim(std::vector<RefreshRecord*>& records, std::vector<bool>* claimed) override;
  Result<void> update(const std::vector<const RefreshRecord*>& records) override;
  Result<std::vector<RefreshRecord>> open_refreshes() override;
  Result<std::vector<RefreshRecord>> slot_refreshes(const std::string& target,
                                                    TimePoint slot) override;
  Result<std::vector<RefreshRecord>> history(const HistoryQuery& query) override;
  Result<std::map<std::string, RefreshState>> last_states() override;

 private:
  Result<std::optional<ApplyResult>> apply_one(const TargetChange& change, TimePoint now);
  Result<std::vector<RefreshRecord>> select_refreshes(const std::string& where_and_order,
                                                      const std::vector<std::string>& text_args,
                                                      const std::vector<int64_t>& int_args);

  std::string path_;
  sqlite::Database db_;
};

std::unique_ptr<Store> make_sqlite_store(const std::string& path, sqlite::Database db);

// Milliseconds since the epoch, as times are stored.
inline int64_t to_millis(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint from_millis(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

}  // namespace refreshctl

// The per-target locks as both backends share them: which ids this store
// holds, the holder records other runs read, and taking them again after a
// lost connection. The locks themselves are the backend's (acquire/release).
#include <fmt/format.h>

#include "store/sql_store.h"

namespace refreshctl {

Result<std::vector<bool>> SqlStore::try_lock_targets(int64_t run_id,
                                                     const std::vector<int64_t>& ids,
                                                     TimePoint now) {
  std::vector<int64_t> wanted;
  for (int64_t id : ids) {
    if (held_.count(id) == 0) wanted.push_back(id);
  }
  if (!wanted.empty()) {
    auto taken = acquire(wanted);
    if (!taken.ok()) return std::move(taken).take_error();
    std::vector<int64_t> got;
    for (size_t i = 0; i < wanted.size(); ++i) {
      if ((*taken)[i]) got.push_back(wanted[i]);
    }
    auto recorded = record_holder(run_id, got, now);
    if (!recorded.ok()) {
      (void)release(got);  // nothing of these targets was done; let another run have them
      return std::move(recorded).take_error();
    }
  }
  std::vector<bool> held(ids.size(), false);
  for (size_t i = 0; i < ids.size(); ++i) held[i] = held_.count(ids[i]) != 0;
  return held;
}

// Records this run as the holder of `ids` (locks it has just taken) and
// remembers each lock's epoch.
Result<void> SqlStore::record_holder(int64_t run_id,
                                     const std::vector<int64_t>& ids,
                                     TimePoint now) {
  if (ids.empty()) return {};
  std::vector<sql::Params> records;
  records.reserve(ids.size());
  for (int64_t id : ids) records.push_back({id, run_id, to_millis(now)});
  auto txn = sql::Transaction::begin(db());
  if (!txn.ok()) return std::move(txn).take_error();
  auto epochs = db().query_many(
      "INSERT INTO target_locks (target_id, run_id, locked_at, epoch) VALUES (?, ?, ?, 1) "
      "ON CONFLICT (target_id) DO UPDATE SET run_id = excluded.run_id, "
      "locked_at = excluded.locked_at, epoch = target_locks.epoch + 1 RETURNING epoch",
      records);
  if (!epochs.ok()) return std::move(epochs).take_error();
  RCTL_TRY(txn->commit());
  for (size_t i = 0; i < ids.size(); ++i) held_[ids[i]] = (*epochs)[i].front().integer(0);
  return {};
}

Result<void> SqlStore::unlock_targets(const std::vector<int64_t>& ids) {
  std::vector<int64_t> mine;
  for (int64_t id : ids) {
    if (held_.erase(id) != 0) mine.push_back(id);
  }
  if (mine.empty()) return {};
  return release(mine);
}

Result<std::map<int64_t, LockHolder>> SqlStore::lock_holders(const std::vector<int64_t>& ids) {
  std::map<int64_t, LockHolder> out;
  if (ids.empty()) return out;
  if (std::string legacy = legacy_holder(); !legacy.empty()) {
    for (int64_t id : ids) out[id].legacy = legacy;
    return out;
  }
  sql::Params params(ids.begin(), ids.end());
  auto rows = db().query(
      fmt::format("SELECT l.target_id, l.run_id, l.locked_at, r.pid, r.host FROM target_locks l "
                  "LEFT JOIN runs r ON r.id = l.run_id WHERE l.target_id IN ({})",
                  sql::placeholders(ids.size())),
      params);
  if (!rows.ok()) return std::move(rows).take_error();
  for (const auto& row : *rows) {
    LockHolder& h = out[row.integer(0)];
    h.run_id = row.integer(1);
    h.since = from_millis(row.integer(2));
    h.pid = static_cast<int>(row.integer(3));
    h.host = row.text(4);
  }
  return out;
}

// On a new connection after the old one (and its locks) died: takes each lock
// again, and keeps it only when its epoch shows that no other run took it in
// between (even one that has released it since: it may have resumed or
// finished what this run still has in memory).
Result<std::vector<int64_t>> SqlStore::take_locks_again() {
  std::vector<int64_t> ids;
  for (const auto& [id, epoch] : held_) ids.push_back(id);
  std::vector<int64_t> lost;
  if (ids.empty()) return lost;
  auto taken = acquire(ids);
  if (!taken.ok()) return std::move(taken).take_error();
  sql::Params params(ids.begin(), ids.end());
  auto rows = db().query(fmt::format("SELECT target_id, epoch FROM target_locks WHERE target_id "
                                     "IN ({})",
                                     sql::placeholders(ids.size())),
                         params);
  if (!rows.ok()) return std::move(rows).take_error();
  std::map<int64_t, int64_t> epochs;
  for (const auto& row : *rows) epochs[row.integer(0)] = row.integer(1);
  std::vector<int64_t> release_now;
  for (size_t i = 0; i < ids.size(); ++i) {
    bool ours = (*taken)[i] && epochs[ids[i]] == held_[ids[i]];
    if (ours) continue;
    lost.push_back(ids[i]);
    if ((*taken)[i]) release_now.push_back(ids[i]);
  }
  for (int64_t id : lost) held_.erase(id);
  RCTL_TRY(release(release_now));
  return lost;
}

}  // namespace refreshctl

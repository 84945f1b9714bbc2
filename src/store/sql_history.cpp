// Runs and refreshes, over sql::Connection.
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <set>

#include "store/sql_store.h"

namespace refreshctl {
namespace {

// Targets (or slots) read in one statement: well within SQLite's 32,766
// parameters and PostgreSQL's 65,535.
constexpr size_t kReadChunk = 500;

constexpr const char* kRefreshColumns =
    "f.id, f.run_id, f.target, f.revision, f.version, f.slot, f.attempt, f.state, f.started_at, "
    "f.triggered_at, f.finished_at, f.deadline, f.polls, f.job_id, f.http_status, f.error";

std::optional<TimePoint> optional_time(const sql::Row& row, size_t column) {
  auto ms = row.optional_integer(column);
  if (!ms) return std::nullopt;
  return from_millis(*ms);
}

sql::Value optional_millis(const std::optional<TimePoint>& t) {
  if (!t) return {};
  return to_millis(*t);
}

RefreshRecord read_refresh(const sql::Row& row) {
  RefreshRecord r;
  r.id = row.integer(0);
  r.run_id = row.integer(1);
  r.target = row.text(2);
  r.revision = static_cast<int>(row.integer(3));
  r.version = row.text(4);
  r.slot = from_millis(row.integer(5));
  r.attempt = static_cast<int>(row.integer(6));
  r.state = parse_refresh_state(row.text(7)).value_or(RefreshState::kError);
  r.started_at = from_millis(row.integer(8));
  r.triggered_at = optional_time(row, 9);
  r.finished_at = optional_time(row, 10);
  r.deadline = optional_time(row, 11);
  r.polls = static_cast<int>(row.integer(12));
  r.job_id = row.text(13);
  r.http_status = static_cast<int>(row.integer(14));
  r.error = row.text(15);
  if (row.values.size() > 16) r.host = row.text(16);
  return r;
}

}  // namespace

Result<int64_t> SqlStore::begin_run(const RunInfo& run) {
  auto row =
      sql::query_one(db(), "INSERT INTO runs (started_at, host, pid) VALUES (?, ?, ?) RETURNING id",
                     {to_millis(run.started_at), run.host, int64_t{run.pid}});
  if (!row.ok()) return std::move(row).take_error();
  return (*row)->integer(0);
}

Result<void> SqlStore::finish_run(int64_t run_id,
                                  TimePoint finished_at,
                                  const std::string& outcome) {
  auto done = db().execute("UPDATE runs SET finished_at = ?, outcome = ? WHERE id = ?",
                           {to_millis(finished_at), outcome, run_id});
  if (!done.ok()) return std::move(done).take_error();
  return {};
}

Result<void> SqlStore::claim(std::vector<RefreshRecord*>& records, std::vector<bool>* claimed) {
  claimed->assign(records.size(), false);
  if (records.empty()) return {};
  std::vector<sql::Params> batch;
  batch.reserve(records.size());
  for (const RefreshRecord* r : records) batch.push_back(claim_params(*r));
  auto txn = sql::Transaction::begin(db());
  if (!txn.ok()) return std::move(txn).take_error();
  auto inserted = db().query_many(
      fmt::format("INSERT INTO refreshes ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                  "ON CONFLICT (target, version, slot, attempt) DO NOTHING RETURNING id",
                  kClaimColumns),
      batch);
  if (!inserted.ok()) return std::move(inserted).take_error();
  RCTL_TRY(txn->commit());
  for (size_t i = 0; i < records.size(); ++i) {
    if ((*inserted)[i].empty()) continue;  // (target, version, slot, attempt) already taken
    records[i]->id = (*inserted)[i].front().integer(0);
    (*claimed)[i] = true;
  }
  return {};
}

sql::Params SqlStore::claim_params(const RefreshRecord& r) {
  return {r.run_id,
          r.target,
          int64_t{r.revision},
          r.version,
          to_millis(r.slot),
          int64_t{r.attempt},
          std::string(to_string(r.state)),
          to_millis(r.started_at),
          optional_millis(r.finished_at),
          r.error};
}

sql::Params SqlStore::update_params(const RefreshRecord& r) {
  return {std::string(to_string(r.state)),
          optional_millis(r.triggered_at),
          optional_millis(r.finished_at),
          optional_millis(r.deadline),
          int64_t{r.polls},
          r.job_id,
          int64_t{r.http_status},
          r.error,
          r.run_id,
          r.id};
}

Result<void> SqlStore::update(const std::vector<const RefreshRecord*>& records) {
  if (records.empty()) return {};
  std::vector<sql::Params> batch;
  batch.reserve(records.size());
  for (const RefreshRecord* r : records) batch.push_back(update_params(*r));
  auto txn = sql::Transaction::begin(db());
  if (!txn.ok()) return std::move(txn).take_error();
  RCTL_TRY(db().query_many(
      "UPDATE refreshes SET state = ?, triggered_at = ?, finished_at = ?, deadline = ?, "
      "polls = ?, job_id = ?, http_status = ?, error = ?, run_id = ? WHERE id = ?",
      batch));
  return txn->commit();
}

Result<std::vector<RefreshRecord>> SqlStore::select_refreshes(const std::string& where_and_order,
                                                              const sql::Params& params) {
  auto rows = db().query(
      fmt::format("SELECT {}, r.host FROM refreshes f LEFT JOIN runs r ON r.id = f.run_id {}",
                  kRefreshColumns, where_and_order),
      params);
  if (!rows.ok()) return std::move(rows).take_error();
  std::vector<RefreshRecord> out;
  out.reserve(rows->size());
  for (const auto& row : *rows) out.push_back(read_refresh(row));
  return out;
}

Result<std::vector<RefreshRecord>> SqlStore::open_refreshes(const std::string& target) {
  if (target.empty()) {
    return select_refreshes("WHERE f.state IN ('pending', 'triggering', 'polling') ORDER BY f.id",
                            {});
  }
  return select_refreshes(
      "WHERE f.target = ? AND f.state IN ('pending', 'triggering', 'polling') ORDER BY f.id",
      {target});
}

Result<std::vector<RefreshRecord>> SqlStore::slot_refreshes(const std::string& target,
                                                            TimePoint slot) {
  return select_refreshes("WHERE f.target = ? AND f.slot = ? ORDER BY f.version, f.attempt",
                          {target, to_millis(slot)});
}

Result<std::vector<RefreshRecord>> SqlStore::open_refreshes_of(
    const std::vector<std::string>& targets) {
  std::vector<RefreshRecord> out;
  for (size_t from = 0; from < targets.size(); from += kReadChunk) {
    size_t n = std::min(kReadChunk, targets.size() - from);
    sql::Params params(targets.begin() + static_cast<long>(from),
                       targets.begin() + static_cast<long>(from + n));
    auto rows = select_refreshes(
        fmt::format("WHERE f.target IN ({}) AND f.state IN ('pending', 'triggering', 'polling') "
                    "ORDER BY f.id",
                    sql::placeholders(n)),
        params);
    if (!rows.ok()) return rows;
    std::move(rows->begin(), rows->end(), std::back_inserter(out));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const RefreshRecord& a, const RefreshRecord& b) { return a.id < b.id; });
  return out;
}

// Targets IN (…) AND slots IN (…) finds each pair by the (target, slot)
// index; the few rows of another pair of the same lists are left out here.
Result<std::vector<RefreshRecord>> SqlStore::refreshes_of_slots(
    const std::vector<std::pair<std::string, TimePoint>>& slots) {
  std::vector<RefreshRecord> out;
  for (size_t from = 0; from < slots.size(); from += kReadChunk) {
    size_t to = std::min(slots.size(), from + kReadChunk);
    std::set<std::pair<std::string, TimePoint>> wanted(slots.begin() + static_cast<long>(from),
                                                       slots.begin() + static_cast<long>(to));
    std::set<std::string> targets;
    std::set<int64_t> times;
    for (const auto& [target, slot] : wanted) {
      targets.insert(target);
      times.insert(to_millis(slot));
    }
    sql::Params params(targets.begin(), targets.end());
    params.insert(params.end(), times.begin(), times.end());
    auto rows = select_refreshes(
        fmt::format("WHERE f.target IN ({}) AND f.slot IN ({}) ORDER BY f.target, f.slot, "
                    "f.version, f.attempt",
                    sql::placeholders(targets.size()), sql::placeholders(times.size())),
        params);
    if (!rows.ok()) return rows;
    for (auto& r : *rows) {
      if (wanted.count({r.target, r.slot}) != 0) out.push_back(std::move(r));
    }
  }
  return out;
}

Result<std::vector<RefreshRecord>> SqlStore::latest_refreshes(const std::string& target) {
  // The unique key (target, version, slot, attempt) serves both lookups.
  return select_refreshes(
      "WHERE f.target = ? AND NOT EXISTS (SELECT 1 FROM refreshes n WHERE n.target = f.target "
      "AND n.version = f.version AND (n.slot > f.slot OR (n.slot = f.slot AND n.attempt > "
      "f.attempt))) ORDER BY f.version",
      {target});
}

Result<std::optional<TimePoint>> SqlStore::last_ran_before(const std::string& target,
                                                           TimePoint slot) {
  auto row = sql::query_one(db(),
                            "SELECT max(started_at) FROM refreshes WHERE target = ? AND slot < ? "
                            "AND state <> 'missed'",
                            {target, to_millis(slot)});
  if (!row.ok()) return std::move(row).take_error();
  if (!*row) return std::optional<TimePoint>();
  auto ms = (*row)->optional_integer(0);
  if (!ms) return std::optional<TimePoint>();
  return std::optional<TimePoint>(from_millis(*ms));
}

Result<std::vector<RefreshRecord>> SqlStore::history(const HistoryQuery& q) {
  std::vector<std::string> conditions;
  sql::Params params;
  if (!q.targets.empty()) {
    conditions.push_back(fmt::format("f.target IN ({})", sql::placeholders(q.targets.size())));
    params.insert(params.end(), q.targets.begin(), q.targets.end());
  }
  if (!q.version.empty()) {
    conditions.emplace_back("f.version = ?");
    params.emplace_back(q.version);
  }
  if (q.state) {
    conditions.emplace_back("f.state = ?");
    params.emplace_back(std::string(to_string(*q.state)));
  }
  if (q.since) {
    conditions.emplace_back("f.started_at >= ?");
    params.emplace_back(to_millis(*q.since));
  }
  params.emplace_back(int64_t{q.limit});
  std::string where;
  for (size_t i = 0; i < conditions.size(); ++i) {
    where += (i ? " AND " : "WHERE ") + conditions[i];
  }
  return select_refreshes(where + " ORDER BY f.started_at DESC, f.id DESC LIMIT ?", params);
}

Result<std::map<std::string, RefreshState>> SqlStore::last_states() {
  // The newest refresh of each target, as `history` orders them: kept by the
  // schema's triggers (schema 10), so `list` stays fast at millions of rows.
  auto rows = db().query("SELECT target, state FROM target_last");
  if (!rows.ok()) return std::move(rows).take_error();
  std::map<std::string, RefreshState> out;
  for (const auto& row : *rows) {
    if (auto state = parse_refresh_state(row.text(1))) out.emplace(row.text(0), *state);
  }
  return out;
}

}  // namespace refreshctl

// What `metrics` and `doctor` read, over sql::Connection. History may hold
// millions of refreshes: everything here is aggregated by the database in one
// pass (GROUP BY), then a few rows are read by primary key.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

#include "store/migrations.h"
#include "store/sql_store.h"

namespace refreshctl {
namespace {

using VersionKey = std::pair<std::string, std::string>;

// The newest refresh of each group, by id, and which ids to read more of.
struct Newest {
  int64_t any = 0;       // the newest refresh: its state is the last state
  int64_t finished = 0;  // the newest one that ran and ended: its duration
};

bool ran_and_ended(RefreshState state) {
  return is_terminal(state) && state != RefreshState::kMissed && state != RefreshState::kCancelled;
}

// started_at and finished_at of the refreshes `ids`, by id, read in batches
// small enough for any backend's limit on parameters.
Result<std::map<int64_t, Millis>> durations(sql::Connection& db, const std::vector<int64_t>& ids) {
  std::map<int64_t, Millis> out;
  constexpr size_t kBatch = 500;
  for (size_t start = 0; start < ids.size(); start += kBatch) {
    size_t n = std::min(kBatch, ids.size() - start);
    sql::Params params(ids.begin() + static_cast<std::ptrdiff_t>(start),
                       ids.begin() + static_cast<std::ptrdiff_t>(start + n));
    auto rows = db.query(fmt::format("SELECT id, started_at, finished_at FROM refreshes "
                                     "WHERE id IN ({}) AND finished_at IS NOT NULL",
                                     sql::placeholders(n)),
                         params);
    if (!rows.ok()) return std::move(rows).take_error();
    for (const auto& row : *rows) out[row.integer(0)] = Millis(row.integer(2) - row.integer(1));
  }
  return out;
}

}  // namespace

Result<std::vector<VersionStats>> SqlStore::version_stats() {
  auto rows = db().query(
      "SELECT target, version, state, count(*), max(id), max(finished_at) FROM refreshes "
      "GROUP BY target, version, state");
  if (!rows.ok()) return std::move(rows).take_error();
  std::map<VersionKey, VersionStats> stats;
  std::map<VersionKey, Newest> newest;
  for (const auto& row : *rows) {
    VersionKey key{row.text(0), row.text(1)};
    auto state = parse_refresh_state(row.text(2));
    if (!state) continue;  // a state a newer refreshctl wrote
    VersionStats& s = stats[key];
    s.target = key.first;
    s.version = key.second;
    s.counts[*state] += row.integer(3);
    int64_t id = row.integer(4);
    Newest& n = newest[key];
    if (id > n.any) {
      n.any = id;
      s.last_state = *state;
    }
    if (ran_and_ended(*state)) n.finished = std::max(n.finished, id);
    if (*state == RefreshState::kSucceeded && !row.is_null(5)) {
      s.last_success = from_millis(row.integer(5));
    }
  }
  std::vector<int64_t> ids;
  for (const auto& [key, n] : newest) {
    if (n.finished != 0) ids.push_back(n.finished);
  }
  auto took = durations(db(), ids);
  if (!took.ok()) return std::move(took).take_error();
  std::vector<VersionStats> out;
  out.reserve(stats.size());
  for (auto& [key, s] : stats) {
    auto it = took->find(newest[key].finished);
    if (it != took->end()) s.last_duration = it->second;
    out.push_back(std::move(s));
  }
  return out;
}

Result<RunStats> SqlStore::run_stats() {
  auto row = sql::query_one(db(), "SELECT count(*), max(started_at) FROM runs");
  if (!row.ok()) return std::move(row).take_error();
  RunStats out;
  if (!*row) return out;
  out.count = (*row)->integer(0);
  if (!(*row)->is_null(1)) out.last_started = from_millis((*row)->integer(1));
  return out;
}

Result<DatabaseHealth> SqlStore::health() {
  DatabaseHealth out;
  auto version = schema_version(db());
  if (!version.ok()) return std::move(version).take_error();
  out.schema_version = *version;
  out.latest_schema_version = migrations().back().version;
  {
    // A write that changes nothing, in a transaction rolled back: it needs
    // the write lock (SQLite) and the right to update (PostgreSQL).
    auto txn = sql::Transaction::begin(db());
    if (!txn.ok()) {
      out.write_error = txn.error();
    } else if (auto wrote = db().execute("UPDATE refreshes SET state = state WHERE id = -1");
               !wrote.ok()) {
      out.write_error = wrote.error();
    }
  }
  auto runs = run_stats();
  if (!runs.ok()) return std::move(runs).take_error();
  out.newest_recorded = runs->last_started;
  if (db().dialect() == sql::Dialect::kPostgres) {
    auto now =
        sql::query_one(db(), "SELECT CAST(extract(epoch FROM clock_timestamp()) * 1000 AS BIGINT)");
    if (!now.ok()) return std::move(now).take_error();
    if (*now) out.server_now = from_millis((**now).integer(0));
  }
  return out;
}

namespace {

Result<SqlStore*> sql_store(Store& store) {
  auto* sql = dynamic_cast<SqlStore*>(&store);
  if (sql == nullptr) return make_error(store.describe() + " is not an SQL database");
  return sql;
}

}  // namespace

Result<std::vector<VersionStats>> version_stats(Store& store) {
  auto sql = sql_store(store);
  if (!sql.ok()) return std::move(sql).take_error();
  return (*sql)->version_stats();
}

Result<RunStats> run_stats(Store& store) {
  auto sql = sql_store(store);
  if (!sql.ok()) return std::move(sql).take_error();
  return (*sql)->run_stats();
}

Result<DatabaseHealth> database_health(Store& store) {
  auto sql = sql_store(store);
  if (!sql.ok()) return std::move(sql).take_error();
  return (*sql)->health();
}

}  // namespace refreshctl

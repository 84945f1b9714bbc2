#include <fmt/format.h>

#include "store/file_lock.h"
#include "store/sqlite_store_impl.h"

namespace refreshctl {
namespace {

constexpr const char* kRefreshColumns =
    "id, run_id, target, revision, version, slot, attempt, state, started_at, triggered_at, "
    "finished_at, deadline, polls, job_id, http_status, error";

std::optional<TimePoint> optional_time(const sqlite::Statement& s, int column) {
  auto ms = s.column_optional_int(column);
  if (!ms) return std::nullopt;
  return from_millis(*ms);
}

std::optional<int64_t> optional_millis(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return to_millis(*t);
}

RefreshRecord read_refresh(const sqlite::Statement& s) {
  RefreshRecord r;
  r.id = s.column_int(0);
  r.run_id = s.column_int(1);
  r.target = s.column_text(2);
  r.revision = static_cast<int>(s.column_int(3));
  r.version = s.column_text(4);
  r.slot = from_millis(s.column_int(5));
  r.attempt = static_cast<int>(s.column_int(6));
  r.state = parse_refresh_state(s.column_text(7)).value_or(RefreshState::kError);
  r.started_at = from_millis(s.column_int(8));
  r.triggered_at = optional_time(s, 9);
  r.finished_at = optional_time(s, 10);
  r.deadline = optional_time(s, 11);
  r.polls = static_cast<int>(s.column_int(12));
  r.job_id = s.column_text(13);
  r.http_status = static_cast<int>(s.column_int(14));
  r.error = s.column_text(15);
  return r;
}

}  // namespace

Result<std::unique_ptr<RunLock>> SqliteStore::try_lock_run(std::string* holder) {
  return try_file_lock(path_ + ".lock", holder);
}

Result<int64_t> SqliteStore::begin_run(const RunInfo& run) {
  auto stmt = db_.prepare("INSERT INTO runs (started_at, host, pid) VALUES (?, ?, ?)");
  if (!stmt.ok()) return std::move(stmt).take_error();
  RCTL_TRY(stmt->bind(1, to_millis(run.started_at)).bind(2, run.host).bind(3, run.pid).run());
  return db_.last_insert_id();
}

Result<void> SqliteStore::finish_run(int64_t run_id,
                                     TimePoint finished_at,
                                     const std::string& outcome) {
  auto stmt = db_.prepare("UPDATE runs SET finished_at = ?, outcome = ? WHERE id = ?");
  if (!stmt.ok()) return std::move(stmt).take_error();
  return stmt->bind(1, to_millis(finished_at)).bind(2, outcome).bind(3, run_id).run();
}

Result<void> SqliteStore::claim(std::vector<RefreshRecord*>& records, std::vector<bool>* claimed) {
  claimed->assign(records.size(), false);
  if (records.empty()) return {};
  auto txn = sqlite::Transaction::begin(db_);
  if (!txn.ok()) return std::move(txn).take_error();
  auto stmt = db_.prepare(
      "INSERT INTO refreshes (run_id, target, revision, version, slot, attempt, state, "
      "started_at, finished_at, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (target, version, slot, attempt) DO NOTHING");
  if (!stmt.ok()) return std::move(stmt).take_error();
  for (size_t i = 0; i < records.size(); ++i) {
    RefreshRecord& r = *records[i];
    stmt->reset();
    RCTL_TRY(stmt->bind(1, r.run_id)
                 .bind(2, r.target)
                 .bind(3, r.revision)
                 .bind(4, r.version)
                 .bind(5, to_millis(r.slot))
                 .bind(6, r.attempt)
                 .bind(7, to_string(r.state))
                 .bind(8, to_millis(r.started_at))
                 .bind(9, optional_millis(r.finished_at))
                 .bind(10, r.error)
                 .run());
    if (db_.changes() > 0) {
      r.id = db_.last_insert_id();
      (*claimed)[i] = true;
    }
  }
  return txn->commit();
}

Result<void> SqliteStore::update(const std::vector<const RefreshRecord*>& records) {
  if (records.empty()) return {};
  auto txn = sqlite::Transaction::begin(db_);
  if (!txn.ok()) return std::move(txn).take_error();
  auto stmt = db_.prepare(
      "UPDATE refreshes SET state = ?, triggered_at = ?, finished_at = ?, deadline = ?, "
      "polls = ?, job_id = ?, http_status = ?, error = ?, run_id = ? WHERE id = ?");
  if (!stmt.ok()) return std::move(stmt).take_error();
  for (const RefreshRecord* r : records) {
    stmt->reset();
    RCTL_TRY(stmt->bind(1, to_string(r->state))
                 .bind(2, optional_millis(r->triggered_at))
                 .bind(3, optional_millis(r->finished_at))
                 .bind(4, optional_millis(r->deadline))
                 .bind(5, r->polls)
                 .bind(6, r->job_id)
                 .bind(7, r->http_status)
                 .bind(8, r->error)
                 .bind(9, r->run_id)
                 .bind(10, r->id)
                 .run());
  }
  return txn->commit();
}

Result<std::vector<RefreshRecord>> SqliteStore::select_refreshes(
    const std::string& where_and_order,
    const std::vector<std::string>& text_args,
    const std::vector<int64_t>& int_args) {
  auto stmt =
      db_.prepare(fmt::format("SELECT {} FROM refreshes {}", kRefreshColumns, where_and_order));
  if (!stmt.ok()) return std::move(stmt).take_error();
  int index = 1;
  for (const auto& arg : text_args) stmt->bind(index++, arg);
  for (int64_t arg : int_args) stmt->bind(index++, arg);
  std::vector<RefreshRecord> out;
  for (;;) {
    auto row = stmt->step();
    if (!row.ok()) return std::move(row).take_error();
    if (!*row) return out;
    out.push_back(read_refresh(*stmt));
  }
}

Result<std::vector<RefreshRecord>> SqliteStore::open_refreshes() {
  return select_refreshes("WHERE state IN ('pending', 'triggering', 'polling') ORDER BY id", {},
                          {});
}

Result<std::vector<RefreshRecord>> SqliteStore::slot_refreshes(const std::string& target,
                                                               TimePoint slot) {
  return select_refreshes("WHERE target = ? AND slot = ? ORDER BY version, attempt", {target},
                          {to_millis(slot)});
}

Result<std::vector<RefreshRecord>> SqliteStore::history(const HistoryQuery& q) {
  std::vector<std::string> conditions;
  std::vector<std::string> text_args;
  std::vector<int64_t> int_args;
  if (!q.targets.empty()) {
    std::string marks;
    for (size_t i = 0; i < q.targets.size(); ++i) marks += i ? ", ?" : "?";
    conditions.push_back(fmt::format("target IN ({})", marks));
    text_args.insert(text_args.end(), q.targets.begin(), q.targets.end());
  }
  if (!q.version.empty()) {
    conditions.push_back("version = ?");
    text_args.push_back(q.version);
  }
  if (q.state) {
    conditions.push_back("state = ?");
    text_args.push_back(to_string(*q.state));
  }
  // Integer arguments are bound after every text argument, in this order.
  if (q.since) {
    conditions.push_back("started_at >= ?");
    int_args.push_back(to_millis(*q.since));
  }
  int_args.push_back(q.limit);
  std::string where;
  for (size_t i = 0; i < conditions.size(); ++i) {
    where += (i ? " AND " : "WHERE ") + conditions[i];
  }
  return select_refreshes(where + " ORDER BY started_at DESC, id DESC LIMIT ?", text_args,
                          int_args);
}

Result<std::map<std::string, RefreshState>> SqliteStore::last_states() {
  auto stmt = db_.prepare(
      "SELECT target, state FROM refreshes WHERE id IN "
      "(SELECT max(id) FROM refreshes GROUP BY target)");
  if (!stmt.ok()) return std::move(stmt).take_error();
  std::map<std::string, RefreshState> out;
  for (;;) {
    auto row = stmt->step();
    if (!row.ok()) return std::move(row).take_error();
    if (!*row) return out;
    if (auto state = parse_refresh_state(stmt->column_text(1))) {
      out[stmt->column_text(0)] = *state;
    }
  }
}

}  // namespace refreshctl

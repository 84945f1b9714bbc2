// PostgreSQL: the per-target locks are session advisory locks (two-key form,
// kPgTargetLockClass) of the run's one connection, through which every claim
// and write goes too; a run whose session died can claim nothing.
#include "store/pg_store.h"

#include <fmt/format.h>

#include <map>
#include <tuple>

#include "store/migrations.h"
#include "store/pg_connection.h"
#include "store/sql_store.h"

namespace refreshctl {
namespace {

using sql::PgConnection;

// Server-side keepalives: the server notices a vanished client host after
// 30 s idle + 6 probes 10 s apart (or 90 s of unacknowledged data), ends its
// session and so frees its locks. libpq's keepalives only watch the server.
// Over a Unix socket these read as 0: there is no network to vanish.
std::string session_settings_sql(int server_version) {
  std::string sql =
      "SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; "
      "SET tcp_keepalives_count = 6";
  if (server_version >= 120000) sql += "; SET tcp_user_timeout = 90000";
  // Also while a statement runs (a migration waiting for the lock, say).
  if (server_version >= 140000) sql += "; SET client_connection_check_interval = '10s'";
  return sql;
}

std::string pooling_refused(const std::string& where, int pid) {
  return fmt::format(
      "{} is reached through a connection pooler in transaction or statement mode (a second "
      "login got the same server session, pid {}); refreshctl's per-target locks are session "
      "advisory locks, which such a pooler silently loses. Connect to PostgreSQL directly, or "
      "through a pool in session mode (PgBouncer: pool_mode = session)",
      where, pid);
}

struct Session {
  std::unique_ptr<PgConnection> conn;
  int pid = 0;  // pg_backend_pid() of the server session
};

// Connects and sets the session up. A pooler announces a process id of its
// own at login, PostgreSQL the backend's. Behind a pooler a second login
// tells its modes apart: in session mode it gets a server session of its
// own; in transaction or statement mode the pool hands it the session the
// first connection has just given back, the same pg_backend_pid().
Result<Session> connect_session(const std::string& spec) {
  auto conn = PgConnection::open(spec);
  if (!conn.ok()) return std::move(conn).take_error();
  Session s{std::move(conn).value(), 0};
  // One round trip: the answer of a simple query is its last statement's.
  auto pid = s.conn->query_unprepared(session_settings_sql(s.conn->server_version()) +
                                      "; SELECT pg_backend_pid()");
  if (!pid.ok()) return std::move(pid).take_error();
  s.pid = static_cast<int>(pid->front().integer(0));
  if (s.pid == s.conn->announced_pid()) return s;
  auto second = PgConnection::open(spec);
  if (!second.ok()) return s;  // a pool of one connection, say: nothing more to learn
  auto other = (*second)->query_unprepared("SELECT pg_backend_pid()");
  if (other.ok() && other->front().integer(0) == s.pid) {
    return make_error(pooling_refused(s.conn->where(), s.pid));
  }
  return s;
}

// The records' parameters (as `params` gives them) column by column, each
// column one PostgreSQL array: a batch bound to one statement.
template <typename Records>
sql::Params column_arrays(const Records& records, sql::Params (*params)(const RefreshRecord&)) {
  std::vector<std::vector<sql::Value>> columns;
  for (const RefreshRecord* r : records) {
    sql::Params row = params(*r);
    columns.resize(row.size());
    for (size_t c = 0; c < row.size(); ++c) columns[c].push_back(std::move(row[c]));
  }
  sql::Params arrays;
  for (const auto& column : columns) arrays.emplace_back(sql::to_pg_array(column));
  return arrays;
}

std::string id_array(const std::vector<int64_t>& ids) {
  return sql::to_pg_array(std::vector<sql::Value>(ids.begin(), ids.end()));
}

// Migrates under a session advisory lock, so that of two processes starting
// at once on an empty database one migrates and the other waits and finds
// the work done. A database at the latest version takes no lock.
Result<void> prepare_schema(PgConnection& c, OpenMode mode) {
  auto version = sql::query_one(
      c, "SELECT CASE WHEN to_regclass('schema_version') IS NULL THEN -1 ELSE 0 END");
  if (!version.ok()) return std::move(version).take_error();
  bool empty = (*version)->integer(0) < 0;
  if (!empty) {
    auto at = sql::query_one(c, "SELECT coalesce(max(version), 0) FROM schema_version");
    if (!at.ok()) return std::move(at).take_error();
    if ((*at)->integer(0) == migrations().back().version) return {};
  }
  if (empty && mode == OpenMode::kReadOnly) {
    return make_error(fmt::format(
        "{} holds no refreshctl data (no schema_version table): check --db or REFRESHCTL_DB; "
        "`refreshctl apply` creates the schema",
        c.where()));
  }
  RCTL_TRY(c.execute("SELECT pg_advisory_lock(CAST(? AS integer), 0)",
                     {int64_t{kPgMigrationLockClass}}));
  auto migrated = migrate_schema(c);
  (void)c.execute("SELECT pg_advisory_unlock(CAST(? AS integer), 0)",
                  {int64_t{kPgMigrationLockClass}});
  return migrated;
}

class PgStore : public SqlStore {
 public:
  PgStore(std::string spec, std::string where, Session session)
      : SqlStore(std::move(where), std::move(session.conn)),
        spec_(std::move(spec)),
        pid_(session.pid) {}

  // The old session is closed first: when it is alive after all (the error
  // was the client's, a timeout), its locks go now instead of within
  // keepalive time, and taking them again does not find them held by it.
  Result<std::vector<int64_t>> reconnect() override {
    pg().close();
    auto session = connect_session(spec_);
    if (!session.ok()) return std::move(session).take_error();
    db_ = std::move(session->conn);
    pid_ = session->pid;
    return take_locks_again();
  }

  // One statement for the whole batch, as update() below: the schema's
  // trigger keeps target_last once for it (schema 11), not once per row.
  // RETURNING names each inserted row by its unique key, which finds its
  // record; a key already taken returns nothing. One statement commits
  // alone: an answer means the claim is committed.
  Result<void> claim(std::vector<RefreshRecord*>& records, std::vector<bool>* claimed) override {
    claimed->assign(records.size(), false);
    if (records.empty()) return {};
    // (Waits for a claim begun and not answered; its answer is kept for
    // claim_done().)
    auto rows = db().query(claim_sql(), column_arrays(records, claim_params));
    if (!rows.ok()) return std::move(rows).take_error();
    return take_claimed(records, *rows, claimed);
  }

  Result<void> begin_claim(std::vector<RefreshRecord*> records) override {
    claiming_ = std::move(records);
    if (claiming_.empty()) return {};
    RCTL_TRY(pg().send(claim_sql(), column_arrays(claiming_, claim_params)));
    claim_sent_ = true;
    return {};
  }

  Result<bool> claim_done(bool wait, std::vector<bool>* claimed) override {
    if (!claim_sent_) {  // nothing to claim
      claimed->clear();
      return true;
    }
    sql::Rows rows;
    auto done = pg().sent_done(wait, &rows);
    if (done.ok() && !*done) return false;
    claim_sent_ = false;
    std::vector<RefreshRecord*> records;
    records.swap(claiming_);
    if (!done.ok()) return std::move(done).take_error();
    RCTL_TRY(take_claimed(records, rows, claimed));
    return true;
  }

  // One statement for the whole batch, each column an array: the server
  // updates 10,000 rows in one go instead of running 10,000 statements (the
  // run writes every refresh at each poll), and needs no BEGIN and COMMIT.
  // Planned for each batch (PgConnection::execute_planned): a first run
  // fills the table it updates.
  Result<void> update(const std::vector<const RefreshRecord*>& records) override {
    if (records.empty()) return {};
    auto updated = pg().execute_planned(kUpdate, column_arrays(records, update_params));
    if (!updated.ok()) return std::move(updated).take_error();
    return {};
  }

  Result<void> begin_update(const std::vector<const RefreshRecord*>& records) override {
    if (records.empty()) return {};
    return pg().send(kUpdate, column_arrays(records, update_params));
  }

  Result<bool> update_done(bool wait) override { return pg().sent_done(wait); }

  int awaited_socket() const override {
    return static_cast<const sql::PgConnection&>(*db_).awaited_socket();
  }

 private:
  static constexpr const char* kUpdate =
      "UPDATE refreshes AS f SET state = v.state, triggered_at = v.triggered_at, "
      "finished_at = v.finished_at, deadline = v.deadline, polls = v.polls, "
      "job_id = v.job_id, http_status = v.http_status, error = v.error, run_id = v.run_id "
      "FROM unnest(CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS bigint[]), "
      "CAST(? AS bigint[]), CAST(? AS integer[]), CAST(? AS text[]), CAST(? AS integer[]), "
      "CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS bigint[])) "
      "AS v(state, triggered_at, finished_at, deadline, polls, job_id, http_status, error, "
      "run_id, id) WHERE f.id = v.id";

  static const std::string& claim_sql() {
    static const std::string sql = fmt::format(
        "INSERT INTO refreshes ({}) SELECT * FROM unnest(CAST(? AS bigint[]), "
        "CAST(? AS text[]), CAST(? AS integer[]), CAST(? AS text[]), "
        "CAST(? AS bigint[]), CAST(? AS integer[]), CAST(? AS text[]), "
        "CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS text[])) "
        "ON CONFLICT (target, version, slot, attempt) DO NOTHING "
        "RETURNING id, target, version, slot, attempt",
        kClaimColumns);
    return sql;
  }

  sql::PgConnection& pg() { return static_cast<sql::PgConnection&>(db()); }

  // Gives each record whose row the claim returned its id: RETURNING names
  // each inserted row by its unique key; a key already taken returns none.
  static Result<void> take_claimed(const std::vector<RefreshRecord*>& records,
                                   const sql::Rows& rows,
                                   std::vector<bool>* claimed) {
    claimed->assign(records.size(), false);
    std::map<std::tuple<std::string, std::string, int64_t, int64_t>, size_t> index;
    for (size_t i = 0; i < records.size(); ++i) {
      const RefreshRecord& r = *records[i];
      index.emplace(std::tuple(r.target, r.version, to_millis(r.slot), int64_t{r.attempt}), i);
    }
    for (const auto& row : rows) {
      auto it = index.find(std::tuple(row.text(1), row.text(2), row.integer(3), row.integer(4)));
      if (it == index.end()) return make_error("a claimed refresh came back under another key");
      records[it->second]->id = row.integer(0);
      (*claimed)[it->second] = true;
    }
    return {};
  }

  std::vector<RefreshRecord*> claiming_;  // the claim sent, until answered
  bool claim_sent_ = false;

 public:
  Result<std::map<std::string, std::string>> settings() {
    auto rows = db().query(
        "SELECT name, setting FROM pg_settings WHERE name IN ('tcp_keepalives_idle', "
        "'tcp_keepalives_interval', 'tcp_keepalives_count', 'tcp_user_timeout', "
        "'client_connection_check_interval', 'application_name')");
    if (!rows.ok()) return std::move(rows).take_error();
    std::map<std::string, std::string> out;
    for (const auto& row : *rows) out[row.text(0)] = row.text(1);
    return out;
  }

 protected:
  // One statement for the whole batch. Each answer also says which server
  // session took the lock: another than this connection's means a pooler
  // moved the connection, and the locks would mean nothing.
  Result<std::vector<bool>> acquire(const std::vector<int64_t>& ids) override {
    auto rows = db().query(
        "SELECT pg_try_advisory_lock(CAST(? AS integer), CAST(u.id AS integer)), "
        "pg_backend_pid() FROM unnest(CAST(? AS bigint[])) WITH ORDINALITY AS u(id, n) "
        "ORDER BY u.n",
        {int64_t{kPgTargetLockClass}, id_array(ids)});
    if (!rows.ok()) return std::move(rows).take_error();
    std::vector<bool> taken;
    taken.reserve(ids.size());
    for (const auto& row : *rows) {
      if (row.integer(1) != pid_) {
        (void)release(ids);
        return make_error(pooling_refused(description_, static_cast<int>(row.integer(1))));
      }
      taken.push_back(row.integer(0) != 0);
    }
    return taken;
  }

  Result<void> release(const std::vector<int64_t>& ids) override {
    if (ids.empty()) return {};
    auto released = db().query(
        "SELECT pg_advisory_unlock(CAST(? AS integer), CAST(u.id AS integer)) "
        "FROM unnest(CAST(? AS bigint[])) AS u(id)",
        {int64_t{kPgTargetLockClass}, id_array(ids)});
    if (!released.ok()) return std::move(released).take_error();
    return {};
  }

  // Concurrent applies of one file (a Job per ConfigMap change that Kubernetes
  // starts twice, say) wait for one another and so make one revision.
  Result<void> lock_for_apply() override {
    auto locked = db().execute("SELECT pg_advisory_xact_lock(CAST(? AS integer), 0)",
                               {int64_t{kPgApplyLockClass}});
    if (!locked.ok()) return std::move(locked).take_error();
    return {};
  }

 private:
  std::string spec_;
  int pid_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_postgres_store(const std::string& spec, OpenMode mode) {
  auto session = connect_session(spec);
  if (!session.ok()) return std::move(session).take_error();
  RCTL_TRY(prepare_schema(*session->conn, mode));
  std::string where = session->conn->where();
  return std::unique_ptr<Store>(new PgStore(spec, std::move(where), std::move(session).value()));
}

Result<std::map<std::string, std::string>> postgres_session_settings(Store& store) {
  auto* pg = dynamic_cast<PgStore*>(&store);
  if (pg == nullptr) return make_error(store.describe() + " is not a PostgreSQL database");
  return pg->settings();
}

}  // namespace refreshctl

// sql::Connection over libpq: statements prepared once per connection (by
// their text, at their second use), parameters and results in text format,
// converted by column type; query_many() in libpq's pipeline mode, so that
// 10,000 updates are one round trip. Errors carry the server's message and
// SQLSTATE; a broken connection is ErrorKind::kConnectionLost. No message
// holds a password.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/sql.h"

struct pg_conn;  // libpq's PGconn
struct pg_result;

namespace refreshctl::sql {

class PgConnection : public Connection {
 public:
  // Connects to what `spec` names (a URL or conninfo string, read by libpq
  // with PGPASSWORD, ~/.pgpass and service files as usual), with refreshctl's
  // defaults where the spec and the environment say nothing: a 10 s connect
  // timeout, TCP keepalives and application_name "refreshctl". Fails with
  // kConnectionLost when the server cannot be reached or refuses the login.
  static Result<std::unique_ptr<PgConnection>> open(const std::string& spec);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }
  Result<Rows> query(std::string_view sql, const Params& params) override;
  Result<int64_t> execute(std::string_view sql, const Params& params) override;
  Result<std::vector<Rows>> query_many(std::string_view sql,
                                       const std::vector<Params>& batch) override;
  Result<void> execute_script(const std::string& sql) override;
  Result<void> begin() override;
  Result<void> commit() override;
  void rollback() override;

  // Runs one statement without preparing it (simple query protocol): for
  // probes on a session a pooler may share with other clients, where a
  // prepared statement's name could already be taken.
  Result<Rows> query_unprepared(const std::string& sql);

  // Runs one statement planned for these values, not prepared: for a batch
  // whose size changes from call to call on a table that grows within the
  // session. A prepared statement's plan, kept from when the table was
  // nearly empty, would read all of it for every batch (a hash join over a
  // sequential scan) where an index finds each row.
  Result<int64_t> execute_planned(std::string_view sql, const Params& params);

  // Sends one such statement and returns without its answer, so that the
  // caller goes on while the server works (a run's batched write). One at a
  // time: every other call first waits for its answer. sent_done() says
  // whether the answer has come (with `wait`, waits for it); an error of
  // the statement is returned once, by the sent_done() that finds it done.
  // Its rows, if any and `rows` is given, come with the answer.
  Result<void> send(std::string_view sql, const Params& params);
  Result<bool> sent_done(bool wait, Rows* rows = nullptr);
  // The session's socket while an answer of send() is awaited; else -1.
  int awaited_socket() const;

  // Ends the session now, and with it its advisory locks. Every call after
  // it fails with kConnectionLost.
  void close();

  // The backend process id the server announced at login. A pooler such as
  // PgBouncer announces one of its own, unlike pg_backend_pid().
  int announced_pid() const;
  // The server's version as an integer (150004 for 15.4).
  int server_version() const;
  // The spec without its password, as messages name the database.
  const std::string& where() const { return where_; }

 private:
  PgConnection(pg_conn* conn, std::string where, std::vector<std::string> secrets);
  Result<const std::string*> prepare(std::string_view sql);
  // Runs a statement: unnamed at its first use, prepared from its second.
  Result<pg_result*> run(std::string_view sql, const Params& params);
  // Runs a statement unnamed, planned for these values.
  Result<pg_result*> run_unnamed(std::string_view sql, const Params& params);
  // `result` (owned) if the statement succeeded; else the server's error.
  Result<pg_result*> answer(pg_result* result) const;
  Error failure(const pg_result* result) const;
  // Reads the answer of send(), if one is awaited, blocking or not; keeps
  // its error for sent_done().
  void read_sent(bool wait);

  enum class Sent { kNone, kAwaited, kAnswered };

  pg_conn* conn_;
  std::string where_;
  std::vector<std::string> secrets_;                         // scrubbed from every message
  std::unordered_map<std::string, std::string> statements_;  // SQL text -> prepared name
  std::unordered_set<std::string> used_once_;                // run once, not prepared yet
  Sent sent_ = Sent::kNone;
  std::optional<Error> sent_error_;
  Rows sent_rows_;
};

// A PostgreSQL array literal of `values`, such as {1,NULL,3} or {"a","b\"c"}:
// one parameter that carries a whole column of a batch.
std::string to_pg_array(const std::vector<Value>& values);

}  // namespace refreshctl::sql

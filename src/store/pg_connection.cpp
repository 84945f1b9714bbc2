#include "store/pg_connection.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "store/pg_spec.h"

namespace refreshctl::sql {
namespace {

constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// The rows a statement's answer says it inserted, updated or deleted.
Result<int64_t> rows_affected(Result<PGresult*> answer) {
  if (!answer.ok()) return std::move(answer).take_error();
  ResultPtr hold(*answer);
  return static_cast<int64_t>(std::atoll(PQcmdTuples(hold.get())));
}

// Parameters in libpq's text format; NULL as a null pointer.
class TextParams {
 public:
  explicit TextParams(const Params& params) {
    numbers_.reserve(params.size());
    for (const auto& p : params) {
      if (const auto* n = std::get_if<int64_t>(&p)) {
        numbers_.push_back(std::to_string(*n));
        values_.push_back(numbers_.back().c_str());
      } else if (const auto* s = std::get_if<std::string>(&p)) {
        values_.push_back(s->c_str());
      } else {
        values_.push_back(nullptr);
      }
    }
  }
  int size() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return values_.data(); }

 private:
  std::vector<std::string> numbers_;  // reserved up front: pointers into it stay valid
  std::vector<const char*> values_;
};

Rows read_rows(const PGresult* r) {
  int columns = PQnfields(r);
  std::vector<Oid> types(static_cast<size_t>(columns));
  for (int c = 0; c < columns; ++c) types[static_cast<size_t>(c)] = PQftype(r, c);
  Rows rows(static_cast<size_t>(PQntuples(r)));
  for (int i = 0; i < PQntuples(r); ++i) {
    Row& row = rows[static_cast<size_t>(i)];
    row.values.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(r, i, c)) {
        row.values.emplace_back(std::monostate{});
        continue;
      }
      const char* text = PQgetvalue(r, i, c);
      auto length = static_cast<size_t>(PQgetlength(r, i, c));
      Oid type = types[static_cast<size_t>(c)];
      if (type == kInt8Oid || type == kInt4Oid || type == kInt2Oid) {
        int64_t n = 0;
        std::from_chars(text, text + length, n);
        row.values.emplace_back(n);
      } else if (type == kBoolOid) {
        row.values.emplace_back(int64_t{text[0] == 't' ? 1 : 0});
      } else {
        row.values.emplace_back(std::string(text, length));
      }
    }
  }
  return rows;
}

// libpq's connection keywords that refreshctl sets unless the spec (which
// comes after them and so overrides them) or the environment says otherwise.
std::vector<std::pair<const char*, const char*>> default_keywords() {
  std::vector<std::pair<const char*, const char*>> keys;
  if (std::getenv("PGCONNECT_TIMEOUT") == nullptr) keys.emplace_back("connect_timeout", "10");
  if (std::getenv("PGCLIENTENCODING") == nullptr) keys.emplace_back("client_encoding", "UTF8");
  // Notice a vanished server within about 90 s, also mid-query.
  keys.emplace_back("keepalives", "1");
  keys.emplace_back("keepalives_idle", "30");
  keys.emplace_back("keepalives_interval", "10");
  keys.emplace_back("keepalives_count", "6");
  keys.emplace_back("tcp_user_timeout", "90000");
  keys.emplace_back("fallback_application_name", "refreshctl");
  return keys;
}

}  // namespace

Result<std::unique_ptr<PgConnection>> PgConnection::open(const std::string& spec) {
  std::vector<const char*> keys, values;
  for (const auto& [key, value] : default_keywords()) {
    keys.push_back(key);
    values.push_back(value);
  }
  keys.push_back("dbname");  // expanded: the spec's own keywords override the defaults
  values.push_back(spec.c_str());
  keys.push_back(nullptr);
  values.push_back(nullptr);
  std::string where = pg::redact_spec(spec);
  std::vector<std::string> secrets = pg::spec_secrets(spec);
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), 1);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string why = conn != nullptr ? pg::one_line(PQerrorMessage(conn)) : "out of memory";
    PQfinish(conn);
    return make_error(pg::scrub(fmt::format("cannot connect to {}: {}", where, why), secrets),
                      ErrorKind::kConnectionLost);
  }
  // Notices ("relation already exists, skipping") are not the user's concern.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn, where, std::move(secrets)));
}

PgConnection::PgConnection(pg_conn* conn, std::string where, std::vector<std::string> secrets)
    : conn_(conn), where_(std::move(where)), secrets_(std::move(secrets)) {}

PgConnection::~PgConnection() { close(); }

// libpq's calls take a null connection as a broken one. A statement sent
// and not answered may or may not have committed: its sender must take it
// as failed.
void PgConnection::close() {
  if (sent_ == Sent::kAwaited) {
    sent_ = Sent::kAnswered;
    sent_error_ = make_error(fmt::format("{}: the connection was closed", where_),
                             ErrorKind::kConnectionLost);
  }
  PQfinish(conn_);
  conn_ = nullptr;
}

Result<int64_t> PgConnection::execute_planned(std::string_view sql, const Params& params) {
  return rows_affected(run_unnamed(sql, params));
}

Result<void> PgConnection::send(std::string_view sql, const Params& params) {
  read_sent(true);  // an earlier send()
  if (sent_ == Sent::kAnswered) return make_error("an earlier statement's answer is unread");
  TextParams p(params);
  if (PQsendQueryParams(conn_, to_postgres_placeholders(sql).c_str(), p.size(), nullptr, p.values(),
                        nullptr, nullptr, 0) != 1) {
    return failure(nullptr);
  }
  sent_ = Sent::kAwaited;
  sent_error_.reset();
  sent_rows_.clear();
  return {};
}

void PgConnection::read_sent(bool wait) {
  while (sent_ == Sent::kAwaited) {
    if (!wait && (PQconsumeInput(conn_) != 1 || PQisBusy(conn_) == 1)) {
      if (PQstatus(conn_) != CONNECTION_BAD) return;  // not yet
    }
    ResultPtr r(PQgetResult(conn_));
    if (r == nullptr) {
      sent_ = Sent::kAnswered;
      break;
    }
    ExecStatusType status = PQresultStatus(r.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && !sent_error_) {
      sent_error_ = failure(r.get());
    }
    if (status == PGRES_TUPLES_OK) sent_rows_ = read_rows(r.get());
    if (PQstatus(conn_) == CONNECTION_BAD && PQisBusy(conn_) == 0) {
      // (The null result that ends it may never come on a broken connection.)
      if (!sent_error_) sent_error_ = failure(nullptr);
    }
  }
}

Result<bool> PgConnection::sent_done(bool wait, Rows* rows) {
  if (sent_ == Sent::kNone) return true;
  read_sent(wait);
  if (sent_ != Sent::kAnswered) return false;
  sent_ = Sent::kNone;
  if (rows != nullptr) *rows = std::move(sent_rows_);
  sent_rows_.clear();
  if (sent_error_) {
    Error error = std::move(*sent_error_);
    sent_error_.reset();
    return error;
  }
  return true;
}

int PgConnection::awaited_socket() const { return sent_ == Sent::kAwaited ? PQsocket(conn_) : -1; }

int PgConnection::announced_pid() const { return PQbackendPID(conn_); }

int PgConnection::server_version() const { return PQserverVersion(conn_); }

// The server's message and SQLSTATE, or libpq's own when the server sent
// none. Class 08 (connection exception) and 57P01-57P03 (the server shutting
// down, crashed, or not accepting connections yet) mean the session is gone.
Error PgConnection::failure(const PGresult* result) const {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const char* detail = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL) : nullptr;
  std::string message = primary != nullptr ? primary
                        : conn_ == nullptr ? "the connection was closed"
                                           : pg::one_line(PQerrorMessage(conn_));
  if (message.empty()) message = "the connection failed";
  if (detail != nullptr) message += fmt::format(" ({})", detail);
  if (state != nullptr) message += fmt::format(" [SQLSTATE {}]", state);
  std::string code = state != nullptr ? state : "";
  bool lost = PQstatus(conn_) == CONNECTION_BAD || code.rfind("08", 0) == 0 || code == "57P01" ||
              code == "57P02" || code == "57P03";
  return make_error(pg::scrub(fmt::format("{}: {}", where_, pg::one_line(message)), secrets_),
                    lost ? ErrorKind::kConnectionLost : ErrorKind::kGeneric);
}

Result<const std::string*> PgConnection::prepare(std::string_view sql) {
  read_sent(true);
  auto it = statements_.find(std::string(sql));
  if (it != statements_.end()) return &it->second;
  std::string name = fmt::format("refreshctl_{}", statements_.size() + 1);
  ResultPtr r(PQprepare(conn_, name.c_str(), to_postgres_placeholders(sql).c_str(), 0, nullptr));
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return failure(r.get());
  return &statements_.emplace(std::string(sql), std::move(name)).first->second;
}

// A statement is prepared at its second use. Its first goes unnamed (Parse,
// Bind and Execute in one message): one round trip, not two, so that a run
// with nothing due, which sends each of its statements once, waits for the
// server half as often.
Result<pg_result*> PgConnection::run(std::string_view sql, const Params& params) {
  std::string text(sql);
  if (statements_.count(text) == 0 && used_once_.insert(text).second) {
    return run_unnamed(sql, params);
  }
  auto name = prepare(sql);
  if (!name.ok()) return std::move(name).take_error();
  TextParams p(params);
  return answer(PQexecPrepared(conn_, (*name)->c_str(), p.size(), p.values(), nullptr, nullptr, 0));
}

Result<pg_result*> PgConnection::run_unnamed(std::string_view sql, const Params& params) {
  read_sent(true);
  TextParams p(params);
  return answer(PQexecParams(conn_, to_postgres_placeholders(sql).c_str(), p.size(), nullptr,
                             p.values(), nullptr, nullptr, 0));
}

Result<pg_result*> PgConnection::answer(pg_result* result) const {
  ResultPtr r(result);
  ExecStatusType status = PQresultStatus(r.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return failure(r.get());
  return r.release();
}

Result<Rows> PgConnection::query(std::string_view sql, const Params& params) {
  auto r = run(sql, params);
  if (!r.ok()) return std::move(r).take_error();
  ResultPtr hold(*r);
  return read_rows(hold.get());
}

Result<int64_t> PgConnection::execute(std::string_view sql, const Params& params) {
  return rows_affected(run(sql, params));
}

// Every statement is sent before any answer is read, and one Sync ends the
// batch: one round trip. An error aborts the rest of the batch (and the
// transaction it is in); the first error is returned.
Result<std::vector<Rows>> PgConnection::query_many(std::string_view sql,
                                                   const std::vector<Params>& batch) {
  std::vector<Rows> out(batch.size());
  if (batch.size() == 1) {
    auto rows = query(sql, batch.front());
    if (!rows.ok()) return std::move(rows).take_error();
    out.front() = std::move(rows).value();
  }
  if (batch.size() <= 1) return out;
  auto name = prepare(sql);
  if (!name.ok()) return std::move(name).take_error();
  if (PQenterPipelineMode(conn_) != 1) return failure(nullptr);
  size_t sent = 0;
  for (const auto& params : batch) {
    TextParams p(params);
    if (PQsendQueryPrepared(conn_, (*name)->c_str(), p.size(), p.values(), nullptr, nullptr, 0) !=
        1)
      break;
    ++sent;
  }
  std::optional<Error> error;
  if (sent < batch.size() || PQpipelineSync(conn_) != 1) error = failure(nullptr);
  size_t answered = 0;
  for (int nulls = 0;;) {
    ResultPtr r(PQgetResult(conn_));
    if (r == nullptr) {
      // One null ends each statement's results; two in a row, or one on a
      // broken connection, mean the Sync will never come.
      if (PQstatus(conn_) == CONNECTION_BAD || ++nulls > 1) break;
      continue;
    }
    nulls = 0;
    ExecStatusType status = PQresultStatus(r.get());
    if (status == PGRES_PIPELINE_SYNC) break;
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      if (answered < out.size()) out[answered] = read_rows(r.get());
    } else if (status != PGRES_PIPELINE_ABORTED && !error) {
      error = failure(r.get());
    }
    ++answered;
  }
  if (PQexitPipelineMode(conn_) != 1 && !error) error = failure(nullptr);
  if (!error && answered < batch.size()) error = failure(nullptr);
  if (error) return *error;
  return out;
}

Result<void> PgConnection::execute_script(const std::string& sql) {
  read_sent(true);
  auto r = answer(PQexec(conn_, sql.c_str()));
  if (!r.ok()) return std::move(r).take_error();
  PQclear(*r);
  return {};
}

Result<Rows> PgConnection::query_unprepared(const std::string& sql) {
  read_sent(true);
  auto r = answer(PQexec(conn_, sql.c_str()));
  if (!r.ok()) return std::move(r).take_error();
  ResultPtr hold(*r);
  return read_rows(hold.get());
}

Result<void> PgConnection::begin() { return execute_script("BEGIN"); }

// A COMMIT of a transaction that an error has aborted answers ROLLBACK, not
// an error: that must not pass for a commit.
Result<void> PgConnection::commit() {
  read_sent(true);
  ResultPtr r(PQexec(conn_, "COMMIT"));
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return failure(r.get());
  if (std::strcmp(PQcmdStatus(r.get()), "COMMIT") != 0) {
    return make_error(fmt::format("{}: the transaction was rolled back, not committed", where_));
  }
  return {};
}

void PgConnection::rollback() {
  read_sent(true);
  PGTransactionStatusType status = PQtransactionStatus(conn_);
  if (status == PQTRANS_INTRANS || status == PQTRANS_INERROR) {
    PQclear(PQexec(conn_, "ROLLBACK"));
  }
}

// Text elements are always quoted, so that one holding a comma, a brace or
// the word NULL stays itself; inside the quotes, quotes and backslashes are
// escaped with a backslash.
std::string to_pg_array(const std::vector<Value>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    if (const auto* n = std::get_if<int64_t>(&values[i])) {
      out += std::to_string(*n);
    } else if (const auto* s = std::get_if<std::string>(&values[i])) {
      out += '"';
      for (char c : *s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      out += '"';
    } else {
      out += "NULL";
    }
  }
  return out + "}";
}

}  // namespace refreshctl::sql

// The schema: numbered migrations (store/migrations/NNN_*.sql), the same
// files for both backends, forward only.
#include <fmt/format.h>

#include "store/migrations.h"
#include "store/sql_store.h"

namespace refreshctl {
namespace {

constexpr const char* kReadVersion = "SELECT coalesce(max(version), 0) FROM schema_version";

}  // namespace

Result<int> schema_version(sql::Connection& db) {
  auto row = sql::query_one(db, kReadVersion);
  if (row.ok()) return static_cast<int>((*row)->integer(0));
  if (is_transient(row.error_kind())) return std::move(row).take_error();
  // No version table yet: a new database. Creating it is the only write a
  // database at the latest version never needs.
  RCTL_TRY(db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
  auto again = sql::query_one(db, kReadVersion);
  if (!again.ok()) return std::move(again).take_error();
  return static_cast<int>((*again)->integer(0));
}

Result<void> migrate_schema(sql::Connection& db, std::optional<int> stop_at) {
  auto version = schema_version(db);
  if (!version.ok()) return std::move(version).take_error();
  int latest = migrations().back().version;
  if (*version > latest) {
    return make_error(
        fmt::format("the database is at schema version {}, newer than this refreshctl knows ({}); "
                    "upgrade refreshctl",
                    *version, latest));
  }
  for (const auto& m : migrations()) {
    if (stop_at && m.version > *stop_at) break;
    if (m.version <= *version) continue;  // no write transaction when there is nothing to do
    auto txn = sql::Transaction::begin(db);
    if (!txn.ok()) return std::move(txn).take_error();
    auto now_at = sql::query_one(db, kReadVersion);  // inside the transaction: one migrator wins
    if (!now_at.ok()) return std::move(now_at).take_error();
    if ((*now_at)->integer(0) >= m.version) continue;
    auto applied = db.execute_script(sql::apply_dialect(m.sql, db.dialect()));
    if (!applied.ok()) return make_error(fmt::format("migration {}: {}", m.name, applied.error()));
    RCTL_TRY(db.execute("INSERT INTO schema_version (version) VALUES (?)", {int64_t{m.version}}));
    RCTL_TRY(txn->commit());
  }
  return {};
}

}  // namespace refreshctl

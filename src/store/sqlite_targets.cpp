#include <fmt/format.h>

#include "config/target_file.h"
#include "store/sqlite_store_impl.h"

namespace refreshctl {

std::unique_ptr<Store> make_sqlite_store(const std::string& path, sqlite::Database db) {
  return std::make_unique<SqliteStore>(path, std::move(db));
}

namespace {

Result<Target> decode(const std::string& name, int revision, const std::string& definition) {
  auto parsed = parse_target_file(definition, "");
  if (!parsed.ok() || parsed->size() != 1) {
    return make_error(fmt::format("stored revision {} of target \"{}\" cannot be read{}{}",
                                  revision, name, parsed.ok() ? "" : ": ",
                                  parsed.ok() ? "" : parsed.error()));
  }
  return std::move((*parsed)[0].target);
}

}  // namespace

Result<std::optional<ApplyResult>> SqliteStore::apply_one(const TargetChange& change,
                                                          TimePoint now) {
  const Target& t = change.target;
  std::string definition = to_toml(t);
  auto current = db_.prepare(
      "SELECT t.revision, t.removed_at IS NOT NULL, r.definition FROM targets t "
      "JOIN target_revisions r ON r.target = t.name AND r.revision = t.revision "
      "WHERE t.name = ?");
  if (!current.ok()) return std::move(current).take_error();
  current->bind(1, t.name);
  auto row = current->step();
  if (!row.ok()) return std::move(row).take_error();
  int revision = 1;
  ApplyAction action = ApplyAction::kCreated;
  if (*row) {
    int current_revision = static_cast<int>(current->column_int(0));
    bool removed = current->column_int(1) != 0;
    if (!removed && current->column_text(2) == definition) {
      return std::optional<ApplyResult>(
          ApplyResult{t.name, ApplyAction::kUnchanged, current_revision});
    }
    revision = current_revision + 1;
    action = removed ? ApplyAction::kCreated : ApplyAction::kUpdated;
  }
  auto insert = db_.prepare(
      "INSERT INTO target_revisions "
      "(target, revision, definition, source, created_at, made_by, made_on) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!insert.ok()) return std::move(insert).take_error();
  RCTL_TRY(insert->bind(1, t.name)
               .bind(2, revision)
               .bind(3, definition)
               .bind(4, change.source)
               .bind(5, to_millis(now))
               .bind(6, change.author.user)
               .bind(7, change.author.host)
               .run());
  auto upsert = db_.prepare(
      "INSERT INTO targets (name, revision, removed_at) VALUES (?, ?, NULL) "
      "ON CONFLICT (name) DO UPDATE SET revision = excluded.revision, removed_at = NULL");
  if (!upsert.ok()) return std::move(upsert).take_error();
  RCTL_TRY(upsert->bind(1, t.name).bind(2, revision).run());
  return std::optional<ApplyResult>(ApplyResult{t.name, action, revision});
}

Result<std::vector<ApplyResult>> SqliteStore::apply(const std::vector<TargetChange>& changes,
                                                    TimePoint now) {
  auto txn = sqlite::Transaction::begin(db_);
  if (!txn.ok()) return std::move(txn).take_error();
  std::vector<ApplyResult> results;
  for (const auto& change : changes) {
    auto result = apply_one(change, now);
    if (!result.ok()) return std::move(result).take_error();
    results.push_back(**result);
  }
  RCTL_TRY(txn->commit());
  return results;
}

Result<std::optional<TargetRecord>> SqliteStore::target(const std::string& name,
                                                        std::optional<int> revision,
                                                        bool include_removed) {
  auto stmt = db_.prepare(
      "SELECT r.revision, r.definition, r.created_at, t.removed_at IS NOT NULL "
      "FROM targets t JOIN target_revisions r ON r.target = t.name "
      "WHERE t.name = ? AND r.revision = coalesce(?, t.revision)");
  if (!stmt.ok()) return std::move(stmt).take_error();
  stmt->bind(1, name).bind(2, revision ? std::optional<int64_t>(*revision) : std::nullopt);
  auto row = stmt->step();
  if (!row.ok()) return std::move(row).take_error();
  if (!*row) return std::optional<TargetRecord>();
  TargetRecord record;
  record.revision = static_cast<int>(stmt->column_int(0));
  record.removed = stmt->column_int(3) != 0;
  record.revision_created_at = from_millis(stmt->column_int(2));
  if (record.removed && !include_removed) return std::optional<TargetRecord>();
  auto decoded = decode(name, record.revision, stmt->column_text(1));
  if (!decoded.ok()) return std::move(decoded).take_error();
  record.target = std::move(decoded).value();
  return std::optional<TargetRecord>(std::move(record));
}

Result<std::vector<TargetRecord>> SqliteStore::targets() {
  auto stmt = db_.prepare(
      "SELECT t.name, r.revision, r.definition, r.created_at FROM targets t "
      "JOIN target_revisions r ON r.target = t.name AND r.revision = t.revision "
      "WHERE t.removed_at IS NULL ORDER BY t.name");
  if (!stmt.ok()) return std::move(stmt).take_error();
  std::vector<TargetRecord> out;
  for (;;) {
    auto row = stmt->step();
    if (!row.ok()) return std::move(row).take_error();
    if (!*row) break;
    TargetRecord record;
    record.revision = static_cast<int>(stmt->column_int(1));
    record.revision_created_at = from_millis(stmt->column_int(3));
    auto decoded = decode(stmt->column_text(0), record.revision, stmt->column_text(2));
    if (!decoded.ok()) return std::move(decoded).take_error();
    record.target = std::move(decoded).value();
    out.push_back(std::move(record));
  }
  return out;
}

Result<std::vector<std::string>> SqliteStore::target_names() {
  auto stmt = db_.prepare("SELECT name FROM targets ORDER BY name");
  if (!stmt.ok()) return std::move(stmt).take_error();
  std::vector<std::string> out;
  for (;;) {
    auto row = stmt->step();
    if (!row.ok()) return std::move(row).take_error();
    if (!*row) return out;
    out.push_back(stmt->column_text(0));
  }
}

Result<std::vector<RevisionInfo>> SqliteStore::revisions(const std::string& name) {
  auto stmt = db_.prepare(
      "SELECT revision, created_at, source, definition, made_by, made_on FROM target_revisions "
      "WHERE target = ? ORDER BY revision");
  if (!stmt.ok()) return std::move(stmt).take_error();
  stmt->bind(1, name);
  std::vector<RevisionInfo> out;
  for (;;) {
    auto row = stmt->step();
    if (!row.ok()) return std::move(row).take_error();
    if (!*row) return out;
    out.push_back(RevisionInfo{static_cast<int>(stmt->column_int(0)),
                               from_millis(stmt->column_int(1)), stmt->column_text(2),
                               stmt->column_text(3),
                               ChangeAuthor{stmt->column_text(4), stmt->column_text(5)}});
  }
}

Result<bool> SqliteStore::remove(const std::string& name,
                                 TimePoint now,
                                 const ChangeAuthor& author) {
  auto txn = sqlite::Transaction::begin(db_);
  if (!txn.ok()) return std::move(txn).take_error();
  auto stmt =
      db_.prepare("UPDATE targets SET removed_at = ? WHERE name = ? AND removed_at IS NULL");
  if (!stmt.ok()) return std::move(stmt).take_error();
  RCTL_TRY(stmt->bind(1, to_millis(now)).bind(2, name).run());
  if (db_.changes() == 0) return false;
  auto record = db_.prepare(
      "INSERT INTO target_removals (target, revision, removed_at, made_by, made_on) "
      "SELECT name, revision, ?, ?, ? FROM targets WHERE name = ?");
  if (!record.ok()) return std::move(record).take_error();
  RCTL_TRY(record->bind(1, to_millis(now))
               .bind(2, author.user)
               .bind(3, author.host)
               .bind(4, name)
               .run());
  RCTL_TRY(txn->commit());
  return true;
}

Result<std::vector<RemovalInfo>> SqliteStore::removals(const std::string& name) {
  // A removal made before schema version 4 has no row of its own; the
  // target's removed_at still says when.
  auto stmt = db_.prepare(
      "SELECT revision, removed_at, made_by, made_on FROM target_removals WHERE target = ? "
      "UNION ALL "
      "SELECT t.revision, t.removed_at, '', '' FROM targets t WHERE t.name = ? "
      "AND t.removed_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM target_removals r "
      "WHERE r.target = t.name AND r.revision = t.revision) "
      "ORDER BY 2");
  if (!stmt.ok()) return std::move(stmt).take_error();
  stmt->bind(1, name).bind(2, name);
  std::vector<RemovalInfo> out;
  for (;;) {
    auto row = stmt->step();
    if (!row.ok()) return std::move(row).take_error();
    if (!*row) return out;
    out.push_back(RemovalInfo{static_cast<int>(stmt->column_int(0)),
                              from_millis(stmt->column_int(1)),
                              ChangeAuthor{stmt->column_text(2), stmt->column_text(3)}});
  }
}

}  // namespace refreshctl

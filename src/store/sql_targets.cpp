// Targets and their revisions, over sql::Connection.
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "config/target_file.h"
#include "store/sql_store.h"

namespace refreshctl {
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

// quiet_until of a target no run needs to plan until its next revision.
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

// Columns: id, name, revision, definition, created_at, removed.
constexpr const char* kTargetColumns =
    "t.id, t.name, r.revision, r.definition, r.created_at, "
    "CASE WHEN t.removed_at IS NULL THEN 0 ELSE 1 END";

Result<TargetRecord> read_target(const sql::Row& row) {
  TargetRecord record;
  record.id = row.integer(0);
  record.revision = static_cast<int>(row.integer(2));
  record.revision_created_at = from_millis(row.integer(4));
  record.removed = row.integer(5) != 0;
  auto decoded = decode(row.text(1), record.revision, row.text(3));
  if (!decoded.ok()) return std::move(decoded).take_error();
  record.target = std::move(decoded).value();
  return record;
}

Result<std::vector<TargetRecord>> read_targets(const sql::Rows& rows) {
  std::vector<TargetRecord> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    auto record = read_target(row);
    if (!record.ok()) return std::move(record).take_error();
    out.push_back(std::move(record).value());
  }
  return out;
}

std::string encode_summary(const TargetSummary& s) {
  return nlohmann::json{
      {"data_type", s.data_type}, {"versions", s.versions}, {"versions_from", s.versions_from},
      {"schedule", s.schedule},   {"timezone", s.timezone}, {"enabled", s.enabled},
      {"after", s.after}}
      .dump();
}

// nullopt: not a summary this binary wrote (the caller reads the TOML).
std::optional<TargetSummary> decode_summary(const std::string& text) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object()) return std::nullopt;
  try {
    TargetSummary s;
    s.data_type = doc.at("data_type").get<std::string>();
    s.versions = doc.at("versions").get<std::vector<std::string>>();
    s.versions_from = doc.at("versions_from").get<bool>();
    s.schedule = doc.at("schedule").get<std::string>();
    s.timezone = doc.at("timezone").get<std::string>();
    s.enabled = doc.at("enabled").get<bool>();
    s.after = doc.at("after").get<std::vector<std::string>>();
    return s;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

// What `list` shows of `t`; the caller adds the id and revision.
TargetSummary summary_of(const Target& t) {
  return TargetSummary{.name = t.name,
                       .data_type = t.data_type,
                       .versions = t.versions,
                       .versions_from = t.versions_from.has_value(),
                       .schedule = t.schedule,
                       .timezone = t.timezone,
                       .enabled = t.enabled,
                       .after = t.after};
}

}  // namespace

TargetSummary summarize(const TargetRecord& record) {
  TargetSummary s = summary_of(record.target);
  s.id = record.id;
  s.revision = record.revision;
  return s;
}

Result<std::vector<TargetSummary>> SqlStore::target_summaries() {
  // The TOML only where no summary was stored with the revision (made before
  // schema 9).
  auto rows = db().query(
      "SELECT t.id, t.name, r.revision, r.summary, "
      "CASE WHEN r.summary IS NULL THEN r.definition ELSE '' END "
      "FROM targets t JOIN target_revisions r ON r.target = t.name AND r.revision = t.revision "
      "WHERE t.removed_at IS NULL ORDER BY t.name");
  if (!rows.ok()) return std::move(rows).take_error();
  std::vector<TargetSummary> out;
  out.reserve(rows->size());
  for (const auto& row : *rows) {
    const std::string name = row.text(1);
    const int revision = static_cast<int>(row.integer(2));
    std::optional<TargetSummary> summary;
    if (row.is_null(3)) {
      auto decoded = decode(name, revision, row.text(4));
      if (!decoded.ok()) return std::move(decoded).take_error();
      summary = summary_of(*decoded);
    } else {
      summary = decode_summary(row.text(3));
    }
    if (!summary) {  // a summary this binary cannot read: from the TOML too
      auto full = target(name, revision, false);
      if (!full.ok()) return std::move(full).take_error();
      if (!*full) continue;
      summary = summary_of((*full)->target);
    }
    summary->id = row.integer(0);
    summary->name = name;
    summary->revision = revision;
    out.push_back(std::move(*summary));
  }
  return out;
}

Result<std::optional<ApplyResult>> SqlStore::apply_one(const TargetChange& change, TimePoint now) {
  const Target& t = change.target;
  std::string definition = to_toml(t);
  auto current = sql::query_one(
      db(),
      "SELECT t.revision, CASE WHEN t.removed_at IS NULL THEN 0 ELSE 1 END, r.definition "
      "FROM targets t JOIN target_revisions r ON r.target = t.name AND r.revision = t.revision "
      "WHERE t.name = ?",
      {t.name});
  if (!current.ok()) return std::move(current).take_error();
  int revision = 1;
  ApplyAction action = ApplyAction::kCreated;
  if (*current) {
    const sql::Row& row = **current;
    int current_revision = static_cast<int>(row.integer(0));
    bool removed = row.integer(1) != 0;
    if (!removed && row.text(2) == definition) {
      return std::optional<ApplyResult>(
          ApplyResult{t.name, ApplyAction::kUnchanged, current_revision});
    }
    revision = current_revision + 1;
    action = removed ? ApplyAction::kCreated : ApplyAction::kUpdated;
  }
  RCTL_TRY(
      db().execute("INSERT INTO target_revisions "
                   "(target, revision, definition, source, created_at, made_by, made_on, summary) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   {t.name, int64_t{revision}, definition, change.source, to_millis(now),
                    change.author.user, change.author.host, encode_summary(summary_of(t))}));
  // A new name gets the next id; a known one (also a removed one) keeps its
  // own. A new revision is planned at the next run; a disabled one never is.
  RCTL_TRY(db().execute(
      "INSERT INTO targets (name, revision, removed_at, id, quiet_until) "
      "VALUES (?, ?, NULL, (SELECT coalesce(max(id), 0) + 1 FROM targets), ?) "
      "ON CONFLICT (name) DO UPDATE SET revision = excluded.revision, removed_at = NULL, "
      "quiet_until = excluded.quiet_until",
      {t.name, int64_t{revision}, t.enabled ? int64_t{0} : kNever}));
  return std::optional<ApplyResult>(ApplyResult{t.name, action, revision});
}

Result<std::vector<ApplyResult>> SqlStore::apply(const std::vector<TargetChange>& changes,
                                                 TimePoint now) {
  auto txn = sql::Transaction::begin(db());
  if (!txn.ok()) return std::move(txn).take_error();
  RCTL_TRY(lock_for_apply());
  std::vector<ApplyResult> results;
  for (const auto& change : changes) {
    auto result = apply_one(change, now);
    if (!result.ok()) return std::move(result).take_error();
    results.push_back(**result);
  }
  RCTL_TRY(txn->commit());
  return results;
}

Result<std::optional<TargetRecord>> SqlStore::target(const std::string& name,
                                                     std::optional<int> revision,
                                                     bool include_removed) {
  sql::Value wanted = revision ? sql::Value(int64_t{*revision}) : sql::Value();
  auto row = sql::query_one(
      db(),
      fmt::format("SELECT {} FROM targets t JOIN target_revisions r ON r.target = t.name "
                  "WHERE t.name = ? AND r.revision = coalesce(CAST(? AS INTEGER), t.revision)",
                  kTargetColumns),
      {name, wanted});
  if (!row.ok()) return std::move(row).take_error();
  if (!*row) return std::optional<TargetRecord>();
  if ((*row)->integer(5) != 0 && !include_removed) return std::optional<TargetRecord>();
  auto record = read_target(**row);
  if (!record.ok()) return std::move(record).take_error();
  return std::optional<TargetRecord>(std::move(record).value());
}

Result<std::vector<TargetRecord>> SqlStore::targets() {
  auto rows = db().query(
      fmt::format("SELECT {} FROM targets t "
                  "JOIN target_revisions r ON r.target = t.name AND r.revision = t.revision "
                  "WHERE t.removed_at IS NULL ORDER BY t.name",
                  kTargetColumns));
  if (!rows.ok()) return std::move(rows).take_error();
  return read_targets(*rows);
}

Result<std::vector<TargetRecord>> SqlStore::targets_to_check(TimePoint now) {
  auto rows = db().query(
      fmt::format("SELECT {} FROM targets t "
                  "JOIN target_revisions r ON r.target = t.name AND r.revision = t.revision "
                  "WHERE t.quiet_until <= ? AND t.removed_at IS NULL",
                  kTargetColumns),
      {to_millis(now)});
  if (!rows.ok()) return std::move(rows).take_error();
  auto out = read_targets(*rows);
  if (!out.ok()) return out;
  // Sorted here: an ORDER BY name would have SQLite walk the name index
  // over every target instead of the quiet_until index over the few due.
  std::sort(out->begin(), out->end(), [](const TargetRecord& a, const TargetRecord& b) {
    return a.target.name < b.target.name;
  });
  return out;
}

Result<void> SqlStore::set_quiet_until(const std::vector<QuietMark>& marks) {
  if (marks.empty()) return {};
  auto txn = sql::Transaction::begin(db());
  if (!txn.ok()) return std::move(txn).take_error();
  for (const auto& mark : marks) {
    int64_t until = mark.until == TimePoint::max() ? kNever : to_millis(mark.until);
    RCTL_TRY(db().execute("UPDATE targets SET quiet_until = ? WHERE id = ? AND revision = ?",
                          {until, mark.id, int64_t{mark.revision}}));
  }
  return txn->commit();
}

Result<std::vector<std::string>> SqlStore::target_names() {
  auto rows = db().query("SELECT name FROM targets ORDER BY name");
  if (!rows.ok()) return std::move(rows).take_error();
  std::vector<std::string> out;
  for (const auto& row : *rows) out.push_back(row.text(0));
  return out;
}

Result<std::vector<RevisionInfo>> SqlStore::revisions(const std::string& name) {
  auto rows = db().query(
      "SELECT revision, created_at, source, definition, made_by, made_on FROM target_revisions "
      "WHERE target = ? ORDER BY revision",
      {name});
  if (!rows.ok()) return std::move(rows).take_error();
  std::vector<RevisionInfo> out;
  for (const auto& row : *rows) {
    out.push_back(RevisionInfo{static_cast<int>(row.integer(0)), from_millis(row.integer(1)),
                               row.text(2), row.text(3), ChangeAuthor{row.text(4), row.text(5)}});
  }
  return out;
}

Result<bool> SqlStore::remove(const std::string& name, TimePoint now, const ChangeAuthor& author) {
  auto txn = sql::Transaction::begin(db());
  if (!txn.ok()) return std::move(txn).take_error();
  auto changed =
      db().execute("UPDATE targets SET removed_at = ? WHERE name = ? AND removed_at IS NULL",
                   {to_millis(now), name});
  if (!changed.ok()) return std::move(changed).take_error();
  if (*changed == 0) return false;
  RCTL_TRY(
      db().execute("INSERT INTO target_removals (target, revision, removed_at, made_by, made_on) "
                   "SELECT name, revision, ?, ?, ? FROM targets WHERE name = ?",
                   {to_millis(now), author.user, author.host, name}));
  RCTL_TRY(txn->commit());
  return true;
}

Result<std::vector<RemovalInfo>> SqlStore::removals(const std::string& name) {
  // A removal made before schema version 4 has no row of its own; the
  // target's removed_at still says when.
  auto rows = db().query(
      "SELECT revision, removed_at, made_by, made_on FROM target_removals WHERE target = ? "
      "UNION ALL "
      "SELECT t.revision, t.removed_at, '', '' FROM targets t WHERE t.name = ? "
      "AND t.removed_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM target_removals r "
      "WHERE r.target = t.name AND r.revision = t.revision) "
      "ORDER BY 2",
      {name, name});
  if (!rows.ok()) return std::move(rows).take_error();
  std::vector<RemovalInfo> out;
  for (const auto& row : *rows) {
    out.push_back(RemovalInfo{static_cast<int>(row.integer(0)), from_millis(row.integer(1)),
                              ChangeAuthor{row.text(2), row.text(3)}});
  }
  return out;
}

}  // namespace refreshctl

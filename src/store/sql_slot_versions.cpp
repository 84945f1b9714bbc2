// The version lists that targets with versions_from read (SPEC §10), one per
// (target, slot): the first list stored for a slot is the slot's for good.
#include <nlohmann/json.hpp>

#include "store/sql_store.h"

namespace refreshctl {
namespace {

Result<std::vector<std::string>> parse_list(const std::string& text) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> out;
  bool valid = doc.is_array();
  for (const auto& item : valid ? doc : nlohmann::json::array()) {
    valid = valid && item.is_string();
    if (valid) out.push_back(item.get<std::string>());
  }
  if (!valid) return make_error("a stored version list is not a JSON array of strings");
  return out;
}

}  // namespace

Result<std::optional<std::vector<std::string>>> SqlStore::slot_versions(const std::string& target,
                                                                        TimePoint slot) {
  auto row =
      sql::query_one(db(), "SELECT versions FROM slot_versions WHERE target = ? AND slot = ?",
                     {target, to_millis(slot)});
  if (!row.ok()) return std::move(row).take_error();
  if (!*row) return std::optional<std::vector<std::string>>();
  auto list = parse_list((*row)->text(0));
  if (!list.ok()) return std::move(list).take_error();
  return std::optional<std::vector<std::string>>(std::move(list).value());
}

Result<std::vector<std::string>> SqlStore::store_slot_versions(
    const std::string& target,
    TimePoint slot,
    const std::vector<std::string>& versions,
    TimePoint now) {
  RCTL_TRY(db().execute(
      "INSERT INTO slot_versions (target, slot, versions, fetched_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (target, slot) DO NOTHING",
      {target, to_millis(slot), nlohmann::json(versions).dump(), to_millis(now)}));
  auto stored = slot_versions(target, slot);
  if (!stored.ok()) return std::move(stored).take_error();
  if (!*stored) return make_error("the version list just stored cannot be read back");
  return std::move(**stored);
}

}  // namespace refreshctl

// The notifications a run sent or failed to send ([target.notify]): written
// once at the end of the run, read by tests and by whoever asks why an alert
// did not arrive.
#include "store/sql_store.h"

namespace refreshctl {

Result<void> SqlStore::record_notifications(const std::vector<NotificationRecord>& records) {
  if (records.empty()) return {};
  std::vector<sql::Params> batch;
  batch.reserve(records.size());
  for (const NotificationRecord& n : records) {
    batch.push_back({n.run_id, n.run_uuid, n.target, n.refresh_id, n.kind, n.url, n.outcome,
                     int64_t{n.attempts}, int64_t{n.http_status}, n.error, to_millis(n.sent_at)});
  }
  auto txn = sql::Transaction::begin(db());
  if (!txn.ok()) return std::move(txn).take_error();
  RCTL_TRY(db().query_many(
      "INSERT INTO notifications (run_id, run_uuid, target, refresh_id, kind, url, outcome, "
      "attempts, http_status, error, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      batch));
  return txn->commit();
}

Result<std::vector<NotificationRecord>> SqlStore::notifications(int64_t run_id) {
  auto rows = db().query(
      "SELECT run_id, run_uuid, target, refresh_id, kind, url, outcome, attempts, http_status, "
      "error, sent_at FROM notifications WHERE run_id = ? ORDER BY id",
      {run_id});
  if (!rows.ok()) return std::move(rows).take_error();
  std::vector<NotificationRecord> out;
  out.reserve(rows->size());
  for (const auto& row : *rows) {
    NotificationRecord n;
    n.run_id = row.integer(0);
    n.run_uuid = row.text(1);
    n.target = row.text(2);
    n.refresh_id = row.integer(3);
    n.kind = row.text(4);
    n.url = row.text(5);
    n.outcome = row.text(6);
    n.attempts = static_cast<int>(row.integer(7));
    n.http_status = static_cast<int>(row.integer(8));
    n.error = row.text(9);
    n.sent_at = from_millis(row.integer(10));
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace refreshctl

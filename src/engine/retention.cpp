#include "engine/retention.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "schedule/slots.h"

namespace refreshctl::engine {
namespace {

// Why deleting the finished refreshes of a target that another run holds
// (or of one that this run just ended) is safe: a run writes only the rows
// it claimed, by id, while they are open, and open rows are never pruned;
// a finished row is never written again. A run reads the history only to
// plan its due slot (Store::slot_refreshes), and the due slot and the
// newest slot of each version are never pruned, so no slot can look
// undone. Taking the targets' locks would instead make a long refresh hold
// up the pruning of its whole history.

constexpr int kFirstBatch = 1000;
constexpr int kMinBatch = 100;
constexpr int kMaxBatch = 50'000;

// The slots the planner may read for `record` at `now`: its due slot and
// later. nullopt when nothing is due (or the schedule cannot say).
std::optional<TimePoint> keep_from(const TargetRecord& record, TimePoint now) {
  if (record.removed) return std::nullopt;  // applied again, it starts afresh
  auto due = schedule::due_slot(record.target, now, record.revision_created_at);
  if (!due.ok()) return TimePoint::min();  // keep every slot rather than guess
  if (!*due) return std::nullopt;
  return (*due)->slot;
}

class Pruner {
 public:
  Pruner(Store& store, bool dry_run) : store_(store), dry_run_(dry_run) {}

  Result<void> prune(const PruneScope& scope) {
    if (dry_run_) {
      auto count = store_.count_prunable(scope);
      if (!count.ok()) return std::move(count).take_error();
      add(scope.target, *count);
      return {};
    }
    for (;;) {
      auto started = std::chrono::steady_clock::now();
      auto deleted = store_.prune(scope, batch_);
      if (!deleted.ok()) {
        return make_error(
            fmt::format("pruning the history of {}: {}", scope.target, deleted.error()),
            deleted.error_kind());
      }
      auto took = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - started);
      ++report_.batches;
      report_.longest_batch = std::max(report_.longest_batch, took);
      add(scope.target, *deleted);
      bool full = *deleted == batch_;
      adapt(took, full);
      if (!full) return {};
    }
  }

  PruneReport take() { return std::move(report_); }

 private:
  void add(const std::string& target, int64_t n) {
    if (n == 0) return;
    if (report_.targets.empty() || report_.targets.back().target != target) {
      report_.targets.push_back({target, 0});
    }
    report_.targets.back().refreshes += n;
    report_.total += n;
  }

  // Larger batches while full ones are quick, smaller ones as soon as any
  // takes half the budget: the next may meet a colder cache or a busier
  // disk. The last batch of a target counts too: with a target's old rows
  // fewer than a batch, it is the only one (a year of 10,000 targets pruned
  // at 900 rows each).
  void adapt(Millis took, bool full) {
    if (took > kPruneBatchBudget / 2) {
      batch_ = std::max(kMinBatch, batch_ / 2);
    } else if (full && took < kPruneBatchBudget / 5) {
      batch_ = std::min(kMaxBatch, batch_ * 2);
    }
  }

  Store& store_;
  bool dry_run_;
  int batch_ = kFirstBatch;
  PruneReport report_;
};

// Every target ever applied at its current revision, removed ones too.
Result<std::vector<TargetRecord>> every_target(Store& store) {
  auto current = store.targets();
  if (!current.ok()) return std::move(current).take_error();
  auto names = store.target_names();
  if (!names.ok()) return std::move(names).take_error();
  std::vector<TargetRecord> out = std::move(current).value();
  std::set<std::string> live;
  for (const auto& r : out) live.insert(r.target.name);
  for (const auto& name : *names) {
    if (live.count(name) != 0) continue;
    auto removed = store.target(name, std::nullopt, true);
    if (!removed.ok()) return std::move(removed).take_error();
    if (*removed) out.push_back(std::move(**removed));
  }
  std::sort(out.begin(), out.end(), [](const TargetRecord& a, const TargetRecord& b) {
    return a.target.name < b.target.name;
  });
  return out;
}

}  // namespace

Result<PruneReport> prune_history(Store& store, TimePoint now, const PruneOptions& options) {
  auto targets = every_target(store);
  if (!targets.ok()) return std::move(targets).take_error();
  auto extents = store.history_extents();
  if (!extents.ok()) return std::move(extents).take_error();
  Pruner pruner(store, options.dry_run);
  for (const auto& record : *targets) {
    std::optional<Millis> keep =
        options.older_than ? options.older_than : record.target.keep_history;
    if (!keep) continue;  // "forever"
    PruneScope scope{record.target.name, now - *keep, keep_from(record, now)};
    auto extent = extents->find(scope.target);
    if (extent != extents->end()) {
      const HistoryExtent& e = extent->second;
      bool old_refreshes = e.oldest_refresh && *e.oldest_refresh < scope.before;
      if (!old_refreshes && !e.version_lists) continue;  // nothing to look at
      scope.slot_versions = e.version_lists;
    }
    RCTL_TRY(pruner.prune(scope));
  }
  return pruner.take();
}

Result<std::optional<PruneReport>> apply_retention(Store& store, TimePoint now) {
  auto due = store.claim_retention(now, kRetentionEvery);
  if (!due.ok()) return std::move(due).take_error();
  if (!*due) return std::optional<PruneReport>();
  auto report = prune_history(store, now, {});
  if (!report.ok()) return std::move(report).take_error();
  RCTL_TRY(store.record_retention(report->total));
  return std::optional<PruneReport>(std::move(report).value());
}

}  // namespace refreshctl::engine

// Keeping the history bounded (SPEC §5 prune, keep_history): `prune` deletes
// finished refreshes older than a duration; `run` applies every target's
// keep_history at most once an hour. Both delete in small batches, each its
// own short transaction, so runs keep writing in between.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/store.h"
#include "util/time.h"

namespace refreshctl::engine {

// About the longest a batch may hold the database's write lock; the batch
// size adapts to stay well under it.
inline constexpr Millis kPruneBatchBudget{100};
// How often `run` prunes by keep_history, whichever host runs it.
inline constexpr Millis kRetentionEvery = std::chrono::hours(1);

struct PruneOptions {
  std::optional<Millis> older_than;  // nullopt: each target's keep_history
  bool dry_run = false;              // count only
};

struct PrunedTarget {
  std::string target;
  int64_t refreshes = 0;  // deleted, or (dry run) that would be
};

struct PruneReport {
  std::vector<PrunedTarget> targets;  // those with any, by name
  int64_t total = 0;
  int batches = 0;
  Millis longest_batch{0};  // the longest a batch took (the write lock's hold)
};

// Prunes the history of every target ever applied, removed ones too. Never
// deletes an open refresh, nor one the planner needs to know a slot is done
// (see PruneScope). Targets busy in another run are not skipped: see the
// comment in retention.cpp on why that is safe.
Result<PruneReport> prune_history(Store& store, TimePoint now, const PruneOptions& options);

// What `run` does after its refreshes: prunes by keep_history when no
// retention started in the last kRetentionEvery. nullopt: it was not due.
Result<std::optional<PruneReport>> apply_retention(Store& store, TimePoint now);

}  // namespace refreshctl::engine

// Targets whose slot waits for their `after` targets (SPEC §10): noted, kept
// aside unlocked, and planned again whenever a target ends in this run, so
// that a cube is triggered in the same run as the dataset it waits for.
#include <fmt/format.h>

#include <algorithm>

#include "engine/runner_impl.h"

namespace refreshctl::engine::detail {

// Says why the target's slot waits (once per reason) and keeps the target
// aside: recheck_blocked() plans it again. A target locked for other work
// joins them once that work ends.
void Runner::note_waiting(TargetWork& work, const std::string& why) {
  if (why != work.waiting) observer_.on_note(fmt::format("{}: {}", work.name, why));
  work.waiting = why;
  if (std::find(blocked_.begin(), blocked_.end(), &work) == blocked_.end()) {
    blocked_.push_back(&work);
  }
}

// After `ended` targets were committed and released: plans each blocked
// target that waits for one of them again (unlocked, as find_work() does;
// start_target() reads again under the lock), and queues those now due.
Result<void> Runner::recheck_blocked(const std::vector<TargetWork*>& ended) {
  if (blocked_.empty() || stopping_ || store_down_) return {};
  std::vector<TargetWork*> still;
  std::vector<TargetWork*> check = std::move(blocked_);
  blocked_.clear();
  for (size_t i = 0; i < check.size(); ++i) {
    TargetWork* w = check[i];
    const auto& after = w->current->target.after;
    bool moved = std::any_of(ended.begin(), ended.end(), [&](const TargetWork* e) {
      return std::find(after.begin(), after.end(), e->name) != after.end();
    });
    // One locked for other work (or just released with it) is left as it is
    // until its next chance; only a target at rest is queued.
    bool at_rest = w->state == WorkState::kBlocked || w->state == WorkState::kReleased;
    if (!moved || !at_rest) {
      still.push_back(w);
      continue;
    }
    std::string waiting;
    auto due = plan_target(ctx_.store, *w->current, now(), schedule_now(), opt_.manual, &waiting);
    if (!due.ok()) {  // this one and the rest stay blocked
      still.insert(still.end(), check.begin() + static_cast<std::ptrdiff_t>(i), check.end());
      blocked_ = std::move(still);
      return store_failed(std::move(due).take_error());
    }
    if (due->empty()) {
      if (!waiting.empty() && waiting != w->waiting) {
        observer_.on_note(fmt::format("{}: {}", w->name, waiting));
      }
      w->waiting = waiting;
      if (!waiting.empty()) still.push_back(w);
      continue;
    }
    observer_.on_note(fmt::format("{}: its after targets have fresh data; slot {} is due", w->name,
                                  format_rfc3339(due->front().slot)));
    w->waiting.clear();
    w->state = WorkState::kQueued;
    w->demand = std::clamp(static_cast<int>(due->size()), 1, w->current->target.max_concurrency);
    queue_.push_back(w);
  }
  blocked_.insert(blocked_.end(), still.begin(), still.end());
  return {};
}

}  // namespace refreshctl::engine::detail

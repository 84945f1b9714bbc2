#include "engine/runner.h"

#include <fmt/format.h>
#include <unistd.h>

#include "engine/runner_impl.h"
#include "util/duration.h"

namespace refreshctl::engine {

bool RunSummary::any_failure() const {
  for (const auto& [state, count] : by_state) {
    if (is_failure(state) && count > 0) return true;
  }
  return false;
}

int RunSummary::total() const {
  int n = 0;
  for (const auto& [state, count] : by_state) n += count;
  return n;
}

Result<RunSummary> run_refreshes(const RunContext& context, const RunOptions& options) {
  detail::Runner runner(context, options);
  return runner.run();
}

namespace detail {

using std::chrono::milliseconds;

constexpr milliseconds kFlushEvery{200};
constexpr milliseconds kTickEvery{200};
constexpr milliseconds kMaxWait{200};

Task& Runner::add_task(RefreshRecord record, const TargetRecord* target) {
  auto task = std::make_unique<Task>();
  task->record = std::move(record);
  task->target = target;
  tasks_.push_back(std::move(task));
  ++unfinished_;
  return *tasks_.back();
}

Result<const TargetRecord*> Runner::revision_of(const std::string& name, int revision) {
  for (const auto& t : targets_) {
    if (t.target.name == name && t.revision == revision) return &t;
  }
  auto key = std::make_pair(name, revision);
  auto it = other_revisions_.find(key);
  if (it != other_revisions_.end()) return it->second.get();
  auto loaded = ctx_.store.target(name, revision, true);
  if (!loaded.ok()) return std::move(loaded).take_error();
  if (!*loaded) return static_cast<const TargetRecord*>(nullptr);
  auto stored = std::make_unique<TargetRecord>(std::move(**loaded));
  const TargetRecord* p = stored.get();
  other_revisions_.emplace(key, std::move(stored));
  return p;
}

// A run that was killed leaves refreshes open. Pending ones were never sent
// and are sent now; polling ones are polled again (never re-triggered);
// triggering ones may or may not have reached the service: unknown.
Result<void> Runner::resume_open() {
  auto open = ctx_.store.open_refreshes();
  if (!open.ok()) return std::move(open).take_error();
  for (auto& record : *open) {
    // Without --target every open refresh is finished, also of a target
    // disabled or removed since it was triggered: it is in flight either way.
    bool selected = opt_.targets.empty();
    for (const auto& name : opt_.targets) selected |= name == record.target;
    if (!selected) continue;
    auto target = revision_of(record.target, record.revision);
    if (!target.ok()) return std::move(target).take_error();
    int old_run = static_cast<int>(record.run_id);
    record.run_id = summary_.run_id;
    Task& task = add_task(std::move(record), *target);
    ++summary_.resumed;
    if (*target == nullptr) {
      finish(task, RefreshState::kError, "its target revision is no longer stored", false);
    } else if (task.record.state == RefreshState::kPending) {
      ready_.push_back(&task);
    } else if (task.record.state == RefreshState::kTriggering) {
      finish(task, RefreshState::kUnknown,
             fmt::format("run {} ended while sending the refresh request; the service may or "
                         "may not have it",
                         old_run),
             false);
    } else {
      activate(task);
      task.interval = task.target->target.poll_interval;
      schedule(task, TimerKind::kDeadline, task.record.deadline.value_or(now()));
      schedule(task, TimerKind::kPoll, now());
      ctx_.observer.on_note(fmt::format(
          "resuming {} {} (job {}), left polling by run {}", task.record.target,
          task.record.version, task.record.job_id.empty() ? "-" : task.record.job_id, old_run));
    }
  }
  return flush(true);
}

Result<void> Runner::plan() {
  auto planned = plan_due(ctx_.store, targets_, now(), opt_.manual);
  if (!planned.ok()) return std::move(planned).take_error();
  std::vector<Task*> missed;
  for (const auto& p : *planned) {
    RefreshRecord r;
    r.run_id = summary_.run_id;
    r.target = p.target->target.name;
    r.revision = p.target->revision;
    r.version = p.version;
    r.slot = p.slot;
    r.attempt = p.attempt;
    r.started_at = now();
    if (opt_.dry_run) {
      ctx_.observer.on_state(r);
      continue;
    }
    Task& task = add_task(std::move(r), p.target);
    if (p.missed) {
      task.record.state = RefreshState::kMissed;
      task.record.finished_at = task.record.started_at;
      task.record.error = p.missed_note;
      missed.push_back(&task);
    } else if (p.not_before > now()) {
      schedule(task, TimerKind::kStart, p.not_before);
    } else {
      ready_.push_back(&task);
    }
  }
  if (missed.empty()) return {};
  // A missed slot is only recorded: claimed as finished, never sent.
  std::vector<RefreshRecord*> records;
  records.reserve(missed.size());
  for (Task* task : missed) records.push_back(&task->record);
  std::vector<bool> claimed;
  RCTL_TRY(ctx_.store.claim(records, &claimed));
  for (size_t i = 0; i < missed.size(); ++i) {
    missed[i]->finished = true;
    --unfinished_;
    if (!claimed[i]) continue;  // another run recorded it
    ++summary_.by_state[RefreshState::kMissed];
    ctx_.observer.on_state(missed[i]->record);
  }
  return {};
}

// Claims and triggers what the concurrency limits allow, in one claim
// transaction; the claim and the "triggering" state are committed before any
// request leaves.
Result<void> Runner::start_ready() {
  if (ready_.empty() || stopping_) return {};
  std::vector<Task*> batch;
  std::map<std::string, int> batched;
  for (auto it = ready_.begin(); it != ready_.end();) {
    if (active_ + static_cast<int>(batch.size()) >= opt_.max_concurrency) break;
    Task* task = *it;
    const std::string& name = task->record.target;
    if (active_per_target_[name] + batched[name] >= task->target->target.max_concurrency) {
      ++it;
      continue;
    }
    ++batched[name];
    batch.push_back(task);
    it = ready_.erase(it);
  }
  if (batch.empty()) return {};
  std::vector<RefreshRecord*> to_claim;
  for (Task* task : batch) {
    if (task->record.id == 0) to_claim.push_back(&task->record);
  }
  std::vector<bool> claimed;
  RCTL_TRY(ctx_.store.claim(to_claim, &claimed));
  for (Task* task : batch) {
    if (task->record.id == 0) {  // another run has this (target, version, slot, attempt)
      task->finished = true;
      --unfinished_;
      ctx_.observer.on_note(fmt::format(
          "{} {} slot {} attempt {} is already claimed by another run", task->record.target,
          task->record.version, format_rfc3339(task->record.slot), task->record.attempt));
      continue;
    }
    ctx_.observer.on_state(task->record);  // pending
    activate(*task);
    set_state(*task, RefreshState::kTriggering);
  }
  RCTL_TRY(flush(true));
  for (Task* task : batch) {
    if (!task->finished) send_trigger(*task);
  }
  return {};
}

void Runner::fire_timers() {
  TimePoint t = now();
  while (!timers_.empty() && timers_.top().at <= t) {
    Timer timer = timers_.top();
    timers_.pop();
    Task& task = *timer.task;
    if (task.finished) continue;
    switch (timer.kind) {
      case TimerKind::kStart:
        if (!stopping_) ready_.push_back(&task);
        break;
      case TimerKind::kResend:
        if (!stopping_) send_trigger(task);
        break;
      case TimerKind::kPoll:
        if (timer.generation == task.poll_generation && !task.request_in_flight && !stopping_ &&
            task.record.state == RefreshState::kPolling) {
          send_poll(task);
        }
        break;
      case TimerKind::kDeadline:
        if (task.record.state == RefreshState::kPolling) {
          std::string last = task.last_state ? " (last state " + *task.last_state + ")" : "";
          finish(task, RefreshState::kTimedOut,
                 fmt::format("no final state within max_refresh_time {}{}",
                             format_duration(task.target->target.max_refresh_time), last));
        }
        break;
    }
  }
}

Result<void> Runner::flush(bool force) {
  if (dirty_.empty()) return {};
  if (!force && now() - last_flush_ < kFlushEvery) return {};
  std::vector<const RefreshRecord*> records;
  for (Task* task : dirty_) {
    records.push_back(&task->record);
    task->dirty = false;
  }
  dirty_.clear();
  last_flush_ = now();
  return ctx_.store.update(records);
}

milliseconds Runner::wait_time() const {
  if (!ready_.empty() && active_ < opt_.max_concurrency) return milliseconds(0);
  milliseconds wait = kMaxWait;
  if (!timers_.empty()) wait = std::min(wait, std::max(milliseconds(0), timers_.top().at - now()));
  return wait;
}

void Runner::begin_stopping() {
  stopping_ = true;
  stop_deadline_ = now() + opt_.stop_grace;
  summary_.stopped = true;
  ctx_.observer.on_note(fmt::format(
      "stopping: no new refreshes; {} in flight are left for the next run to resume", active_));
}

void Runner::tick() {
  if (now() - last_tick_ < kTickEvery) return;
  last_tick_ = now();
  std::vector<const RefreshRecord*> in_flight;
  for (const auto& task : tasks_) {
    if (task->active && !task->finished) in_flight.push_back(&task->record);
  }
  ctx_.observer.on_tick(in_flight, last_tick_);
}

Result<RunSummary> Runner::run() {
  auto selected = select_targets(ctx_.store, opt_.targets);
  if (!selected.ok()) return std::move(selected).take_error();
  targets_ = std::move(selected).value();
  if (opt_.dry_run) {
    RCTL_TRY(plan());
    return summary_;
  }
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  auto run_id = ctx_.store.begin_run({0, now(), host, static_cast<int>(getpid())});
  if (!run_id.ok()) return std::move(run_id).take_error();
  summary_.run_id = *run_id;
  RCTL_TRY(resume_open());
  RCTL_TRY(plan());
  if (unfinished_ == 0) ctx_.observer.on_note("nothing is due");
  for (;;) {
    if (!stopping_ && opt_.stop_requested()) begin_stopping();
    RCTL_TRY(start_ready());
    fire_timers();
    RCTL_TRY(flush(false));
    tick();
    if (unfinished_ == 0) break;
    if (stopping_ && (triggers_in_flight_ == 0 || now() >= stop_deadline_)) break;
    ctx_.http.poll(wait_time());
  }
  if (stopping_) {
    // A trigger that certainly did not leave goes back to pending, to be sent
    // by the next run; one that may have left stays triggering (unknown next).
    for (auto& task : tasks_) {
      if (!task->finished && task->record.state == RefreshState::kTriggering &&
          !task->request_in_flight) {
        set_state(*task, RefreshState::kPending);
      }
    }
  }
  RCTL_TRY(flush(true));
  std::string outcome = stopping_ ? "stopped" : summary_.any_failure() ? "failed" : "succeeded";
  RCTL_TRY(ctx_.store.finish_run(summary_.run_id, now(), outcome));
  return summary_;
}

}  // namespace detail
}  // namespace refreshctl::engine

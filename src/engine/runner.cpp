#include "engine/runner.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

#include "engine/guarded_observer.h"
#include "engine/runner_impl.h"
#include "util/duration.h"

namespace refreshctl::engine {

bool RunSummary::any_failure() const {
  if (stuck > 0) return true;
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
  GuardedObserver observer(context.observer);  // printing never aborts a run
  RunContext guarded{context.store, context.http, context.clock, context.resolver, observer};
  detail::Runner runner(guarded, options);
  return runner.run();
}

namespace detail {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kFlushEvery{200};
constexpr milliseconds kTickEvery{200};
constexpr milliseconds kMaxWait{200};
constexpr milliseconds kWriteCheck{2};  // how often a write in flight is looked at

}  // namespace

Runner::Runner(const RunContext& context, const RunOptions& options)
    : ctx_(context),
      opt_(options),
      observer_(context.observer),
      notifier_(context.http, context.clock, context.resolver, context.observer) {}

// Which slots are due is decided as of the run's start (or --at), whenever
// the run gets to a target: a run takes the slots due when it was invoked,
// and later slots are left to later runs. So two runs invoked in one minute
// trigger a target without a schedule once, also when the second gets the
// target only in the next minute, after the first released it.
TimePoint Runner::schedule_now() const { return opt_.at.value_or(started_); }

// The schedule's clock as it goes on: how late a slot is when its refresh
// really starts.
TimePoint Runner::schedule_clock() const {
  if (!opt_.at) return now();
  return *opt_.at + (now() - started_);
}

Task& Runner::add_task(RefreshRecord record, TargetWork& work, const TargetRecord* target) {
  Task& task = tasks_.emplace_back();
  task.record = std::move(record);
  task.work = &work;
  task.target = target;
  ++unfinished_;
  ++work.unfinished;
  return task;
}

void Runner::make_ready(Task* task) {
  if (task->fetch_versions) {
    fetches_ready_.push_back(task);
  } else {
    ready_.push_back(task);
  }
}

// Claims and sets triggering what the concurrency limits allow, in one claim
// transaction; the requests leave only once "triggering" is committed. The
// claim is begun without waiting where the store can (finish_claim()).
Result<void> Runner::start_ready() {
  if (stopping_ || store_down_) return {};
  start_fetches();
  if (ready_.empty()) return {};
  // One statement at a time: while the server works on a write or a claim,
  // the run answers HTTP instead, and claims more at once after it.
  RCTL_TRY(finish_write(false));
  RCTL_TRY(finish_claim(false));
  if (write_in_flight_ || claim_in_flight_ || store_down_) return {};
  std::vector<Task*> batch;
  std::map<TargetWork*, int> batched;
  // No more than can leave at once (see http::Client::idle_capacity).
  size_t room = ctx_.http.idle_capacity();
  for (auto it = ready_.begin(); it != ready_.end() && batch.size() < room;) {
    if (active_ + static_cast<int>(batch.size()) >= opt_.max_concurrency) break;
    Task* task = *it;
    if (task->finished) {
      it = ready_.erase(it);
      continue;
    }
    TargetWork* work = task->work;
    if (work->active + batched[work] >= task->target->target.max_concurrency) {
      ++it;
      continue;
    }
    ++batched[work];
    batch.push_back(task);
    it = ready_.erase(it);
  }
  if (batch.empty()) return {};
  // A new refresh is claimed as "triggering" (one INSERT, no UPDATE after
  // it) and sent once that commit is confirmed; a pending one read back from
  // the store is set triggering by the flush after the claim, and sent after
  // that.
  std::vector<RefreshRecord*> to_claim;
  for (Task* task : batch) {
    claiming_resumed_.push_back(task->record.id != 0);
    if (claiming_resumed_.back()) continue;
    task->record.state = RefreshState::kTriggering;
    to_claim.push_back(&task->record);
  }
  claiming_ = std::move(batch);
  claim_in_flight_ = true;
  auto begun = ctx_.store.begin_claim(std::move(to_claim));
  if (!begun.ok()) return in_flight_failed(std::move(begun).take_error());
  return finish_claim(false);
}

// Once the claim is answered: a claimed refresh is sent at once, a pending
// one read back from the store is set triggering by the next flush and sent
// after it. While stopping, none is sent: end_run() sets them back to
// pending.
Result<void> Runner::finish_claim(bool wait) {
  if (!claim_in_flight_) return {};
  std::vector<bool> claimed;
  auto done = ctx_.store.claim_done(wait, &claimed);
  if (!done.ok()) return in_flight_failed(std::move(done).take_error());
  if (!*done) return {};
  claim_in_flight_ = false;
  std::vector<Task*> batch;
  batch.swap(claiming_);
  std::vector<bool> resumed;  // of each task of the batch: pending from an earlier run
  resumed.swap(claiming_resumed_);
  std::vector<Task*> claimed_now;
  for (size_t i = 0; i < batch.size(); ++i) {
    Task* task = batch[i];
    if (task->finished) continue;
    if (resumed[i]) {
      observer_.on_state(task->record);  // pending
      activate(*task);
      set_state(*task, RefreshState::kTriggering);
      to_send_.push_back(task);
      continue;
    }
    if (task->record.id == 0) {
      // Taken already. Under this run's lock that is this run's own claim
      // whose commit was not confirmed before the connection broke (never
      // sent: only a confirmed claim is), or another run's record: only
      // this run's unsent one is adopted.
      auto rows = ctx_.store.slot_refreshes(task->record.target, task->record.slot);
      if (!rows.ok()) return store_failed(std::move(rows).take_error());
      for (const auto& r : *rows) {
        if (r.version == task->record.version && r.attempt == task->record.attempt &&
            (r.state == RefreshState::kPending || r.state == RefreshState::kTriggering) &&
            r.run_id == summary_.run_id) {
          task->record.id = r.id;
          if (r.state == RefreshState::kPending) mark_dirty(*task);  // to be set triggering
        }
      }
    }
    if (task->record.id == 0) {
      task->record.state = RefreshState::kPending;
      observer_.on_note(fmt::format("{} {} slot {} attempt {} is already claimed by another run",
                                    task->record.target, task->record.version,
                                    format_rfc3339(task->record.slot), task->record.attempt));
      end_task(*task);
      continue;
    }
    RefreshRecord shown = task->record;
    shown.state = RefreshState::kPending;
    observer_.on_state(shown);
    observer_.on_state(task->record);  // triggering
    activate(*task);
    if (task->dirty) {
      to_send_.push_back(task);  // after the next flush
    } else {
      claimed_now.push_back(task);
    }
  }
  if (!to_send_.empty()) write_soon_ = true;
  if (!stopping_) send_triggering(claimed_now);
  return {};
}

// A claim that failed, or whose answer will not come: its refreshes are
// claimed again after reconnecting (one whose claim did commit is then
// found taken by this run, and adopted).
void Runner::abandon_claim() {
  if (!claim_in_flight_) return;
  claim_in_flight_ = false;
  for (size_t i = 0; i < claiming_.size(); ++i) {
    if (!claiming_resumed_[i]) claiming_[i]->record.state = RefreshState::kPending;
  }
  ready_.insert(ready_.begin(), claiming_.begin(), claiming_.end());
  claiming_.clear();
  claiming_resumed_.clear();
}

Result<void> Runner::send_committed() {
  std::vector<Task*> sending;
  sending.swap(to_send_);
  send_triggering(sending);
  return {};
}

// Sends each of `tasks` still triggering; its "triggering" is committed.
void Runner::send_triggering(const std::vector<Task*>& tasks) {
  for (Task* task : tasks) {
    if (!task->finished && task->record.state == RefreshState::kTriggering) send_trigger(*task);
  }
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
        if (!stopping_) make_ready(&task);
        break;
      case TimerKind::kResend:
        // Sent only under the target's lock, which a lost session may have lost.
        if (store_down_ && !stopping_) {
          schedule(task, TimerKind::kResend, t + kMaxWait);
        } else if (!stopping_) {
          send_trigger(task);
        }
        break;
      case TimerKind::kPoll:
        if (timer.generation == task.poll_generation && !task.request_in_flight && !stopping_ &&
            !task.poll_due && task.record.state == RefreshState::kPolling) {
          task.poll_due = true;
          polls_due_.push_back(&task);
        }
        break;
      case TimerKind::kDeadline:
        on_deadline(task);
        break;
    }
  }
}

// Sends the due polls, oldest first, while the HTTP client can start them;
// with `share`, leaves half of the free transfers to waiting triggers.
void Runner::send_due_polls(bool share) {
  size_t room = ctx_.http.idle_capacity();
  // Triggers waiting for the same transfers get the other half: neither
  // starves the other while 100,000 refreshes start and are polled at once.
  bool triggers_wait = !ready_.empty() && active_ < opt_.max_concurrency && !stopping_;
  if (share && triggers_wait && room > 1) room /= 2;
  while (!polls_due_.empty() && room > 0) {
    Task& task = *polls_due_.front();
    polls_due_.pop_front();
    task.poll_due = false;
    if (task.finished || stopping_ || task.request_in_flight ||
        task.record.state != RefreshState::kPolling) {
      continue;
    }
    send_poll(task);
    --room;
  }
}

// Writes every changed record in one transaction; once it is committed,
// sends the triggers whose "triggering" it holds. Begun without waiting
// (Store::begin_update) unless `force`d: a write still in flight is then
// waited for, and so is the new one.
Result<void> Runner::flush(bool force) {
  if (store_down_) return {};
  RCTL_TRY(finish_claim(force));
  if (claim_in_flight_ || store_down_) return {};
  RCTL_TRY(finish_write(force));
  if (write_in_flight_ || store_down_) return {};
  if (dirty_.empty()) return send_committed();
  if (!force && !write_soon_ && now() - last_flush_ < kFlushEvery) return {};
  std::vector<const RefreshRecord*> records;
  records.reserve(dirty_.size());
  for (Task* task : dirty_) {
    records.push_back(&task->record);
    task->dirty = false;
    task->writing = true;
  }
  writing_.swap(dirty_);  // dirty_ is now empty: no write was in flight
  sending_after_write_.swap(to_send_);
  write_soon_ = false;
  last_flush_ = now();
  write_in_flight_ = true;
  auto begun = ctx_.store.begin_update(records);
  if (!begun.ok()) return in_flight_failed(std::move(begun).take_error());
  return finish_write(force);
}

Result<void> Runner::finish_write(bool wait) {
  if (!write_in_flight_) return {};
  auto done = ctx_.store.update_done(wait);
  if (!done.ok()) return in_flight_failed(std::move(done).take_error());
  if (!*done) return {};
  write_in_flight_ = false;
  for (Task* task : writing_) {
    task->writing = false;
    if (!task->dirty) --task->work->unwritten;
  }
  writing_.clear();
  std::vector<Task*> sending;
  sending.swap(sending_after_write_);
  send_triggering(sending);
  return {};
}

// The claim or write in flight (one at a time) failed.
Result<void> Runner::in_flight_failed(Error error) {
  abandon_claim();
  abandon_write();
  return store_failed(std::move(error));
}

// A write that failed, or whose answer will not come (the connection is
// being replaced), may or may not have committed: its changes are written
// again, and its triggers wait for that write.
void Runner::abandon_write() {
  if (!write_in_flight_) return;
  write_in_flight_ = false;
  for (Task* task : writing_) {
    task->writing = false;
    if (task->dirty) continue;
    task->dirty = true;
    dirty_.push_back(task);
  }
  writing_.clear();
  to_send_.insert(to_send_.begin(), sending_after_write_.begin(), sending_after_write_.end());
  sending_after_write_.clear();
}

milliseconds Runner::wait_time() const {
  if ((!ready_.empty() || !fetches_ready_.empty()) && active_ < opt_.max_concurrency &&
      !store_down_) {
    return milliseconds(0);
  }
  if (!polls_due_.empty() && ctx_.http.idle_capacity() > 0) return milliseconds(0);
  milliseconds wait = notifier_.wait_time(kMaxWait);
  // The loop wakes when the answer comes (awaited_socket); a store that
  // cannot say on which socket is asked this often.
  if ((write_in_flight_ || claim_in_flight_) && ctx_.store.awaited_socket() < 0) {
    wait = std::min(wait, kWriteCheck);
  }
  if (!timers_.empty()) wait = std::min(wait, std::max(milliseconds(0), timers_.top().at - now()));
  return wait;
}

void Runner::begin_stopping() {
  stopping_ = true;
  stop_deadline_ = now() + opt_.stop_grace;
  summary_.stopped = true;
  for (TargetWork* w : queue_) w->state = WorkState::kSkipped;
  for (TargetWork* w : waiting_) w->state = WorkState::kSkipped;
  queue_.clear();
  waiting_.clear();
  observer_.on_note(fmt::format(
      "stopping: no new refreshes; {} in flight are left for the next run to resume", active_));
}

void Runner::tick() {
  if (now() - last_tick_ < kTickEvery) return;
  last_tick_ = now();
  std::vector<const RefreshRecord*> in_flight;
  for (const auto& task : tasks_) {
    if (task.active && !task.finished) in_flight.push_back(&task.record);
  }
  observer_.on_tick(in_flight, last_tick_);
}

// Every refresh ended and every change written: a lost connection holds the
// run until what waited is written, or until try_reconnect() gives up (exit 3).
bool Runner::done() const {
  return unfinished_ == 0 && queue_.empty() && waiting_.empty() && dirty_.empty() &&
         !write_in_flight_ && !claim_in_flight_;
}

// Leaves what is open for the next run: a trigger that certainly did not
// leave goes back to pending (sent by the next run), one that may have left
// stays triggering (unknown to the next run), polling stays polling. Then
// commits, releases every lock and records the run's end.
Result<void> Runner::end_run(bool failed) {
  // A claim in flight is waited for (its refreshes are then set back to
  // pending below), or taken back should the store be down.
  if (store_down_) abandon_claim();
  (void)finish_claim(true);
  ctx_.http.cancel_unstarted();  // their callbacks set the unsent back to pending
  for (auto& task : tasks_) {
    if (task.finished) continue;
    if (task.record.state == RefreshState::kTriggering && !task.request_in_flight) {
      set_state(task, RefreshState::kPending);
    }
    if (task.polls_unsaved) mark_dirty(task);
    if (task.record.id != 0) ++summary_.left;
  }
  auto flushed = flush(true);
  std::vector<int64_t> held;
  for (const auto& [name, work] : work_) {
    if (work->state == WorkState::kLocked) {
      held.push_back(work->id);
      work->state = WorkState::kReleased;
    }
  }
  if (!store_down_) {
    (void)ctx_.store.unlock_targets(held);
    auto notified = ctx_.store.record_notifications(notifier_.take_records());
    if (!notified.ok()) {
      observer_.on_warning("could not record this run's notifications: " + notified.error());
    }
    std::string outcome = failed                   ? "error"
                          : stopping_              ? "stopped"
                          : summary_.any_failure() ? "failed"
                                                   : "succeeded";
    auto finished = ctx_.store.finish_run(summary_.run_id, now(), outcome);
    if (!finished.ok() && flushed.ok()) return finished;
  }
  return flushed;
}

Result<RunSummary> Runner::run() {
  started_ = now();
  auto selection = scheduled_run() ? select_due_targets(ctx_.store, now(), &quiet_)
                                   : select_targets(ctx_.store, opt_.targets);
  if (!selection.ok()) return std::move(selection).take_error();
  for (const auto& name : selection->disabled) {
    observer_.on_note(fmt::format("{} is disabled; not run (refreshctl enable {})", name, name));
  }
  if (opt_.dry_run) {
    RCTL_TRY(dry_run(*selection));
    return summary_;
  }
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  auto run_id = ctx_.store.begin_run({0, started_, host, static_cast<int>(getpid())});
  if (!run_id.ok()) return std::move(run_id).take_error();
  summary_.run_id = *run_id;
  notifier_.begin({summary_.run_id, new_run_uuid(), host});
  Result<void> result = find_work(*selection);
  if (result.ok() && done()) observer_.on_note("nothing is due");
  while (result.ok() && !done()) {
    if (!stopping_ && opt_.stop_requested()) begin_stopping();
    if (stopping_ && (triggers_in_flight_ == 0 || now() >= stop_deadline_)) break;
    result = step();
    if (!done()) ctx_.http.poll(wait_time(), ctx_.store.awaited_socket());
  }
  // The last targets' refreshes ended inside the final poll: release them
  // here, so that their end is pinged like every other target's.
  if (result.ok() && !stopping_) result = release_finished();
  if (!result.ok()) {
    // The store failed for good. Triggers on the wire are let finish (for
    // as long as a stop would wait) so their outcome is known in memory;
    // end_run() then writes what it can.
    stopping_ = true;
    stop_deadline_ = now() + opt_.stop_grace;
    while (triggers_in_flight_ > 0 && now() < stop_deadline_) ctx_.http.poll(wait_time());
  }
  // Alerts still out get a short, bounded wait; never a change of outcome.
  notifier_.finish(stopping_ ? opt_.stop_grace : NotifyLimits{}.end_wait);
  auto ended = end_run(!result.ok());
  if (!result.ok()) return std::move(result).take_error();
  if (!ended.ok()) return std::move(ended).take_error();
  return summary_;
}

// One turn of the event loop, without waiting.
Result<void> Runner::step() {
  RCTL_TRY(try_reconnect());
  RCTL_TRY(lock_more());
  fire_timers();
  send_due_polls(true);
  RCTL_TRY(start_ready());
  send_due_polls(false);
  notifier_.pump();
  RCTL_TRY(flush(false));
  RCTL_TRY(release_finished());
  tick();
  return {};
}

}  // namespace detail
}  // namespace refreshctl::engine

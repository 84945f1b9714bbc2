// What each answer does to one refresh: the per-refresh state machine.
#include <fmt/format.h>

#include <algorithm>

#include "engine/refresh_logic.h"
#include "engine/runner_impl.h"
#include "util/duration.h"

namespace refreshctl::engine::detail {

namespace {
constexpr int kConnectRetries = 3;
constexpr std::chrono::milliseconds kConnectRetryBase{1000};
}  // namespace

void Runner::schedule(Task& task, TimerKind kind, TimePoint at) {
  if (kind == TimerKind::kPoll) ++task.poll_generation;
  timers_.push(Timer{at, &task, task.poll_generation, kind});
}

void Runner::activate(Task& task) {
  if (task.active) return;
  task.active = true;
  ++active_;
  ++task.work->active;
  TargetWork& work = *task.work;
  if (!work.ping_started && task.target != nullptr) {
    work.ping_started = true;
    work.notify = &task.target->target;
    notifier_.ping(*work.notify, PingKind::kStart);
  }
}

// A refresh ended in a state that fails the run, with no retry to follow.
void Runner::notify_failure(Task& task, RefreshState state) {
  if (!is_failure(state) || task.target == nullptr) return;
  task.work->any_failed = true;
  if (task.work->notify == nullptr) task.work->notify = &task.target->target;
  notifier_.refresh_failed(task.target->target, task.record);
}

void Runner::deactivate(Task& task) {
  if (!task.active) return;
  task.active = false;
  --active_;
  --task.work->active;
}

void Runner::mark_dirty(Task& task) {
  task.polls_unsaved = false;
  if (task.dirty) return;
  if (!task.writing) ++task.work->unwritten;
  task.dirty = true;
  dirty_.push_back(&task);
}

void Runner::set_state(Task& task, RefreshState state) {
  task.record.state = state;
  mark_dirty(task);
  observer_.on_state(task.record);
}

// Ends a task without a state change of its own (dropped, or finished).
void Runner::end_task(Task& task) {
  if (task.finished) return;
  task.finished = true;
  --unfinished_;
  if (--task.work->unfinished == 0) may_release_.push_back(task.work);
  deactivate(task);
}

void Runner::finish(Task& task, RefreshState state, const std::string& error, bool may_retry) {
  if (task.finished) return;
  end_task(task);
  task.record.finished_at = now();
  task.record.error = recorded_error(error, task.secrets());
  set_state(task, state);
  std::optional<PlannedRefresh> retry;
  // A newer slot waiting for this version supersedes a retry of this one.
  if (may_retry && !stopping_ && task.target != nullptr && task.successor == nullptr) {
    retry = plan_retry(task.target->target, task.record);
  }
  if (!retry) {
    ++summary_.by_state[state];
    notify_failure(task, state);
    start_successor(task);
    return;
  }
  RefreshRecord next;
  next.run_id = summary_.run_id;
  next.target = task.record.target;
  next.revision = task.record.revision;
  next.version = retry->version;
  next.slot = retry->slot;
  next.attempt = retry->attempt;
  next.started_at = retry->not_before;
  Task& again = add_task(std::move(next), *task.work, task.target);
  again.fetch_versions = task.fetch_versions;
  observer_.on_note(fmt::format("{} {} will be tried again (retry {}) at {}", again.record.target,
                                again.record.version, again.record.attempt,
                                format_rfc3339(retry->not_before)));
  observer_.on_retry_wait(again.record, retry->not_before);
  schedule(again, TimerKind::kStart, retry->not_before);
}

void Runner::send_trigger(Task& task) {
  auto built = build_trigger(task.target->target, task.record, ctx_.resolver);
  if (!built.ok()) {
    finish(task, RefreshState::kError, built.error());
    return;
  }
  if (!built->secrets.empty()) task.more().secrets = std::move(built->secrets);
  if (!task.record.triggered_at) task.record.triggered_at = now();
  ++summary_.attempts;
  task.request_in_flight = true;
  ++triggers_in_flight_;
  ctx_.http.submit(std::move(built->request), [this, &task](const http::Response& response) {
    task.request_in_flight = false;
    --triggers_in_flight_;
    on_trigger(task, response);
  });
}

void Runner::on_trigger(Task& task, const http::Response& response) {
  if (task.finished) return;
  // Until this answer is written, a crash would leave the refresh
  // "triggering" (unknown to the next run): write it at the next turn of the
  // loop, not at the next batch.
  write_soon_ = true;
  if (response.failure == http::Failure::kCancelled) {
    --summary_.attempts;
    set_state(task, RefreshState::kPending);  // never sent: the next run sends it
    return;
  }
  if (response.ok()) task.record.http_status = static_cast<int>(response.status);
  TriggerOutcome outcome = read_trigger_response(task.target->target, response, task.secrets());
  const Target& t = task.target->target;
  switch (outcome.kind) {
    case TriggerOutcome::kAccepted:
      task.record.job_id = outcome.job_id;
      task.record.deadline = *task.record.triggered_at + t.max_refresh_time;
      task.interval = t.poll_interval;
      set_state(task, RefreshState::kPolling);
      schedule(task, TimerKind::kDeadline, *task.record.deadline);
      schedule(task, TimerKind::kPoll, now() + task.interval);
      return;
    case TriggerOutcome::kNotSent:
      if (task.connect_retries < kConnectRetries && !stopping_) {
        auto delay = kConnectRetryBase * (1 << task.connect_retries);
        ++task.connect_retries;
        schedule(task, TimerKind::kResend, now() + delay);
        return;
      }
      finish(task, RefreshState::kError,
             fmt::format("the refresh request could not connect ({} tries): {}",
                         task.connect_retries + 1, outcome.error));
      return;
    case TriggerOutcome::kMaybeSent:
      finish(task, RefreshState::kUnknown,
             fmt::format("the refresh request may or may not have reached the service: {}",
                         outcome.error));
      return;
    case TriggerOutcome::kRejected:
      finish(task, RefreshState::kFailed, outcome.error);
      return;
    case TriggerOutcome::kError:
      finish(task, RefreshState::kError, outcome.error);
      return;
  }
}

void Runner::send_poll(Task& task) {
  auto built = build_poll(task.target->target, task.record, ctx_.resolver);
  if (!built.ok()) {
    finish(task, RefreshState::kError, built.error());
    return;
  }
  for (auto& s : built->secrets) {
    auto& secrets = task.more().secrets;
    if (std::find(secrets.begin(), secrets.end(), s) == secrets.end())
      secrets.push_back(std::move(s));
  }
  task.request_in_flight = true;
  ctx_.http.submit(std::move(built->request), [this, &task](const http::Response& response) {
    task.request_in_flight = false;
    on_poll(task, response);
  });
}

void Runner::on_poll(Task& task, const http::Response& response) {
  if (task.finished || response.failure == http::Failure::kCancelled) return;
  ++task.record.polls;
  if (response.ok()) task.record.http_status = static_cast<int>(response.status);
  // A poll that finds the refresh still running is not a write of its own:
  // its count and HTTP status go with the refresh's next change (its end at
  // the latest, or the run's), so 100,000 refreshes polled every few seconds
  // are not that many writes.
  if (!task.dirty) task.polls_unsaved = true;
  PollOutcome outcome = read_status_response(task.target->target, response, task.secrets());
  if (!outcome.state.empty()) remember_state(task, outcome.state);
  if (outcome.kind == PollOutcome::kTransient) {
    task.more().last_poll_error = outcome.message;
  } else if (task.extra) {
    task.extra->last_poll_error.clear();
  }
  switch (outcome.kind) {
    case PollOutcome::kRunning:
    case PollOutcome::kTransient: {
      if (stopping_) return;  // left polling; the next run resumes it
      task.interval = next_poll_interval(task.target->target, task.interval);
      TimePoint next = now() + task.interval;
      if (outcome.kind == PollOutcome::kTransient) {
        // Honour Retry-After, but never past the deadline: the deadline
        // timer ends the refresh there.
        if (auto wait = retry_after(response, now())) next = std::max(next, now() + *wait);
        if (task.record.deadline) next = std::min(next, *task.record.deadline);
      }
      schedule(task, TimerKind::kPoll, next);
      return;
    }
    case PollOutcome::kSucceeded:
      finish(task, RefreshState::kSucceeded, "");
      return;
    case PollOutcome::kFailed:
      finish(task, RefreshState::kFailed, outcome.message);
      return;
    case PollOutcome::kError:
      finish(task, RefreshState::kError, outcome.message);
      return;
  }
}

// Services report a few distinct states ("RUNNING", "QUEUED"): each is kept
// once for the run. Past kMaxStates distinct values (a service that puts a
// progress figure in its state) a task keeps its own copy.
void Runner::remember_state(Task& task, const std::string& state) {
  constexpr size_t kMaxStates = 256;
  auto it = states_seen_.find(state);
  if (it == states_seen_.end() && states_seen_.size() < kMaxStates) {
    it = states_seen_.insert(state).first;
  }
  if (it != states_seen_.end()) {
    task.last_state = &*it;
    return;
  }
  task.more().last_state = state;
  task.last_state = &task.extra->last_state;
}

void Runner::on_deadline(Task& task) {
  if (task.record.state != RefreshState::kPolling) return;
  std::string last = task.last_state ? " (last state " + *task.last_state + ")" : "";
  // Polls that only ever failed keep their cause, so the record says why.
  if (task.extra && !task.extra->last_poll_error.empty())
    last += "; the last poll failed: " + task.extra->last_poll_error;
  finish(task, RefreshState::kTimedOut,
         fmt::format("no final state within max_refresh_time {}{}",
                     format_duration(task.target->target.max_refresh_time), last));
}

}  // namespace refreshctl::engine::detail

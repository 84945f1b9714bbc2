// Losing and regaining the database mid-run (PostgreSQL restarts, dropped
// connections; a SQLite disk that fills up, a lock held past the busy
// timeout). While it is out of reach nothing is claimed, sent for the
// first time, written or released; polls go on in memory. On reconnecting
// the store takes the run's locks again; a target another run had meanwhile
// is given up without a write, and what waited is written and sent.
#include <fmt/format.h>

#include <algorithm>

#include "engine/runner_impl.h"
#include "util/duration.h"

namespace refreshctl::engine::detail {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kFirstBackoff{250};
constexpr milliseconds kMaxBackoff{5'000};
constexpr seconds kMinPatience{30};  // how long a run without deadlines waits for the database

}  // namespace

Result<void> Runner::store_failed(Error error) {
  if (!is_transient(error.kind)) return error;
  down_error_ = error.message;
  if (store_down_) return {};
  store_down_ = true;
  if (!recovering_) {
    recovering_ = true;
    down_kind_ = error.kind;
    down_since_ = now();
    reconnect_backoff_ = kFirstBackoff;
    observer_.on_warning(
        error.kind == ErrorKind::kConnectionLost
            ? fmt::format("lost the database ({}); reconnecting, and claiming nothing until then",
                          error.message)
            : fmt::format("cannot write to the database ({}); keeping what this run learns in "
                          "memory, trying again, and claiming nothing until then",
                          error.message));
  } else {
    RCTL_TRY(give_up_if_past_deadline());
    reconnect_backoff_ = std::min<Millis>(reconnect_backoff_ * 2, kMaxBackoff);
  }
  next_reconnect_ = now() + reconnect_backoff_;
  return {};
}

// Worth waiting for as long as a refresh of this run could still end.
Result<void> Runner::give_up_if_past_deadline() const {
  TimePoint give_up = down_since_ + kMinPatience;
  for (const auto& task : tasks_) {
    if (!task.finished && task.record.deadline) give_up = std::max(give_up, *task.record.deadline);
  }
  if (now() < give_up) return {};
  return make_error(fmt::format(
      "the database has been out of reach since {} ({} ago), past the run's last deadline: {}",
      format_rfc3339(down_since_), format_elapsed(now() - down_since_), down_error_));
}

Result<void> Runner::try_reconnect() {
  if (!store_down_ || now() < next_reconnect_) return {};
  abandon_claim();  // their answers go with the old connection
  abandon_write();
  auto lost = ctx_.store.reconnect();
  if (!lost.ok()) {
    if (!is_transient(lost.error_kind())) return std::move(lost).take_error();
    down_error_ = lost.error();
    RCTL_TRY(give_up_if_past_deadline());
    reconnect_backoff_ = std::min<Millis>(reconnect_backoff_ * 2, kMaxBackoff);
    next_reconnect_ = now() + reconnect_backoff_;
    return {};
  }
  store_down_ = false;
  for (int64_t id : *lost) {
    for (auto& [name, work] : work_) {
      if (work->id == id && work->state == WorkState::kLocked) {
        drop_target(*work, "another run took it while the database was out of reach");
      }
    }
  }
  RCTL_TRY(flush(true));       // what waited is written; the triggers it commits are sent
  if (store_down_) return {};  // the write failed again: store_failed() set the next try
  recovering_ = false;
  std::string took = format_elapsed(now() - down_since_);
  observer_.on_note(down_kind_ == ErrorKind::kConnectionLost
                        ? fmt::format("reconnected to the database after {}", took)
                        : fmt::format("the database takes writes again after {}", took));
  return {};
}

// Forgets a target another run now owns: its records are that run's to write.
void Runner::drop_target(TargetWork& work, const std::string& why) {
  int dropped = 0;
  for (auto& task : tasks_) {
    if (task.work != &work || task.finished) continue;
    task.dirty = false;
    end_task(task);
    ++dropped;
  }
  dirty_.erase(
      std::remove_if(dirty_.begin(), dirty_.end(), [&](Task* t) { return t->work == &work; }),
      dirty_.end());
  work.state = WorkState::kReleased;
  reserved_ -= work.demand;
  summary_.left += dropped;
  observer_.on_warning(fmt::format("{}: {}; its {} open refresh{} left to that run", work.name, why,
                                   dropped, dropped == 1 ? " is" : "es are"));
}

}  // namespace refreshctl::engine::detail

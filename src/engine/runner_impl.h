// The internals of run_refreshes(): a TargetWork per target the run may lock,
// a Task per refresh, timers in a heap, and the event loop. Split over
// runner.cpp (the loop, flushing, stopping), runner_targets.cpp (locking,
// resuming and planning a target, releasing it), runner_store.cpp (losing
// and regaining the database) and runner_tasks.cpp (what each response does
// to a task).
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <set>
#include <vector>

#include "engine/notifier.h"
#include "engine/planner.h"
#include "engine/runner.h"

namespace refreshctl::engine::detail {

struct TargetWork;

// What few refreshes need, kept apart so that 100,000 tasks in flight do
// not each carry it.
struct TaskExtra {
  std::vector<std::string> secrets;  // resolved values, redacted from errors
  std::string last_poll_error;       // why the last poll failed, if it did
  std::string last_state;            // when not among the run's known states
};

struct Task {
  RefreshRecord record;
  TargetWork* work = nullptr;
  const TargetRecord* target = nullptr;  // the revision this refresh uses
  // An open refresh of the same version from an older slot: this one starts
  // when that one ends (a (target, version) never has two open at once).
  Task* waits_for = nullptr;
  Task* successor = nullptr;  // the newer slot's task waiting for this one
  // The last state value the service reported (Runner::remember_state), or null.
  const std::string* last_state = nullptr;
  std::unique_ptr<TaskExtra> extra;  // null until a secret or a failed poll needs it
  Millis interval{0};                // the current poll interval
  uint32_t poll_generation = 0;      // invalidates older poll timers
  int connect_retries = 0;
  bool request_in_flight = false;
  bool poll_due = false;  // in polls_due_, waiting for a free transfer slot
  bool active = false;    // counted against the concurrency limits
  bool finished = false;  // terminal, or dropped (claimed by another run, target lost)
  bool dirty = false;     // to be written at the next flush
  bool writing = false;   // its change is in the write in flight (Runner::writing_)
  // Polls (their count, the last HTTP status) since the last write, with no
  // other change: written with the refresh's next change, or at the run's end.
  bool polls_unsaved = false;
  // versions_from: this task (version "") reads the slot's version list
  // instead of triggering; it is recorded only when the reading fails.
  bool fetch_versions = false;

  const std::vector<std::string>& secrets() const {
    static const std::vector<std::string> kNone;
    return extra ? extra->secrets : kNone;
  }
  TaskExtra& more() {
    if (!extra) extra = std::make_unique<TaskExtra>();
    return *extra;
  }
};

enum class WorkState {
  kQueued,    // has work; not locked yet
  kWaiting,   // busy in another run; tried again until --wait-lock runs out
  kLocked,    // this run holds it and works on it
  kReleased,  // done, unlocked
  kSkipped,   // busy in another run; left to it
  kBlocked,   // its slot waits for its `after` targets; planned again when one ends here
};

struct TargetWork {
  std::string name;
  int64_t id = 0;
  const TargetRecord* current = nullptr;  // null: only open refreshes to finish
  WorkState state = WorkState::kQueued;
  int demand = 1;       // refreshes it may run at once, for sharing --max-concurrency
  int unfinished = 0;   // its tasks not yet finished (retries waiting included)
  int active = 0;       // its tasks in flight
  int unwritten = 0;    // its tasks with a change not yet committed (dirty or writing)
  std::string waiting;  // why its slot waits for its `after` targets, as last noted
  // [target.notify]: the revision whose notify settings its pings use, and
  // what they say (a /start once, then success or fail when it is released).
  const Target* notify = nullptr;
  bool ping_started = false;
  bool any_failed = false;
};

enum class TimerKind : uint8_t { kStart, kResend, kPoll, kDeadline };

struct Timer {
  TimePoint at;
  Task* task;
  uint32_t generation;  // Task::poll_generation when set (wraps harmlessly)
  TimerKind kind;
  bool operator>(const Timer& other) const { return at > other.at; }
};

class Runner {
 public:
  Runner(const RunContext& context, const RunOptions& options);
  Result<RunSummary> run();

 private:
  // runner.cpp
  Result<void> step();
  Result<void> start_ready();
  void fire_timers();
  void send_due_polls(bool share);
  Result<void> flush(bool force);
  Result<void> finish_claim(bool wait);
  void abandon_claim();
  Result<void> finish_write(bool wait);
  void abandon_write();
  Result<void> in_flight_failed(Error error);
  Result<void> send_committed();
  void send_triggering(const std::vector<Task*>& tasks);
  std::chrono::milliseconds wait_time() const;
  void begin_stopping();
  Result<void> end_run(bool failed);
  void tick();
  bool done() const;
  Task& add_task(RefreshRecord record, TargetWork& work, const TargetRecord* target);
  void make_ready(Task* task);
  TimePoint now() const { return ctx_.clock.now(); }
  TimePoint schedule_now() const;
  TimePoint schedule_clock() const;
  // A scheduled run at the real time over every target: the only kind that
  // reads targets by quiet_until and moves it forward.
  bool scheduled_run() const { return opt_.targets.empty() && !opt_.at && !opt_.manual; }

  // runner_targets.cpp
  Result<void> find_work(Selection& selection);  // takes (empties) the selection's targets
  Result<void> dry_run(const Selection& selection);
  Result<void> lock_more();
  Result<void> report_busy(const std::vector<TargetWork*>& busy);
  // What start_target() reads of a batch of targets just locked.
  struct TargetReads {
    bool complete = false;  // false: each target reads its own
    std::map<std::string, std::vector<RefreshRecord>> open;
    SlotReads slots;
  };
  TargetReads read_under_lock(const std::vector<TargetWork*>& locked);
  Result<void> start_target(TargetWork& work, TargetReads& read);
  Result<Task*> resume(TargetWork& work, RefreshRecord record);
  Result<void> plan(TargetWork& work);
  Result<void> record_missed(std::vector<Task*>& missed);
  Result<void> release_finished();
  Result<const TargetRecord*> revision_of(const std::string& name, int revision);
  void start_successor(Task& older);

  // runner_after.cpp
  void note_waiting(TargetWork& work, const std::string& why);
  Result<void> recheck_blocked(const std::vector<TargetWork*>& ended);

  // runner_versions.cpp
  void start_fetches();
  void send_fetch(Task& task);
  void on_fetch(Task& task, const std::string& url, const http::Response& response);
  void fail_fetch(Task& task, const std::string& error);
  void queue_versions(Task& fetch, const std::vector<std::string>& versions);

  // runner_store.cpp
  Result<void> store_failed(Error error);
  Result<void> give_up_if_past_deadline() const;
  Result<void> try_reconnect();
  void drop_target(TargetWork& work, const std::string& why);

  // runner_tasks.cpp
  void send_trigger(Task& task);
  void send_poll(Task& task);
  void on_trigger(Task& task, const http::Response& response);
  void on_poll(Task& task, const http::Response& response);
  void on_deadline(Task& task);
  void set_state(Task& task, RefreshState state);
  void mark_dirty(Task& task);
  void finish(Task& task, RefreshState state, const std::string& error, bool may_retry = true);
  void end_task(Task& task);
  void schedule(Task& task, TimerKind kind, TimePoint at);
  void activate(Task& task);
  void deactivate(Task& task);
  void notify_failure(Task& task, RefreshState state);
  void remember_state(Task& task, const std::string& state);

  const RunContext& ctx_;
  const RunOptions& opt_;
  RunObserver& observer_;  // ctx_.observer: a GuardedObserver, never throws
  RunSummary summary_;
  TimePoint started_{};
  std::vector<std::unique_ptr<TargetRecord>> records_;  // every revision in use
  std::vector<QuietMark> quiet_;  // targets found with nothing due, for quiet_until
  std::map<std::pair<std::string, int>, const TargetRecord*> by_revision_;
  std::map<std::string, std::unique_ptr<TargetWork>> work_;
  std::deque<TargetWork*> queue_;     // to lock, in this order
  std::vector<TargetWork*> waiting_;  // busy; tried again until wait_until_
  std::vector<TargetWork*> blocked_;  // waiting for their `after` targets (kBlocked)
  TimePoint wait_until_{};
  TimePoint next_wait_try_{};
  int reserved_ = 0;                  // sum of the demands of the locked targets
  std::deque<Task> tasks_;            // every refresh of the run; a deque keeps their addresses
  std::deque<Task*> ready_;           // to claim and send (make_ready())
  std::vector<Task*> fetches_ready_;  // versions_from readings to send (make_ready())
  // Locked targets that may have no unfinished refresh left: where
  // release_finished() looks, rather than over every target of the run.
  std::vector<TargetWork*> may_release_;
  // Polls whose time has come, sent as transfer slots free up: the HTTP
  // queue never holds more requests than it can start, so 100,000 refreshes
  // polled at once cost a pointer each until their turn, not a request.
  std::deque<Task*> polls_due_;
  // The state values services reported, each kept once (Task::last_state
  // points here): a few words, whatever the number of refreshes.
  std::set<std::string> states_seen_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  int active_ = 0;
  int unfinished_ = 0;
  int triggers_in_flight_ = 0;
  std::vector<Task*> dirty_;
  bool write_soon_ = false;  // a trigger's answer is dirty: flush without waiting
  // Claimed and set triggering in memory; sent once a flush has committed it.
  std::vector<Task*> to_send_;
  // The write begun and not yet answered (Store::begin_update): the run goes
  // on polling and sending meanwhile. Its tasks, and the triggers it commits
  // (sent when it is answered; back in to_send_ should it fail).
  bool write_in_flight_ = false;
  std::vector<Task*> writing_;
  std::vector<Task*> sending_after_write_;
  bool release_after_write_ = false;  // ended targets wait for it (release_finished)
  // The claim begun and not yet answered (Store::begin_claim): its tasks,
  // and whether each was pending from an earlier run (not claimed again).
  bool claim_in_flight_ = false;
  std::vector<Task*> claiming_;
  std::vector<bool> claiming_resumed_;
  TimePoint last_flush_{};
  TimePoint last_tick_{};
  TimePoint last_release_{};
  bool stopping_ = false;
  TimePoint stop_deadline_{};
  // The database connection is lost: nothing is claimed, written or released
  // until try_reconnect() has it (and the targets' locks) back.
  bool store_down_ = false;
  // From the first failure until a write succeeds again: a reconnect that
  // succeeds but whose write fails again (a disk still full) keeps counting
  // from the first failure, so that the run gives up in time.
  bool recovering_ = false;
  ErrorKind down_kind_ = ErrorKind::kConnectionLost;
  TimePoint down_since_{};
  TimePoint next_reconnect_{};
  Millis reconnect_backoff_{0};
  std::string down_error_;
  Notifier notifier_;
};

}  // namespace refreshctl::engine::detail

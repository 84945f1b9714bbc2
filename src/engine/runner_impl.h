// The internals of run_refreshes(): one Task per refresh, timers in a heap,
// and the event loop. Split over runner.cpp (loop, starting, timers) and
// runner_tasks.cpp (what each response does to a task).
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <vector>

#include "engine/planner.h"
#include "engine/runner.h"

namespace refreshctl::engine::detail {

struct Task {
  RefreshRecord record;
  const TargetRecord* target = nullptr;
  std::vector<std::string> secrets;  // resolved values, redacted from errors
  Millis interval{0};                // the current poll interval
  uint64_t poll_generation = 0;      // invalidates older poll timers
  int connect_retries = 0;
  bool request_in_flight = false;
  bool active = false;                    // counted against the concurrency limits
  bool finished = false;                  // terminal, or dropped because another run claimed it
  bool dirty = false;                     // to be written at the next flush
  std::optional<std::string> last_state;  // last state value the service reported
  std::string last_poll_error;            // why the last poll failed, if it did
};

enum class TimerKind { kStart, kResend, kPoll, kDeadline };

struct Timer {
  TimePoint at;
  Task* task;
  TimerKind kind;
  uint64_t generation;
  bool operator>(const Timer& other) const { return at > other.at; }
};

class Runner {
 public:
  Runner(const RunContext& context, const RunOptions& options) : ctx_(context), opt_(options) {}
  Result<RunSummary> run();

 private:
  // runner.cpp
  Result<void> resume_open();
  Result<void> plan();
  Result<void> start_ready();
  void fire_timers();
  Result<void> flush(bool force);
  std::chrono::milliseconds wait_time() const;
  void begin_stopping();
  void tick();
  Task& add_task(RefreshRecord record, const TargetRecord* target);
  Result<const TargetRecord*> revision_of(const std::string& name, int revision);

  // runner_tasks.cpp
  void send_trigger(Task& task);
  void send_poll(Task& task);
  void on_trigger(Task& task, const http::Response& response);
  void on_poll(Task& task, const http::Response& response);
  void on_deadline(Task& task);
  void set_state(Task& task, RefreshState state);
  void finish(Task& task, RefreshState state, const std::string& error, bool may_retry = true);
  void schedule(Task& task, TimerKind kind, TimePoint at);
  void activate(Task& task);

  TimePoint now() const { return ctx_.clock.now(); }

  const RunContext& ctx_;
  const RunOptions& opt_;
  RunSummary summary_;
  std::vector<TargetRecord> targets_;
  std::map<std::pair<std::string, int>, std::unique_ptr<TargetRecord>> other_revisions_;
  std::vector<std::unique_ptr<Task>> tasks_;
  std::deque<Task*> ready_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::map<std::string, int> active_per_target_;
  int active_ = 0;
  int unfinished_ = 0;
  int triggers_in_flight_ = 0;
  std::vector<Task*> dirty_;
  TimePoint last_flush_{};
  TimePoint last_tick_{};
  bool stopping_ = false;
  TimePoint stop_deadline_{};
};

}  // namespace refreshctl::engine::detail

// The targets of a run: which have work, locking them within the run's
// concurrency, what to do about one busy in another run, resuming and
// planning a target once locked, and releasing it when its refreshes end.
#include <fmt/format.h>

#include <algorithm>

#include "engine/runner_impl.h"
#include "util/duration.h"

namespace refreshctl::engine::detail {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;

constexpr size_t kLockBatch = 500;          // locks tried in one call
constexpr size_t kReadBatch = 500;          // targets whose slots are read in one go
constexpr milliseconds kWaitRetry{250};     // how often busy targets are tried under --wait-lock
constexpr milliseconds kReleaseEvery{200};  // ended targets released together, this often

// How long a run may hold a target for its refreshes to end: max_refresh_time
// plus five minutes, and as much again for each retry with its delay. Held
// longer, the holder is reported stuck.
Millis stuck_after(const Target& t) {
  return t.max_refresh_time + minutes(5) + t.retries * (t.max_refresh_time + t.retry_delay);
}

std::string describe_holder(const LockHolder* h, TimePoint now) {
  if (h == nullptr) return "another run (that has not recorded itself yet)";
  if (!h->legacy.empty()) return h->legacy;
  return fmt::format("run {} (pid {} on {}, since {}, {} ago)", h->run_id, h->pid, h->host,
                     format_rfc3339(h->since), format_elapsed(now - h->since));
}

}  // namespace

// Every target with something to do: open refreshes to resume, or a due
// slot not yet recorded (read without the lock; start_target() reads again
// under it). Targets with open refreshes come first; the rest start at a
// point that differs by run, so that concurrent runs lock different targets.
Result<void> Runner::find_work(Selection& selection) {
  auto open = ctx_.store.open_refreshes();
  if (!open.ok()) return std::move(open).take_error();
  std::map<std::string, int> open_count;
  for (const auto& r : *open) {
    bool selected = opt_.targets.empty() || std::find(opt_.targets.begin(), opt_.targets.end(),
                                                      r.target) != opt_.targets.end();
    if (selected) ++open_count[r.target];
  }
  std::vector<TargetWork*> resuming, planned;
  auto add_work = [&](const std::string& name, int64_t id, const TargetRecord* current) {
    auto work = std::make_unique<TargetWork>();
    work->name = name;
    work->id = id;
    work->current = current;
    TargetWork* w = work.get();
    work_.emplace(name, std::move(work));
    return w;
  };
  // The selection's records move into the run: 10,000 targets are held once.
  records_.reserve(records_.size() + selection.targets.size());
  SlotReads read;
  for (size_t i = 0; i < selection.targets.size(); ++i) {
    if (i % kReadBatch == 0) {
      std::vector<const TargetRecord*> next;
      for (size_t j = i; j < std::min(selection.targets.size(), i + kReadBatch); ++j) {
        next.push_back(&selection.targets[j]);
      }
      auto slots = SlotReads::read(ctx_.store, next, schedule_now(), opt_.manual);
      if (!slots.ok()) return std::move(slots).take_error();
      read = std::move(slots).value();
    }
    records_.push_back(std::make_unique<TargetRecord>(std::move(selection.targets[i])));
    const TargetRecord* record = records_.back().get();
    const TargetRecord& t = *record;
    by_revision_[{t.target.name, t.revision}] = record;
    std::string waiting;
    auto due =
        plan_target(ctx_.store, *record, now(), schedule_now(), opt_.manual, &waiting, &read);
    if (!due.ok()) return std::move(due).take_error();
    int opened = open_count.count(t.target.name) ? open_count[t.target.name] : 0;
    if (due->empty() && opened == 0) {
      if (waiting.empty()) {
        // Its due slot is done: no run needs to read it again before its
        // next slot (or a new revision).
        if (scheduled_run()) {
          auto until = quiet_until(t.target, schedule_now());
          if (!until.ok()) return std::move(until).take_error();
          quiet_.push_back({t.id, t.revision, *until});
        }
        continue;
      }
      TargetWork* w = add_work(t.target.name, t.id, record);
      w->state = WorkState::kBlocked;
      blocked_.push_back(w);
      note_waiting(*w, waiting);
      continue;
    }
    TargetWork* w = add_work(t.target.name, t.id, record);
    w->demand = std::clamp(static_cast<int>(due->size()) + opened, 1, t.target.max_concurrency);
    (opened > 0 ? resuming : planned).push_back(w);
  }
  selection.targets.clear();  // moved-from shells
  selection.targets.shrink_to_fit();
  for (const auto& [name, count] : open_count) {
    if (work_.count(name) != 0) continue;  // disabled, removed or not selected: finish what is open
    auto target = ctx_.store.target(name, std::nullopt, true);
    if (!target.ok()) return std::move(target).take_error();
    if (!*target) continue;
    // Not read by quiet_until (its open refreshes came from a --now, --at or
    // --target run since): in a scheduled run it is as selected as any other.
    const TargetRecord* current = nullptr;
    if (scheduled_run() && !(*target)->removed && (*target)->target.enabled) {
      records_.push_back(std::make_unique<TargetRecord>(std::move(**target)));
      current = records_.back().get();
      by_revision_[{name, current->revision}] = current;
    }
    const TargetRecord& t = current != nullptr ? *current : **target;
    TargetWork* w = add_work(name, t.id, current);
    w->demand = std::clamp(count, 1, t.target.max_concurrency);
    resuming.push_back(w);
  }
  if (!planned.empty()) {
    auto shift = static_cast<long>(static_cast<uint64_t>(summary_.run_id) % planned.size());
    std::rotate(planned.begin(), planned.begin() + shift, planned.end());
  }
  queue_.insert(queue_.end(), resuming.begin(), resuming.end());
  queue_.insert(queue_.end(), planned.begin(), planned.end());
  wait_until_ = started_ + opt_.wait_lock;
  // A cache only: failing to write it costs the next run a plan, no more.
  auto marked = ctx_.store.set_quiet_until(quiet_);
  if (!marked.ok()) {
    observer_.on_warning("could not record which targets have nothing due: " + marked.error());
  }
  quiet_.clear();
  return {};
}

Result<void> Runner::dry_run(const Selection& selection) {
  int due = 0;
  for (const auto& t : selection.targets) {
    auto planned = plan_target(ctx_.store, t, now(), schedule_now(), opt_.manual);
    if (!planned.ok()) return std::move(planned).take_error();
    for (const auto& p : *planned) {
      RefreshRecord r;
      r.target = t.target.name;
      r.revision = t.revision;
      r.version = p.version;
      // A dry run sends nothing, so a list still to be read stays unread.
      if (p.fetch_versions) r.version = "(versions from " + t.target.versions_from->url + ")";
      r.slot = p.slot;
      r.attempt = p.attempt;
      r.started_at = now();
      r.state = p.missed ? RefreshState::kMissed : RefreshState::kPending;
      r.error = p.missed_note;
      observer_.on_state(r);
      ++due;
    }
  }
  if (due == 0) observer_.on_note("nothing is due");
  return {};
}

// Locks queued targets while their demand fits the run's --max-concurrency
// (at least one target, however large), and starts each one it gets.
Result<void> Runner::lock_more() {
  if (stopping_ || store_down_) return {};
  if (!waiting_.empty() && now() >= next_wait_try_) {
    next_wait_try_ = now() + kWaitRetry;
    queue_.insert(queue_.begin(), waiting_.begin(), waiting_.end());
    waiting_.clear();
  }
  std::vector<TargetWork*> batch;
  int demand = 0;
  while (!queue_.empty() && batch.size() < kLockBatch) {
    TargetWork* w = queue_.front();
    if (reserved_ + demand > 0 && reserved_ + demand + w->demand > opt_.max_concurrency) break;
    queue_.pop_front();
    batch.push_back(w);
    demand += w->demand;
  }
  if (batch.empty()) return {};
  std::vector<int64_t> ids;
  ids.reserve(batch.size());
  for (TargetWork* w : batch) ids.push_back(w->id);
  auto held = ctx_.store.try_lock_targets(summary_.run_id, ids, now());
  if (!held.ok()) {
    queue_.insert(queue_.begin(), batch.begin(), batch.end());
    return store_failed(std::move(held).take_error());
  }
  std::vector<TargetWork*> busy, locked;
  for (size_t i = 0; i < batch.size(); ++i) {
    TargetWork& w = *batch[i];
    if (!(*held)[i]) {
      busy.push_back(&w);
      continue;
    }
    w.state = WorkState::kLocked;
    may_release_.push_back(&w);  // released at once should it have nothing to do
    reserved_ += w.demand;
    locked.push_back(&w);
  }
  // What start_target() reads under the lock, read for all of them at once;
  // should that fail, each reads its own (and meets the error there).
  TargetReads read = read_under_lock(locked);
  for (TargetWork* w : locked) RCTL_TRY(start_target(*w, read));
  return report_busy(busy);
}

// A busy target is skipped (its slot is left for a later run), or waited
// for under --wait-lock. One held for longer than its refreshes can take is
// reported stuck, also to a quiet run.
Result<void> Runner::report_busy(const std::vector<TargetWork*>& busy) {
  if (busy.empty()) return {};
  std::vector<int64_t> ids;
  ids.reserve(busy.size());
  for (TargetWork* w : busy) ids.push_back(w->id);
  auto read = ctx_.store.lock_holders(ids);
  std::map<int64_t, LockHolder> holders;
  if (read.ok()) {
    holders = std::move(read).value();
  } else {
    RCTL_TRY(store_failed(std::move(read).take_error()));  // the holders stay unnamed
  }
  for (TargetWork* w : busy) {
    auto it = holders.find(w->id);
    const LockHolder* h = it == holders.end() ? nullptr : &it->second;
    std::string who = describe_holder(h, now());
    bool first = w->state == WorkState::kQueued;
    if (first && h != nullptr && h->legacy.empty() && w->current != nullptr) {
      Millis limit = stuck_after(w->current->target);
      if (now() - h->since > limit) {
        ++summary_.stuck;
        observer_.on_warning(fmt::format(
            "{}: stuck? held by {}, longer than its refreshes can take ({}); check that run, "
            "and stop it if it hangs: its lock goes with it",
            w->name, who, format_duration(limit)));
      }
    }
    if (now() < wait_until_) {
      if (first) {
        observer_.on_note(fmt::format("{}: busy in {}; waiting up to {}", w->name, who,
                                      format_duration(wait_until_ - now())));
      }
      w->state = WorkState::kWaiting;
      waiting_.push_back(w);
      continue;
    }
    w->state = WorkState::kSkipped;
    ++summary_.busy;
    observer_.on_note(fmt::format("{}: busy in {}; {}", w->name, who,
                                  first ? "its next slot is left for a later run"
                                        : "still busy after --wait-lock; left to it"));
  }
  return {};
}

Runner::TargetReads Runner::read_under_lock(const std::vector<TargetWork*>& locked) {
  TargetReads read;
  std::vector<std::string> names;
  std::vector<const TargetRecord*> planned;
  for (TargetWork* w : locked) {
    names.push_back(w->name);
    if (w->current != nullptr) planned.push_back(w->current);
  }
  auto open = ctx_.store.open_refreshes_of(names);
  auto slots = SlotReads::read(ctx_.store, planned, schedule_now(), opt_.manual);
  if (!open.ok() || !slots.ok()) return read;
  for (const auto& name : names) read.open[name];  // read, even with none open
  for (auto& r : *open) read.open[r.target].push_back(std::move(r));
  read.slots = std::move(slots).value();
  read.complete = true;
  return read;
}

// Under the target's lock: resumes its open refreshes, then plans its due
// slot. Both are read again here (or by read_under_lock(), also under the
// lock): another run may have ended or recorded them since find_work().
Result<void> Runner::start_target(TargetWork& work, TargetReads& read) {
  // Every read comes first, so that a lost connection leaves nothing half
  // started: the target is started again once the locks are back.
  auto requeue = [&](Error error) {
    if (!is_transient(error.kind)) return Result<void>(std::move(error));
    work.state = WorkState::kQueued;
    reserved_ -= work.demand;
    queue_.push_front(&work);
    return store_failed(std::move(error));
  };
  Result<std::vector<RefreshRecord>> open{std::vector<RefreshRecord>{}};
  auto known = read.open.find(work.name);
  if (read.complete && known != read.open.end()) {
    open = std::move(known->second);
  } else {
    open = ctx_.store.open_refreshes(work.name);
  }
  if (!open.ok()) return requeue(std::move(open).take_error());
  for (const auto& record : *open) {
    auto revision = revision_of(record.target, record.revision);
    if (!revision.ok()) return requeue(std::move(revision).take_error());
  }
  std::vector<PlannedRefresh> planned;
  std::string waiting;
  if (work.current != nullptr) {
    auto due = plan_target(ctx_.store, *work.current, now(), schedule_now(), opt_.manual, &waiting,
                           read.complete ? &read.slots : nullptr);
    if (!due.ok()) return requeue(std::move(due).take_error());
    planned = std::move(due).value();
  }
  if (!waiting.empty()) note_waiting(work, waiting);  // blocked again once released
  std::map<std::string, Task*> open_versions;
  for (auto& record : *open) {
    auto task = resume(work, std::move(record));
    if (!task.ok()) return std::move(task).take_error();
    if (!(*task)->finished) open_versions[(*task)->record.version] = *task;
  }
  if (work.current != nullptr) {
    std::vector<Task*> missed;
    for (const auto& p : planned) {
      RefreshRecord r;
      r.run_id = summary_.run_id;
      r.target = work.name;
      r.revision = work.current->revision;
      r.version = p.version;
      r.slot = p.slot;
      r.attempt = p.attempt;
      r.started_at = now();
      Task& task = add_task(std::move(r), work, work.current);
      task.fetch_versions = p.fetch_versions;
      auto older = open_versions.find(p.version);
      if (p.missed) {
        task.record.state = RefreshState::kMissed;
        task.record.finished_at = task.record.started_at;
        task.record.error = p.missed_note;
        missed.push_back(&task);
      } else if (older != open_versions.end() && older->second->record.slot != p.slot) {
        task.waits_for = older->second;
        older->second->successor = &task;
        observer_.on_note(fmt::format("{} {}: slot {} waits for the open refresh of slot {}",
                                      work.name, p.version, format_rfc3339(p.slot),
                                      format_rfc3339(older->second->record.slot)));
      } else if (p.not_before > now()) {
        schedule(task, TimerKind::kStart, p.not_before);
      } else {
        make_ready(&task);
      }
    }
    RCTL_TRY(record_missed(missed));
  }
  return {};
}

// A run that was killed leaves refreshes open. Pending ones were never sent
// and are sent now; polling ones are polled again (never re-triggered);
// triggering ones may or may not have reached the service: unknown.
Result<Task*> Runner::resume(TargetWork& work, RefreshRecord record) {
  auto target = revision_of(record.target, record.revision);
  if (!target.ok()) return std::move(target).take_error();
  int64_t old_run = record.run_id;
  record.run_id = summary_.run_id;
  Task& task = add_task(std::move(record), work, *target);
  ++summary_.resumed;
  mark_dirty(task);  // the record now names this run
  if (*target == nullptr) {
    finish(task, RefreshState::kError, "its target revision is no longer stored", false);
  } else if (task.record.state == RefreshState::kPending) {
    make_ready(&task);
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
    observer_.on_note(fmt::format("resuming {} {} (job {}), left polling by run {}",
                                  task.record.target, task.record.version,
                                  task.record.job_id.empty() ? "-" : task.record.job_id, old_run));
  }
  return &task;
}

// A missed slot is only recorded: claimed as finished, never sent.
Result<void> Runner::record_missed(std::vector<Task*>& missed) {
  if (missed.empty()) return {};
  std::vector<RefreshRecord*> records;
  records.reserve(missed.size());
  for (Task* task : missed) records.push_back(&task->record);
  std::vector<bool> claimed;
  auto claim = ctx_.store.claim(records, &claimed);
  if (!claim.ok()) {
    for (Task* task : missed) end_task(*task);  // the next run decides again
    return store_failed(std::move(claim).take_error());
  }
  for (size_t i = 0; i < missed.size(); ++i) {
    end_task(*missed[i]);
    if (!claimed[i]) continue;  // another run recorded it
    ++summary_.by_state[RefreshState::kMissed];
    observer_.on_state(missed[i]->record);
  }
  return {};
}

// The newer slot of a version runs once the older refresh has ended, unless
// it is by now past its starting_deadline.
void Runner::start_successor(Task& older) {
  Task* next = older.successor;
  older.successor = nullptr;
  if (next == nullptr || next->finished) return;
  next->waits_for = nullptr;
  if (stopping_) {
    end_task(*next);  // not recorded: the next run plans it again
    return;
  }
  const Target& t = next->target->target;
  Millis late = schedule_clock() - next->record.slot;
  if (t.starting_deadline && late > *t.starting_deadline) {
    next->record.state = RefreshState::kMissed;
    next->record.started_at = now();
    next->record.finished_at = now();
    next->record.error = missed_note(t, next->record.slot, late);
    std::vector<Task*> missed{next};
    auto recorded = record_missed(missed);
    (void)recorded;  // a store failure is handled (reconnect or exit) by the loop's next write
    return;
  }
  next->record.started_at = now();
  make_ready(next);
}

// Commits every write of the targets whose refreshes have all ended, then
// releases their locks.
Result<void> Runner::release_finished() {
  if (store_down_ || may_release_.empty()) return {};
  // While refreshes are in flight, targets are released together at most
  // every flush period: each release is a commit and an unlock.
  // Targets that waited for a write go as soon as it is in.
  bool written = release_after_write_ && !write_in_flight_;
  if (unfinished_ > 0 && now() - last_release_ < kReleaseEvery && !written) return {};
  last_release_ = now();
  release_after_write_ = false;
  std::vector<TargetWork*> ended;
  for (TargetWork* w : may_release_) {
    if (w->state == WorkState::kLocked && w->unfinished == 0) ended.push_back(w);
  }
  may_release_.clear();
  std::sort(ended.begin(), ended.end(),
            [](const TargetWork* a, const TargetWork* b) { return a->name < b->name; });
  ended.erase(std::unique(ended.begin(), ended.end()), ended.end());
  if (ended.empty()) return {};
  // A lock goes only once the target's last changes are committed. While
  // refreshes are in flight, targets with changes still unwritten wait for
  // the writes that go on anyway; at the end they are waited for here.
  bool unwritten =
      std::any_of(ended.begin(), ended.end(), [](const TargetWork* w) { return w->unwritten > 0; });
  Result<void> flushed;
  if (unwritten && (unfinished_ == 0 || stopping_)) {
    flushed = flush(true);
  } else if (unwritten) {
    write_soon_ = true;
    flushed = flush(false);
  }
  if (!flushed.ok() || store_down_) {
    may_release_.insert(may_release_.end(), ended.begin(), ended.end());  // released later
    return flushed;
  }
  auto later = std::stable_partition(ended.begin(), ended.end(),
                                     [](const TargetWork* w) { return w->unwritten == 0; });
  if (later != ended.end()) release_after_write_ = true;
  may_release_.insert(may_release_.end(), later, ended.end());
  ended.erase(later, ended.end());
  if (ended.empty()) return {};
  std::vector<int64_t> ids;
  for (TargetWork* w : ended) {
    ids.push_back(w->id);
    w->state = WorkState::kReleased;
    reserved_ -= w->demand;
    if (w->notify != nullptr && (w->ping_started || w->any_failed)) {
      notifier_.ping(*w->notify, w->any_failed ? PingKind::kFail : PingKind::kSuccess);
    }
  }
  auto released = ctx_.store.unlock_targets(ids);
  if (!released.ok()) return store_failed(std::move(released).take_error());
  return recheck_blocked(ended);
}

Result<const TargetRecord*> Runner::revision_of(const std::string& name, int revision) {
  auto it = by_revision_.find({name, revision});
  if (it != by_revision_.end()) return it->second;
  auto loaded = ctx_.store.target(name, revision, true);
  if (!loaded.ok()) return std::move(loaded).take_error();
  const TargetRecord* p = nullptr;
  if (*loaded) {
    records_.push_back(std::make_unique<TargetRecord>(std::move(**loaded)));
    p = records_.back().get();
  }
  by_revision_[{name, revision}] = p;
  return p;
}

}  // namespace refreshctl::engine::detail

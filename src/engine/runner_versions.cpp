// versions_from (SPEC §10): a slot whose version list is not stored yet
// starts with reading it, on the event loop and under the target's lock. The
// list is stored with the slot before anything is triggered, so that every
// later run of the slot uses it; a failed reading is an `error` record of
// the slot with an empty version, retried like any failed attempt.
#include <fmt/format.h>

#include "engine/refresh_logic.h"
#include "engine/runner_impl.h"
#include "engine/versions_from.h"
#include "util/text.h"

namespace refreshctl::engine::detail {

// Sends every reading that is ready: one a slot, outside the claim batches
// (nothing is claimed for a reading that succeeds). Taken out of ready_
// first: a reading that fails at once ends its task, which may queue more.
void Runner::start_fetches() {
  std::vector<Task*> fetches;
  fetches.swap(fetches_ready_);
  for (Task* task : fetches) {
    if (!task->finished) send_fetch(*task);
  }
}

void Runner::send_fetch(Task& task) {
  activate(task);
  auto built = build_versions_request(task.target->target, task.record, ctx_.resolver);
  if (!built.ok()) {
    fail_fetch(task, "reading the versions: " + built.error());
    return;
  }
  if (!built->secrets.empty()) task.more().secrets = std::move(built->secrets);
  std::string url = built->request.url;
  task.request_in_flight = true;
  ctx_.http.submit(std::move(built->request), [this, &task, url](const http::Response& response) {
    task.request_in_flight = false;
    on_fetch(task, url, response);
  });
}

void Runner::on_fetch(Task& task, const std::string& url, const http::Response& response) {
  if (task.finished) return;
  // Stopping, or never sent: nothing is recorded, the next run reads again.
  if (stopping_ || store_down_ || response.failure == http::Failure::kCancelled) {
    end_task(task);
    return;
  }
  const Target& t = task.target->target;
  auto versions = read_version_list(*t.versions_from, response, task.secrets());
  if (!versions.ok()) {
    fail_fetch(task, fmt::format("reading the versions from {}: {}", url, versions.error()));
    return;
  }
  auto stored = ctx_.store.store_slot_versions(t.name, task.record.slot, *versions, now());
  end_task(task);
  if (!stored.ok()) {
    (void)store_failed(std::move(stored).take_error());  // the next run reads them again
    return;
  }
  if (stored->empty()) {
    observer_.on_note(fmt::format("{}: {} lists no versions for slot {}; nothing to trigger",
                                  t.name, recorded_error(url, task.secrets()),
                                  format_rfc3339(task.record.slot)));
    return;
  }
  observer_.on_note(fmt::format("{}: slot {}: {} versions read from {}: {}", t.name,
                                format_rfc3339(task.record.slot), stored->size(),
                                recorded_error(url, task.secrets()), join(*stored, ", ")));
  queue_versions(task, *stored);
}

// The reading failed: recorded as the slot's `error` refresh with an empty
// version (claimed first, as a missed slot is), then ended like any failed
// attempt, which plans its retry.
void Runner::fail_fetch(Task& task, const std::string& error) {
  task.record.state = RefreshState::kError;
  task.record.finished_at = now();
  task.record.error = recorded_error(error, task.secrets());
  std::vector<RefreshRecord*> records{&task.record};
  std::vector<bool> claimed;
  auto claim = ctx_.store.claim(records, &claimed);
  if (!claim.ok() || !claimed[0]) {
    end_task(task);
    if (!claim.ok()) (void)store_failed(std::move(claim).take_error());
    return;
  }
  finish(task, RefreshState::kError, error);
}

// The first attempts of the slot's versions, as start_target() plans them.
void Runner::queue_versions(Task& fetch, const std::vector<std::string>& versions) {
  for (const auto& version : versions) {
    RefreshRecord r;
    r.run_id = summary_.run_id;
    r.target = fetch.record.target;
    r.revision = fetch.record.revision;
    r.version = version;
    r.slot = fetch.record.slot;
    r.started_at = now();
    Task& task = add_task(std::move(r), *fetch.work, fetch.target);
    // An open refresh of this version from an older slot goes first.
    Task* older = nullptr;
    for (auto& other : tasks_) {
      if (other.work == fetch.work && !other.finished && other.record.version == version &&
          other.record.slot != task.record.slot && other.successor == nullptr) {
        older = &other;
      }
    }
    if (older != nullptr) {
      task.waits_for = older;
      older->successor = &task;
    } else {
      make_ready(&task);
    }
  }
}

}  // namespace refreshctl::engine::detail

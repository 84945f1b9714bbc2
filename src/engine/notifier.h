// Failure alerts and health pings ([target.notify], SPEC §4): a JSON summary
// POSTed to `on_failure` for each refresh that ends failed, timed_out, error
// or unknown (the states that make a run exit 1), and the healthchecks.io
// protocol on `ping` (<ping>/start when a target's refreshes start,
// <ping> when all of them succeeded, <ping>/fail otherwise, each with the
// run's UUID as `rid`).
//
// Notifications go out on the run's own http::Client, are tried a few times
// with backoff, and are logged and recorded. They never change a refresh or
// the run's exit code: one that fails is a warning, and the run waits for
// those still out at its end for a short, bounded time only.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/target.h"
#include "config/template.h"
#include "engine/runner.h"
#include "http/client.h"
#include "store/refresh.h"
#include "store/store.h"
#include "util/time.h"

namespace refreshctl::engine {

enum class PingKind { kStart, kSuccess, kFail };

struct NotifyLimits {
  int attempts = 3;               // tries of one notification
  Millis first_backoff{500};      // before the second try; doubled after each
  Millis connect_timeout{3'000};  // per try
  Millis total_timeout{5'000};    // per try
  Millis end_wait{5'000};         // how long a run waits at its end for those still out
};

// A random (version 4) UUID: the run's id towards monitoring services.
std::string new_run_uuid();

// The healthchecks.io URL of `kind`: /start or /fail appended to the path of
// `ping` (before any query), and rid=`run_uuid` added to the query.
std::string ping_url(std::string_view ping, PingKind kind, std::string_view run_uuid);

struct RunIdentity {
  int64_t run_id = 0;
  std::string run_uuid;
  std::string host;
};

// The JSON body of a failure alert. `text` is a one-line summary, so that
// chat webhooks (Slack, Mattermost) show something readable as they are.
std::string failure_summary(const Target& target,
                            const RefreshRecord& record,
                            const RunIdentity& run);

class Notifier {
 public:
  Notifier(http::Client& http,
           const Clock& clock,
           const ReferenceResolver& resolver,
           RunObserver& observer,
           NotifyLimits limits = {});
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  void begin(RunIdentity run);
  // Queues the failure alert of `record` when the target has `on_failure`.
  void refresh_failed(const Target& target, const RefreshRecord& record);
  // Queues a ping when the target has `ping`.
  void ping(const Target& target, PingKind kind);
  // Sends what is due (first tries and retries).
  void pump();
  // Nothing waits for a try or an answer.
  bool idle() const;
  // Until the next retry is due (at most `cap`).
  Millis wait_time(Millis cap) const;
  // Waits, driving `http`, until every notification has ended or
  // limits.end_wait (or `cap`, when shorter) has passed; then gives up on
  // the rest, which are recorded and logged as failed.
  void finish(Millis cap);
  // What ended, for the store; emptied by the call.
  std::vector<NotificationRecord> take_records();

 private:
  struct State;
  std::shared_ptr<State> state_;  // callbacks hold it weakly: a late answer finds it gone
};

}  // namespace refreshctl::engine

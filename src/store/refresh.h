// One refresh as the history records it (SPEC §2, §5).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "util/time.h"

namespace refreshctl {

enum class RefreshState {
  kPending,     // claimed for this slot; the trigger request has not been sent
  kTriggering,  // the trigger request is (or may be) on its way
  kPolling,     // triggered; waiting for the status API to say it is done
  kSucceeded,
  kFailed,
  kTimedOut,   // ran past max_refresh_time
  kError,      // the request could not be made or its answer not understood
  kUnknown,    // the trigger may or may not have reached the service
  kCancelled,  // stopped before it was triggered
  kMissed,     // the slot was older than starting_deadline; not triggered
};

const char* to_string(RefreshState state);
std::optional<RefreshState> parse_refresh_state(const std::string& text);
bool is_terminal(RefreshState state);
// Terminal and not succeeded: failed, timed out, error, unknown.
bool is_failure(RefreshState state);

struct RefreshRecord {
  int64_t id = 0;
  int64_t run_id = 0;
  std::string target;
  int revision = 0;
  std::string version;
  TimePoint slot;
  int attempt = 0;
  RefreshState state = RefreshState::kPending;
  TimePoint started_at;
  std::optional<TimePoint> triggered_at;
  std::optional<TimePoint> finished_at;
  std::optional<TimePoint> deadline;  // triggered_at + max_refresh_time
  int polls = 0;
  std::string job_id;
  int http_status = 0;  // of the last response; 0 when none
  std::string error;    // why it failed, errored or timed out
  std::string host;     // of run_id's run; filled by Store::history() only
};

}  // namespace refreshctl

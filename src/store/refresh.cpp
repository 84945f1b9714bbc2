#include "store/refresh.h"

namespace refreshctl {
namespace {

constexpr struct {
  RefreshState state;
  const char* name;
} kNames[] = {
    {RefreshState::kPending, "pending"},     {RefreshState::kTriggering, "triggering"},
    {RefreshState::kPolling, "polling"},     {RefreshState::kSucceeded, "succeeded"},
    {RefreshState::kFailed, "failed"},       {RefreshState::kTimedOut, "timed_out"},
    {RefreshState::kError, "error"},         {RefreshState::kUnknown, "unknown"},
    {RefreshState::kCancelled, "cancelled"}, {RefreshState::kMissed, "missed"},
};

}  // namespace

const char* to_string(RefreshState state) {
  for (const auto& n : kNames) {
    if (n.state == state) return n.name;
  }
  return "?";
}

std::optional<RefreshState> parse_refresh_state(const std::string& text) {
  for (const auto& n : kNames) {
    if (text == n.name) return n.state;
  }
  return std::nullopt;
}

bool is_terminal(RefreshState state) {
  return state != RefreshState::kPending && state != RefreshState::kTriggering &&
         state != RefreshState::kPolling;
}

bool is_failure(RefreshState state) {
  return state == RefreshState::kFailed || state == RefreshState::kTimedOut ||
         state == RefreshState::kError || state == RefreshState::kUnknown;
}

}  // namespace refreshctl

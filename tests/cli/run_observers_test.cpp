// The live view of `run` on a terminal, driven directly with records and
// times: its header's totals, elapsed time and retry waits.
#include "cli/run_observers.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace refreshctl::testing {
namespace {

using std::chrono::seconds;

RefreshRecord record(const std::string& version, RefreshState state, TimePoint at) {
  RefreshRecord r;
  r.target = "cube";
  r.version = version;
  r.state = state;
  r.started_at = at;
  r.triggered_at = at;
  if (is_terminal(state)) r.finished_at = at + seconds(3);
  return r;
}

std::string contents(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  for (int c; (c = std::fgetc(f)) != EOF;) out += static_cast<char>(c);
  return out;
}

TEST(LiveView, HeaderShowsTotalsElapsedTimeAndRetryWaits) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  TimePoint t0 = TimePoint(seconds(1'800'000'000));
  cli::LiveView view(false, out, t0);
  view.on_state(record("v1", RefreshState::kSucceeded, t0));
  view.on_state(record("v2", RefreshState::kFailed, t0));
  view.on_retry_wait(record("v2", RefreshState::kPending, t0), t0 + seconds(95));
  RefreshRecord polling = record("v3", RefreshState::kPolling, t0);
  std::vector<const RefreshRecord*> in_flight{&polling};
  view.on_tick(in_flight, t0 + seconds(65));
  std::string text = contents(out);
  EXPECT_NE(text.find("run: 1 in flight, 2 done: 1 succeeded, 1 failed; 1 waiting to retry; 1m5s"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("retry      in 30.0s"), std::string::npos) << text;
  // The retry starting removes its wait.
  view.on_state(record("v2", RefreshState::kPending, t0 + seconds(95)));
  view.on_tick(in_flight, t0 + seconds(96));
  text = contents(out);
  EXPECT_NE(text.find("run: 1 in flight, 2 done: 1 succeeded, 1 failed; 1m36s"), std::string::npos)
      << text;
  std::fclose(out);
}

}  // namespace
}  // namespace refreshctl::testing

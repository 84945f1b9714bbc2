// The ledger: runs killed with SIGKILL at random points, then a run that
// resumes what they left. Afterwards the service's view and the history
// agree: every trigger the service saw has exactly one record, no record
// claims a trigger the service did not see, and no (target, version, slot,
// attempt) was triggered twice.
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <thread>

#include "engine/refresh_logic.h"
#include "integration/run_fixture.h"
#include "util/time.h"

namespace refreshctl::testing {
namespace {

using nlohmann::json;

std::string key_of(const json& r) {
  RefreshRecord record;
  record.target = r["target"].get<std::string>();
  record.version = r["version"].get<std::string>();
  record.slot = *parse_rfc3339(r["slot"].get<std::string>());
  record.attempt = r["attempt"].get<int>();
  return engine::idempotency_key(record);
}

bool service_certainly_has_it(const std::string& state) {
  return state == "polling" || state == "succeeded" || state == "failed" || state == "timed_out";
}

TEST_P(RunTest, RunsKilledAtRandomPointsLeaveALedgerThatMatchesTheService) {
  const char* kills_env = std::getenv("REFRESHCTL_LEDGER_KILLS");  // 100 by hand
  int kills = kills_env != nullptr ? std::atoi(kills_env) : 30;
  unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 random(seed);
  std::vector<TargetSpec> specs;
  for (int t = 0; t < 4; ++t) {
    specs.push_back({.name = "t" + std::to_string(t),
                     .versions = {"v1", "v2", t == 3 ? "will-fail" : "v3"},
                     .extra = "schedule = \"* * * * *\"\nretries = 1\nretry_delay = \"0s\"",
                     .extra_refresh = "headers = { Idempotency-Key = \"{{idempotency_key}}\" }",
                     .refresh_query = "?duration=300ms",
                     .poll_interval = "100ms",
                     .max_poll_interval = "100ms"});
  }
  apply(specs);
  for (int i = 0; i < kills; ++i) {
    // A few runs per minute's slot: later ones resume what the killed left.
    auto victim = start_run({"--at", tomorrow_at(i / 3)});
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % 700));
    victim->signal(SIGKILL);
    victim->wait();
  }
  auto last = run({"--at", tomorrow_at(kills / 3)});
  EXPECT_NE(last.exit_code, 3) << last.out << last.err;

  auto seen = service_json("/api/stats")["idempotency_keys"];
  for (const auto& [key, n] : seen.items()) EXPECT_EQ(n, 1) << "triggered twice: " << key;
  std::set<std::string> recorded;
  std::map<std::string, int> states;
  int resolved = 0;
  for (const auto& r : history()) {
    std::string key = key_of(r);
    std::string state = r["state"].get<std::string>();
    recorded.insert(key);
    ++states[state];
    EXPECT_NE(state, "pending") << "left unsent: " << r.dump();
    EXPECT_NE(state, "triggering") << r.dump();
    EXPECT_NE(state, "error") << r.dump();
    if (service_certainly_has_it(state)) {
      EXPECT_TRUE(seen.contains(key)) << "recorded as triggered, never seen: " << r.dump();
      ++resolved;
    }
  }
  for (const auto& [key, n] : seen.items()) {
    EXPECT_EQ(recorded.count(key), 1u) << "seen by the service, not recorded: " << key;
  }
  EXPECT_GT(resolved, 0);
  std::string tally;
  for (const auto& [state, n] : states) tally += " " + state + "=" + std::to_string(n);
  std::cout << "ledger after " << kills << " kills (seed " << seed << "): " << recorded.size()
            << " records," << tally << "; " << seen.size() << " triggers seen\n";
}

}  // namespace
}  // namespace refreshctl::testing

// `refreshctl run` end to end: the real binary, a real SQLite file and the
// example service on 127.0.0.1.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "integration/run_fixture.h"
#include "util/time.h"

namespace refreshctl::testing {
namespace {

using nlohmann::json;

int64_t ms_of(const json& time) {
  return parse_rfc3339(time.get<std::string>())->time_since_epoch().count();
}

std::map<std::string, json> by_version(const json& history) {
  std::map<std::string, json> out;
  for (const auto& r : history)
    out[r["target"].get<std::string>() + "/" + r["version"].get<std::string>()] = r;
  return out;
}

TEST_P(RunTest, SeveralVersionsAreRefreshedInParallel) {
  apply({{.name = "cube", .versions = {"v1", "v2", "v3", "v4"}}});
  auto r = run();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto h = history();
  ASSERT_EQ(h.size(), 4u);
  int64_t first_finish = INT64_MAX, last_trigger = 0;
  for (const auto& refresh : h) {
    EXPECT_EQ(refresh["state"], "succeeded") << refresh.dump();
    EXPECT_EQ(refresh["revision"], 1);
    EXPECT_GE(refresh["polls"].get<int>(), 1);
    EXPECT_FALSE(refresh["job_id"].is_null());
    first_finish = std::min(first_finish, ms_of(refresh["finished_at"]));
    last_trigger = std::max(last_trigger, ms_of(refresh["triggered_at"]));
  }
  EXPECT_LT(last_trigger, first_finish) << "every version was triggered before any finished";
  for (const char* v : {"cube/v1", "cube/v2", "cube/v3", "cube/v4"}) EXPECT_EQ(triggers(v), 1) << v;
  // One log line per state change: pending, triggering, polling, succeeded.
  for (const char* state : {" pending ", " triggering ", " polling ", " succeeded "}) {
    size_t n = 0;
    for (size_t at = r.out.find(state); at != std::string::npos; at = r.out.find(state, at + 1))
      ++n;
    EXPECT_EQ(n, 4u) << state << " in:\n" << r.out;
  }
}

TEST_P(RunTest, JobIdFromAHeaderPlainTextStatusAndRunningCode) {
  // The three ways of reading an answer: job id from the Location header, a
  // plain-text state, and HTTP 202 meaning "still running".
  std::string text =
      target_toml({.name = "by-header", .status_url = service_->base_url() + "{{job_id}}"});
  text.replace(text.find("job_id = \"/jobId\""), 17, "job_id = \"header:Location\"");
  std::string plain = target_toml({.name = "plain-text", .status_query = "?style=text"});
  plain.replace(plain.find("state = \"/status\"\n"), 18, "");
  plain.replace(plain.find("message = \"/errorMessage\"\n"), 26, "");
  std::string code = target_toml(
      {.name = "by-code", .status_query = "?style=code", .extra_status = "running_codes = [202]"});
  auto applied = refreshctl_db({"apply", "-f", dir_.write("t2.toml", text + plain + code)});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;

  auto r = run();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto h = by_version(history());
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h["by-header/v1"]["state"], "succeeded");
  EXPECT_EQ(h["by-header/v1"]["job_id"].get<std::string>().rfind("/api/status/", 0), 0u);
  EXPECT_EQ(h["plain-text/v1"]["state"], "succeeded");
  EXPECT_EQ(h["by-code/v1"]["state"], "succeeded");
  EXPECT_EQ(h["by-code/v1"]["revision"], 1);
}

TEST_P(RunTest, AFailedRefreshIsRecordedWithItsMessageAndExitsOne) {
  apply({{.name = "cube", .versions = {"good", "will-fail"}}});
  auto r = run();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto h = by_version(history());
  EXPECT_EQ(h["cube/good"]["state"], "succeeded");
  EXPECT_EQ(h["cube/will-fail"]["state"], "failed");
  EXPECT_NE(h["cube/will-fail"]["error"].get<std::string>().find("failed on purpose"),
            std::string::npos);
  EXPECT_EQ(h["cube/will-fail"]["http_status"], 200);
  auto failed = history({"--state", "failed"});
  EXPECT_EQ(failed.size(), 1u);
}

TEST_P(RunTest, QuietPrintsNothingWhenAllIsWellAndOnlyTheFailuresOtherwise) {
  apply({{.name = "cube", .versions = {"good"}}});
  auto fine = run({"-q"});
  EXPECT_EQ(fine.exit_code, 0);
  EXPECT_EQ(fine.out + fine.err, "") << "cron mails any output";
  apply({{.name = "cube", .versions = {"good", "will-fail"}}});
  auto failed = run({"-q", "--now"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_EQ(failed.out.find(" good "), std::string::npos) << failed.out;
  EXPECT_NE(failed.out.find("cube will-fail failed"), std::string::npos) << failed.out;
}

TEST_P(RunTest, ARefreshThatNeverFinishesTimesOutWithinMaxRefreshTimePlusOnePoll) {
  apply({{.name = "cube", .versions = {"hang"}, .max_refresh_time = "2s"}});
  auto r = run();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto h = history();
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0]["state"], "timed_out");
  int64_t took = ms_of(h[0]["finished_at"]) - ms_of(h[0]["triggered_at"]);
  EXPECT_GE(took, 2000);
  EXPECT_LE(took, 2000 + 500) << "max_refresh_time plus one (maximum) poll interval";
  EXPECT_NE(h[0]["error"].get<std::string>().find("max_refresh_time 2s"), std::string::npos);
}

TEST_P(RunTest, AStatusEndpointAnswering503EveryOtherTimeStillSucceeds) {
  apply({{.name = "cube", .versions = {"v1", "v2"}, .status_query = "?flaky=1"}});
  auto r = run();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const auto& refresh : history()) {
    EXPECT_EQ(refresh["state"], "succeeded");
    EXPECT_GE(refresh["polls"].get<int>(), 2) << "a 503 poll is counted and retried";
  }
}

TEST_P(RunTest, RedirectToFileAndHugeBodyEndInErrorWhileOthersSucceed) {
  apply({{.name = "to-file", .status_url = service_->base_url() + "/api/redirect-file"},
         {.name = "huge", .status_url = service_->base_url() + "/api/huge?mb=64"},
         {.name = "fine", .versions = {"v1", "v2"}}});
  auto r = run();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto h = by_version(history());
  EXPECT_EQ(h["to-file/v1"]["state"], "error");
  EXPECT_NE(h["to-file/v1"]["error"].get<std::string>().find("file"), std::string::npos)
      << h["to-file/v1"].dump();
  EXPECT_EQ(h["huge/v1"]["state"], "error");
  EXPECT_NE(h["huge/v1"]["error"].get<std::string>().find("larger than"), std::string::npos)
      << h["huge/v1"].dump();
  EXPECT_EQ(h["fine/v1"]["state"], "succeeded");
  EXPECT_EQ(h["fine/v2"]["state"], "succeeded");
}

TEST_P(RunTest, SixConcurrentRunsTriggerEachVersionExactlyOnce) {
  apply({{.name = "a", .versions = {"v1", "v2", "v3"}}, {.name = "b", .versions = {"v1", "v2"}}});
  // All six in one minute, whatever the machine's speed: --at pins the slot.
  std::string at = format_rfc3339(std::chrono::floor<std::chrono::minutes>(SystemClock().now()) +
                                  std::chrono::hours(24) + std::chrono::seconds(20));
  std::vector<std::unique_ptr<BackgroundProcess>> runs;
  for (int i = 0; i < 6; ++i) {
    runs.push_back(std::make_unique<BackgroundProcess>(
        std::vector<std::string>{REFRESHCTL_BIN, "--db", db_, "run", "--at", at}));
  }
  for (auto& p : runs) {
    auto r = p->wait();
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  for (const char* v : {"a/v1", "a/v2", "a/v3", "b/v1", "b/v2"}) EXPECT_EQ(triggers(v), 1) << v;
  EXPECT_EQ(history().size(), 5u);
  // A run later in the same minute finds the slot done.
  auto again = run({"--at", at});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(history().size(), 5u);
  EXPECT_EQ(triggers("a/v1"), 1);
}

TEST_P(RunTest, ARunFindingATargetBusyNamesTheHolderOrWaitsForIt) {
  apply({{.name = "cube", .versions = {"v1"}, .refresh_query = "?duration=2s"}});
  std::string at = tomorrow_at(0);
  auto first = start_run({"--at", at});
  wait_for_state("polling", 1);
  auto busy = run({"--at", at});
  EXPECT_EQ(busy.exit_code, 0) << busy.err;
  EXPECT_NE(busy.out.find("cube: busy in run 1 (pid " + std::to_string(first->pid()) + " on "),
            std::string::npos)
      << busy.out;
  EXPECT_NE(busy.out.find("left for a later run"), std::string::npos) << busy.out;
  auto waited = run({"--at", at, "--wait-lock", "30s"});
  EXPECT_EQ(waited.exit_code, 0) << waited.err;
  EXPECT_NE(waited.out.find("cube: busy in run 1"), std::string::npos) << waited.out;
  EXPECT_NE(waited.out.find("waiting up to"), std::string::npos) << waited.out;
  EXPECT_EQ(waited.out.find("left for a later run"), std::string::npos) << waited.out;
  EXPECT_EQ(first->wait().exit_code, 0);
  EXPECT_EQ(triggers("cube/v1"), 1) << "the waiting run found the slot done";
  EXPECT_EQ(history().size(), 1u);
}

TEST_P(RunTest, ASecretHeaderIsSentButAppearsNowhere) {
  const std::string token = "tok-7f3a9c1e5b";
  std::string text = target_toml({.name = "cube"});
  text.replace(text.find("job_id = \"/jobId\""), 17,
               "job_id = \"/jobId\"\nheaders = { Authorization = \"Bearer ${env:TOKEN}\" }");
  ASSERT_EQ(refreshctl_db({"apply", "-f", dir_.write("t.toml", text)}).exit_code, 0);
  RunOptions env{.env = {{"TOKEN", token}}};
  auto r = refreshctl_db({"run"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto json_run = refreshctl_db({"--json", "run", "--now"}, env);
  auto headers = service_json("/api/last-headers");
  bool sent = false;
  for (auto& [k, v] : headers.items()) sent |= v == "Bearer " + token;
  EXPECT_TRUE(sent) << headers.dump();
  std::string everything = r.out + r.err + json_run.out + json_run.err + test_db_.contents();
  for (auto args : std::vector<std::vector<std::string>>{
           {"show", "cube"}, {"history"}, {"list"}, {"--json", "history"}, {"--json", "list"}}) {
    auto shown = refreshctl_db(args, env);
    EXPECT_EQ(shown.exit_code, 0);
    everything += shown.out + shown.err;
  }
  EXPECT_EQ(everything.find(token), std::string::npos);
  EXPECT_NE(everything.find("${env:TOKEN}"), std::string::npos);
}

TEST_P(RunTest, AnUnsetSecretIsAnErrorThatNamesTheReference) {
  std::string text = target_toml({.name = "cube"});
  text.replace(
      text.find("job_id = \"/jobId\""), 17,
      "job_id = \"/jobId\"\nheaders = { Authorization = \"Bearer ${env:UNSET_TOKEN_X}\" }");
  ASSERT_EQ(refreshctl_db({"apply", "-f", dir_.write("t.toml", text)}).exit_code, 0);
  auto r = run();
  EXPECT_EQ(r.exit_code, 1);
  auto h = history();
  EXPECT_EQ(h[0]["state"], "error");
  EXPECT_NE(h[0]["error"].get<std::string>().find("${env:UNSET_TOKEN_X} is not set"),
            std::string::npos);
  EXPECT_EQ(triggers("cube/v1"), 0);
}

TEST_P(RunTest, AKilledRunIsResumedByTheNextWithoutTriggeringAgain) {
  apply({{.name = "cube", .versions = {"v1"}, .refresh_query = "?duration=3s"}});
  BackgroundProcess first({REFRESHCTL_BIN, "--db", db_, "run"});
  // Wait until it is polling, then kill it without warning.
  wait_for_state("polling", 1);
  first.signal(SIGKILL);
  first.wait();
  ASSERT_EQ(history()[0]["state"], "polling");
  // Disabled meanwhile: what is in flight is still seen to its end.
  ASSERT_EQ(refreshctl_db({"disable", "cube"}).exit_code, 0);
  auto second = run();
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_NE(second.out.find("resuming cube v1"), std::string::npos) << second.out;
  auto h = history();
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0]["state"], "succeeded");
  EXPECT_EQ(triggers("cube/v1"), 1);
}

// A socket that accepts connections (in the kernel's backlog) and never
// answers: a trigger request sent there stays on the wire.
class BlackHole {
 public:
  BlackHole() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 16);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~BlackHole() { close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST_P(RunTest, ARunKilledMidTriggerLeavesUnknownAndIsNeverTriggeredAgain) {
  BlackHole hole;
  std::string text = target_toml({.name = "cube"});
  text.replace(text.find(service_->base_url() + "/api/refresh"),
               (service_->base_url() + "/api/refresh").size(), hole.url() + "/api/refresh");
  ASSERT_EQ(refreshctl_db({"apply", "-f", dir_.write("t.toml", text)}).exit_code, 0);
  std::string at = format_rfc3339(std::chrono::floor<std::chrono::minutes>(SystemClock().now()) +
                                  std::chrono::hours(24) + std::chrono::seconds(10));
  BackgroundProcess first({REFRESHCTL_BIN, "--db", db_, "run", "--at", at});
  wait_for_state("triggering", 1);
  first.signal(SIGKILL);
  first.wait();
  ASSERT_EQ(history()[0]["state"], "triggering");

  auto second = run({"--at", at});
  EXPECT_EQ(second.exit_code, 1) << second.out << second.err;
  auto h = history();
  ASSERT_EQ(h.size(), 1u) << "not triggered again";
  EXPECT_EQ(h[0]["state"], "unknown");
  EXPECT_NE(h[0]["error"].get<std::string>().find("may or may not have it"), std::string::npos);
  // Later runs in the same slot leave it alone too.
  EXPECT_EQ(run({"--at", at}).exit_code, 0);
  EXPECT_EQ(history().size(), 1u);
}

TEST_P(RunTest, SigtermStopsWithinSecondsAndTheNextRunFinishesTheWork) {
  apply({{.name = "cube", .versions = {"v1", "v2"}, .refresh_query = "?duration=4s"}});
  // One slot for both runs, also when they fall into different minutes.
  std::string at = tomorrow_at(0);
  BackgroundProcess first({REFRESHCTL_BIN, "--db", db_, "run", "--at", at});
  wait_for_state("polling", 2);
  auto start = std::chrono::steady_clock::now();
  first.signal(SIGTERM);
  auto stopped = first.wait();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(stopped.exit_code, 128 + SIGTERM) << stopped.out << stopped.err;
  EXPECT_NE(stopped.out.find("stopping"), std::string::npos);
  auto second = run({"--at", at});
  EXPECT_EQ(second.exit_code, 0) << second.out;
  for (const auto& r : history()) EXPECT_EQ(r["state"], "succeeded");
  EXPECT_EQ(triggers("cube/v1"), 1);
  EXPECT_EQ(triggers("cube/v2"), 1);
}

// A poll that finds the refresh still running is not written on its own; its
// count and HTTP status go with the refresh's next change, or with the stop.
TEST_P(RunTest, PollsOfARunningRefreshAreWrittenWhenTheRunStops) {
  apply({{.name = "cube", .refresh_query = "?duration=30s"}});
  std::string at = tomorrow_at(0);
  BackgroundProcess first({REFRESHCTL_BIN, "--db", db_, "run", "--at", at});
  wait_for_state("polling", 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // polls every 200-500 ms
  auto before = history();
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0]["polls"], 0) << "a running poll is no write of its own: " << before;
  EXPECT_EQ(before[0]["http_status"], 202) << "the trigger's";
  first.signal(SIGTERM);
  auto stopped = first.wait();
  EXPECT_EQ(stopped.exit_code, 128 + SIGTERM) << stopped.out << stopped.err;
  auto after = history();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0]["state"], "polling");
  EXPECT_GE(after[0]["polls"].get<int>(), 3) << after;
  EXPECT_EQ(after[0]["http_status"], 200) << "the last poll's";
}

TEST_P(RunTest, RetriesMakeNewAttemptsOfTheSameSlot) {
  apply(
      {{.name = "cube", .versions = {"will-fail"}, .extra = "retries = 2\nretry_delay = \"0s\""}});
  auto r = run();
  EXPECT_EQ(r.exit_code, 1);
  auto h = history();
  ASSERT_EQ(h.size(), 3u);
  std::set<int> attempts;
  for (const auto& refresh : h) {
    attempts.insert(refresh["attempt"].get<int>());
    EXPECT_EQ(refresh["slot"], h[0]["slot"]);
    EXPECT_EQ(refresh["state"], "failed");
  }
  EXPECT_EQ(attempts, (std::set<int>{0, 1, 2}));
  EXPECT_EQ(triggers("cube/will-fail"), 3);
}

TEST_P(RunTest, PerTargetConcurrencyKeepsVersionsOneAtATime) {
  apply({{.name = "serial", .versions = {"v1", "v2", "v3"}, .max_concurrency = 1}});
  auto r = run();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto h = history();
  ASSERT_EQ(h.size(), 3u);
  // Newest first: each version was triggered only after the one before ended.
  for (size_t i = 0; i + 1 < h.size(); ++i) {
    EXPECT_GE(ms_of(h[i]["triggered_at"]), ms_of(h[i + 1]["finished_at"])) << h.dump();
  }
}

TEST_P(RunTest, GlobalConcurrencyLimitsAllTargetsTogether) {
  apply({{.name = "a", .versions = {"v1", "v2"}}, {.name = "b", .versions = {"v1", "v2"}}});
  auto r = run({"--max-concurrency", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto h = history();
  ASSERT_EQ(h.size(), 4u);
  std::vector<std::pair<int64_t, int64_t>> spans;
  for (const auto& refresh : h) {
    spans.emplace_back(ms_of(refresh["triggered_at"]), ms_of(refresh["finished_at"]));
  }
  std::sort(spans.begin(), spans.end());
  for (size_t i = 0; i + 1 < spans.size(); ++i) EXPECT_GE(spans[i + 1].first, spans[i].second);
}

TEST_P(RunTest, DryRunSaysWhatIsDueAndTriggersNothing) {
  apply({{.name = "cube", .versions = {"v1", "v2"}}});
  auto r = run({"--dry-run"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("would trigger cube v1"), std::string::npos) << r.out;
  EXPECT_TRUE(history().empty());
  EXPECT_EQ(triggers("cube/v1"), 0);
}

}  // namespace
}  // namespace refreshctl::testing

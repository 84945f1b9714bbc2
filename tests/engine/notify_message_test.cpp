// The pure part of notifications: ping URLs, the run's UUID, the summary.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "engine/notifier.h"

namespace refreshctl::engine {
namespace {

TEST(PingUrl, AppendsStartAndFailToThePathAndTheRunIdToTheQuery) {
  const std::string rid = "0b7c5e7a-1111-4222-8333-444455556666";
  EXPECT_EQ(ping_url("https://hc.example.com/ping/abc", PingKind::kStart, rid),
            "https://hc.example.com/ping/abc/start?rid=" + rid);
  EXPECT_EQ(ping_url("https://hc.example.com/ping/abc", PingKind::kSuccess, rid),
            "https://hc.example.com/ping/abc?rid=" + rid);
  EXPECT_EQ(ping_url("https://hc.example.com/ping/abc/", PingKind::kFail, rid),
            "https://hc.example.com/ping/abc/fail?rid=" + rid);
  EXPECT_EQ(ping_url("https://hc.example.com/p?create=1#x", PingKind::kFail, rid),
            "https://hc.example.com/p/fail?create=1&rid=" + rid);
}

TEST(RunUuid, IsAVersion4UuidAndDiffersEachTime) {
  static const std::regex v4(
      "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::string a = new_run_uuid(), b = new_run_uuid();
  EXPECT_TRUE(std::regex_match(a, v4)) << a;
  EXPECT_NE(a, b);
}

TEST(FailureSummary, HoldsTheRecordsFieldsAndAOneLineText) {
  Target target;
  target.name = "sales-cube";
  target.data_type = "sales";
  RefreshRecord r;
  r.id = 42;
  r.revision = 3;
  r.version = "2026-11";
  r.attempt = 2;
  r.state = RefreshState::kTimedOut;
  r.started_at = TimePoint(std::chrono::milliseconds(1'000'000));
  r.finished_at = r.started_at + std::chrono::milliseconds(2500);
  r.error = "no final state within 45m";
  auto body = nlohmann::json::parse(failure_summary(target, r, {7, "uuid-1", "etl-1"}));
  EXPECT_EQ(body["history_id"], 42);
  EXPECT_EQ(body["state"], "timed_out");
  EXPECT_EQ(body["duration_ms"], 2500);
  EXPECT_EQ(body["host"], "etl-1");
  EXPECT_EQ(body["run_uuid"], "uuid-1");
  EXPECT_EQ(body["text"],
            "refreshctl: sales-cube 2026-11 (slot 1970-01-01T00:00:00Z, attempt 2) ended timed_out "
            "on etl-1: no final state within 45m");
}

}  // namespace
}  // namespace refreshctl::engine

// The pure part of the refresh state machine: requests from templates and
// what the service's answers mean.
#include "engine/refresh_logic.h"

#include <gtest/gtest.h>

#include "config/target_file.h"
#include "support/targets.h"

namespace refreshctl::engine {
namespace {

using http::Failure;
using http::Response;

Target sample() {
  auto parsed = parse_target_file(testing::sample_target_toml(), "t.toml");
  EXPECT_TRUE(parsed.ok()) << parsed.error();
  return (*parsed)[0].target;
}

Response answer(long status, std::string body, http::Headers headers = {}) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

Response transport(Failure f, std::string error) {
  Response r;
  r.failure = f;
  r.error = std::move(error);
  return r;
}

ReferenceResolver token_resolver() {
  return {[](const std::string&) -> Result<std::string> { return std::string("tok-123456"); },
          [](const std::string&) -> Result<std::string> { return make_error("no files"); }};
}

RefreshRecord record() {
  RefreshRecord r;
  r.target = "sales-cube";
  r.version = "2026-11";
  r.slot = TimePoint(std::chrono::milliseconds(1'795'000'000'000));
  r.job_id = "j-7";
  return r;
}

TEST(RefreshLogic, TriggerRequestIsBuiltFromTheTemplatesWithSecretsRemembered) {
  auto built = build_trigger(sample(), record(), token_resolver());
  ASSERT_TRUE(built.ok()) << built.error();
  EXPECT_EQ(built->request.method, "POST");
  EXPECT_EQ(built->request.url, "http://127.0.0.1:8080/api/refresh");
  EXPECT_EQ(built->request.body, R"({"type": "sales", "version": "2026-11"})");
  EXPECT_EQ(built->secrets, std::vector<std::string>{"tok-123456"});
  bool has_auth = false;
  for (const auto& [k, v] : built->request.headers)
    has_auth |= k == "Authorization" && v == "Bearer tok-123456";
  EXPECT_TRUE(has_auth);
}

TEST(RefreshLogic, PollRequestCarriesTheJobId) {
  auto built = build_poll(sample(), record(), token_resolver());
  ASSERT_TRUE(built.ok());
  EXPECT_EQ(built->request.url, "http://127.0.0.1:8080/api/status/j-7");
}

TEST(RefreshLogic, IdempotencyKeyIsStableAndDiffersPerAttempt) {
  RefreshRecord a = record();
  RefreshRecord b = record();
  EXPECT_EQ(idempotency_key(a), idempotency_key(b));
  b.attempt = 1;
  EXPECT_NE(idempotency_key(a), idempotency_key(b));
  EXPECT_EQ(idempotency_key(a).size(), 32u);
}

TEST(RefreshLogic, JobIdComesFromTheJsonBodyOrAHeader) {
  Target t = sample();
  auto accepted = read_trigger_response(t, answer(202, R"({"jobId": "j-1"})"));
  EXPECT_EQ(accepted.kind, TriggerOutcome::kAccepted);
  EXPECT_EQ(accepted.job_id, "j-1");
  EXPECT_EQ(read_trigger_response(t, answer(202, R"({"jobId": 42})")).job_id, "42");
  auto missing = read_trigger_response(t, answer(202, R"({"id": "j-1"})"));
  EXPECT_EQ(missing.kind, TriggerOutcome::kError);
  EXPECT_EQ(missing.error, "the refresh response has no job id at /jobId");
  t.refresh.job_id = "header:Location";
  auto from_header = read_trigger_response(t, answer(202, "", {{"location", "/api/status/j-2"}}));
  EXPECT_EQ(from_header.job_id, "/api/status/j-2");
}

TEST(RefreshLogic, TriggerFailuresSayWhetherTheRequestMayHaveArrived) {
  Target t = sample();
  EXPECT_EQ(read_trigger_response(t, transport(Failure::kConnect, "refused")).kind,
            TriggerOutcome::kNotSent);
  EXPECT_EQ(read_trigger_response(t, transport(Failure::kTimeout, "timeout")).kind,
            TriggerOutcome::kMaybeSent);
  EXPECT_EQ(read_trigger_response(t, transport(Failure::kBadScheme, "file")).kind,
            TriggerOutcome::kError);
  auto rejected = read_trigger_response(t, answer(500, "boom"));
  EXPECT_EQ(rejected.kind, TriggerOutcome::kRejected);
  EXPECT_EQ(rejected.error, "the refresh request answered HTTP 500: boom");
}

TEST(RefreshLogic, StatusIsReadAtThePointerAndComparedWithTheLists) {
  Target t = sample();
  EXPECT_EQ(read_status_response(t, answer(200, R"({"status":"RUNNING"})")).kind,
            PollOutcome::kRunning);
  EXPECT_EQ(read_status_response(t, answer(200, R"({"status":"SUCCEEDED"})")).kind,
            PollOutcome::kSucceeded);
  auto failed = read_status_response(t, answer(200, R"({"status":"FAILED","errorMessage":"x"})"));
  EXPECT_EQ(failed.kind, PollOutcome::kFailed);
  EXPECT_EQ(failed.message, "x");
  EXPECT_EQ(read_status_response(t, answer(200, R"({})")).kind, PollOutcome::kRunning);
  EXPECT_EQ(read_status_response(t, answer(200, "not json")).kind, PollOutcome::kError);
}

TEST(RefreshLogic, NumbersAndBooleansCompareByTheirJsonText) {
  Target t = sample();
  t.status.succeeded = {"10", "true"};
  EXPECT_EQ(read_status_response(t, answer(200, R"({"status":10})")).kind, PollOutcome::kSucceeded);
  EXPECT_EQ(read_status_response(t, answer(200, R"({"status":true})")).kind,
            PollOutcome::kSucceeded);
}

TEST(RefreshLogic, PlainTextBodyAndRunningCodes) {
  Target t = sample();
  t.status.state = "";
  t.status.message = "";
  EXPECT_EQ(read_status_response(t, answer(200, "SUCCEEDED\n")).kind, PollOutcome::kSucceeded);
  EXPECT_EQ(read_status_response(t, answer(202, "")).kind, PollOutcome::kRunning);
  EXPECT_EQ(read_status_response(t, answer(503, "")).kind, PollOutcome::kTransient);
  EXPECT_EQ(read_status_response(t, transport(Failure::kConnect, "reset")).kind,
            PollOutcome::kTransient);
  EXPECT_EQ(read_status_response(t, answer(401, "no")).kind, PollOutcome::kError);
  EXPECT_EQ(read_status_response(t, transport(Failure::kTooLarge, "big")).kind,
            PollOutcome::kError);
}

TEST(RefreshLogic, ErrorPointerMeansFailedWhenNotNull) {
  Target t = sample();
  t.status.error = "/error";
  EXPECT_EQ(read_status_response(t, answer(200, R"({"status":"RUNNING","error":null})")).kind,
            PollOutcome::kRunning);
  auto failed = read_status_response(t, answer(200, R"({"status":"RUNNING","error":"disk full"})"));
  EXPECT_EQ(failed.kind, PollOutcome::kFailed);
  EXPECT_EQ(failed.message, "disk full");
}

TEST(RefreshLogic, PollIntervalBacksOffUpToTheMaximum) {
  Target t = sample();
  t.poll_interval = std::chrono::seconds(2);
  t.poll_backoff = 2.0;
  t.max_poll_interval = std::chrono::seconds(10);
  EXPECT_EQ(next_poll_interval(t, std::chrono::seconds(2)), std::chrono::seconds(4));
  EXPECT_EQ(next_poll_interval(t, std::chrono::seconds(8)), std::chrono::seconds(10));
}

TEST(RefreshLogic, RedactReplacesEverySecret) {
  EXPECT_EQ(redact("token tok-123456 and tok-123456", {"tok-123456"}), "token *** and ***");
}

}  // namespace
}  // namespace refreshctl::engine

// What a hostile target file or a misbehaving service can do to one refresh:
// requests built from hostile values, answers read strictly, secrets
// redacted in every form.
#include <gtest/gtest.h>

#include "config/target_file.h"
#include "engine/refresh_logic.h"
#include "support/targets.h"
#include "util/encode.h"
#include "util/utf8.h"

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

ReferenceResolver resolver(std::string base = "http://127.0.0.1:8080") {
  return {[base](const std::string& name) -> Result<std::string> {
            if (name == "BASE") return base;
            return std::string("tok-123456");
          },
          [](const std::string&) -> Result<std::string> { return make_error("no files"); }};
}

RefreshRecord record(std::string job_id = "j-7") {
  RefreshRecord r;
  r.target = "sales-cube";
  r.version = "2026-11";
  r.slot = TimePoint(std::chrono::milliseconds(1'795'000'000'000));
  r.job_id = std::move(job_id);
  return r;
}

TEST(RequestBuilding, AJobIdFromTheServiceCannotRedirectTheStatusRequest) {
  Target t = sample();
  auto built = build_poll(t, record("../../capture?steal=1#"), resolver());
  ASSERT_TRUE(built.ok()) << built.error();
  EXPECT_EQ(built->request.url,
            "http://127.0.0.1:8080/api/status/..%2F..%2Fcapture%3Fsteal%3D1%23");
}

TEST(RequestBuilding, AWholePathJobIdMustStayOnTheRefreshUrlsOrigin) {
  Target t = sample();
  t.refresh.url = "${env:BASE}/api/refresh";
  t.status.url = "${env:BASE}{{job_id}}";
  auto same = build_poll(t, record("/api/status/j-1"), resolver());
  ASSERT_TRUE(same.ok()) << same.error();
  EXPECT_EQ(same->request.url, "http://127.0.0.1:8080/api/status/j-1");
  EXPECT_FALSE(build_poll(t, record("@evil.example/x"), resolver()).ok());
  for (const char* hostile : {"http://169.254.169.254/latest/meta-data", "https://127.0.0.1:8080/x",
                              "http://127.0.0.1:8081/x", "http://127.0.0.1:8080@evil.example/x"}) {
    auto built = build_poll(t, record(hostile), resolver());
    ASSERT_FALSE(built.ok()) << hostile;
    EXPECT_NE(built.error().find("is not on http://127.0.0.1:8080, where the refresh request went"),
              std::string::npos)
        << built.error();
  }
}

TEST(RequestBuilding, TheSmugglingVersionIsRefusedInAHeaderAndNothingIsBuilt) {
  Target t = sample();
  t.refresh.headers.emplace_back("X-Version", "{{version}}");
  RefreshRecord r = record();
  r.version = "x\r\nContent-Length: 0\r\n\r\nDELETE /admin HTTP/1.1\r\nHost: internal";
  auto built = build_trigger(t, r, resolver());
  ASSERT_FALSE(built.ok());
  EXPECT_NE(built.error().find("refresh.headers: X-Version: {{version}} holds a control character"),
            std::string::npos)
      << built.error();
}

TEST(RequestBuilding, TheRedirectRuleOfTheTargetGoesWithTheRequest) {
  Target t = sample();
  EXPECT_EQ(build_trigger(t, record(), resolver())->request.redirects, http::Redirects::kSameHost);
  t.http.follow_redirects = "any";
  EXPECT_EQ(build_trigger(t, record(), resolver())->request.redirects, http::Redirects::kAny);
  t.http.follow_redirects = "none";
  EXPECT_EQ(build_poll(t, record(), resolver())->request.redirects, http::Redirects::kNone);
}

TEST(TriggerAnswers, ARequestThatCertainlyDidNotLeaveIsAnErrorNeverUnknown) {
  Target t = sample();
  for (Failure f : {Failure::kRefused, Failure::kBadScheme, Failure::kTls,
                    Failure::kRedirectRefused, Failure::kTooManyRedirects}) {
    EXPECT_EQ(read_trigger_response(t, transport(f, "x")).kind, TriggerOutcome::kError);
  }
  EXPECT_EQ(read_trigger_response(t, transport(Failure::kConnect, "x")).kind,
            TriggerOutcome::kNotSent);
}

TEST(StatusAnswers, TooManyRequestsAndServerErrorsAreTemporary) {
  Target t = sample();
  for (long code : {429L, 500L, 502L, 503L, 504L}) {
    auto outcome = read_status_response(t, answer(code, "busy"));
    EXPECT_EQ(outcome.kind, PollOutcome::kTransient) << code;
    EXPECT_NE(outcome.message.find(std::to_string(code)), std::string::npos);
  }
}

TEST(StatusAnswers, RetryAfterIsReadInSecondsOrAsAnHttpDate) {
  TimePoint now = TimePoint(std::chrono::seconds(784111777));  // 1994-11-06T08:49:37Z
  EXPECT_EQ(retry_after(answer(429, "", {{"retry-after", "120"}}), now), std::chrono::seconds(120));
  EXPECT_EQ(retry_after(answer(503, "", {{"retry-after", "Sun, 06 Nov 1994 08:50:07 GMT"}}), now),
            std::chrono::seconds(30));
  EXPECT_EQ(retry_after(answer(503, "", {{"retry-after", "Sun, 06 Nov 1994 08:00:00 GMT"}}), now),
            std::chrono::seconds(0))
      << "a date in the past: at once";
  EXPECT_EQ(retry_after(answer(429, "", {{"retry-after", "99999999"}}), now),
            std::chrono::hours(24));
  EXPECT_FALSE(retry_after(answer(429, "", {{"retry-after", "soon"}}), now));
  EXPECT_FALSE(retry_after(answer(429, ""), now));
}

TEST(StatusAnswers, OnlyAnErrorValueThatIsSetMeansFailed) {
  Target t = sample();
  t.status.error = "/error";
  for (const char* unset : {"null", "false", "\"\"", "[]", "{}"}) {
    std::string body = std::string(R"({"status":"RUNNING","error":)") + unset + "}";
    EXPECT_EQ(read_status_response(t, answer(200, body)).kind, PollOutcome::kRunning) << unset;
  }
  for (const char* set : {"true", "\"disk full\"", "[1]", "{\"code\":7}", "7"}) {
    std::string body = std::string(R"({"status":"RUNNING","error":)") + set + "}";
    EXPECT_EQ(read_status_response(t, answer(200, body)).kind, PollOutcome::kFailed) << set;
  }
}

TEST(StatusAnswers, AnObjectOrArrayStateIsAnErrorAtOnce) {
  Target t = sample();
  auto object = read_status_response(t, answer(200, R"({"status":{"phase":"done"}})"));
  EXPECT_EQ(object.kind, PollOutcome::kError);
  EXPECT_EQ(
      object.message,
      R"(the state at /status is an object, not a string, number or boolean: {"phase":"done"})");
  EXPECT_EQ(read_status_response(t, answer(200, R"({"status":["A"]})")).kind, PollOutcome::kError);
  t.status.succeeded = {"10", "true", "1.5"};
  EXPECT_EQ(read_status_response(t, answer(200, R"({"status":1.5})")).kind,
            PollOutcome::kSucceeded);
}

TEST(StatusAnswers, APointerThatDoesNotFitTheDocumentIsAbsentNotACrash) {
  Target t = sample();
  t.status.state = "/items/0/state";
  EXPECT_EQ(read_status_response(t, answer(200, R"({"items":{"0x":1}})")).kind,
            PollOutcome::kRunning);
  EXPECT_EQ(read_status_response(t, answer(200, R"({"items":"text"})")).kind,
            PollOutcome::kRunning);
  t.status.state = "/items/-";
  EXPECT_EQ(read_status_response(t, answer(200, R"({"items":[1]})")).kind, PollOutcome::kRunning);
}

TEST(RecordedErrors, ASecretStraddlingTheCutIsRedactedBeforeCutting) {
  std::string secret = "tok-0123456789abcdef";
  std::string body = std::string(190, 'x') + secret + " tail";
  auto rejected = read_trigger_response(sample(), answer(500, body), {secret});
  EXPECT_EQ(rejected.error.find("tok-0123"), std::string::npos) << rejected.error;
  EXPECT_NE(rejected.error.find(std::string(190, 'x') + "***"), std::string::npos);
}

TEST(RecordedErrors, AnInvalidUtf8BodyCutInsideACharacterIsStillValidUtf8) {
  std::string body = std::string(199, 'a') + "\xe2\x82\xac\xff";
  auto rejected = read_trigger_response(sample(), answer(500, body));
  EXPECT_TRUE(is_valid_utf8(rejected.error));
  EXPECT_TRUE(is_valid_utf8(recorded_error(std::string(999, 'a') + "\xe2\x82\xac", {})));
  EXPECT_TRUE(is_valid_utf8(recorded_error("\xff\xfe", {})));
}

TEST(Redaction, EveryEncodingOfASecretIsRedacted) {
  std::string secret = "p@ss/w\"rd é+1";
  std::vector<std::string> secrets{secret};
  for (const std::string& echoed :
       {secret, percent_encode(secret), std::string("p%40ss%2fw%22rd%20%c3%a9%2B1"),
        std::string("p%40ss%2Fw%22rd+%C3%A9%2B1"), json_escape(secret),
        std::string(R"(p@ss\/w\"rd \u00e9+1)"), std::string(R"(p@ss\/w\"rd \u00E9\u002b1)"),
        base64_encode("user:" + secret), base64_encode("x" + secret + "y", true)}) {
    std::string text = "the service said: " + echoed + " (end)";
    std::string redacted = redact(text, secrets);
    EXPECT_EQ(find_secret(redacted, secrets), nullptr) << echoed << " -> " << redacted;
    EXPECT_NE(redacted.find("***"), std::string::npos) << echoed;
    EXPECT_NE(redacted.find("the service said: "), std::string::npos) << "the rest stays";
  }
}

TEST(Redaction, ARunOfBackslashesIsSearchedWithoutBacktrackingForEver) {
  // Each backslash reads as itself or, in pairs, as a JSON escape: without
  // memory the search tries every mix (found by the redact fuzzer).
  std::string secret(35, '\\');
  std::string text;
  for (int i = 0; i < 40; ++i) text += std::string(34, '\\') + "x";
  EXPECT_EQ(redact(text, {secret}), text) << "34 backslashes are not the 35 of the secret";
  EXPECT_EQ(redact(std::string(70, '\\'), {secret}), "***");
}

TEST(Redaction, OrdinaryTextAndShortValuesAreLeftAlone) {
  EXPECT_EQ(redact("nothing secret here", {"tok-123456"}), "nothing secret here");
  EXPECT_EQ(redact("ab ab", {"ab"}), "ab ab") << "too short to redact without mangling";
  EXPECT_EQ(redact("token tok-123456 and tok-123456", {"tok-123456"}), "token *** and ***");
}

}  // namespace
}  // namespace refreshctl::engine

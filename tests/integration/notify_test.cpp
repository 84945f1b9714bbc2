// [target.notify] end to end: the real binary, the example service as both
// the refresh API and the webhook / healthchecks.io receiver (/api/hook…).
#include <fmt/format.h>

#include <chrono>
#include <regex>
#include <set>

#include "engine/redact.h"
#include "integration/run_fixture.h"
#include "store/store.h"

namespace refreshctl::testing {
namespace {

using std::chrono::steady_clock;

class Notify : public RunTest {
 protected:
  // The requests the receiver got, oldest first.
  nlohmann::json hooks() const { return service_json("/api/hooks"); }
  // Only the hooks whose request-target starts with `prefix`.
  std::vector<nlohmann::json> hooks_to(const std::string& prefix) const {
    std::vector<nlohmann::json> out;
    for (const auto& h : hooks()) {
      if (h["target"].get<std::string>().rfind(prefix, 0) == 0) out.push_back(h);
    }
    return out;
  }
  // A [target.notify] table for the spec's `extra`: TOML lets a dotted key
  // table sit among the top-level keys.
  static std::string notify(const std::string& lines) { return "\n[target.notify]\n" + lines; }
  TargetSpec with_notify(TargetSpec spec, const std::string& lines) const {
    spec.extra_status += notify(lines);
    return spec;
  }
  std::vector<NotificationRecord> recorded(int64_t run_id) const {
    auto store = open_store(db_);
    EXPECT_TRUE(store.ok()) << store.error();
    auto rows = (*store)->notifications(run_id);
    EXPECT_TRUE(rows.ok()) << rows.error();
    return rows.ok() ? *rows : std::vector<NotificationRecord>{};
  }
};

// rid=UUID in the request-target, or "".
std::string rid_of(const std::string& target) {
  std::smatch m;
  static const std::regex rid(R"([?&]rid=([0-9a-f-]{36})$)");
  return std::regex_search(target, m, rid) ? m[1].str() : "";
}

TEST_P(Notify, OneWebhookPostPerFailedRefreshCarriesTheDocumentedFieldsAndNoneForASuccess) {
  apply({with_notify(TargetSpec{.versions = {"v1", "v2-fail", "v3-fail"}},
                     fmt::format("on_failure = \"{}\"", service_->url("/api/hook/alert")))});
  auto r = run();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto posts = hooks_to("/api/hook/alert");
  ASSERT_EQ(posts.size(), 2u) << hooks();
  std::set<std::string> versions;
  auto records = history();
  for (const auto& post : posts) {
    EXPECT_EQ(post["method"], "POST");
    EXPECT_EQ(post["headers"]["content-type"], "application/json");
    auto body = nlohmann::json::parse(post["body"].get<std::string>());
    for (const char* field : {"target", "version", "revision", "slot", "attempt", "state", "error",
                              "duration_ms", "history_id", "host", "run_uuid", "text"}) {
      EXPECT_TRUE(body.contains(field)) << field << " missing in " << body;
    }
    EXPECT_EQ(body["target"], "cube");
    EXPECT_EQ(body["state"], "failed");
    EXPECT_EQ(body["attempt"], 0) << "the first attempt";
    EXPECT_EQ(body["revision"], 1);
    EXPECT_NE(body["error"].get<std::string>().find("failed on purpose"), std::string::npos);
    EXPECT_GT(body["duration_ms"].get<int64_t>(), 0);
    versions.insert(body["version"].get<std::string>());
    bool matches_history = false;
    for (const auto& rec : records) {
      matches_history |= rec["id"] == body["history_id"] && rec["version"] == body["version"] &&
                         rec["slot"] == body["slot"] && rec["host"] == body["host"];
    }
    EXPECT_TRUE(matches_history) << body;
  }
  EXPECT_EQ(versions, (std::set<std::string>{"v2-fail", "v3-fail"})) << "none for v1";
  EXPECT_NE(r.out.find("sent the failure alert of cube v2-fail"), std::string::npos) << r.out;
  auto rows = recorded(records[0]["run_id"].get<int64_t>());
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& row : rows) {
    EXPECT_EQ(row.kind, "on_failure");
    EXPECT_EQ(row.outcome, "sent");
    EXPECT_EQ(row.http_status, 200);
    EXPECT_GT(row.refresh_id, 0);
  }
}

TEST_P(Notify, APingSaysStartThenSuccessWithTheRunsUuid) {
  apply({with_notify(TargetSpec{.versions = {"v1", "v2"}},
                     fmt::format("ping = \"{}\"", service_->url("/api/hook/ping/abc")))});
  auto r = run();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto pings = hooks_to("/api/hook/ping/abc");
  ASSERT_EQ(pings.size(), 2u) << hooks();
  std::string start = pings[0]["target"], success = pings[1]["target"];
  EXPECT_EQ(start.rfind("/api/hook/ping/abc/start?rid=", 0), 0u) << start;
  EXPECT_EQ(success.rfind("/api/hook/ping/abc?rid=", 0), 0u) << success;
  EXPECT_FALSE(rid_of(start).empty()) << start;
  EXPECT_EQ(rid_of(start), rid_of(success));
  auto rows = recorded(history()[0]["run_id"].get<int64_t>());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].kind, "ping_start");
  EXPECT_EQ(rows[1].kind, "ping_success");
  EXPECT_EQ(rows[1].run_uuid, rid_of(start));
}

TEST_P(Notify, APingSaysStartThenFailWhenOneOfTheTargetsRefreshesFailed) {
  apply({with_notify(TargetSpec{.versions = {"v1", "v2-fail"}},
                     fmt::format("ping = \"{}\"", service_->url("/api/hook/ping/abc?k=1")))});
  auto r = run();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto pings = hooks_to("/api/hook/ping/abc");
  ASSERT_EQ(pings.size(), 2u) << hooks();
  std::string start = pings[0]["target"], fail = pings[1]["target"];
  EXPECT_EQ(start.rfind("/api/hook/ping/abc/start?k=1&rid=", 0), 0u) << start;
  EXPECT_EQ(fail.rfind("/api/hook/ping/abc/fail?k=1&rid=", 0), 0u) << fail;
  EXPECT_EQ(rid_of(start), rid_of(fail));
  auto second = run({"--now"});
  EXPECT_EQ(second.exit_code, 1) << second.out << second.err;
  auto again = hooks_to("/api/hook/ping/abc");
  ASSERT_EQ(again.size(), 4u) << hooks();
  EXPECT_NE(rid_of(again[2]["target"]), rid_of(start)) << "every run has a UUID of its own";
}

// The refresh fails (so a webhook is due) while the webhook hangs, and a
// successful target's ping hangs: neither outcome nor exit code moves, and
// the run ends a bounded time after its refreshes.
TEST_P(Notify, AWebhookThatHangsChangesNeitherStateNorExitCodeAndTheRunEndsOnTime) {
  apply({with_notify(TargetSpec{.name = "bad", .versions = {"v1-fail"}},
                     fmt::format("on_failure = \"{}\"", service_->url("/api/hook/a?hang=1"))),
         with_notify(TargetSpec{.name = "good"},
                     fmt::format("ping = \"{}\"", service_->url("/api/hook/p?hang=1")))});
  auto began = steady_clock::now();
  auto r = run();
  auto took = steady_clock::now() - began;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(history({"--target", "bad"})[0]["state"], "failed");
  EXPECT_EQ(history({"--target", "good"})[0]["state"], "succeeded");
  // 1 s of refresh, then at most the 5 s end wait for notifications.
  EXPECT_LT(took, std::chrono::seconds(12)) << r.out;
  EXPECT_NE((r.out + r.err).find("could not send the failure alert of bad v1-fail"),
            std::string::npos)
      << r.out << r.err;
  auto rows = recorded(history()[0]["run_id"].get<int64_t>());
  ASSERT_FALSE(rows.empty());
  for (const auto& row : rows) EXPECT_EQ(row.outcome, "failed") << row.kind;
}

TEST_P(Notify, AWebhookAnswering500IsRetriedAndChangesNeitherStateNorExitCode) {
  apply({with_notify(TargetSpec{.name = "bad", .versions = {"v1-fail"}},
                     fmt::format("on_failure = \"{}\"", service_->url("/api/hook/a?status=500"))),
         with_notify(TargetSpec{.name = "good"},
                     fmt::format("ping = \"{}\"", service_->url("/api/hook/p?status=500")))});
  auto r = run();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(history({"--target", "bad"})[0]["state"], "failed");
  EXPECT_EQ(history({"--target", "good"})[0]["state"], "succeeded");
  EXPECT_EQ(hooks_to("/api/hook/a").size(), 3u) << "three tries: " << hooks();
  EXPECT_NE(r.out.find("after 3 tries: HTTP 500"), std::string::npos) << r.out;

  // The same target without the failing one: the run succeeds though its
  // pings fail.
  auto good = run({"--now", "--target", "good"});
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
}

TEST_P(Notify, NoSecretOfTheNotifyUrlOrHeadersAppearsInAnyOutput) {
  const std::string token = "hook-secret-7f3a91";
  const std::string key = "header-secret-c0ffee";
  apply({with_notify(
      TargetSpec{.versions = {"v1-fail"}},
      fmt::format("on_failure = \"{}\"\nping = \"{}\"\nheaders = {{ X-Key = \"${{env:KEY}}\" }}",
                  service_->url("/api/hook/${env:TOKEN}?status=500"),
                  service_->url("/api/hook/ping/${env:TOKEN}")))});
  RunOptions env;
  env.env["TOKEN"] = token;
  env.env["KEY"] = key;
  std::vector<ProcessResult> outputs;
  outputs.push_back(refreshctl_db({"run"}, env));
  outputs.push_back(refreshctl_db({"--json", "run", "--now"}, env));
  outputs.push_back(refreshctl_db({"show", "cube"}));
  outputs.push_back(refreshctl_db({"--json", "history"}));
  EXPECT_EQ(outputs[0].exit_code, 1) << outputs[0].out << outputs[0].err;
  EXPECT_NE(outputs[2].out.find("[target.notify]"), std::string::npos) << outputs[2].out;
  EXPECT_NE(outputs[2].out.find("${env:TOKEN}"), std::string::npos) << outputs[2].out;
  for (const auto& o : outputs) {
    EXPECT_EQ(engine::find_secret(o.out + o.err, {token, key}), nullptr) << o.out << o.err;
  }
  auto rows = recorded(history()[0]["run_id"].get<int64_t>());
  ASSERT_FALSE(rows.empty());
  for (const auto& row : rows) {
    EXPECT_EQ(engine::find_secret(row.url + row.error, {token, key}), nullptr) << row.url;
  }
  // The receiver did get them: the references were resolved on the wire.
  auto got = hooks_to("/api/hook/" + token);
  ASSERT_FALSE(got.empty()) << hooks();
  EXPECT_EQ(got[0]["headers"]["x-key"], key);
}

REFRESHCTL_ON_BOTH_BACKENDS(Notify);

}  // namespace
}  // namespace refreshctl::testing

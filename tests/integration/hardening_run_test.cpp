// `refreshctl run` against hostile target files and misbehaving services:
// nothing smuggled onto the wire, nothing sent where the target did not say,
// nothing printed that could forge a line, nothing lost to bad bytes.
#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "integration/run_fixture.h"
#include "util/utf8.h"

namespace refreshctl::testing {
namespace {

class Hardening : public RunTest {
 protected:
  // The service's request log: "METHOD target" lines.
  std::vector<std::string> log(const ExampleService& service) const {
    auto r = service.get("/api/log");
    EXPECT_EQ(r.status, 200) << r.error;
    return nlohmann::json::parse(r.body).get<std::vector<std::string>>();
  }
  std::string reply_url(const std::string& query) const {
    return service_->url("/api/reply?" + query);
  }
  void apply_text(const std::string& text) {
    auto r = refreshctl_db({"apply", "-f", dir_.write("targets.toml", text)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string target_with(const std::string& refresh,
                          const std::string& status_url,
                          const std::string& extra = "") const {
    return fmt::format(R"([[target]]
name = "cube"
data_type = "cube"
versions = ["v1"]
poll_interval = "200ms"
max_poll_interval = "500ms"
max_refresh_time = "3s"
{}

[target.refresh]
{}
job_id = "/jobId"

[target.status]
url = "{}"
state = "/status"
succeeded = ["SUCCEEDED"]
failed = ["FAILED"]
)",
                       extra, refresh, status_url);
  }
};

bool contains_line(const std::vector<std::string>& lines, const std::string& part) {
  for (const auto& l : lines) {
    if (l.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST_P(Hardening, TheSmugglingVersionIsRefusedAtApplyNamingFileLineAndField) {
  TargetSpec spec;
  spec.versions = {R"(x\r\nContent-Length: 0\r\n\r\nDELETE /admin HTTP/1.1\r\nHost: internal)"};
  std::string path = dir_.write("targets.toml", target_toml(spec));
  auto r = refreshctl_db({"apply", "-f", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(path + ":4: versions: version \"x\\r\\nContent-Length"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("holds a control character"), std::string::npos) << r.err;
  std::string header = target_toml(TargetSpec{}) + "";
  header.replace(header.find("job_id = \"/jobId\""), 0, "headers = { X-Tag = \"a\\r\\nb\" }\n");
  auto h = refreshctl_db({"apply", "-f", dir_.write("h.toml", header)});
  EXPECT_EQ(h.exit_code, 2);
  EXPECT_NE(h.err.find("refresh.headers: header X-Tag: the value holds a control character"),
            std::string::npos)
      << h.err;
}

TEST_P(Hardening, ACredentialWithCrLfIsRefusedAtRunTimeAndNothingIsSent) {
  std::string refresh = fmt::format(
      "url = \"{}\"\nheaders = {{ X-Token = \"${{env:SMUGGLE}}\" }}\n"
      "body = '{{\"type\": \"{{{{data_type}}}}\", \"version\": \"{{{{version}}}}\"}}'",
      service_->url("/api/refresh"));
  apply_text(target_with(refresh, service_->url("/api/status/{{job_id}}")) +
             target_toml(TargetSpec{.name = "fine"}));
  RunOptions env;
  env.env["SMUGGLE"] = "x\r\nContent-Length: 0\r\n\r\nDELETE /admin HTTP/1.1\r\nHost: internal\n";
  auto r = refreshctl_db({"run"}, env);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto records = history({"--target", "cube"});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["state"], "error");
  EXPECT_NE(records[0]["error"].get<std::string>().find(
                "X-Token: ${env:SMUGGLE} holds a control character"),
            std::string::npos)
      << records[0]["error"];
  EXPECT_EQ(history({"--target", "fine"})[0]["state"], "succeeded")
      << "the other target's requests, on the same connections, are in step";
  auto lines = log(*service_);
  EXPECT_EQ(triggers("cube/v1"), 0);
  EXPECT_FALSE(contains_line(lines, "DELETE")) << nlohmann::json(lines);
}

TEST_P(Hardening, AJobIdFromTheServiceStaysOneSegmentOfTheStatusPath) {
  std::string refresh = fmt::format(
      "url = \"{}\"",
      reply_url("status=202&body=%7B%22jobId%22%3A%22..%2F..%2Fcapture%3Fsteal%3D1%23%22%7D"));
  apply_text(target_with(refresh, service_->url("/api/status/{{job_id}}")));
  auto r = run();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto lines = log(*service_);
  EXPECT_TRUE(contains_line(lines, "GET /api/status/..%2F..%2Fcapture%3Fsteal%3D1%23"))
      << nlohmann::json(lines);
  EXPECT_FALSE(contains_line(lines, "capture?steal")) << nlohmann::json(lines);
  EXPECT_EQ(history()[0]["state"], "error");
}

TEST_P(Hardening, HostileVersionsAreEncodedInTheQueryThePathAndTheJsonBody) {
  TargetSpec query{.name = "query", .versions = {"a&reject=1#frag"}};
  query.refresh_query = "?version={{version}}&type=query";
  TargetSpec json{.name = "json", .versions = {R"(x\", \"admin\": true, \"y\": \")"}};
  apply({query, json});
  std::string path_target =
      target_with(fmt::format("url = \"{}\"", service_->url("/api/{{version}}")),
                  service_->url("/api/status/{{job_id}}"));
  path_target.replace(path_target.find("name = \"cube\""), 13, "name = \"path\"");
  path_target.replace(path_target.find("[\"v1\"]"), 6, "[\"../../etc/passwd\"]");
  auto r = refreshctl_db({"apply", "-f", dir_.write("path.toml", path_target)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  run();
  auto lines = log(*service_);
  EXPECT_TRUE(contains_line(lines, "POST /api/refresh?version=a%26reject%3D1%23frag&type=query"))
      << nlohmann::json(lines);
  EXPECT_TRUE(contains_line(lines, "POST /api/..%2F..%2Fetc%2Fpasswd")) << nlohmann::json(lines);
  EXPECT_EQ(triggers("query/a&reject=1#frag"), 1) << "one version, not a rejected trigger";
  EXPECT_EQ(history({"--target", "query"})[0]["state"], "succeeded");
  EXPECT_EQ(history({"--target", "json"})[0]["state"], "succeeded")
      << "the body stayed one JSON object with the version as one string";
}

TEST_P(Hardening, ARedirectToAnotherPortIsRefusedByDefaultAndCarriesNoHeadersWhenAllowed) {
  ExampleService other({"--duration", "1s"});
  std::string to = other.url("/api/refresh");
  std::string refresh = fmt::format(
      "url = \"{}\"\nheaders = {{ X-Api-Key = \"k-secret-123\" }}\n"
      "body = '{{\"type\": \"cube\", \"version\": \"v1\"}}'",
      service_->url("/api/redirect?code=307&to=" + to));
  apply_text(target_with(refresh, other.url("/api/status/{{job_id}}")));
  auto refused = run({"--now"});
  EXPECT_EQ(refused.exit_code, 1);
  auto first = history();
  EXPECT_EQ(first[0]["state"], "error");
  EXPECT_NE(first[0]["error"].get<std::string>().find("refused: it leaves http://127.0.0.1:" +
                                                      std::to_string(service_->port())),
            std::string::npos)
      << first[0]["error"];
  EXPECT_TRUE(log(other).empty()) << "not one request reached the other port";

  apply_text(target_with(refresh, other.url("/api/status/{{job_id}}"),
                         "[target.http]\nfollow_redirects = \"any\""));
  // A manual run's slot is the second it starts: the next second is a new slot.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto allowed = run({"--now"});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.out << allowed.err;
  auto headers = nlohmann::json::parse(other.get("/api/last-headers").body);
  EXPECT_FALSE(headers.contains("x-api-key")) << headers;
  EXPECT_TRUE(contains_line(log(other), "POST /api/refresh")) << "307 keeps the POST\n"
                                                              << allowed.out << allowed.err;
}

TEST_P(Hardening, A302ToTheTriggerIsAnErrorNotABodylessGetRecordedSucceeded) {
  std::string refresh =
      fmt::format("url = \"{}\"\nbody = '{{\"type\": \"cube\", \"version\": \"v1\"}}'",
                  service_->url("/api/redirect?code=302&to=" + service_->url("/api/refresh")));
  apply_text(target_with(refresh, service_->url("/api/status/{{job_id}}")));
  auto r = run();
  EXPECT_EQ(r.exit_code, 1);
  auto records = history();
  EXPECT_EQ(records[0]["state"], "error");
  EXPECT_NE(records[0]["error"].get<std::string>().find(
                "following it would turn the POST into a GET without its body"),
            std::string::npos)
      << records[0]["error"];
  EXPECT_EQ(log(*service_).size(), 1u) << "only the redirect itself";
}

TEST_P(Hardening, InvalidUtf8FromAServiceIsRecordedAndPrintedAsJson) {
  std::string body = std::string(199, 'a') + "%E2%82%AC%FF%FE";
  apply_text(target_with(fmt::format("url = \"{}\"", reply_url("status=500&body=" + body)),
                         service_->url("/api/status/{{job_id}}")) +
             target_toml(TargetSpec{.name = "fine"}));
  auto r = refreshctl_db({"--json", "run"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  size_t lines = 0;
  for (size_t at = 0, nl; (nl = r.out.find('\n', at)) != std::string::npos; at = nl + 1, ++lines) {
    auto line = nlohmann::json::parse(r.out.substr(at, nl - at), nullptr, false);
    EXPECT_FALSE(line.is_discarded()) << r.out.substr(at, nl - at);
  }
  EXPECT_GT(lines, 3u);
  auto records = history({"--target", "cube"});
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records[0]["state"], "failed");
  EXPECT_TRUE(is_valid_utf8(records[0]["error"].get<std::string>()));
  for (const auto& rec : history({"--target", "fine"})) EXPECT_EQ(rec["state"], "succeeded");
}

TEST_P(Hardening, InvalidUtf8AlreadyInTheDatabaseStillPrintsAsJson) {
  apply({TargetSpec{}});
  ASSERT_EQ(run().exit_code, 0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE refreshes SET error = CAST(x'61ff62' AS TEXT)", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto r = refreshctl_db({"--json", "history"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc[0]["error"],
            "a\xEF\xBF\xBD"
            "b");
}

TEST_P(Hardening, EscapeSequencesFromAServiceArePrintedEscaped) {
  std::string body = "%1B%5B2J%1B%5D0%3Bowned%07%0D%0A2026-01-01T00%3A00%3A00Z+cube+v1+succeeded";
  apply_text(target_with(fmt::format("url = \"{}\"", reply_url("status=500&body=" + body)),
                         service_->url("/api/status/{{job_id}}")));
  auto r = run();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\\x1b[2J\\x1b]0;owned\\x07\\r\\n2026"), std::string::npos) << r.out;
  auto h = refreshctl_db({"history"});
  EXPECT_EQ(h.out.find('\x1b'), std::string::npos) << h.out;
  EXPECT_EQ(h.out.find('\r'), std::string::npos) << h.out;
  EXPECT_NE(h.out.find("\\x1b[2J"), std::string::npos) << h.out;
}

TEST_P(Hardening, A429WithRetryAfterBacksOffAndATimeoutKeepsTheLastCause) {
  std::string status = reply_url("status=429&retry_after=1&body=slow+down&job={{job_id}}");
  apply_text(
      target_with(fmt::format("url = \"{}\"\nbody = '{{\"type\": \"c\", \"version\": \"v\"}}'",
                              service_->url("/api/refresh")),
                  status));
  auto r = run();
  EXPECT_EQ(r.exit_code, 1);
  auto rec = history()[0];
  EXPECT_EQ(rec["state"], "timed_out");
  EXPECT_NE(rec["error"].get<std::string>().find(
                "the last poll failed: the status request answered HTTP 429 (too many requests): "
                "slow down"),
            std::string::npos)
      << rec["error"];
  // 3 s deadline, Retry-After 1 s instead of 200-500 ms polls: at most 4.
  EXPECT_LE(rec["polls"].get<int>(), 4) << rec;
  EXPECT_GE(rec["polls"].get<int>(), 2) << rec;
}

TEST_P(Hardening, AFileReferenceThatIsADirectorySendsNothingAndNamesThePath) {
  std::string refresh =
      fmt::format("url = \"{}\"\nheaders = {{ Authorization = \"Bearer ${{file:{}}}\" }}",
                  service_->url("/api/refresh"), dir_.path().string());
  apply_text(target_with(refresh, service_->url("/api/status/{{job_id}}")));
  auto r = run();
  EXPECT_EQ(r.exit_code, 1);
  auto rec = history()[0];
  EXPECT_EQ(rec["state"], "error");
  EXPECT_NE(rec["error"].get<std::string>().find("${file:" + dir_.path().string() +
                                                 "} is a directory, not a file"),
            std::string::npos)
      << rec["error"];
  EXPECT_TRUE(log(*service_).empty());
}

// What a hostile service or target file can do does not depend on the store.
REFRESHCTL_ON_SQLITE(Hardening);

}  // namespace
}  // namespace refreshctl::testing

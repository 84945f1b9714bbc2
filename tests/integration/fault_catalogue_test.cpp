// The HTTP part of the fault catalogue (issue: hostile services), as a table:
// each fault ends the refresh in its documented state with a message that
// says what happened, and nothing is lost: exactly one record, none left
// open. Every case talks only to 127.0.0.1; the DNS case runs in a network
// namespace of its own (unshare -n) so that no query leaves the machine.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <thread>

#include "integration/run_fixture.h"
#include "support/fault_server.h"
#include "support/ports.h"

namespace refreshctl::testing {
namespace {

using Fault = FaultServer::Fault;

bool accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// openssl s_server with a self-signed certificate made for this test.
class SelfSignedTls {
 public:
  explicit SelfSignedTls(const TempDir& dir) : port_(free_loopback_port()) {
    std::string key = dir.file("key.pem"), cert = dir.file("cert.pem");
    auto made = run_process({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                             "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1"});
    if (made.exit_code != 0) throw std::runtime_error("openssl req: " + made.err);
    server_ = std::make_unique<BackgroundProcess>(std::vector<std::string>{
        "/usr/bin/openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port_), "-cert",
        cert, "-key", key, "-www", "-quiet"});
    for (int i = 0; i < 100 && !accepts(port_); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::string url(const std::string& path) const {
    return "https://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  int port_;
  std::unique_ptr<BackgroundProcess> server_;
};

struct Case {
  const char* name;
  const char* state;    // the documented final state
  const char* message;  // a part of the recorded error
};

class FaultCatalogue : public RunTest {
 protected:
  // Applies one target (refresh URL, status URL, more [target.http] lines),
  // runs it (under `prefix`, e.g. unshare -n), and checks the case.
  void check(const Case& c,
             const std::string& refresh_url,
             const std::string& status_url,
             const std::string& http = "",
             const std::string& method = "POST",
             std::vector<std::string> prefix = {}) {
    SCOPED_TRACE(c.name);
    std::string text = fmt::format(R"([[target]]
name = "cube"
data_type = "cube"
versions = ["v1"]
poll_interval = "200ms"
max_poll_interval = "500ms"
max_refresh_time = "3s"

[target.refresh]
method = "{}"
url = "{}"
body = '{{"type": "cube", "version": "v1"}}'
job_id = "/jobId"

[target.status]
url = "{}"
state = "/status"
succeeded = ["SUCCEEDED"]

[target.http]
connect_timeout = "1s"
request_timeout = "1s"
{}
)",
                                   method, refresh_url, status_url, http);
    auto applied = refreshctl_db({"apply", "-f", dir_.write("fault.toml", text)});
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
    std::vector<std::string> argv = prefix;
    for (const char* a : {REFRESHCTL_BIN, "--db"}) argv.emplace_back(a);
    argv.push_back(db_);
    argv.emplace_back("run");
    argv.emplace_back("--now");
    auto r = run_process(argv);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    auto records = history();
    ASSERT_EQ(records.size(), 1u) << "one record, nothing lost, nothing twice";
    EXPECT_EQ(records[0]["state"], c.state) << records[0];
    EXPECT_NE(records[0]["error"].get<std::string>().find(c.message), std::string::npos)
        << records[0]["error"];
  }
};

TEST_P(FaultCatalogue, ASelfSignedCertificateIsRefusedWithAClearMessage) {
  SelfSignedTls tls(dir_);
  check({"tls self-signed", "error", "certificate"}, tls.url("/api/refresh"),
        tls.url("/api/status/{{job_id}}"));
}

TEST_P(FaultCatalogue, ADnsFailureIsAnErrorAfterTheConnectRetries) {
  // A namespace with no network at all: the lookup fails on the spot.
  check({"dns failure", "error", "Could not resolve host: refresh.invalid"},
        "http://refresh.invalid/api/refresh", "http://refresh.invalid/api/status/{{job_id}}", "",
        "POST", {"/usr/bin/unshare", "-n"});
}

TEST_P(FaultCatalogue, ARefusedConnectionIsAnErrorAfterTheConnectRetries) {
  std::string url = "http://127.0.0.1:" + std::to_string(free_loopback_port());
  check({"connection refused", "error", "could not connect (4 tries)"}, url + "/api/refresh",
        url + "/api/status/{{job_id}}");
}

TEST_P(FaultCatalogue, AResetAfterTheRequestIsUnknown) {
  FaultServer server(Fault::kReset);
  check({"reset", "unknown", "may or may not have reached the service"}, server.url("/api/refresh"),
        server.url("/api/status/{{job_id}}"));
  EXPECT_EQ(server.requests(), 1) << "never sent twice";
}

TEST_P(FaultCatalogue, SlowHeadersTimeOutAsUnknown) {
  FaultServer server(Fault::kSilent);
  check({"slow headers", "unknown", "timed out"}, server.url("/api/refresh"),
        server.url("/api/status/{{job_id}}"));
  EXPECT_EQ(server.requests(), 1);
}

TEST_P(FaultCatalogue, AnEndlessChunkedBodyStopsAtTheCap) {
  FaultServer server(Fault::kEndlessChunked);
  check({"endless chunked body", "error", "response body larger than 1 KiB"},
        server.url("/api/refresh"), server.url("/api/status/{{job_id}}"), "max_body_bytes = 1024");
}

TEST_P(FaultCatalogue, ABodyOverTheCapIsAnError) {
  check({"body over the cap", "error", "response body larger than 1 MiB"},
        service_->url("/api/huge?mb=2"), service_->url("/api/status/{{job_id}}"), "", "GET");
}

TEST_P(FaultCatalogue, AGarbageReplySaysItIsNotHttp) {
  FaultServer server(Fault::kGarbage);
  check({"garbage reply", "unknown", "the answer is not HTTP"}, server.url("/api/refresh"),
        server.url("/api/status/{{job_id}}"));
}

TEST_P(FaultCatalogue, TooManyRequestsOnEveryPollTimesOutWithTheCause) {
  check({"429", "timed_out", "answered HTTP 429 (too many requests)"},
        service_->url("/api/refresh"),
        service_->url("/api/reply?status=429&retry_after=1&j={{job_id}}"));
}

TEST_P(FaultCatalogue, ServerErrorsOnEveryPollTimeOutWithTheCause) {
  check({"5xx", "timed_out", "the last poll failed: the status request answered HTTP 503"},
        service_->url("/api/refresh"), service_->url("/api/reply?status=503&j={{job_id}}"));
}

TEST_P(FaultCatalogue, ARedirectLoopEndsAtTheLimit) {
  check({"redirect loop", "error", "more than 5 redirects"}, service_->url("/api/refresh"),
        service_->url("/api/loop?j={{job_id}}"));
}

TEST_P(FaultCatalogue, ACrossHostRedirectIsRefused) {
  ExampleService other;
  check({"cross-host redirect", "error", "refused: it leaves"}, service_->url("/api/refresh"),
        service_->url("/api/redirect?to=" + other.url("/api/stats") + "&j={{job_id}}"));
  EXPECT_EQ(nlohmann::json::parse(other.get("/api/stats").body)["requests"], 1)
      << "only this request reached the other port";
}

// HTTP faults do not depend on the store.
REFRESHCTL_ON_SQLITE(FaultCatalogue);

}  // namespace
}  // namespace refreshctl::testing

// The libcurl client against the example service (and two sockets that
// misbehave) on 127.0.0.1.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http/client.h"
#include "support/example_service.h"

namespace refreshctl::testing {
namespace {

using namespace std::chrono_literals;
using http::Failure;
using nlohmann::json;

// A TCP socket on 127.0.0.1 that listens (`listening`) and never accepts, or
// is bound and closed again, leaving a port where connections are refused.
class LoopbackSocket {
 public:
  explicit LoopbackSocket(bool listening) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), len);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    if (listening) {
      listen(fd_, 16);
    } else {
      close(fd_);
      fd_ = -1;
    }
  }
  ~LoopbackSocket() {
    if (fd_ >= 0) close(fd_);
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

std::string url_encode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Polls `client` until nothing is pending or `limit` has passed.
void drain(http::Client& client, std::chrono::milliseconds limit = 30s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (client.pending() > 0 && std::chrono::steady_clock::now() < deadline) client.poll(100ms);
}

class CurlClient : public ::testing::Test {
 protected:
  http::Request get(const std::string& path) const {
    http::Request r;
    r.url = service_.url(path);
    return r;
  }
  json stats() const { return json::parse(service_.get("/api/stats").body); }

  ExampleService service_{{"--duration", "1s"}};
};

// poll() returns once the caller's own socket has something to read (a
// database answer the run waits for), before and after the first request,
// and waits its full time while it has nothing.
TEST_F(CurlClient, APollReturnsOnceTheCallersSocketHasSomethingToRead) {
  auto client = http::make_curl_client();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  auto timed = [&](bool readable) {
    if (readable) EXPECT_EQ(write(fds[1], "x", 1), 1);
    auto start = std::chrono::steady_clock::now();
    client->poll(readable ? 20s : 300ms, fds[0]);
    auto took = std::chrono::steady_clock::now() - start;
    char c;
    if (readable) EXPECT_EQ(read(fds[0], &c, 1), 1);
    return took;
  };
  EXPECT_LT(timed(true), 10s) << "no request ever made";
  EXPECT_GE(timed(false), 250ms) << "returned with nothing to read";
  bool called = false;
  client->submit(get("/api/versions?count=1"), [&](http::Response) { called = true; });
  drain(*client);
  ASSERT_TRUE(called);
  EXPECT_LT(timed(true), 10s) << "after a request";
  EXPECT_GE(timed(false), 250ms) << "returned with nothing to read";
  close(fds[0]);
  close(fds[1]);
}

TEST_F(CurlClient, APostWithBodyAndHeadersReachesTheService) {
  http::Request r;
  r.method = "POST";
  r.url = service_.url("/api/refresh");
  r.headers = {{"Authorization", "Bearer tok-123"}, {"Content-Type", "application/json"}};
  r.body = R"({"type": "sales", "version": "2026-11"})";
  http::Response answer = fetch(r);
  ASSERT_TRUE(answer.ok()) << answer.error;
  EXPECT_EQ(answer.status, 202);
  EXPECT_EQ(json::parse(answer.body)["status"], "QUEUED");
  ASSERT_NE(answer.header("location"), nullptr);
  EXPECT_EQ(*answer.header("location"),
            "/api/status/" + json::parse(answer.body)["jobId"].get<std::string>());

  json headers = json::parse(service_.get("/api/last-headers").body);
  EXPECT_EQ(headers["authorization"], "Bearer tok-123");
  EXPECT_EQ(headers["content-type"], "application/json");
  EXPECT_EQ(headers["user-agent"], "refreshctl/" REFRESHCTL_VERSION);
  EXPECT_FALSE(headers.contains("expect")) << "no 100-continue round trip";
  EXPECT_EQ(stats()["triggers"]["sales/2026-11"], 1);
}

TEST_F(CurlClient, AJsonStatusBodyAndItsCodeArrive) {
  http::Request trigger = get("/api/refresh?type=cube&version=will-fail&duration=0ms");
  trigger.method = "POST";
  std::string id = json::parse(fetch(trigger).body)["jobId"];
  http::Response status = service_.get("/api/status/" + id);
  ASSERT_TRUE(status.ok()) << status.error;
  EXPECT_EQ(status.status, 200);
  EXPECT_EQ(*status.header("content-type"), "application/json");
  EXPECT_EQ(status.effective_url, service_.url("/api/status/" + id));
  json body = json::parse(status.body);
  EXPECT_EQ(body["status"], "FAILED");
  EXPECT_EQ(body["errorMessage"], "refresh of cube/will-fail failed on purpose");
}

TEST_F(CurlClient, AnUnknownPathIsA404NotAFailure) {
  http::Response r = service_.get("/no/such/path");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 404);
  http::Request put = get("/api/refresh");
  put.method = "PUT";
  EXPECT_EQ(fetch(put).status, 405) << "a custom method is sent as such";
}

TEST_F(CurlClient, ARedirectIsFollowedAndOnlyTheFinalHeadersAreKept) {
  http::Response r = service_.get("/api/redirect?to=" + url_encode(service_.url("/api/stats")));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.effective_url, service_.url("/api/stats"));
  EXPECT_EQ(r.header("location"), nullptr);
  EXPECT_EQ(stats()["requests"], 3) << "the redirect, its target, and this request";
}

TEST_F(CurlClient, ARedirectToAFileUrlIsRefused) {
  http::Response r = service_.get("/api/redirect-file");
  EXPECT_EQ(r.failure, Failure::kBadScheme);
  EXPECT_EQ(r.error, "redirect to a file:// URL refused (only http and https are allowed)");
  EXPECT_TRUE(r.body.empty());
}

TEST_F(CurlClient, ANonHttpUrlIsRefusedBeforeAnyRequest) {
  http::Response r = http_get("file:///etc/passwd");
  EXPECT_EQ(r.failure, Failure::kBadScheme);
  EXPECT_EQ(r.error, "file:// URLs are refused (only http and https are allowed)");
}

TEST_F(CurlClient, MoreRedirectsThanAllowedFail) {
  std::string url = service_.url("/api/stats");
  for (int i = 0; i < 3; ++i) url = service_.url("/api/redirect?to=" + url_encode(url));
  http::Request r;
  r.url = url;
  r.max_redirects = 2;
  http::Response answer = fetch(r);
  EXPECT_EQ(answer.failure, Failure::kTooManyRedirects);
  EXPECT_EQ(answer.error, "more than 2 redirects (the last to " + service_.url("/api/stats") + ")");
}

TEST_F(CurlClient, ARedirectLoopEndsAtTheRedirectLimit) {
  http::Request r;
  r.url = service_.url("/api/loop");
  r.max_redirects = 3;
  http::Response answer = fetch(r);
  EXPECT_EQ(answer.failure, Failure::kTooManyRedirects) << answer.error;
  EXPECT_EQ(stats()["requests"], 5) << "the first, three redirects followed, and this one";
}

TEST_F(CurlClient, ARedirectToAnotherPortIsRefusedUnlessAnyHostIsAllowed) {
  ExampleService other;
  http::Request r;
  r.url = service_.url("/api/redirect?to=" + url_encode(other.url("/api/last-headers")));
  r.headers = {{"X-Api-Key", "k-123456"}, {"Content-Type", "application/json"}};
  http::Response refused = fetch(r);
  EXPECT_EQ(refused.failure, Failure::kRedirectRefused);
  EXPECT_EQ(refused.error,
            "redirect to " + other.url("/api/last-headers") +
                " refused: it leaves http://127.0.0.1:" + std::to_string(service_.port()) +
                " (follow_redirects = \"same-host\"; write follow_redirects = "
                "\"any\" to allow it)");
  EXPECT_EQ(json::parse(other.get("/api/stats").body)["requests"], 1) << "only this one";

  r.redirects = http::Redirects::kAny;
  r.url = service_.url("/api/redirect?code=307&to=" +
                       url_encode(other.url("/api/refresh?type=t&version=v")));
  r.method = "POST";
  r.body = "{}";
  http::Response followed = fetch(r);
  ASSERT_TRUE(followed.ok()) << followed.error;
  EXPECT_EQ(followed.status, 202);
  auto headers = json::parse(other.get("/api/last-headers").body);
  EXPECT_FALSE(headers.contains("x-api-key")) << headers;
  EXPECT_EQ(headers["content-type"], "application/json") << "what the body needs goes along";
}

TEST_F(CurlClient, ARedirectToTheMetadataAddressIsRefusedBeforeAnyConnection) {
  http::Request r;
  r.redirects = http::Redirects::kAny;
  r.url =
      service_.url("/api/redirect?to=" + url_encode("http://169.254.169.254/latest/meta-data/"));
  http::Response answer = fetch(r);
  EXPECT_EQ(answer.failure, Failure::kRedirectRefused);
  EXPECT_NE(answer.error.find("169.254.169.254 is a link-local or cloud metadata address"),
            std::string::npos)
      << answer.error;
}

TEST_F(CurlClient, ARedirectNeverTurnsAPostIntoAGet) {
  for (int code : {301, 302, 303}) {
    http::Request r;
    r.method = "POST";
    r.body = R"({"type":"t","version":"v"})";
    r.url = service_.url("/api/redirect?code=" + std::to_string(code) + "&to=%2Fapi%2Frefresh");
    http::Response answer = fetch(r);
    EXPECT_EQ(answer.failure, Failure::kRedirectRefused) << code;
    EXPECT_NE(answer.error.find("would turn the POST into a GET"), std::string::npos);
  }
  EXPECT_EQ(json::parse(service_.get("/api/stats").body)["triggers"].size(), 0u);
}

TEST_F(CurlClient, AUrlLibcurlRefusesIsRefusedBeforeSendingNotATransportError) {
  http::Response r = http_get(service_.url("/api/stats with spaces"));
  EXPECT_EQ(r.failure, Failure::kRefused);
  EXPECT_NE(r.error.find("the request was refused before sending"), std::string::npos) << r.error;
  EXPECT_EQ(stats()["requests"], 1) << "only this request";
}

TEST_F(CurlClient, ARedirectIsNotFollowedWhenTheRuleIsNone) {
  http::Request r;
  r.redirects = http::Redirects::kNone;
  r.url = service_.url("/api/redirect?to=%2Fapi%2Fstats");
  http::Response answer = fetch(r);
  ASSERT_TRUE(answer.ok()) << answer.error;
  EXPECT_EQ(answer.status, 302);
}

TEST_F(CurlClient, InvalidUtf8InABodyArrivesAsReplacementCharacters) {
  http::Response r = service_.get("/api/reply?body=a%FFb%E2%82");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.body,
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
}

TEST_F(CurlClient, AHugeBodyFailsAsTooLargeWhileAConcurrentRequestSucceeds) {
  auto client = http::make_curl_client();
  http::Response huge, small;
  client->submit(get("/api/huge?mb=64"), [&](http::Response r) { huge = std::move(r); });
  client->submit(get("/api/stats"), [&](http::Response r) { small = std::move(r); });
  drain(*client);
  EXPECT_EQ(huge.failure, Failure::kTooLarge);
  EXPECT_EQ(huge.error, "response body larger than 1 MiB");
  EXPECT_TRUE(huge.body.empty());
  ASSERT_TRUE(small.ok()) << small.error;
  EXPECT_EQ(small.status, 200);
}

TEST_F(CurlClient, ABodyOverTheCapFailsAsTooLargeAlsoWithoutAnAnnouncedLength) {
  // With a Content-Length libcurl refuses the body up front; without one the
  // body is cut off once it passes the cap.
  for (const char* path : {"/api/stats", "/api/huge?mb=2&length=0"}) {
    http::Request r = get(path);
    r.max_body_bytes = 10;
    http::Response answer = fetch(r);
    EXPECT_EQ(answer.failure, Failure::kTooLarge) << path;
    EXPECT_EQ(answer.error, "response body larger than 10 bytes") << path;
  }
  http::Request r = get("/api/huge?mb=2&length=0");
  r.max_body_bytes = 3 << 20;
  http::Response answer = fetch(r);
  ASSERT_TRUE(answer.ok()) << answer.error;
  EXPECT_EQ(answer.body.size(), 2u << 20);
}

TEST(CurlClientFailures, ARefusedConnectionIsAConnectFailure) {
  LoopbackSocket closed(false);
  http::Response r = http_get(closed.url("/api/stats"));
  EXPECT_EQ(r.failure, Failure::kConnect);
  EXPECT_NE(r.error.find("Connection refused"), std::string::npos) << r.error;
}

TEST(CurlClientFailures, AServerThatNeverAnswersTimesOutWithoutLeakingHeaders) {
  LoopbackSocket silent(true);
  http::Request r;
  r.url = silent.url("/api/status/j-1");
  r.headers = {{"Authorization", "Bearer secret-456"}};
  r.total_timeout = 300ms;
  auto start = std::chrono::steady_clock::now();
  http::Response answer = fetch(r);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(answer.failure, Failure::kTimeout);
  EXPECT_NE(answer.error.find("timed out"), std::string::npos) << answer.error;
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 3s);
  EXPECT_EQ(answer.error.find("secret-456"), std::string::npos) << answer.error;
}

TEST_F(CurlClient, CallbacksRunOnlyFromPoll) {
  auto client = http::make_curl_client();
  int called = 0;
  client->submit(get("/api/stats"), [&](http::Response) { ++called; });
  EXPECT_EQ(called, 0);
  EXPECT_EQ(client->pending(), 1u);
  drain(*client);
  EXPECT_EQ(called, 1);
  EXPECT_EQ(client->pending(), 0u);
}

TEST_F(CurlClient, TwoThousandConcurrentRequestsAllCompleteOverFewConnections) {
  http::ClientOptions options;
  options.max_active_transfers = 64;
  options.max_host_connections = 16;
  auto client = http::make_curl_client(options);
  fetch([&] {
    http::Request reset = get("/api/reset");
    reset.method = "POST";
    return reset;
  }());
  constexpr int kRequests = 2000;
  std::vector<int> statuses(kRequests, 0);
  for (int i = 0; i < kRequests; ++i) {
    client->submit(get("/api/status/j-" + std::to_string(i + 1)),
                   [&statuses, i](http::Response r) { statuses[i] = r.ok() ? r.status : -1; });
  }
  EXPECT_EQ(client->pending(), static_cast<size_t>(kRequests));
  drain(*client, 60s);
  EXPECT_EQ(client->pending(), 0u);
  for (int i = 0; i < kRequests; ++i) ASSERT_EQ(statuses[i], 404) << "request " << i;
  json s = stats();
  EXPECT_EQ(s["status_requests"], kRequests);
  EXPECT_LE(s["connections"].get<int>(), 16 + 1) << "at most 16 at once, and the stats request";
}

TEST_F(CurlClient, SequentialRequestsReuseOneConnection) {
  http::Request reset = get("/api/reset");
  reset.method = "POST";
  ASSERT_TRUE(fetch(reset).ok());
  auto client = http::make_curl_client();
  int answered = 0;
  for (int i = 0; i < 50; ++i) {
    client->submit(get("/api/stats"), [&](http::Response r) { answered += r.status == 200; });
    drain(*client);
  }
  EXPECT_EQ(answered, 50);
  EXPECT_EQ(stats()["connections"], 2) << "one for the 50 requests, one for this one";
}

}  // namespace
}  // namespace refreshctl::testing

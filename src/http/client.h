// The HTTP seam: the run engine submits requests and gets callbacks; it knows
// nothing of libcurl. The libcurl implementation (curl_client.cpp) runs every
// transfer on one multi handle in the caller's thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace refreshctl::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Which redirects a request follows (SPEC §7). Never, whatever this says: to
// a scheme other than http/https, to a link-local or metadata address, or a
// 301/302/303 that would turn a request with a body (POST) into a GET.
enum class Redirects {
  kSameHost,  // only to the same scheme, host and port
  kAny,       // to any host; the request's headers are not sent to another host
  kNone,      // the 3xx answer is the response
};

struct Request {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{60'000};
  size_t max_body_bytes = 1 << 20;  // a larger response body fails the request
  int max_redirects = 5;
  Redirects redirects = Redirects::kSameHost;
  bool insecure = false;  // skip TLS verification; only when the target says so
  std::string ca_bundle;  // empty: the system's CA store
};

// How a transfer ended before or instead of an HTTP status.
enum class Failure {
  kNone,       // an HTTP response arrived (any status)
  kConnect,    // DNS or TCP connect failed: the request certainly did not reach the server
  kTimeout,    // connect or total timeout
  kTooLarge,   // body over max_body_bytes
  kBadScheme,  // not http/https, also after a redirect
  kTooManyRedirects,
  kTls,              // certificate or handshake failure
  kTransport,        // reset, closed, protocol error: the request may have reached the server
  kRefused,          // refused before anything was sent (a URL or header libcurl rejects)
  kRedirectRefused,  // a redirect the rules do not allow; the response is not followed
  kCancelled,        // never started: cancel_unstarted() called it back unsent
};

struct Response {
  Failure failure = Failure::kNone;
  std::string error;  // human-readable cause when failure != kNone ("connection refused"),
                      // valid UTF-8
  long status = 0;    // HTTP status when failure == kNone
  Headers headers;    // of the final response; names lower-cased; values valid UTF-8
  std::string body;   // valid UTF-8: invalid bytes are replaced by U+FFFD
  std::string effective_url;

  bool ok() const { return failure == Failure::kNone; }
  // Returns the first header with this (lower-case) name, or nullptr.
  const std::string* header(const std::string& lower_name) const;
};

using Callback = std::function<void(Response)>;

class Client {
 public:
  virtual ~Client() = default;
  // Queues `request`. `done` is called exactly once, from inside poll(), never
  // from submit() itself.
  virtual void submit(Request request, Callback done) = 0;
  // Drives transfers, invoking callbacks of those that ended; waits at most
  // `max_wait` for activity. Returns promptly once any callback ran, or
  // once `also` (a socket of the caller's, unless -1) has something to read.
  virtual void poll(std::chrono::milliseconds max_wait, int also = -1) = 0;
  // Requests submitted and not yet called back.
  virtual size_t pending() const = 0;
  // How many more requests would start at the next poll() (free transfer
  // slots not claimed by queued requests). A trigger is committed as
  // "triggering" only when it can leave at once: one left waiting in the
  // queue when the process dies would be recorded unknown though never sent.
  virtual size_t idle_capacity() const = 0;
  // Calls back, now and with Failure::kCancelled, every request still waiting
  // for a free transfer slot: none of them has sent a byte. Requests already
  // started are left to end (or to be dropped with the client).
  virtual void cancel_unstarted() = 0;
};

struct ClientOptions {
  size_t max_active_transfers = 256;  // more are queued, not started
  size_t max_host_connections = 64;   // kept alive and reused per host
  std::string user_agent;             // empty: "refreshctl/<version>"
};

std::unique_ptr<Client> make_curl_client(const ClientOptions& options = {});

}  // namespace refreshctl::http

#include "http/curl_transfer.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>
#include <utility>

#include "util/url.h"
#include "util/utf8.h"

namespace refreshctl::http {

const std::string* Response::header(const std::string& lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return &value;
  return nullptr;
}

namespace detail {
namespace {

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  if (t->response.body.size() + n > t->request.max_body_bytes) {
    t->body_too_large = true;
    return 0;  // ends the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, n);
  return n;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  if (line.substr(0, 5) == "HTTP/") {
    t->response.headers.clear();  // a new response: after a redirect, or a 100 Continue
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  t->response.headers.emplace_back(std::move(name), trim(line.substr(colon + 1)));
  return n;
}

void set_method_and_body(Transfer& t) {
  CURL* e = t.easy;
  const Request& r = t.request;
  if (r.method == "GET" && r.body.empty()) {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    return;
  }
  if (r.method == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    return;
  }
  if (r.method == "POST" || !r.body.empty()) {
    // The body lives in the transfer until it ends, so libcurl need not copy it.
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.c_str());
  }
  if (r.method != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
}

void set_headers(Transfer& t) {
  // No "Expect: 100-continue" round trip before a body.
  t.headers = curl_slist_append(nullptr, "Expect:");
  for (const auto& [name, value] : t.request.headers) {
    // "Name;" is libcurl's way to send a header with an empty value.
    std::string line = name;
    line += value.empty() ? ";" : ": ";
    line += value;
    t.headers = curl_slist_append(t.headers, line.c_str());
  }
  curl_easy_setopt(t.easy, CURLOPT_HTTPHEADER, t.headers);
}

std::string human_size(size_t bytes) {
  if (bytes >= (1 << 20) && bytes % (1 << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes >= (1 << 10) && bytes % (1 << 10) == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} bytes", bytes);
}

std::string scheme_of(std::string_view url) {
  size_t colon = url.find("://");
  std::string scheme(colon == std::string_view::npos ? std::string_view() : url.substr(0, colon));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return scheme;
}

Failure classify(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return Failure::kConnect;
    case CURLE_OPERATION_TIMEDOUT:
      return Failure::kTimeout;
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Failure::kBadScheme;
    case CURLE_TOO_MANY_REDIRECTS:
      return Failure::kTooManyRedirects;
    case CURLE_FILESIZE_EXCEEDED:
      return Failure::kTooLarge;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
      return Failure::kTls;
    default:
      return Failure::kTransport;
  }
}

std::string requested_scheme_message(const Transfer& t) {
  std::string requested = scheme_of(t.request.url);
  if (requested.empty()) return fmt::format("\"{}\" is not a URL", t.request.url);
  return fmt::format("{}:// URLs are refused (only http and https are allowed)", requested);
}

// Sockets for a request reached through a redirect: never to a link-local
// or metadata address, whatever name the redirect used. Refusing here, before
// connect(), means not one packet goes there.
curl_socket_t open_checked_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  (void)purpose;
  char text[INET6_ADDRSTRLEN] = "";
  if (address->family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&address->addr)->sin_addr, text,
              sizeof text);
  } else if (address->family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&address->addr)->sin6_addr, text,
              sizeof text);
  }
  if (t->hops > 0 && (text[0] == '\0' || is_forbidden_redirect_host(text))) {
    t->refused_address = text[0] != '\0' ? text : "an address of an unknown family";
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

std::string error_message(const Transfer& t, CURLcode code, Failure failure) {
  switch (failure) {
    case Failure::kTooLarge:
      return "response body larger than " + human_size(t.request.max_body_bytes);
    case Failure::kBadScheme:
      return requested_scheme_message(t);
    case Failure::kRedirectRefused:
      return fmt::format(
          "redirect to {} refused: {} is a link-local or cloud metadata address, "
          "which is never followed",
          t.request.url, t.refused_address);
    case Failure::kTooManyRedirects:
      return fmt::format("more than {} redirects", t.request.max_redirects);
    default: {
      std::string text(trim(t.error[0] != '\0' ? t.error : curl_easy_strerror(code)));
      long os_errno = 0;
      curl_easy_getinfo(t.easy, CURLINFO_OS_ERRNO, &os_errno);
      // "Couldn't connect to server" says less than "Connection refused".
      if (code == CURLE_COULDNT_CONNECT && os_errno != 0)
        text += fmt::format(" ({})", std::strerror(static_cast<int>(os_errno)));
      // A reply that is not HTTP at all (HTTP/0.9, garbage) says so plainly.
      if (code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_WEIRD_SERVER_REPLY)
        return "the answer is not HTTP/1.x or HTTP/2 (" + text + ")";
      if (failure == Failure::kRefused) return "the request was refused before sending: " + text;
      return text;
    }
  }
}

}  // namespace

Transfer::Transfer() : easy(curl_easy_init()) {}

Transfer::~Transfer() {
  curl_slist_free_all(headers);
  if (easy != nullptr) curl_easy_cleanup(easy);
}

void configure(Transfer& t, const std::string& user_agent) {
  CURL* e = t.easy;
  const Request& r = t.request;
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  // Redirects are followed by next_hop(), one request at a time, so that each
  // is checked against the rules before it is sent.
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  // "/api/status/.." stays as written; a value never climbs the path.
  curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_checked_socket);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &t);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(r.total_timeout.count()));
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(r.max_body_bytes));
  curl_easy_setopt(e, CURLOPT_USERAGENT, user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, r.insecure ? 0L : 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, r.insecure ? 0L : 2L);
  if (!r.ca_bundle.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, r.ca_bundle.c_str());
  set_method_and_body(t);
  set_headers(t);
}

namespace {

// How a failed transfer ended, from libcurl's code and what was sent.
Failure classify_failure(const Transfer& t, CURLcode code) {
  if (t.body_too_large) return Failure::kTooLarge;
  if (!t.refused_address.empty()) return Failure::kRedirectRefused;
  std::string scheme = scheme_of(t.request.url);
  if (code == CURLE_UNSUPPORTED_PROTOCOL && scheme != "http" && scheme != "https")
    return Failure::kBadScheme;
  if (code == CURLE_URL_MALFORMAT || code == CURLE_BAD_FUNCTION_ARGUMENT ||
      code == CURLE_NOT_BUILT_IN || code == CURLE_UNKNOWN_OPTION)
    return Failure::kRefused;
  Failure failure = classify(code);
  if (failure == Failure::kBadScheme) return Failure::kTransport;  // HTTP/0.9 and the like
  if (failure == Failure::kTimeout || failure == Failure::kTransport) {
    // Not one byte of the request left: as safe to send again as a refused
    // connection (a connect timeout, a reset before the request).
    long request_bytes = 0;
    curl_easy_getinfo(t.easy, CURLINFO_REQUEST_SIZE, &request_bytes);
    if (request_bytes == 0) return Failure::kConnect;
  }
  return failure;
}

}  // namespace

void finish(Transfer& t, CURLcode code) {
  Response& r = t.response;
  char* url = nullptr;
  if (curl_easy_getinfo(t.easy, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK && url != nullptr)
    r.effective_url = sanitize_utf8(url);
  curl_slist_free_all(t.headers);
  t.headers = nullptr;
  if (code == CURLE_OK) {
    curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &r.status);
    // Valid UTF-8 from here on: nothing downstream (JSON, the database) can
    // then choke on what a service sent.
    r.body = sanitize_utf8(r.body);
    for (auto& header : r.headers) header.second = sanitize_utf8(header.second);
    return;
  }
  r.failure = classify_failure(t, code);
  r.error = sanitize_utf8(error_message(t, code, r.failure));
  r.status = 0;
  r.body.clear();
  r.headers.clear();
}

void clear(Transfer& t) {
  curl_easy_reset(t.easy);
  curl_slist_free_all(t.headers);
  t.headers = nullptr;
  t.request = Request{};
  t.done = nullptr;
  t.response = Response{};
  t.error[0] = '\0';
  t.body_too_large = false;
  t.hops = 0;
  t.first_url.clear();
  t.refused_address.clear();
}

}  // namespace detail
}  // namespace refreshctl::http

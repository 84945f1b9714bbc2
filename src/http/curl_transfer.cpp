#include "http/curl_transfer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>
#include <utility>

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

// Why a URL was refused: the request's own, or one a redirect pointed to.
std::string bad_scheme_message(const Transfer& t) {
  std::string requested = scheme_of(t.request.url);
  if (requested != "http" && requested != "https" && !requested.empty())
    return fmt::format("{}:// URLs are refused (only http and https are allowed)", requested);
  char* target = nullptr;
  curl_easy_getinfo(t.easy, CURLINFO_REDIRECT_URL, &target);
  std::string scheme = scheme_of(target != nullptr ? target : t.response.effective_url);
  if (scheme.empty() || scheme == "http" || scheme == "https") scheme = "non-HTTP";
  return fmt::format("redirect to a {}:// URL refused (only http and https are allowed)", scheme);
}

std::string error_message(const Transfer& t, CURLcode code, Failure failure) {
  switch (failure) {
    case Failure::kTooLarge:
      return "response body larger than " + human_size(t.request.max_body_bytes);
    case Failure::kBadScheme:
      return bad_scheme_message(t);
    case Failure::kTooManyRedirects:
      return fmt::format("more than {} redirects", t.request.max_redirects);
    default: {
      std::string text(trim(t.error[0] != '\0' ? t.error : curl_easy_strerror(code)));
      long os_errno = 0;
      curl_easy_getinfo(t.easy, CURLINFO_OS_ERRNO, &os_errno);
      // "Couldn't connect to server" says less than "Connection refused".
      if (code == CURLE_COULDNT_CONNECT && os_errno != 0)
        text += fmt::format(" ({})", std::strerror(static_cast<int>(os_errno)));
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
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, r.max_redirects > 0 ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, static_cast<long>(r.max_redirects));
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

void finish(Transfer& t, CURLcode code) {
  Response& r = t.response;
  char* url = nullptr;
  if (curl_easy_getinfo(t.easy, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK && url != nullptr)
    r.effective_url = url;
  curl_slist_free_all(t.headers);
  t.headers = nullptr;
  if (code == CURLE_OK) {
    curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &r.status);
    return;
  }
  r.failure = t.body_too_large ? Failure::kTooLarge : classify(code);
  r.error = error_message(t, code, r.failure);
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
}

}  // namespace detail
}  // namespace refreshctl::http

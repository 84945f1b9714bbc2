// Following redirects one request at a time, each checked before it is sent
// (SPEC §7): http and https only; never to a link-local or metadata address;
// to another scheme, host or port only when the target allows it, and then
// without the target's headers; and never a POST turned into a GET.
#include <fmt/format.h>

#include "http/curl_transfer.h"
#include "util/url.h"

namespace refreshctl::http::detail {
namespace {

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

void refuse(Transfer& t, Failure failure, std::string message) {
  Response& r = t.response;
  r.failure = failure;
  r.error = std::move(message);
  r.status = 0;
  r.body.clear();
  r.headers.clear();
}

std::string scheme_of(const std::string& url) {
  size_t colon = url.find(':');
  return colon == std::string::npos ? "" : url.substr(0, colon);
}

// Only what the body needs goes to another host: the rest (Authorization,
// X-Api-Key, ...) was written for the target's own host.
Headers headers_for_another_host(const Headers& headers) {
  Headers kept;
  for (const auto& [name, value] : headers) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "content-type") kept.emplace_back(name, value);
  }
  return kept;
}

}  // namespace

std::optional<Hop> next_hop(Transfer& t) {
  Response& r = t.response;
  const Request& request = t.request;
  if (!r.ok() || !is_redirect(r.status) || request.redirects == Redirects::kNone)
    return std::nullopt;
  char* location = nullptr;
  curl_easy_getinfo(t.easy, CURLINFO_REDIRECT_URL, &location);
  if (location == nullptr || *location == '\0') return std::nullopt;  // a 3xx without Location
  std::string to = location;
  if (t.hops >= request.max_redirects) {
    refuse(t, Failure::kTooManyRedirects,
           fmt::format("more than {} redirects (the last to {})", request.max_redirects, to));
    return std::nullopt;
  }
  auto target = url_origin(to);
  if (!target) {
    std::string scheme = scheme_of(to);
    refuse(t, Failure::kBadScheme,
           fmt::format("redirect to a {}:// URL refused (only http and https are allowed)",
                       scheme.empty() ? "non-HTTP" : scheme));
    return std::nullopt;
  }
  if (is_forbidden_redirect_host(target->host)) {
    refuse(t, Failure::kRedirectRefused,
           fmt::format("redirect to {} refused: {} is a link-local or cloud metadata address, "
                       "which is never followed",
                       to, target->host));
    return std::nullopt;
  }
  const std::string& first = t.first_url.empty() ? request.url : t.first_url;
  auto origin = url_origin(first);
  bool same_host = origin && *origin == *target && !target->has_userinfo;
  if (!same_host && request.redirects == Redirects::kSameHost) {
    refuse(t, Failure::kRedirectRefused,
           fmt::format("redirect to {} refused: it leaves {} (follow_redirects = \"same-host\"; "
                       "write follow_redirects = \"any\" to allow it)",
                       to, origin ? to_string(*origin) : first));
    return std::nullopt;
  }
  bool keeps_method = r.status == 307 || r.status == 308;
  if (!keeps_method && (request.method != "GET" || !request.body.empty())) {
    refuse(t, Failure::kRedirectRefused,
           fmt::format("the {} was answered HTTP {} with a redirect to {}; following it would "
                       "turn the {} into a GET without its body, so it is not followed (point "
                       "the URL at the new address, or have the service answer 307 or 308)",
                       request.method, r.status, to, request.method));
    return std::nullopt;
  }
  Hop hop{request, t.hops + 1, first};
  hop.request.url = to;
  if (!same_host) hop.request.headers = headers_for_another_host(request.headers);
  return hop;
}

}  // namespace refreshctl::http::detail

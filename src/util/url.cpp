#include "util/url.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace refreshctl {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool forbidden_v4(uint32_t a) {
  return (a >> 16) == 0xA9FE ||  // 169.254.0.0/16, link-local (metadata 169.254.169.254)
         a == 0x646464C8 ||      // 100.100.100.200, Alibaba Cloud metadata
         a == 0xA83F8110 ||      // 168.63.129.16, Azure host services
         a == 0;                 // 0.0.0.0
}

bool forbidden_v6(const unsigned char* b) {
  static const unsigned char kEc2[16] = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0,    0,
                                         0,    0,    0,    0,    0, 0, 0x02, 0x54};
  static const unsigned char kZero[16] = {};
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;  // fe80::/10
  if (std::memcmp(b, kEc2, 16) == 0 || std::memcmp(b, kZero, 16) == 0) return true;
  // An IPv4-mapped address (::ffff:a.b.c.d) is judged as its IPv4 address.
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, kMapped, 12) == 0) {
    uint32_t a = (uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) | (uint32_t{b[14]} << 8) | b[15];
    return forbidden_v4(a);
  }
  return false;
}

}  // namespace

std::optional<UrlOrigin> url_origin(std::string_view url) {
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  UrlOrigin o;
  o.scheme = lower(url.substr(0, sep));
  if (o.scheme != "http" && o.scheme != "https") return std::nullopt;
  std::string_view rest = url.substr(sep + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find_first_of("\\ \t\r\n") != std::string_view::npos) return std::nullopt;
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    o.has_userinfo = true;
    authority.remove_prefix(at + 1);
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    o.host = lower(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else {
    size_t colon = authority.find(':');
    o.host = lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (o.host.empty()) return std::nullopt;
  if (!o.host.empty() && o.host.back() == '.') o.host.pop_back();  // "host." is "host"
  o.port = o.scheme == "https" ? 443 : 80;
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit)) return std::nullopt;
    o.port = std::stoi(std::string(port));
    if (o.port > 65535) return std::nullopt;
  }
  return o;
}

std::string to_string(const UrlOrigin& o) {
  std::string host = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
  return fmt::format("{}://{}:{}", o.scheme, host, o.port);
}

bool is_forbidden_redirect_host(std::string_view host_in) {
  std::string host = lower(host_in);
  if (!host.empty() && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  while (!host.empty() && host.back() == '.') host.pop_back();
  if (host == "metadata.google.internal" || host == "metadata" || host == "instance-data" ||
      host == "metadata.azure.internal") {
    return true;
  }
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return forbidden_v4(ntohl(v4.s_addr));
  in6_addr v6{};
  if (size_t pct = host.find('%'); pct != std::string::npos) host.resize(pct);  // fe80::1%eth0
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return forbidden_v6(v6.s6_addr);
  return false;
}

}  // namespace refreshctl

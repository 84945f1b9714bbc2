// The origin of a URL (scheme, host, port), for the rules that keep a
// request or a redirect on the host a target names, and the addresses a
// redirect may never reach.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace refreshctl {

struct UrlOrigin {
  std::string scheme;  // lower case: "http", "https"
  std::string host;    // lower case; an IPv6 address without brackets
  int port = 0;        // the scheme's default when the URL has none
  bool has_userinfo = false;
  bool operator==(const UrlOrigin&) const = default;
};

// The origin of an absolute http:// or https:// URL; nullopt for anything
// else, and for text a URL parser could read two ways (a backslash or a
// space in the authority, a port that is not a number).
std::optional<UrlOrigin> url_origin(std::string_view url);

// "http://host:port" for messages.
std::string to_string(const UrlOrigin& origin);

// True for an address no redirect may reach: link-local (169.254.0.0/16,
// fe80::/10, which hold the cloud metadata services), the metadata addresses
// outside that range (fd00:ec2::254, 100.100.100.200, 168.63.129.16), the
// unspecified address, and metadata host names (metadata.google.internal,
// metadata). `host` is a name or a literal IPv4/IPv6 address.
bool is_forbidden_redirect_host(std::string_view host);

}  // namespace refreshctl

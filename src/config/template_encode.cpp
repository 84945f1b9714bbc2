// Rendering the parts of a request: each value encoded for where it stands
// in a URL, a header or a body (docs/templates.md).
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "config/template.h"
#include "config/template_detail.h"
#include "util/encode.h"

namespace refreshctl {

using template_detail::render_with;
using template_detail::Slot;
using template_detail::walk;

namespace {

// The part of a URL that the text written so far ends in.
enum class UrlPart {
  kStart,      // nothing yet: the value is the whole URL
  kScheme,     // before "://"
  kHost,       // after "scheme://", nothing of the host yet
  kOriginEnd,  // right after "scheme://host[:port]"
  kPath,
  kQuery,
  kFragment,
};

UrlPart url_part(std::string_view so_far) {
  if (so_far.empty()) return UrlPart::kStart;
  size_t scheme_end = so_far.find("://");
  if (scheme_end == std::string_view::npos) return UrlPart::kScheme;
  size_t host = scheme_end + 3;
  size_t path = so_far.find_first_of("/?#", host);
  if (path == std::string_view::npos)
    return host == so_far.size() ? UrlPart::kHost : UrlPart::kOriginEnd;
  if (so_far.find('#', path) != std::string_view::npos) return UrlPart::kFragment;
  if (so_far.find('?', path) != std::string_view::npos) return UrlPart::kQuery;
  return UrlPart::kPath;
}

bool is_host_text(std::string_view v) {
  return !v.empty() && std::all_of(v.begin(), v.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-';
  });
}

bool is_absolute_http_url(std::string_view v) {
  auto starts = [&](std::string_view p) {
    if (v.size() < p.size()) return false;
    for (size_t i = 0; i < p.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(v[i])) != p[i]) return false;
    }
    return true;
  };
  return starts("http://") || starts("https://");
}

// A path segment: everything but unreserved characters and ":@" encoded, and
// a segment of dots (".", "..") encoded too, so it cannot climb the path.
std::string encode_segment(std::string_view value) {
  if (!value.empty() && value.find_first_not_of('.') == std::string_view::npos) {
    std::string dots;
    for (size_t i = 0; i < value.size(); ++i) dots += "%2E";
    return dots;
  }
  return percent_encode(value, ":@");
}

Error cannot_stand(const Slot& slot, std::string_view where) {
  return make_error(fmt::format("{} cannot stand {} of the URL", slot.label(), where));
}

}  // namespace

Result<RenderedUrl> render_url(std::string_view text,
                               const TemplateVars& vars,
                               const ReferenceResolver& resolver,
                               bool allow_verbatim) {
  bool verbatim = false;
  auto url = render_with(
      text, vars, resolver,
      [&](const Slot& slot, const std::string& value, std::string& out) -> Result<void> {
        // Control characters and spaces never belong in a URL; libcurl
        // would refuse it, or worse, send it.
        if (find_control_character(value) != std::string::npos) {
          return make_error(
              fmt::format("{} holds a control character, which a URL cannot", slot.label()));
        }
        switch (url_part(out)) {
          case UrlPart::kStart:
            if (slot.placeholder && !allow_verbatim) return cannot_stand(slot, "at the start");
            if (slot.placeholder) verbatim = true;
            if (value.find(' ') != std::string::npos)
              return make_error(fmt::format("{} holds a space, which a URL cannot", slot.label()));
            out += value;
            return {};
          case UrlPart::kScheme:
            return cannot_stand(slot, "in the scheme");
          case UrlPart::kHost:
            if (!is_host_text(value))
              return cannot_stand(slot,
                                  fmt::format("in the host (\"{}\" is not a host name)", value));
            out += value;
            return {};
          case UrlPart::kOriginEnd:
            if (value.front() == '/' || value.front() == '?') {
              // The path and query after the origin, as a Location header gives it.
              if (slot.placeholder && !allow_verbatim)
                return cannot_stand(slot, "as the whole path");
              if (value.find(' ') != std::string::npos)
                return make_error(
                    fmt::format("{} holds a space, which a URL cannot", slot.label()));
              if (slot.placeholder) verbatim = true;
              out += value;
              return {};
            }
            if (slot.placeholder && allow_verbatim && is_absolute_http_url(value)) {
              // An absolute URL where a path was expected (Location may be
              // either): the value is the whole URL.
              if (value.find(' ') != std::string::npos)
                return make_error(
                    fmt::format("{} holds a space, which a URL cannot", slot.label()));
              verbatim = true;
              out = value;
              return {};
            }
            if (!is_host_text(value))
              return cannot_stand(slot,
                                  fmt::format("in the host (\"{}\" is not a host name)", value));
            out += value;
            return {};
          case UrlPart::kPath:
            out += encode_segment(value);
            return {};
          case UrlPart::kQuery:
          case UrlPart::kFragment:
            out += percent_encode(value);
            return {};
        }
        return {};
      });
  if (!url.ok()) return std::move(url).take_error();
  return RenderedUrl{std::move(url).value(), verbatim};
}

Result<std::string> render_header(std::string_view text,
                                  const TemplateVars& vars,
                                  const ReferenceResolver& resolver) {
  auto checked = [](const std::string& what, std::string_view value) -> Result<void> {
    if (find_control_character(value, "\t") == std::string::npos) return {};
    return make_error(fmt::format(
        "{} holds a control character (CR, LF, NUL or another); refused, so that nothing can be "
        "smuggled into the request",
        what));
  };
  auto rendered = render_with(
      text, vars, resolver,
      [&](const Slot& slot, const std::string& value, std::string& out) -> Result<void> {
        RCTL_TRY(checked(slot.label(), value));
        out += value;
        return {};
      });
  if (rendered.ok()) RCTL_TRY(checked("the value", *rendered));
  return rendered;
}

BodyKind body_kind(std::string_view body, const HeaderList& headers) {
  // Every slot taken for the value 0: a JSON document with placeholders in
  // its strings or as its numbers still parses.
  std::string probe;
  auto walked = walk(
      body,
      [&](std::string_view literal) -> Result<void> {
        probe += literal;
        return {};
      },
      [&](const Slot&) -> Result<void> {
        probe += '0';
        return {};
      });
  if (walked.ok()) {
    auto doc = nlohmann::json::parse(probe, nullptr, false);
    if (!doc.is_discarded() && (doc.is_object() || doc.is_array())) return BodyKind::kJson;
  }
  for (const auto& [name, value] : headers) {
    std::string lower_name = name, lower_value = value;
    std::transform(lower_name.begin(), lower_name.end(), lower_name.begin(), ::tolower);
    std::transform(lower_value.begin(), lower_value.end(), lower_value.begin(), ::tolower);
    if (lower_name == "content-type" &&
        lower_value.find("application/x-www-form-urlencoded") != std::string::npos) {
      return BodyKind::kForm;
    }
  }
  return BodyKind::kText;
}

Result<std::string> render_body(std::string_view text,
                                BodyKind kind,
                                const TemplateVars& vars,
                                const ReferenceResolver& resolver) {
  // Tracks whether the text written so far ends inside a JSON string.
  bool in_string = false;
  bool escaped = false;
  auto track = [&](std::string_view literal) {
    for (char c : literal) {
      if (escaped) {
        escaped = false;
      } else if (in_string && c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = !in_string;
      }
    }
  };
  std::string out;
  auto rendered = walk(
      text,
      [&](std::string_view literal) -> Result<void> {
        track(literal);
        out += literal;
        return {};
      },
      [&](const Slot& slot) -> Result<void> {
        auto value = template_detail::value_of(slot, vars, resolver);
        if (!value.ok()) return std::move(value).take_error();
        if (kind == BodyKind::kForm) {
          out += percent_encode(*value);
          return {};
        }
        if (kind == BodyKind::kJson && in_string) {
          out += json_escape(*value);
          return {};
        }
        // Text as it is; outside a JSON string only a JSON number or keyword.
        if (kind == BodyKind::kJson && !is_json_scalar_literal(*value)) {
          return make_error(fmt::format(
              "{} stands outside a JSON string, and its value is not a JSON number, true, false "
              "or null (put the placeholder in quotes)",
              slot.label()));
        }
        out += *value;
        return {};
      });
  if (!rendered.ok()) return std::move(rendered).take_error();
  return out;
}

}  // namespace refreshctl

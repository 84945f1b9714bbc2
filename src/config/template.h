// Templates in target fields: {{name}} placeholders filled per refresh, and
// ${env:NAME} / ${file:PATH} references resolved at run time only (never
// stored resolved, never logged).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "config/target.h"
#include "util/result.h"

namespace refreshctl {

// The placeholder names a template may use.
inline constexpr const char* kPlaceholders[] = {"data_type", "version", "target",         "slot",
                                                "attempt",   "job_id",  "idempotency_key"};

// Checks the syntax: every {{name}} is known (job_id only where allowed) and
// every ${...} is ${env:NAME} or ${file:PATH}.
Result<void> check_template(std::string_view text, bool allow_job_id);

// True when the text holds an ${env:} or ${file:} reference.
bool has_reference(std::string_view text);

using TemplateVars = std::map<std::string, std::string, std::less<>>;

// Reads ${env:NAME} and ${file:PATH}; replaceable in tests.
struct ReferenceResolver {
  std::function<Result<std::string>(const std::string& name)> env;
  std::function<Result<std::string>(const std::string& path)> file;
};

// The largest ${file:} a template reads; a larger file is an error, never
// read whole.
inline constexpr size_t kMaxReferenceFileBytes = size_t{64} * 1024;

// The resolver of the real process: getenv, and the contents of a regular
// file of at most 64 KiB. Both with one trailing newline ("\n" or "\r\n")
// removed, as curl and kubectl do for files: a Kubernetes Secret or a file
// written by `echo` ends in one. Errors name the reference, and for a relative
// path the directory it was resolved against.
const ReferenceResolver& system_resolver();

// Fills placeholders from `vars` and resolves references, inserting every
// value as it is. Errors name the reference ("${env:CUBE_TOKEN} is not set")
// but never a resolved value. An empty reference is an error.
Result<std::string> render_template(std::string_view text,
                                    const TemplateVars& vars,
                                    const ReferenceResolver& resolver);

// Templates for the parts of a request, each value encoded for where it
// stands (docs/templates.md has the whole rule):
//
// URL: a value in the path is percent-encoded as one segment, in the query or
// fragment as one component. A value at the very start of the URL, or one
// right after `scheme://host[:port]` that begins with "/" (the path and
// query), goes in as is when `allow_verbatim`; `verbatim` then says so, and
// the caller checks the URL's origin. References at the start of the URL (a
// base URL) go in as is; placeholders there need `allow_verbatim`.
struct RenderedUrl {
  std::string url;
  bool verbatim = false;  // a placeholder went in as is
};
Result<RenderedUrl> render_url(std::string_view text,
                               const TemplateVars& vars,
                               const ReferenceResolver& resolver,
                               bool allow_verbatim);

// A header value: values go in as they are, and one holding a control
// character (CR, LF, NUL, ...) is refused, so nothing can be smuggled into
// the request head.
Result<std::string> render_header(std::string_view text,
                                  const TemplateVars& vars,
                                  const ReferenceResolver& resolver);

// How a body template is read: JSON when it is a JSON object or array with
// every placeholder taken for a value; form when Content-Type says
// application/x-www-form-urlencoded; text otherwise.
enum class BodyKind { kJson, kForm, kText };
BodyKind body_kind(std::string_view body, const HeaderList& headers);

// A body: in JSON, a value inside a string is JSON-escaped, and one outside a
// string must be a JSON number, true, false or null; in a form every value is
// percent-encoded; in text it goes in as it is.
Result<std::string> render_body(std::string_view text,
                                BodyKind kind,
                                const TemplateVars& vars,
                                const ReferenceResolver& resolver);

// Where the first control character (a byte below 0x20 other than those in
// `allowed`, or 0x7F) is in `text`, or npos.
size_t find_control_character(std::string_view text, std::string_view allowed = "");

}  // namespace refreshctl

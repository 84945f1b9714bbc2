// libFuzzer target for templates and their encoders. Input: a value, a NUL,
// then a template. Every placeholder takes the value. Properties (the rule
// of docs/templates.md):
//  - a URL whose origin is written literally keeps that origin, and a value
//    adds no "?", "#" or "/" to the path or query the literal text made;
//  - a JSON body stays JSON of the same kind as with a harmless value;
//  - a header value never holds CR, LF or NUL.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "config/template.h"
#include "fuzz_check.h"
#include "util/url.h"
#include "util/utf8.h"

using namespace refreshctl;
using refreshctl::fuzz::check;

namespace {

TemplateVars vars_of(const std::string& value) {
  TemplateVars vars;
  for (const char* name : kPlaceholders) vars[name] = value;
  return vars;
}

ReferenceResolver resolver_of(const std::string& value) {
  auto give = [value](const std::string&) -> Result<std::string> { return value; };
  return {give, give};
}

size_t count(const std::string& s, char c) {
  size_t n = 0;
  for (char x : s) n += x == c;
  return n;
}

void check_url(const std::string& tmpl, const std::string& value) {
  auto safe = render_url(tmpl, vars_of("v"), resolver_of("v"), false);
  auto other = render_url(tmpl, vars_of("w"), resolver_of("v"), false);
  // References are the operator's own text (a base URL): only placeholders
  // carry hostile values here.
  auto url = render_url(tmpl, vars_of(value), resolver_of("v"), false);
  if (!url.ok() || !safe.ok() || !other.ok()) return;
  check(!url->verbatim, "no placeholder goes in as is without allow_verbatim");
  if (tmpl.rfind("http://", 0) != 0 && tmpl.rfind("https://", 0) != 0) return;
  auto origin = url_origin(safe->url);
  if (!origin || url_origin(other->url) != origin) return;  // a placeholder names the host
  auto got = url_origin(url->url);
  check(got && *got == *origin, "a value cannot change the origin a literal URL names");
  check(count(url->url, '?') == count(safe->url, '?'), "a value adds no '?'");
  check(count(url->url, '#') == count(safe->url, '#'), "a value adds no '#'");
  check(count(url->url, '/') == count(safe->url, '/'), "a value adds no '/'");
}

void check_body(const std::string& tmpl, const std::string& value) {
  if (!is_valid_utf8(value)) return;  // values are valid UTF-8 (versions, job ids)
  if (body_kind(tmpl, {}) != BodyKind::kJson) return;
  auto safe = render_body(tmpl, BodyKind::kJson, vars_of("0"), resolver_of("0"));
  auto out = render_body(tmpl, BodyKind::kJson, vars_of(value), resolver_of(value));
  if (!out.ok() || !safe.ok()) return;
  auto a = nlohmann::json::parse(*safe, nullptr, false);
  auto b = nlohmann::json::parse(*out, nullptr, false);
  if (a.is_discarded()) return;  // a template whose literal text is not JSON by itself
  check(!b.is_discarded(), "a JSON body stays JSON whatever the value");
  check(a.type() == b.type(), "a value does not change what the body is");
  if (a.is_array()) check(a.size() == b.size(), "a value adds no element");
}

void check_header(const std::string& tmpl, const std::string& value) {
  auto out = render_header(tmpl, vars_of(value), resolver_of(value));
  if (out.ok()) check(find_control_character(*out, "\t") == std::string::npos, "no CR/LF/NUL");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  size_t nul = input.find('\0');
  if (nul == std::string::npos) return 0;
  std::string value = input.substr(0, nul), tmpl = input.substr(nul + 1);
  if (value.empty()) return 0;
  check_url(tmpl, value);
  check_body(tmpl, value);
  check_header(tmpl, value);
  return 0;
}

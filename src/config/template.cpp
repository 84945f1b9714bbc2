#include "config/template.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "util/text.h"

namespace refreshctl {
namespace {

std::vector<std::string> placeholder_names(bool allow_job_id) {
  std::vector<std::string> names;
  for (const char* name : kPlaceholders) {
    if (allow_job_id || std::string_view(name) != "job_id") names.emplace_back(name);
  }
  return names;
}

// Walks `text`, calling on_literal / on_placeholder / on_reference in order.
// Stops at the first error any of them returns.
template <class Literal, class Placeholder, class Reference>
Result<void> walk(std::string_view text,
                  Literal on_literal,
                  Placeholder on_placeholder,
                  Reference on_reference) {
  size_t i = 0;
  while (i < text.size()) {
    size_t open_brace = text.find("{{", i);
    size_t open_ref = text.find("${", i);
    size_t next = std::min(open_brace, open_ref);
    if (next == std::string_view::npos) {
      on_literal(text.substr(i));
      break;
    }
    on_literal(text.substr(i, next - i));
    if (next == open_brace) {
      size_t close = text.find("}}", next + 2);
      if (close == std::string_view::npos) return make_error("unclosed \"{{\"");
      std::string name(text.substr(next + 2, close - next - 2));
      while (!name.empty() && name.front() == ' ') name.erase(0, 1);
      while (!name.empty() && name.back() == ' ') name.pop_back();
      RCTL_TRY(on_placeholder(name));
      i = close + 2;
    } else {
      size_t close = text.find('}', next + 2);
      if (close == std::string_view::npos) return make_error("unclosed \"${\"");
      std::string_view inner = text.substr(next + 2, close - next - 2);
      size_t colon = inner.find(':');
      std::string kind(inner.substr(0, colon == std::string_view::npos ? inner.size() : colon));
      std::string arg(colon == std::string_view::npos ? "" : inner.substr(colon + 1));
      if ((kind != "env" && kind != "file") || arg.empty()) {
        return make_error(
            fmt::format("\"${{{}}}\" is not a reference (use ${{env:NAME}} or "
                        "${{file:PATH}})",
                        inner));
      }
      RCTL_TRY(on_reference(kind, arg));
      i = close + 1;
    }
  }
  return {};
}

}  // namespace

Result<void> check_template(std::string_view text, bool allow_job_id) {
  auto names = placeholder_names(allow_job_id);
  return walk(
      text, [](std::string_view) {},
      [&](const std::string& name) -> Result<void> {
        for (const auto& known : names) {
          if (known == name) return {};
        }
        if (name == "job_id") {
          return make_error("{{job_id}} is only known in the status request");
        }
        return make_error(fmt::format("unknown placeholder {{{{{}}}}}{} (known: {})", name,
                                      did_you_mean(name, names), join(names, ", ")));
      },
      [](const std::string&, const std::string&) -> Result<void> { return {}; });
}

bool has_reference(std::string_view text) { return text.find("${") != std::string_view::npos; }

const ReferenceResolver& system_resolver() {
  static const ReferenceResolver resolver{
      [](const std::string& name) -> Result<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) return make_error(fmt::format("${{env:{}}} is not set", name));
        return std::string(value);
      },
      [](const std::string& path) -> Result<std::string> {
        std::ifstream in(path, std::ios::binary);
        if (!in) return make_error(fmt::format("${{file:{}}} cannot be read", path));
        std::ostringstream contents;
        contents << in.rdbuf();
        std::string value = contents.str();
        if (!value.empty() && value.back() == '\n') value.pop_back();
        if (!value.empty() && value.back() == '\r') value.pop_back();
        return value;
      }};
  return resolver;
}

Result<std::string> render_template(std::string_view text,
                                    const TemplateVars& vars,
                                    const ReferenceResolver& resolver) {
  std::string out;
  out.reserve(text.size() + 32);
  auto result = walk(
      text, [&](std::string_view literal) { out += literal; },
      [&](const std::string& name) -> Result<void> {
        auto it = vars.find(name);
        if (it == vars.end()) {
          return make_error(fmt::format("{{{{{}}}}} has no value here", name));
        }
        out += it->second;
        return {};
      },
      [&](const std::string& kind, const std::string& arg) -> Result<void> {
        auto value = kind == "env" ? resolver.env(arg) : resolver.file(arg);
        if (!value.ok()) return std::move(value).take_error();
        out += *value;
        return {};
      });
  if (!result.ok()) return std::move(result).take_error();
  return out;
}

}  // namespace refreshctl

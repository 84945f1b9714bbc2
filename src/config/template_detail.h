// The walk over a template shared by check_template and the renderers of
// template.cpp and template_encode.cpp. Internal to src/config.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

#include "config/template.h"

namespace refreshctl::template_detail {

// One {{name}} or ${kind:arg} of a template.
struct Slot {
  bool placeholder = false;
  std::string name;  // placeholder name, or the reference's kind ("env", "file")
  std::string arg;   // the reference's argument
  std::string label() const {
    return placeholder ? "{{" + name + "}}" : "${" + name + ":" + arg + "}";
  }
};

// Walks `text`, calling on_literal and on_slot in order. Stops at the first
// error either returns.
template <class Literal, class OnSlot>
Result<void> walk(std::string_view text, Literal on_literal, OnSlot on_slot) {
  size_t i = 0;
  while (i < text.size()) {
    size_t open_brace = text.find("{{", i);
    size_t open_ref = text.find("${", i);
    size_t next = std::min(open_brace, open_ref);
    if (next == std::string_view::npos) {
      RCTL_TRY(on_literal(text.substr(i)));
      break;
    }
    RCTL_TRY(on_literal(text.substr(i, next - i)));
    Slot slot;
    if (next == open_brace) {
      size_t close = text.find("}}", next + 2);
      if (close == std::string_view::npos) return make_error("unclosed \"{{\"");
      std::string name(text.substr(next + 2, close - next - 2));
      while (!name.empty() && name.front() == ' ') name.erase(0, 1);
      while (!name.empty() && name.back() == ' ') name.pop_back();
      slot.placeholder = true;
      slot.name = std::move(name);
      i = close + 2;
    } else {
      size_t close = text.find('}', next + 2);
      if (close == std::string_view::npos) return make_error("unclosed \"${\"");
      std::string_view inner = text.substr(next + 2, close - next - 2);
      size_t colon = inner.find(':');
      slot.name =
          std::string(inner.substr(0, colon == std::string_view::npos ? inner.size() : colon));
      slot.arg = colon == std::string_view::npos ? "" : std::string(inner.substr(colon + 1));
      if ((slot.name != "env" && slot.name != "file") || slot.arg.empty()) {
        return make_error(
            fmt::format("\"${{{}}}\" is not a reference (use ${{env:NAME}} or "
                        "${{file:PATH}})",
                        inner));
      }
      i = close + 1;
    }
    RCTL_TRY(on_slot(slot));
  }
  return {};
}

// The value of a slot: the placeholder's, or the resolved reference (an
// empty one is an error).
Result<std::string> value_of(const Slot& slot,
                             const TemplateVars& vars,
                             const ReferenceResolver& resolver);

// Renders `text`, each value passed through `encode(slot, value, so_far)`.
template <class Encode>
Result<std::string> render_with(std::string_view text,
                                const TemplateVars& vars,
                                const ReferenceResolver& resolver,
                                Encode encode) {
  std::string out;
  out.reserve(text.size() + 32);
  auto result = walk(
      text,
      [&](std::string_view literal) -> Result<void> {
        out += literal;
        return {};
      },
      [&](const Slot& slot) -> Result<void> {
        auto value = value_of(slot, vars, resolver);
        if (!value.ok()) return std::move(value).take_error();
        return encode(slot, *value, out);
      });
  if (!result.ok()) return std::move(result).take_error();
  return out;
}

}  // namespace refreshctl::template_detail

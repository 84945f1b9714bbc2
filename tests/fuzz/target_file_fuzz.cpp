// libFuzzer target for the TOML target loader. Input: a target file. Beyond
// not crashing or throwing, it checks that a file that loads writes back as
// canonical TOML that loads to the same target (the revision round trip),
// and that no version, URL or header of a loaded target holds a control
// character.
#include <cstdint>
#include <string>

#include "config/target_file.h"
#include "config/template.h"
#include "fuzz_check.h"

using refreshctl::find_control_character;
using refreshctl::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto loaded = refreshctl::parse_target_file(text, "fuzz.toml");
  if (!loaded.ok()) {
    check(!loaded.error().empty(), "a refused file says why");
    return 0;
  }
  for (const auto& item : *loaded) {
    const auto& t = item.target;
    for (const auto& v : t.versions)
      check(find_control_character(v) == std::string::npos, "version");
    check(find_control_character(t.refresh.url) == std::string::npos, "refresh url");
    check(find_control_character(t.status.url) == std::string::npos, "status url");
    for (const auto& [name, value] : t.refresh.headers)
      check(find_control_character(value) == std::string::npos, "header value");
    std::string canonical = refreshctl::to_toml(t);
    auto again = refreshctl::parse_target_file(canonical, "");
    check(again.ok(), "the canonical TOML of a loaded target loads");
    check(again->size() == 1 && (*again)[0].target == t, "the round trip keeps the target");
    check(refreshctl::to_toml((*again)[0].target) == canonical, "canonical TOML is stable");
  }
  return 0;
}

#include "cli/target_json.h"

#include <toml++/toml.h>

#include <sstream>

#include "config/target_file.h"

namespace refreshctl::cli {

nlohmann::json target_json(const Target& target) {
  // Through the canonical TOML, so the JSON has exactly the fields and forms
  // that `show` prints and `apply` reads.
  std::ostringstream text;
  text << toml::json_formatter{toml::parse(to_toml(target))};
  return nlohmann::json::parse(text.str())["target"][0];
}

namespace {

void compare(const nlohmann::json& from,
             const nlohmann::json& to,
             const std::string& prefix,
             nlohmann::json& out) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : from.items()) keys.push_back(key);
  for (const auto& [key, value] : to.items()) {
    if (!from.contains(key)) keys.push_back(key);
  }
  for (const auto& key : keys) {
    nlohmann::json a = from.contains(key) ? from[key] : nlohmann::json();
    nlohmann::json b = to.contains(key) ? to[key] : nlohmann::json();
    if (a == b) continue;
    if (a.is_object() && b.is_object()) {
      compare(a, b, prefix + key + ".", out);
    } else {
      out.push_back({{"field", prefix + key}, {"from", a}, {"to", b}});
    }
  }
}

}  // namespace

nlohmann::json changed_fields(const nlohmann::json& from, const nlohmann::json& to) {
  nlohmann::json out = nlohmann::json::array();
  compare(from, to, "", out);
  return out;
}

}  // namespace refreshctl::cli

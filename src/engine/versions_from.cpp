#include "engine/versions_from.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "config/target_file.h"
#include "engine/refresh_logic.h"

namespace refreshctl::engine {
namespace {

const char* json_kind(const nlohmann::json& v) {
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_null()) return "null";
  return "a number";
}

std::string where(const std::string& pointer) {
  return pointer.empty() ? "the body" : "the value at " + pointer;
}

}  // namespace

Result<std::vector<std::string>> read_version_list(const VersionsFromSpec& spec,
                                                   const http::Response& response,
                                                   const std::vector<std::string>& secrets) {
  if (!response.ok()) return make_error(response.error);
  if (response.status < 200 || response.status > 299) {
    return make_error(
        fmt::format("answered HTTP {}: {}", response.status, excerpt(response.body, secrets)));
  }
  auto doc = nlohmann::json::parse(response.body, nullptr, false);
  if (doc.is_discarded()) {
    return make_error(fmt::format("the answer is not JSON: {}", excerpt(response.body, secrets)));
  }
  const nlohmann::json* list = value_at(doc, spec.pointer);
  if (list == nullptr) {
    return make_error(fmt::format("the answer has no value at {}", spec.pointer));
  }
  if (!list->is_array()) {
    return make_error(
        fmt::format("{} is {}, not an array of strings", where(spec.pointer), json_kind(*list)));
  }
  std::vector<std::string> versions;
  for (size_t i = 0; i < list->size(); ++i) {
    const auto& item = (*list)[i];
    if (!item.is_string()) {
      return make_error(fmt::format("item {} of {} is {}, not a string", i, where(spec.pointer),
                                    json_kind(item)));
    }
    versions.push_back(item.get<std::string>());
  }
  auto valid = check_versions(versions);
  if (!valid.ok()) {
    return make_error(fmt::format("{} is not a valid version list: {}", where(spec.pointer),
                                  recorded_error(valid.error(), secrets)));
  }
  if (spec.latest && versions.size() > static_cast<size_t>(*spec.latest)) {
    versions.erase(versions.begin(), versions.end() - static_cast<std::ptrdiff_t>(*spec.latest));
  }
  return versions;
}

}  // namespace refreshctl::engine

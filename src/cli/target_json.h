// A target as JSON, for `--json show` and `--json diff`: the fields of its
// canonical TOML (durations as written, "45m"), sub-tables as objects.
#pragma once

#include <nlohmann/json.hpp>

#include "config/target.h"

namespace refreshctl::cli {

// {"name": "sales-cube", "versions": [...], "refresh": {...}, ...}
nlohmann::json target_json(const Target& target);

// The fields that differ, in name order: [{"field": "refresh.url", "from":
// ..., "to": ...}]; a field only one side has is null on the other.
nlohmann::json changed_fields(const nlohmann::json& from, const nlohmann::json& to);

}  // namespace refreshctl::cli

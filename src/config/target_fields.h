// The table of fields a [[target]] may hold: for each key, how to read it
// into a Target and what is valid. Used by the TOML reader.
#pragma once

#include <toml++/toml.h>

#include <functional>
#include <string>
#include <vector>

#include "config/target.h"
#include "util/result.h"

namespace refreshctl::config_detail {

// Reads one field's node into the target; the error says what is wrong with
// the value, without the location (the reader adds it).
using FieldReader = std::function<Result<void>(Target&, const toml::node&)>;

struct Field {
  std::string key;  // "max_refresh_time", or within a sub-table "url"
  FieldReader read;
};

const std::vector<Field>& target_fields();   // top level of [[target]]
const std::vector<Field>& refresh_fields();  // [target.refresh]
const std::vector<Field>& status_fields();   // [target.status]
const std::vector<Field>& http_fields();     // [target.http]
const std::vector<Field>& notify_fields();   // [target.notify]

// versions_from, an inline table read whole (SPEC §10).
const Field& versions_from_field();

// Checks that need several fields at once; `field` is set to the key to blame.
Result<void> check_whole_target(const Target& target, std::string* field);

}  // namespace refreshctl::config_detail

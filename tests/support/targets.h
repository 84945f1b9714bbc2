// Target files for tests.
#pragma once

#include <string>

namespace refreshctl::testing {

// A valid one-target file, every line known (the invalid-input table edits
// it line by line). `base_url` is the service, e.g. http://127.0.0.1:8080.
std::string sample_target_toml(const std::string& name = "sales-cube",
                               const std::string& base_url = "http://127.0.0.1:8080");

}  // namespace refreshctl::testing

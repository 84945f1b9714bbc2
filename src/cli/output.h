// How commands print: aligned tables for people, JSON for --json.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/refresh.h"

namespace refreshctl::cli {

// Prints rows under a header, each column as wide as its widest cell.
void print_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);

// Prints the value as indented JSON and a newline.
void print_json(const nlohmann::json& value);

// A refresh as `history --json` and `run --json` print it (SPEC §5 fields).
nlohmann::json refresh_json(const RefreshRecord& record);

// From start to end, when it has ended.
std::optional<int64_t> refresh_duration_ms(const RefreshRecord& record);

// True when stdout is a terminal.
bool stdout_is_terminal();

}  // namespace refreshctl::cli

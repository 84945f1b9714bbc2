// Durations as users write them: "250ms", "90s", "5m", "2h", "1d", and
// combinations such as "1h30m".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "util/result.h"

namespace refreshctl {

using Millis = std::chrono::milliseconds;

// Parses a duration. Fails with a message that shows the accepted forms.
Result<Millis> parse_duration(std::string_view text);

// The shortest exact form: 90000ms -> "90s", 5400000ms -> "1h30m", 0 -> "0s".
std::string format_duration(Millis d);

// For people reading logs and tables: "850ms", "2.4s", "1m5s".
std::string format_elapsed(Millis d);

}  // namespace refreshctl

// How commands print: aligned tables for people, JSON for --json. On a
// terminal times are local and short, tables fit the screen and states are in
// colour; in a pipe times stay RFC 3339 UTC and nothing is cut.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/refresh.h"

namespace refreshctl::cli {

struct GlobalOptions;

struct OutputStyle {
  bool terminal = false;  // stdout is a terminal (and not --json)
  bool color = false;     // paint states (--color, NO_COLOR, TERM=dumb)
  int verbose = 0;        // -v: every column, whole errors
  size_t width = 100;     // on a terminal, rows are cut to this many columns
};

// The style for stdout under the global options and the environment.
OutputStyle output_style(const GlobalOptions& global);

// On a terminal "2026-11-23 10:30:15 CET" in the local zone ($TZ, else the
// host's); elsewhere RFC 3339 UTC.
std::string format_time(TimePoint t, const OutputStyle& style);

// On a terminal "2026-11-24 02:30:00 CST", wall-clock time in `zone` (an IANA
// name); elsewhere RFC 3339 UTC.
std::string format_time_in_zone(TimePoint t, const std::string& zone, const OutputStyle& style);

// The state name, in colour when the style says so: green succeeded, red
// the failures, yellow missed and cancelled, cyan the open states.
std::string paint_state(RefreshState state, const OutputStyle& style);

struct TableLayout {
  size_t max_width = 0;     // 0: no limit; else rows are cut to fit
  std::vector<int> shrink;  // the columns cut (with "…"), in this order, when rows are too wide
  int state_column = -1;    // cells in this column are state names, painted when `color`
  bool color = false;
};

// Prints rows under a header, each column as wide as its widest cell.
void print_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows,
                 const TableLayout& layout = {});

// `text` cut to `columns` display columns, ending in "…" when cut.
std::string cut_to_width(const std::string& text, size_t columns);

// Display columns of UTF-8 text (one a code point).
size_t display_width(const std::string& text);

// Prints the value as indented JSON and a newline.
void print_json(const nlohmann::json& value);

// Prints a JSON array an element at a time, exactly as print_json() prints
// the whole array, so that a long list is never held in memory as one.
class JsonArrayPrinter {
 public:
  void add(const nlohmann::json& item);
  void finish();  // the closing bracket ("[]" when nothing was added)

 private:
  size_t count_ = 0;
};

// A refresh as `history --json` and `run --json` print it (SPEC §5 fields).
nlohmann::json refresh_json(const RefreshRecord& record);

// From start to end, when it has ended.
std::optional<int64_t> refresh_duration_ms(const RefreshRecord& record);

// True when stdout is a terminal.
bool stdout_is_terminal();

}  // namespace refreshctl::cli

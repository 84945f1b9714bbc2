#include "cli/output.h"

#include <date/tz.h>
#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "cli/command.h"
#include "util/text.h"

namespace refreshctl::cli {

namespace {

bool env_set(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0';
}

size_t terminal_width() {
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 40) return size.ws_col;
  return 100;
}

// The viewer's zone: $TZ when it names one, else the host's, else UTC.
const date::time_zone* local_zone() {
  try {
    if (const char* tz = std::getenv("TZ"); tz != nullptr && *tz != '\0') {
      return date::locate_zone(*tz == ':' ? tz + 1 : tz);
    }
    return date::current_zone();
  } catch (const std::exception&) {
    return date::locate_zone("UTC");
  }
}

std::string format_local(TimePoint t, const date::time_zone* zone) {
  auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  return date::format("%Y-%m-%d %H:%M:%S %Z", date::make_zoned(zone, seconds));
}

}  // namespace

OutputStyle output_style(const GlobalOptions& global) {
  OutputStyle style;
  style.terminal = !global.json && stdout_is_terminal();
  style.verbose = global.verbose;
  if (global.color == "always") {
    style.color = true;
  } else if (global.color == "auto") {
    // https://no-color.org: any non-empty NO_COLOR turns colour off.
    const char* term = std::getenv("TERM");
    style.color =
        style.terminal && !env_set("NO_COLOR") && !(term != nullptr && std::string(term) == "dumb");
  }
  if (style.terminal) style.width = std::min<size_t>(100, terminal_width());
  return style;
}

std::string format_time(TimePoint t, const OutputStyle& style) {
  if (!style.terminal) return format_rfc3339(t);
  try {
    return format_local(t, local_zone());
  } catch (const std::exception&) {
    return format_rfc3339(t);
  }
}

std::string format_time_in_zone(TimePoint t, const std::string& zone, const OutputStyle& style) {
  if (!style.terminal) return format_rfc3339(t);
  try {
    return format_local(t, date::locate_zone(zone));
  } catch (const std::exception&) {
    return format_rfc3339(t);
  }
}

namespace {

const char* state_color(const std::string& state) {
  if (state == "succeeded") return "\x1b[32m";
  if (state == "failed" || state == "timed_out" || state == "error" || state == "unknown") {
    return "\x1b[31m";
  }
  if (state == "missed" || state == "cancelled") return "\x1b[33m";
  if (state == "pending" || state == "triggering" || state == "polling") return "\x1b[36m";
  return nullptr;
}

std::string paint(const std::string& text, const std::string& state) {
  const char* color = state_color(state);
  return color == nullptr ? text : color + text + "\x1b[0m";
}

}  // namespace

std::string paint_state(RefreshState state, const OutputStyle& style) {
  std::string name = to_string(state);
  return style.color ? paint(name, name) : name;
}

size_t display_width(const std::string& text) {
  size_t width = 0;
  for (unsigned char c : text) width += (c & 0xC0) != 0x80;
  return width;
}

std::string cut_to_width(const std::string& text, size_t columns) {
  if (display_width(text) <= columns) return text;
  if (columns == 0) return "";
  std::string out;
  size_t width = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80 && ++width == columns) break;  // room for the "…"
    out += text[i];
  }
  return out + "…";
}

void print_table(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& raw_rows,
                 const TableLayout& layout) {
  // Cells hold what services and target files said: escaped, so that none
  // can move the cursor or fake a line.
  std::vector<std::vector<std::string>> rows;
  rows.reserve(raw_rows.size());
  for (const auto& raw : raw_rows) {
    auto& row = rows.emplace_back();
    for (const auto& cell : raw) row.push_back(escape_for_terminal(cell));
  }
  std::vector<size_t> widths(header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  };
  measure(header);
  for (const auto& row : rows) measure(row);
  if (layout.max_width > 0) {
    size_t total = 0;
    for (size_t w : widths) total += w + 2;
    total -= 2;
    for (int column : layout.shrink) {
      if (total <= layout.max_width) break;
      auto& width = widths[static_cast<size_t>(column)];
      size_t cut = std::min(width - std::min<size_t>(width, 8), total - layout.max_width);
      width -= cut;
      total -= cut;
    }
  }
  auto print_row = [&](const std::vector<std::string>& row, bool is_header) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      std::string cell = cut_to_width(row[i], widths[i]);
      size_t pad = widths[i] - display_width(cell);
      if (!is_header && layout.color && static_cast<int>(i) == layout.state_column) {
        cell = paint(cell, row[i]);
      }
      line += cell;
      if (i + 1 < row.size()) line += std::string(pad + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    fmt::print("{}\n", line);
  };
  print_row(header, true);
  for (const auto& row : rows) print_row(row, false);
}

void print_json(const nlohmann::json& value) {
  // Text is valid UTF-8 on the way in; should any byte slip through, it is
  // printed as U+FFFD rather than failing the command.
  fmt::print("{}\n", value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

void JsonArrayPrinter::add(const nlohmann::json& item) {
  std::string text = item.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string indented;
  indented.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    indented += c;
    if (c == '\n') indented += "  ";
  }
  fmt::print("{}  {}", count_++ == 0 ? "[\n" : ",\n", indented);
}

void JsonArrayPrinter::finish() { fmt::print("{}", count_ == 0 ? "[]\n" : "\n]\n"); }

std::optional<int64_t> refresh_duration_ms(const RefreshRecord& r) {
  if (!r.finished_at) return std::nullopt;
  return (*r.finished_at - r.started_at).count();
}

namespace {

nlohmann::json optional_time(const std::optional<TimePoint>& t) {
  return t ? nlohmann::json(format_rfc3339(*t)) : nlohmann::json();
}

}  // namespace

nlohmann::json refresh_json(const RefreshRecord& r) {
  auto ms = refresh_duration_ms(r);
  nlohmann::json out = {
      {"id", r.id},
      {"run_id", r.run_id},
      {"target", r.target},
      {"revision", r.revision},
      {"version", r.version},
      {"slot", format_rfc3339(r.slot)},
      {"attempt", r.attempt},
      {"state", to_string(r.state)},
      {"started_at", format_rfc3339(r.started_at)},
      {"triggered_at", optional_time(r.triggered_at)},
      {"finished_at", optional_time(r.finished_at)},
      {"duration_ms", ms ? nlohmann::json(*ms) : nlohmann::json()},
      {"polls", r.polls},
      {"job_id", r.job_id.empty() ? nlohmann::json() : nlohmann::json(r.job_id)},
      {"http_status", r.http_status ? nlohmann::json(r.http_status) : nlohmann::json()},
      {"error", r.error.empty() ? nlohmann::json() : nlohmann::json(r.error)}};
  // Which host's run did it: known to the history (several hosts may share
  // a PostgreSQL database), not to a run's own lines.
  if (!r.host.empty()) out["host"] = r.host;
  return out;
}

bool stdout_is_terminal() { return isatty(STDOUT_FILENO) == 1; }

}  // namespace refreshctl::cli

#include "config/target_file.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "config/target_fields.h"
#include "util/text.h"

namespace refreshctl {
namespace {

using config_detail::Field;

constexpr size_t kMaxProblems = 20;

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(text.substr(start, end - start));
  }
  lines.push_back(text.substr(start));
  return lines;
}

std::string location(const std::string& file, const toml::node& node) {
  if (file.empty()) return "";
  return fmt::format("{}:{}: ", file, node.source().begin.line);
}

std::vector<std::string> keys_of(const std::vector<Field>& fields,
                                 std::vector<std::string> extra = {}) {
  for (const auto& f : fields) extra.push_back(f.key);
  return extra;
}

// The problems found in one file, each "FILE:LINE: FIELD: what is wrong";
// reading goes on after a problem so that one pass shows them all.
using Problems = std::vector<std::string>;

// Reads every key of `table` through `fields`; `prefix` names the sub-table
// in messages ("refresh.").
void read_table(const toml::table& table,
                const std::vector<Field>& fields,
                const std::vector<std::string>& sub_tables,
                const std::string& prefix,
                const std::string& file,
                Target& target,
                Problems& problems) {
  for (const auto& [key, node] : table) {
    std::string name(key.str());
    bool is_sub_table = false;
    for (const auto& sub : sub_tables) is_sub_table |= sub == name;
    if (is_sub_table) continue;
    const Field* field = nullptr;
    for (const auto& f : fields) {
      if (f.key == name) field = &f;
    }
    if (field == nullptr) {
      problems.push_back(fmt::format("{}{}{}: unknown field{}", location(file, node), prefix, name,
                                     did_you_mean(name, keys_of(fields, sub_tables))));
      continue;
    }
    auto read = field->read(target, node);
    if (!read.ok()) {
      problems.push_back(
          fmt::format("{}{}{}: {}", location(file, node), prefix, name, read.error()));
    }
  }
}

void read_sub_table(const toml::table& parent,
                    const char* key,
                    const std::vector<Field>& fields,
                    bool required,
                    const std::string& file,
                    Target& target,
                    Problems& problems) {
  const toml::node* node = parent.get(key);
  if (node == nullptr) {
    if (required) {
      problems.push_back(fmt::format("{}[target.{}]: missing (every target needs one)",
                                     location(file, parent), key));
    }
    return;
  }
  const auto* table = node->as_table();
  if (table == nullptr) {
    problems.push_back(fmt::format("{}{}: expected a table", location(file, *node), key));
    return;
  }
  read_table(*table, fields, {}, std::string(key) + ".", file, target, problems);
}

// Reads one [[target]]; its problems are added to `problems`.
Target read_target(const toml::table& table, const std::string& file, Problems& problems) {
  size_t before = problems.size();
  Target target;
  read_table(table, config_detail::target_fields(), {"refresh", "status", "http", "notify"}, "",
             file, target, problems);
  read_sub_table(table, "refresh", config_detail::refresh_fields(), true, file, target, problems);
  read_sub_table(table, "status", config_detail::status_fields(), true, file, target, problems);
  read_sub_table(table, "http", config_detail::http_fields(), false, file, target, problems);
  read_sub_table(table, "notify", config_detail::notify_fields(), false, file, target, problems);

  struct Required {
    const char* field;
    bool present;
  };
  // A missing [target.refresh] or [target.status] is reported above once,
  // not again for each of its required keys.
  const toml::table* refresh = table["refresh"].as_table();
  const toml::table* status = table["status"].as_table();
  bool has_versions = table.contains("versions") || table.contains("versions_from");
  for (Required r :
       {Required{"name", table.contains("name")},
        Required{"data_type", table.contains("data_type")}, Required{"versions", has_versions},
        Required{"refresh.url", !refresh || table["refresh"]["url"].is_string()},
        Required{"status.url", !status || status->contains("url")},
        Required{"status.succeeded", !status || status->contains("succeeded")}}) {
    if (!r.present) {
      problems.push_back(
          fmt::format("{}{}: missing (it is required)", location(file, table), r.field));
    }
  }
  if (const toml::node* from = table.get("versions_from"); from && table.contains("versions")) {
    problems.push_back(fmt::format(
        "{}versions_from: give either versions or versions_from, not both (versions_from reads "
        "the list at run time)",
        location(file, *from)));
  }
  if (problems.size() > before) return target;  // the checks below need valid fields
  std::string field;
  auto whole = config_detail::check_whole_target(target, &field);
  if (!whole.ok()) {
    problems.push_back(fmt::format("{}{}: {}", location(file, table), field, whole.error()));
  }
  return target;
}

// One message for every problem, a line each, at most kMaxProblems of them.
Error problems_error(const Problems& problems) {
  std::vector<std::string> shown(
      problems.begin(),
      problems.begin() + static_cast<std::ptrdiff_t>(std::min(problems.size(), kMaxProblems)));
  if (problems.size() > kMaxProblems) {
    shown.push_back(fmt::format("... and {} more problems", problems.size() - kMaxProblems));
  }
  return make_error(join(shown, "\n"));
}

}  // namespace

Result<std::vector<LoadedTarget>> parse_target_file(const std::string& text,
                                                    const std::string& file_name) {
  toml::table document;
  try {
    document = toml::parse(text, file_name);
  } catch (const toml::parse_error& e) {
    return make_error(fmt::format("{}:{}:{}: {}", file_name, e.source().begin.line,
                                  e.source().begin.column, e.description()));
  }
  std::vector<LoadedTarget> out;
  for (const auto& [key, node] : document) {
    if (key.str() != "target") {
      return make_error(fmt::format("{}{}: unknown top-level key{} (targets are [[target]] tables)",
                                    location(file_name, node), key.str(),
                                    did_you_mean(key.str(), {"target"})));
    }
  }
  const toml::node* targets = document.get("target");
  if (targets == nullptr) {
    return make_error(fmt::format("{}: no [[target]] tables", file_name));
  }
  const auto* array = targets->as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    return make_error(
        fmt::format("{}target: expected [[target]] tables", location(file_name, *targets)));
  }
  Problems problems;
  for (const auto& item : *array) {
    const auto& table = *item.as_table();
    Target target = read_target(table, file_name, problems);
    std::string source = file_name.empty()
                             ? std::string()
                             : fmt::format("{}:{}", file_name, table.source().begin.line);
    out.push_back(LoadedTarget{std::move(target), source});
  }
  if (!problems.empty()) return make_error(join(problems, "\n"));
  return out;
}

Result<std::vector<LoadedTarget>> load_target_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(fmt::format("{}: cannot be read", path));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_target_file(text.str(), path);
}

Result<std::vector<LoadedTarget>> load_target_files(const std::vector<std::string>& paths) {
  std::vector<LoadedTarget> all;
  Problems problems;
  std::map<std::string, std::string> seen;  // name -> source
  for (const auto& path : paths) {
    auto loaded = load_target_file(path);
    if (!loaded.ok()) {
      for (auto& line : split_lines(loaded.error())) problems.push_back(std::move(line));
      continue;
    }
    for (auto& t : *loaded) {
      auto [it, inserted] = seen.emplace(t.target.name, t.source);
      if (!inserted) {
        problems.push_back(fmt::format("{}: name: \"{}\" is already defined at {}", t.source,
                                       t.target.name, it->second));
      }
      all.push_back(std::move(t));
    }
  }
  if (!problems.empty()) return problems_error(problems);
  return all;
}

Result<void> validate_target(const Target& target) {
  auto parsed = parse_target_file(to_toml(target), "");
  if (!parsed.ok()) return std::move(parsed).take_error();
  return {};
}

}  // namespace refreshctl

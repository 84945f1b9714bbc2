#include "cli/options.h"

#include <fmt/format.h>

#include <cctype>

#include "cli/command.h"
#include "util/text.h"

namespace refreshctl::cli {

CLI::Validator whole_number(int64_t min, int64_t max) {
  // CLI11's own range check prints its bounds as doubles (300 digits for
  // "positive"); say what is accepted instead.
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        bool digits = !text.empty() && text.size() <= 18;
        for (char c : text) digits &= std::isdigit(static_cast<unsigned char>(c)) != 0;
        if (!digits || std::stoll(text) < min || std::stoll(text) > max) {
          return fmt::format("\"{}\" is not a whole number from {} to {}", text, min, max);
        }
        return "";
      },
      "", "whole_number");
}

CLI::Validator non_empty(const std::string& hint) {
  return CLI::Validator(
      [hint](std::string& text) -> std::string { return text.empty() ? "is empty; " + hint : ""; },
      "", "non_empty");
}

void set_examples(CLI::App* command, const std::vector<std::string>& lines) {
  std::string text = "Examples:\n";
  for (const auto& line : lines) text += "  " + line + "\n";
  command->footer(text);
}

namespace {

// Global options that take a value, so the word after them is not a command.
bool takes_value(const std::string& arg) { return arg == "--db" || arg == "--color"; }

std::vector<std::string> command_names(const CLI::App& app) {
  auto commands = app.get_subcommands([](const CLI::App*) { return true; });
  std::vector<std::string> names;
  names.reserve(commands.size());
  for (const CLI::App* sub : commands) names.push_back(sub->get_name());
  return names;
}

}  // namespace

void check_command_word(const CLI::App& app, const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") return;
    if (takes_value(arg)) {
      ++i;
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-') continue;
    auto names = command_names(app);
    for (const auto& name : names) {
      if (name == arg) return;
    }
    throw Failure(kExitUsage, fmt::format("unknown command \"{}\"{} (see: refreshctl --help)", arg,
                                          did_you_mean(arg, names)));
  }
}

namespace {

// The deepest command the parser entered: the one whose usage to show.
const CLI::App* parsed_command(const CLI::App& app) {
  const CLI::App* current = &app;
  for (;;) {
    auto parsed = current->get_subcommands();
    if (parsed.empty()) return current;
    current = parsed.front();
  }
}

std::string usage_of(const CLI::App& command) {
  std::string usage = "refreshctl";
  if (command.get_parent() != nullptr) usage += " " + command.get_name();
  for (const CLI::Option* opt : command.get_options()) {
    if (opt->get_positional()) usage += " " + opt->get_type_name();
  }
  return usage + " [OPTIONS]";
}

}  // namespace

std::string explain_parse_error(const CLI::App& app, const CLI::ParseError& error) {
  const CLI::App* command = parsed_command(app);
  if (command == &app && dynamic_cast<const CLI::RequiredError*>(&error) != nullptr &&
      app.get_subcommands().empty()) {
    return fmt::format("a command is required: {} (see: refreshctl --help)",
                       join(command_names(app), ", "));
  }
  if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr && command != &app) {
    for (const CLI::Option* opt : command->get_options()) {
      if (opt->get_positional() && opt->get_required() && opt->count() == 0) {
        std::string what = opt->get_description();
        if (!what.empty()) what[0] = static_cast<char>(std::tolower(what[0]));
        return fmt::format("{}: {} is missing: {} (usage: {})", command->get_name(),
                           opt->get_type_name(), what, usage_of(*command));
      }
    }
  }
  std::string where = command == &app ? "" : command->get_name() + ": ";
  return fmt::format("{}{} (see: {} --help)", where, error.what(),
                     command == &app ? "refreshctl" : "refreshctl " + command->get_name());
}

}  // namespace refreshctl::cli

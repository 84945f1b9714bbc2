// The zsh completion script: one _arguments call for refreshctl's own options
// and the command, then one per command, each with its options, their
// descriptions and what completes their values.
#include <fmt/format.h>

#include "cli/completion_model.h"
#include "util/text.h"

namespace refreshctl::cli {
namespace {

// Inside an _arguments description, brackets and backslashes are special.
std::string description(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// ":message:action" for a value of this kind.
std::string value_action(const std::string& message,
                         const ValueSpec& value,
                         const std::string& program) {
  switch (value.kind) {
    case ValueKind::kNone:
      return ":" + message + ": ";
    case ValueKind::kAny:
    case ValueKind::kFile:
      return ":" + message + ":_files";
    case ValueKind::kTarget:
      return ":target:_" + program + "_targets";
    case ValueKind::kChoice:
      return ":" + message + ":(" + join(value.choices, " ") + ")";
  }
  return ":" + message + ": ";
}

// One _arguments spec per name: '(-t --target)-t+[Only this target]:target:_refreshctl_targets'.
std::vector<std::string> option_specs(const OptionSpec& option, const std::string& program) {
  std::string exclusion;
  if (option.repeats) {
    exclusion = "*";
  } else if (option.names.size() > 1) {
    exclusion = "(" + join(option.names, " ") + ")";
  }
  std::string message = option.names.back().substr(option.names.back().find_first_not_of('-'));
  std::vector<std::string> specs;
  for (const auto& name : option.names) {
    std::string spec = exclusion + name;
    if (option.takes_value) spec += name.rfind("--", 0) == 0 ? "=" : "+";
    spec += "[" + description(option.description) + "]";
    if (option.takes_value) spec += value_action(message, option.value, program);
    specs.push_back(posix_quote(spec));
  }
  return specs;
}

std::string arguments_call(const std::vector<std::string>& specs,
                           const std::string& indent,
                           const std::string& flags = "") {
  std::string out = "_arguments" + flags;
  for (const auto& spec : specs) out.append(" \\\n").append(indent).append("  ").append(spec);
  return out + " && ret=0";
}

std::string command_case(const CommandSpec& c, const CompletionModel& m) {
  std::vector<std::string> specs;
  for (const auto& option : c.options) {
    for (auto& spec : option_specs(option, m.program)) specs.push_back(std::move(spec));
  }
  for (const auto& option : m.options) {
    bool hidden = false;
    for (const auto& name : option.names) hidden |= find_option(c.options, name) != nullptr;
    if (hidden) continue;
    for (auto& spec : option_specs(option, m.program)) specs.push_back(std::move(spec));
  }
  for (size_t i = 0; i < c.positionals.size(); ++i) {
    const auto& p = c.positionals[i];
    std::string position = p.repeats ? "*" : std::to_string(i + 1);
    specs.push_back(posix_quote(position + value_action(p.name, p.value, m.program)));
  }
  return fmt::format("        {})\n          {}\n          ;;\n", posix_quote(c.name),
                     arguments_call(specs, "          "));
}

}  // namespace

std::string zsh_completion_script(const CompletionModel& m) {
  std::string out = fmt::format(
      "#compdef {0}\n"
      "# zsh completion for {0}, written by `{0} completion zsh`\n"
      "# ({0} {1}) from its command tree; regenerate it rather than edit it.\n\n"
      "# The names of the targets in the database the command line names with --db\n"
      "# (else REFRESHCTL_DB, else the default path); none when it does not exist.\n"
      "_{0}_targets() {{\n"
      "  local db=${{opt_args[--db]:-$_{0}_db}} program=$_{0}_program\n"
      "  db=${{(Q)db}}\n"
      "  [[ $db == '~/'* ]] && db=$HOME/${{db#\\~/}}\n"
      "  [[ $program == '~/'* ]] && program=$HOME/${{program#\\~/}}\n"
      "  local -a names\n"
      "  names=(${{(f)\"$(_call_program targets ${{(q)program}} ${{db:+--db ${{(q)db}}}} "
      "completion --list-targets 2>/dev/null)\"}})\n"
      "  _wanted targets expl target compadd -a names\n"
      "}}\n\n"
      "_{0}() {{\n"
      "  local curcontext=$curcontext state state_descr line ret=1\n"
      "  local _{0}_program=${{words[1]}} _{0}_db\n"
      "  typeset -A opt_args\n",
      m.program, m.version);
  std::vector<std::string> specs;
  for (const auto& option : m.options) {
    for (auto& spec : option_specs(option, m.program)) specs.push_back(std::move(spec));
  }
  specs.emplace_back("'1: :->command'");
  specs.emplace_back("'*:: :->argument'");
  out += "  " + arguments_call(specs, "  ", " -C") + "\n";
  out += "  case $state in\n    command)\n      local -a commands\n      commands=(\n";
  for (const auto& c : m.commands) {
    out += "        " + posix_quote(c.name + ":" + c.description) + "\n";
  }
  out += fmt::format(
      "      )\n      _describe -t commands '{0} command' commands && ret=0\n      ;;\n"
      "    argument)\n"
      "      _{0}_db=${{opt_args[--db]}}\n"
      "      curcontext=${{curcontext%:*:*}}:{0}-${{words[1]}}:\n"
      "      case ${{words[1]}} in\n",
      m.program);
  for (const auto& c : m.commands) out += command_case(c, m);
  out += "      esac\n      ;;\n  esac\n  return ret\n}\n\n";
  out += fmt::format("_{0} \"$@\"\n", m.program);
  return out;
}

}  // namespace refreshctl::cli

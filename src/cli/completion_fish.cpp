// The fish completion script: a function that reads the words typed so far
// (the command, how many positionals follow it, whether an option waits for
// its value), then one `complete` line per command, option and positional.
#include <fmt/format.h>

#include "cli/completion_model.h"
#include "util/text.h"

namespace refreshctl::cli {
namespace {

std::string fish_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// The same table as the bash script's: what option $2 of command $1 takes.
std::string option_value_function(const CompletionModel& m) {
  std::string out = fmt::format(
      "# What option $argv[2] of command $argv[1] takes: flag, or a value.\n"
      "function __{}_option_value\n    switch \"$argv[1]:$argv[2]\"\n",
      m.program);
  auto arm = [&](const std::string& scope, const OptionSpec& option) {
    std::vector<std::string> patterns;
    for (const auto& name : option.names)
      patterns.push_back(fish_quote(fmt::format("{}:{}", scope, name)));
    out += fmt::format("        case {}\n            echo {}\n", join(patterns, " "),
                       option.takes_value ? "value" : "flag");
  };
  for (const auto& c : m.commands) {
    for (const auto& option : c.options) {
      bool hides_global = false;
      for (const auto& name : option.names) hides_global |= find_option(m.options, name) != nullptr;
      if (option.takes_value || hides_global) arm(c.name, option);
    }
  }
  for (const auto& global : m.options) {
    if (global.takes_value) arm("*", global);
  }
  return out + "        case '*'\n            echo flag\n    end\nend\n\n";
}

// The -n condition and the -a/-r/-F part of a `complete` line for a value.
std::string value_arguments(const ValueSpec& value, const std::string& program) {
  switch (value.kind) {
    case ValueKind::kNone:
      return "";
    case ValueKind::kAny:
    case ValueKind::kFile:
      return " -r -F";
    case ValueKind::kTarget:
      return fmt::format(" -x -a '(__{}_targets)'", program);
    case ValueKind::kChoice:
      return " -x -a " + fish_quote(join(value.choices, " "));
  }
  return "";
}

std::string complete_option(const std::string& condition,
                            const OptionSpec& option,
                            const std::string& program) {
  std::string line = "complete -c " + program;
  if (!condition.empty()) line += " -n " + fish_quote(condition);
  for (const auto& name : option.names) {
    line += name.rfind("--", 0) == 0 ? " -l " + name.substr(2) : " -s " + name.substr(1);
  }
  if (option.takes_value) line += value_arguments(option.value, program);
  return line + " -d " + fish_quote(option.description) + "\n";
}

std::string command_lines(const CommandSpec& c, const CompletionModel& m) {
  const std::string& p = m.program;
  std::string out = fmt::format("\n# {}\n", c.name);
  out +=
      fmt::format("complete -c {} -n {} -a {} -d {}\n", p, fish_quote(fmt::format("__{}_at ''", p)),
                  fish_quote(c.name), fish_quote(c.description));
  for (const auto& option : c.options) {
    out += complete_option(fmt::format("__{}_in {}", p, fish_quote(c.name)), option, p);
  }
  for (size_t i = 0; i < c.positionals.size(); ++i) {
    const auto& positional = c.positionals[i];
    if (positional.value.kind == ValueKind::kNone) continue;
    std::string index = positional.repeats ? "'*'" : std::to_string(i);
    std::string condition = fmt::format("__{}_at {} {}", p, fish_quote(c.name), index);
    out += fmt::format("complete -c {} -n {}{} -d {}\n", p, fish_quote(condition),
                       value_arguments(positional.value, p), fish_quote(positional.description));
  }
  return out;
}

// The part that does not depend on the command tree; @PROGRAM@ is the program.
constexpr const char* kFunctions =
    R"FISH(# Prints the command typed (the first word that is neither an option nor an
# option's value), the number of positional words after it, and "value" when
# the word being completed is an option's value.
function __@PROGRAM@_state
    set -l tokens (commandline -opc)
    set -l command ''
    set -l positionals 0
    set -l pending ''
    for word in $tokens[2..-1]
        if test -n "$pending"
            set pending ''
            continue
        end
        switch $word
            case '--*=*'
            case '-*'
                if test (__@PROGRAM@_option_value "$command" $word) = value
                    set pending value
                end
            case '*'
                if test -z "$command"
                    set command $word
                else
                    set positionals (math $positionals + 1)
                end
        end
    end
    printf '%s\n' "$command" $positionals "$pending"
end

# True when the command typed is one of $argv.
function __@PROGRAM@_in
    set -l state (__@PROGRAM@_state)
    contains -- "$state[1]" $argv
end

# True when the word being completed is positional number $argv[2] (from 0,
# or '*') of command $argv[1] ('' with no $argv[2]: the command itself).
function __@PROGRAM@_at
    set -l state (__@PROGRAM@_state)
    test "$state[1]" = "$argv[1]"; and test -z "$state[3]"; or return 1
    test (count $argv) -lt 2; and return 0
    string match -q -- "$argv[2]" "$state[2]"
end

# Prints the names of the targets in the database the command line names with
# --db (else REFRESHCTL_DB, else the default path); none when it does not exist.
function __@PROGRAM@_targets
    set -l tokens (commandline -opc)
    set -l db
    set -l i 2
    while test $i -le (count $tokens)
        switch $tokens[$i]
            case --db
                set i (math $i + 1)
                set db $tokens[$i]
            case '--db=*'
                set db (string replace -- --db= '' $tokens[$i])
        end
        set i (math $i + 1)
    end
    set -l program (string replace -r -- '^~/' "$HOME/" $tokens[1])
    set db (string replace -r -- '^~/' "$HOME/" $db)
    if test -n "$db"
        $program --db $db completion --list-targets 2>/dev/null
    else
        $program completion --list-targets 2>/dev/null
    end
end

# Nothing completes to file names unless an option asks for them.
complete -c @PROGRAM@ -f
)FISH";

}  // namespace

std::string fish_completion_script(const CompletionModel& m) {
  std::string out = fmt::format(
      "# fish completion for {0}, written by `{0} completion fish`\n"
      "# ({0} {1}) from its command tree; regenerate it rather than edit it.\n\n",
      m.program, m.version);
  out += option_value_function(m);
  out += with_program(kFunctions, m.program);
  out += fmt::format("\n# {}'s own options, valid after a command too\n", m.program);
  for (const auto& option : m.options) {
    std::vector<std::string> hiding;
    for (const auto& c : m.commands) {
      for (const auto& name : option.names) {
        if (find_option(c.options, name) != nullptr) hiding.push_back(c.name);
      }
    }
    std::string condition =
        hiding.empty() ? "" : fmt::format("not __{}_in {}", m.program, join(hiding, " "));
    out += complete_option(condition, option, m.program);
  }
  for (const auto& c : m.commands) out += command_lines(c, m);
  return out;
}

}  // namespace refreshctl::cli

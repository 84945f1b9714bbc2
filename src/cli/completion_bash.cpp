// The bash completion script: the command tree as three lookup functions
// (a command's options, what an option takes, what a positional takes) and
// one completion function that walks the words typed so far. It needs only
// bash itself (no bash-completion helpers), so a test can drive it directly.
#include <fmt/format.h>

#include "cli/completion_model.h"
#include "util/text.h"

namespace refreshctl::cli {
namespace {

std::string names_of(const std::vector<OptionSpec>& options) {
  std::vector<std::string> names;
  for (const auto& option : options)
    names.insert(names.end(), option.names.begin(), option.names.end());
  return join(names, " ");
}

std::string options_function(const CompletionModel& m) {
  std::string out = fmt::format(
      "# The options of command $1 ('' = {0}'s own).\n_{0}_options() {{\n  case $1 in\n",
      m.program);
  out += fmt::format("    '') echo {} ;;\n", posix_quote(names_of(m.options)));
  for (const auto& c : m.commands) {
    out +=
        fmt::format("    {}) echo {} ;;\n", posix_quote(c.name), posix_quote(names_of(c.options)));
  }
  return out + "  esac\n}\n\n";
}

// "cmd:-t | cmd:--target) echo target ;;" for each option of each command that
// takes a value (or hides a global one that does), then the global options.
std::string option_value_function(const CompletionModel& m) {
  std::string out = fmt::format(
      "# What option $2 of command $1 takes: flag, any, file, target or\n"
      "# 'choice VALUE...'. {0}'s own options are valid after a command too.\n"
      "_{0}_option_value() {{\n  case $1:$2 in\n",
      m.program);
  auto arm = [&](const std::string& scope, const OptionSpec& option) {
    std::vector<std::string> patterns;
    for (const auto& name : option.names) patterns.push_back(scope + ":" + posix_quote(name));
    std::string word = option.takes_value ? value_word(option.value) : "flag";
    out += fmt::format("    {}) echo {} ;;\n", join(patterns, " | "), posix_quote(word));
  };
  for (const auto& c : m.commands) {
    for (const auto& option : c.options) {
      bool hides_global_value = false;
      for (const auto& name : option.names) {
        const OptionSpec* global = find_option(m.options, name);
        hides_global_value |= global != nullptr && global->takes_value;
      }
      if (option.takes_value || hides_global_value) arm(posix_quote(c.name), option);
    }
  }
  for (const auto& global : m.options) {
    if (global.takes_value) arm("*", global);
  }
  return out + "    *) echo flag ;;\n  esac\n}\n\n";
}

std::string positional_value_function(const CompletionModel& m) {
  std::string out = fmt::format(
      "# What positional argument $2 (counted from 0) of command $1 takes: none,\n"
      "# target or 'choice VALUE...'.\n_{}_positional_value() {{\n  case $1:$2 in\n",
      m.program);
  for (const auto& c : m.commands) {
    for (size_t i = 0; i < c.positionals.size(); ++i) {
      const auto& p = c.positionals[i];
      if (p.value.kind == ValueKind::kNone) continue;
      // A positional that takes every remaining word is the last one.
      std::string index = p.repeats ? "*" : std::to_string(i);
      out += fmt::format("    {}:{}) echo {} ;;\n", posix_quote(c.name), index,
                         posix_quote(value_word(p.value)));
    }
  }
  return out + "    *) echo none ;;\n  esac\n}\n\n";
}

// The part that does not depend on the command tree; @PROGRAM@ is the program.
constexpr const char* kCompletionFunctions =
    R"BASH(# Prints the names of the targets in the database, one a line: $1 is the
# program as typed, $2 the --db value typed ('' = none: REFRESHCTL_DB, then the
# default path). Prints nothing when that database does not exist.
_@PROGRAM@_targets() {
  local program=$1 db=$2
  [[ $program == '~/'* ]] && program=$HOME/${program#'~/'}
  [[ $db == '~/'* ]] && db=$HOME/${db#'~/'}
  if [[ -n $db ]]; then
    "$program" --db "$db" completion --list-targets 2>/dev/null
  else
    "$program" completion --list-targets 2>/dev/null
  fi
}

# Sets COMPREPLY to the values of kind $1 that start with $2; $3 is the --db typed.
_@PROGRAM@_values() {
  case $1 in
    target) mapfile -t COMPREPLY < <(compgen -W "$(_@PROGRAM@_targets "${COMP_WORDS[0]}" "$3")" -- "$2") ;;
    'choice '*) mapfile -t COMPREPLY < <(compgen -W "${1#choice }" -- "$2") ;;
    file | any)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -f -- "$2")
      ;;
    *) COMPREPLY=() ;;
  esac
}

_@PROGRAM@() {
  local cur=${COMP_WORDS[COMP_CWORD]} command='' db='' pending='' positionals=0 word i
  [[ $cur == '=' ]] && cur=''
  # Walk the words before the cursor: the command, the --db typed, and whether
  # the word under the cursor is an option's value. Bash splits --db=PATH into
  # three words: --db, = and PATH.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if [[ -n $pending ]]; then
      [[ $word == '=' ]] && continue
      [[ $pending == --db ]] && db=$word
      pending=''
      continue
    fi
    case $word in
      --*=*) [[ ${word%%=*} == --db ]] && db=${word#*=} ;;
      -*) [[ $(_@PROGRAM@_option_value "$command" "$word") != flag ]] && pending=$word ;;
      *) if [[ -z $command ]]; then command=$word; else positionals=$((positionals + 1)); fi ;;
    esac
  done
  if [[ -n $pending ]]; then
    _@PROGRAM@_values "$(_@PROGRAM@_option_value "$command" "$pending")" "$cur" "$db"
  elif [[ $cur == -* ]]; then
    local options
    options=$(_@PROGRAM@_options "$command")
    [[ -n $command ]] && options+=" $(_@PROGRAM@_options '')"
    mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
  elif [[ -z $command ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$_@PROGRAM@_commands" -- "$cur")
  else
    _@PROGRAM@_values "$(_@PROGRAM@_positional_value "$command" "$positionals")" "$cur" "$db"
  fi
}

complete -F _@PROGRAM@ @PROGRAM@
)BASH";

}  // namespace

std::string bash_completion_script(const CompletionModel& m) {
  std::vector<std::string> commands;
  for (const auto& c : m.commands) commands.push_back(c.name);
  std::string out = fmt::format(
      "# bash completion for {0}                                 -*- shell-script -*-\n"
      "# Written by `{0} completion bash` ({0} {1}) from its command tree;\n"
      "# regenerate it rather than edit it. To load it by hand:\n"
      "#   source <({0} completion bash)\n\n"
      "_{0}_commands={2}\n\n",
      m.program, m.version, posix_quote(join(commands, " ")));
  out += options_function(m);
  out += option_value_function(m);
  out += positional_value_function(m);
  out += with_program(kCompletionFunctions, m.program);
  return out;
}

}  // namespace refreshctl::cli

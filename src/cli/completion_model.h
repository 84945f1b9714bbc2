// Shell completion: the command tree as the completion scripts see it, read
// from the CLI11 app at run time so a script can never drift from --help, and
// the three script writers (completion_bash.cpp, completion_zsh.cpp,
// completion_fish.cpp). `refreshctl completion SHELL` prints one.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace refreshctl::cli {

// The type name of an option or positional that takes the name of an existing
// target: --help shows "name NAME" (or "NAME..." when it repeats), completion
// offers the database's names.
inline constexpr const char* kTargetNameType = "NAME";

// A validator that only lists `values` (--help shows "TEXT:{a,b}") so that
// completion offers them; it refuses nothing, because the command checks the
// value itself with a better message than CLI11's ("did you mean").
CLI::Validator offered_choices(const std::vector<std::string>& values);

// What completes the value of an option or a positional.
enum class ValueKind {
  kNone,    // a flag, or a free-form value nothing can guess (a cron expression)
  kAny,     // an option's value of no known kind: file names, as shells do by default
  kFile,    // a file (CLI::ExistingFile and friends)
  kTarget,  // an existing target's name, from the database
  kChoice,  // one of `choices`
};

struct ValueSpec {
  ValueKind kind = ValueKind::kNone;
  std::vector<std::string> choices;
};

struct OptionSpec {
  std::vector<std::string> names;  // "-t", "--target": short names first
  std::string description;
  bool takes_value = false;
  bool repeats = false;  // may be given more than once
  ValueSpec value;
};

struct PositionalSpec {
  std::string name;
  std::string description;
  bool repeats = false;  // takes every remaining word
  ValueSpec value;
};

struct CommandSpec {
  std::string name;
  std::string description;
  std::vector<OptionSpec> options;
  std::vector<PositionalSpec> positionals;
};

struct CompletionModel {
  std::string program;                // "refreshctl"
  std::string version;                // for the script's header
  std::vector<OptionSpec> options;    // refreshctl's own (global) options
  std::vector<CommandSpec> commands;  // by name
};

// Reads the visible subcommands and options of `app` (hidden ones, in the
// empty group, are left out), one level deep: refreshctl has no nested
// subcommands.
CompletionModel read_completion_model(CLI::App& app, std::string version);

// The kind as the bash and fish scripts name it: none, any, file, target, or
// "choice A B...".
std::string value_word(const ValueSpec& value);

// The option called `name` ("--version") among `options`, or nullptr. A
// command's option hides refreshctl's own option of the same name.
const OptionSpec* find_option(const std::vector<OptionSpec>& options, const std::string& name);

// `text` with each @PROGRAM@ replaced by `program`: the scripts' fixed parts
// are written this way because braces are everywhere in shell code.
std::string with_program(std::string_view text, const std::string& program);

// `text` in single quotes for bash and zsh ('it'\''s').
std::string posix_quote(const std::string& text);

// The completion scripts. Each defines the target-name helper call as
// `<program> [--db DB] completion --list-targets`, passing the --db typed on
// the command line being completed.
std::string bash_completion_script(const CompletionModel& model);
std::string zsh_completion_script(const CompletionModel& model);
std::string fish_completion_script(const CompletionModel& model);

}  // namespace refreshctl::cli

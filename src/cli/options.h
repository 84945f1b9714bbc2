// What every command's options share: placeholders that say what an option
// takes (PATH, DURATION, NAME, N), validators whose messages say what is
// accepted, the examples that end each --help, and the messages for a command
// line that does not parse.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace refreshctl::cli {

// A whole number from `min` to `max`: "--limit \"abc\" is not a whole number
// (use 1 to 100000)".
CLI::Validator whole_number(int64_t min, int64_t max);

// Refuses an empty value: `--db ""` must not silently mean the default.
CLI::Validator non_empty(const std::string& hint);

// Ends the command's --help with "Examples:" and one line each.
void set_examples(CLI::App* command, const std::vector<std::string>& lines);

// When the first word that is not a global option names no command, throws
// Failure(2) "unknown command \"x\", did you mean \"y\"?". `args` are the
// arguments after the program name.
void check_command_word(const CLI::App& app, const std::vector<std::string>& args);

// The message for a command line that did not parse, in words: which
// argument is missing and how the command is used.
std::string explain_parse_error(const CLI::App& app, const CLI::ParseError& error);

}  // namespace refreshctl::cli

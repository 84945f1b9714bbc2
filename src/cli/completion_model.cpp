// Reads the CLI11 command tree into the model the completion scripts are
// written from. What completes a value is read from the option's type name,
// which is what --help prints ("TEXT:FILE", "TARGET", "TEXT:{bash,zsh,fish}"),
// so help and completion say the same thing.
#include "cli/completion_model.h"

#include "util/text.h"

namespace refreshctl::cli {
namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

// "TEXT:{a,b}" -> choice a, b; "TEXT:FILE" -> file; "NAME" or "NAME..." -> target. The
// first part is the type, each further part a validator's description.
ValueSpec read_value(const CLI::Option& option) {
  ValueSpec value;
  auto parts = split(option.get_type_name(), ':');
  if (parts[0] == kTargetNameType || parts[0] == std::string(kTargetNameType) + "...") {
    value.kind = ValueKind::kTarget;
  }
  for (size_t i = 1; i < parts.size() && value.kind != ValueKind::kTarget; ++i) {
    const std::string& part = parts[i];
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      value.kind = ValueKind::kChoice;
      value.choices = split(part.substr(1, part.size() - 2), ',');
    } else if (part.rfind("FILE", 0) == 0 || part.rfind("PATH", 0) == 0 ||
               part.rfind("DIR", 0) == 0) {
      value.kind = ValueKind::kFile;
    }
  }
  return value;
}

OptionSpec read_option(const CLI::Option& option) {
  OptionSpec spec;
  for (const auto& name : option.get_snames()) spec.names.push_back("-" + name);
  for (const auto& name : option.get_lnames()) spec.names.push_back("--" + name);
  spec.description = option.get_description();
  spec.takes_value = option.get_expected_max() > 0;
  // A vector option, or a flag that counts (-vv).
  spec.repeats = option.get_items_expected_max() > 1 ||
                 option.get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
  if (spec.takes_value) {
    spec.value = read_value(option);
    if (spec.value.kind == ValueKind::kNone) spec.value.kind = ValueKind::kAny;
  }
  return spec;
}

PositionalSpec read_positional(const CLI::Option& option) {
  PositionalSpec spec;
  spec.name = option.get_name();
  spec.description = option.get_description();
  spec.repeats = option.get_items_expected_max() > 1;
  spec.value = read_value(option);
  return spec;
}

// Options in the empty group are hidden from --help; completion hides them too.
void read_options(const CLI::App& app,
                  std::vector<OptionSpec>* options,
                  std::vector<PositionalSpec>* positionals) {
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_group().empty()) continue;
    if (option->get_positional()) {
      if (positionals != nullptr) positionals->push_back(read_positional(*option));
    } else {
      options->push_back(read_option(*option));
    }
  }
}

}  // namespace

CLI::Validator offered_choices(const std::vector<std::string>& values) {
  return {[](const std::string&) { return std::string(); }, "{" + join(values, ",") + "}"};
}

std::string value_word(const ValueSpec& value) {
  switch (value.kind) {
    case ValueKind::kNone:
      return "none";
    case ValueKind::kAny:
      return "any";
    case ValueKind::kFile:
      return "file";
    case ValueKind::kTarget:
      return "target";
    case ValueKind::kChoice:
      return "choice " + join(value.choices, " ");
  }
  return "none";
}

const OptionSpec* find_option(const std::vector<OptionSpec>& options, const std::string& name) {
  for (const auto& option : options) {
    for (const auto& n : option.names) {
      if (n == name) return &option;
    }
  }
  return nullptr;
}

std::string with_program(std::string_view text, const std::string& program) {
  constexpr std::string_view kPlaceholder = "@PROGRAM@";
  std::string out;
  size_t start = 0;
  for (size_t at = text.find(kPlaceholder); at != std::string_view::npos;
       at = text.find(kPlaceholder, start)) {
    out.append(text.substr(start, at - start)).append(program);
    start = at + kPlaceholder.size();
  }
  return out.append(text.substr(start));
}

std::string posix_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

CompletionModel read_completion_model(CLI::App& app, std::string version) {
  CompletionModel model;
  model.program = app.get_name();
  model.version = std::move(version);
  read_options(app, &model.options, nullptr);
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_group().empty()) continue;
    CommandSpec command;
    command.name = sub->get_name();
    command.description = sub->get_description();
    read_options(*sub, &command.options, &command.positionals);
    model.commands.push_back(std::move(command));
  }
  return model;
}

}  // namespace refreshctl::cli

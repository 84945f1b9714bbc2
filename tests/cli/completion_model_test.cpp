// The completion model is read from a CLI11 app: what completes each value
// comes from the option's type name, as --help shows it.
#include "cli/completion_model.h"

#include <gtest/gtest.h>

namespace refreshctl::cli {
namespace {

struct Bound {
  std::string db, file, state, name, expression;
  std::vector<std::string> targets;
  bool flag = false;
  int verbose = 0;
};

class CompletionModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app_.add_option("--db", b_.db, "Database");
    app_.add_flag("-q,--quiet", b_.flag, "Quiet");
    app_.add_flag("-v", b_.verbose, "More (repeatable)");
    auto* cmd = app_.add_subcommand("history", "Show refreshes");
    cmd->add_option("-t,--target", b_.targets, "Target")->type_name(kTargetNameType);
    cmd->add_option("-s,--state", b_.state, "State")->check(offered_choices({"failed", "ok"}));
    cmd->add_option("-f,--file", b_.file, "File")->check(CLI::ExistingFile);
    cmd->add_option("name", b_.name, "Target name")->type_name(kTargetNameType);
    cmd->add_option("expression", b_.expression, "Cron expression");
    cmd->add_flag("--hidden", b_.flag, "Hidden")->group("");
    app_.add_subcommand("secret", "Hidden")->group("");
  }
  CLI::App app_{"test", "refreshctl"};
  Bound b_;
};

const OptionSpec& option(const std::vector<OptionSpec>& options, const std::string& name) {
  const OptionSpec* found = find_option(options, name);
  if (found == nullptr) throw std::runtime_error("no option " + name);
  return *found;
}

TEST_F(CompletionModelTest, ReadsTheGlobalOptionsAndTheVisibleCommands) {
  auto model = read_completion_model(app_, "1.2.3");
  EXPECT_EQ(model.program, "refreshctl");
  EXPECT_EQ(option(model.options, "--db").value.kind, ValueKind::kAny);
  EXPECT_TRUE(option(model.options, "--db").takes_value);
  EXPECT_FALSE(option(model.options, "-q").takes_value);
  EXPECT_EQ(option(model.options, "-q").names, (std::vector<std::string>{"-q", "--quiet"}));
  EXPECT_FALSE(option(model.options, "-q").repeats);
  EXPECT_TRUE(option(model.options, "-v").repeats) << "a flag that counts";
  ASSERT_EQ(model.commands.size(), 1u) << "the command in the empty group is hidden";
  EXPECT_EQ(model.commands[0].name, "history");
  EXPECT_EQ(find_option(model.commands[0].options, "--hidden"), nullptr);
}

TEST_F(CompletionModelTest, ReadsTargetChoiceAndFileValuesFromTheTypeName) {
  auto model = read_completion_model(app_, "1");
  const auto& history = model.commands.at(0);
  const auto& target = option(history.options, "--target");
  EXPECT_EQ(target.value.kind, ValueKind::kTarget);
  EXPECT_TRUE(target.repeats);
  const auto& state = option(history.options, "-s");
  EXPECT_EQ(state.value.kind, ValueKind::kChoice);
  EXPECT_EQ(state.value.choices, (std::vector<std::string>{"failed", "ok"}));
  EXPECT_FALSE(state.repeats);
  EXPECT_EQ(option(history.options, "--file").value.kind, ValueKind::kFile);
  ASSERT_EQ(history.positionals.size(), 2u);
  EXPECT_EQ(history.positionals[0].value.kind, ValueKind::kTarget);
  EXPECT_EQ(history.positionals[1].name, "expression");
  EXPECT_EQ(history.positionals[1].value.kind, ValueKind::kNone);
}

TEST_F(CompletionModelTest, OfferedChoicesRefuseNothing) {
  EXPECT_NO_THROW(app_.parse("history --state other", false));
  EXPECT_EQ(b_.state, "other");
}

TEST(CompletionText, QuotesForPosixShellsAndFillsInTheProgram) {
  EXPECT_EQ(posix_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(with_program("_@PROGRAM@() { @PROGRAM@ x; }", "rc"), "_rc() { rc x; }");
  EXPECT_EQ(value_word({ValueKind::kChoice, {"a", "b"}}), "choice a b");
}

}  // namespace
}  // namespace refreshctl::cli

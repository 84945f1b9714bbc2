// --help and the man page, checked against the command tree itself, so a new
// command or option is covered without a change here.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <regex>
#include <set>

#include "cli/command.h"
#include "config/target_fields.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace refreshctl::testing {
namespace {

struct Tree {
  Tree() { cli::setup_commands(app, ctx); }
  std::vector<CLI::App*> commands() {
    return app.get_subcommands([](CLI::App*) { return true; });
  }
  CLI::App app{"refreshctl", "refreshctl"};
  cli::Context ctx;
};

std::string man_page() { return read_file(std::string(PROJECT_SOURCE_DIR) + "/man/refreshctl.1"); }

// The man page's text for one command: from its ".SS name" to the next
// section or subsection.
std::string man_section(const std::string& man, const std::string& heading) {
  size_t start = man.find(heading + "\n");
  if (start == std::string::npos) return "";
  size_t end = man.find("\n.S", start + heading.size());
  return man.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// "--max-concurrency" as groff writes it: "\-\-max\-concurrency".
std::string groff(const std::string& option) {
  std::string out;
  for (char c : option) out += c == '-' ? std::string("\\-") : std::string(1, c);
  return out;
}

std::vector<std::string> option_names(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* opt : command.get_options()) {
    if (opt->get_positional()) continue;
    for (const auto& name : opt->get_lnames()) names.push_back("--" + name);
    for (const auto& name : opt->get_snames()) names.push_back("-" + name);
  }
  return names;
}

TEST(Help, EveryCommandsPlaceholdersSayWhatTheyTakeAndItEndsWithExamples) {
  Tree tree;
  ASSERT_GE(tree.commands().size(), 12u);
  static const std::regex generic(R"(\b(TEXT|INT|UINT|FLOAT|NUMBER|BOOLEAN)\b)");
  for (CLI::App* command : tree.commands()) {
    auto r = refreshctl({command->get_name(), "--help"});
    EXPECT_EQ(r.exit_code, 0) << command->get_name();
    std::smatch m;
    EXPECT_FALSE(std::regex_search(r.out, m, generic))
        << command->get_name() << " --help shows the placeholder " << m.str() << ":\n"
        << r.out;
    size_t examples = r.out.find("\nExamples:\n");
    ASSERT_NE(examples, std::string::npos) << command->get_name() << ":\n" << r.out;
    EXPECT_NE(r.out.find("  refreshctl ", examples), std::string::npos) << r.out;
  }
  auto top = refreshctl({"--help"});
  std::smatch m;
  EXPECT_FALSE(std::regex_search(top.out, m, generic)) << top.out;
}

TEST(Help, TheManPageDescribesEveryOptionOfEveryCommandAndNoOther) {
  Tree tree;
  std::string man = man_page();
  std::vector<std::string> globals = option_names(tree.app);
  for (CLI::App* command : tree.commands()) {
    std::string section = man_section(man, ".SS " + command->get_name());
    ASSERT_FALSE(section.empty()) << "no .SS " << command->get_name() << " in the man page";
    std::set<std::string> known(globals.begin(), globals.end());  // may be named anywhere
    for (const auto& name : option_names(*command)) {
      if (name == "--help" || name == "-h") continue;
      known.insert(name);
      EXPECT_NE(section.find("\\fB" + groff(name) + "\\fR"), std::string::npos)
          << command->get_name() << " " << name << " is not in the man page";
    }
    // Options the man page names for this command must exist.
    static const std::regex written(R"(\\fB((?:\\-){1,2}[a-z](?:[a-z]|\\-)*)\\fR)");
    for (std::sregex_iterator it(section.begin(), section.end(), written), end; it != end; ++it) {
      std::string name = std::regex_replace((*it)[1].str(), std::regex(R"(\\-)"), "-");
      EXPECT_TRUE(known.count(name)) << "the man page gives " << command->get_name() << " " << name
                                     << ", which it does not have";
    }
  }
  std::string global = man_section(man, ".SH GLOBAL OPTIONS");
  for (const auto& name : option_names(tree.app)) {
    if (name == "--help" || name == "-h") continue;
    EXPECT_NE(global.find("\\fB" + groff(name) + "\\fR"), std::string::npos)
        << "global option " << name << " is not in the man page";
  }
}

TEST(Help, TheManPageHasTheSectionsAnOperatorLooksFor) {
  std::string man = man_page();
  for (const char* heading : {".SH TARGET FILE", ".SH ENVIRONMENT", ".SH FILES", ".SH EXIT STATUS",
                              ".SH EXAMPLES", ".SH GLOBAL OPTIONS", ".SH COMMANDS"}) {
    EXPECT_NE(man.find(std::string(heading) + "\n"), std::string::npos) << heading;
  }
  std::string env = man_section(man, ".SH ENVIRONMENT");
  for (const char* variable : {"REFRESHCTL_DB", "XDG_STATE_HOME", "NO_COLOR", "TZ", "HOME"}) {
    EXPECT_NE(env.find(variable), std::string::npos) << variable;
  }
}

TEST(Help, TheManPageDescribesEveryFieldOfTheTargetFile) {
  std::string man = man_page();
  std::string rest = man.substr(man.find(".SH TARGET FILE\n"));  // its subsections too
  std::string section = man_section(man, ".SH TARGET FILE");
  auto check = [&](const std::vector<config_detail::Field>& fields, const std::string& table) {
    std::string part = table.empty() ? section : man_section(rest, ".SS " + table);
    ASSERT_FALSE(part.empty()) << table;
    for (const auto& field : fields) {
      EXPECT_NE(part.find(".B " + field.key + "\n"), std::string::npos)
          << (table.empty() ? "" : table + " ") << field.key << " is not described";
    }
  };
  check(config_detail::target_fields(), "");
  check(config_detail::refresh_fields(), "[target.refresh]");
  check(config_detail::status_fields(), "[target.status]");
  check(config_detail::http_fields(), "[target.http]");
  check(config_detail::notify_fields(), "[target.notify]");
}

TEST(Help, QuietMeansTheSameInHelpAndManPage) {
  auto help = refreshctl({"--help"});
  EXPECT_NE(help.out.find("nothing when all went well"), std::string::npos) << help.out;
  std::string global = man_section(man_page(), ".SH GLOBAL OPTIONS");
  std::string flat = std::regex_replace(global, std::regex(R"(\s+)"), " ");
  std::string quiet = std::regex_replace(std::string(cli::kQuietHelp), std::regex(R"(\s+)"), " ");
  EXPECT_NE(flat.find(quiet), std::string::npos) << "the man page's -q differs from --help";
}

}  // namespace
}  // namespace refreshctl::testing

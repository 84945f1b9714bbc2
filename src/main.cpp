// refreshctl: drive asynchronous refresh APIs from cron, exactly once per slot.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/options.h"

int main(int argc, char** argv) {
  using namespace refreshctl::cli;
  CLI::App app{"refreshctl: trigger and poll asynchronous refresh APIs on a schedule, exactly once",
               "refreshctl"};
  Context ctx;
  setup_commands(app, ctx);
  try {
    check_command_word(app, std::vector<std::string>(argv + 1, argv + argc));
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "refreshctl: error: {}\n", explain_parse_error(app, e));
    return kExitUsage;
  } catch (const Failure& e) {
    std::fflush(stdout);
    fmt::print(stderr, "refreshctl: error: {}\n", e.what());
    return e.code();
  } catch (const std::exception& e) {
    std::fflush(stdout);
    fmt::print(stderr, "refreshctl: error: {}\n", e.what());
    return kExitDatabase;
  }
  return ctx.exit_code;
}

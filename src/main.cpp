// refreshctl: drive asynchronous refresh APIs from cron, exactly once per slot.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/command.h"

int main(int argc, char** argv) {
  using namespace refreshctl::cli;
  CLI::App app{"refreshctl: trigger and poll asynchronous refresh APIs on a schedule, exactly once",
               "refreshctl"};
  Context ctx;
  setup_commands(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "refreshctl: error: {}\n", e.what());
    fmt::print(stderr, "Run with --help for more information.\n");
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

// What every subcommand shares: the global options, the exit codes of SPEC §5,
// and the one way a command fails. Each command lives in its own cmd_*.cpp with
// an options struct, a setup_*(CLI::App&, Context&) that registers it, and a
// run_*() that does the work.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <stdexcept>
#include <string>

#include "store/store.h"
#include "util/result.h"
#include "util/time.h"

namespace refreshctl::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitRefreshFailed = 1,  // a refresh failed, timed out, errored or is unknown
  kExitUsage = 2,          // usage or configuration error
  kExitDatabase = 3,       // the database could not be reached or written
};

struct GlobalOptions {
  std::string db;  // --db; empty: REFRESHCTL_DB, then the default path
  bool json = false;
  int verbose = 0;
  bool quiet = false;
  std::string color = "auto";  // --color: auto, always, never
};

// A command's failure: main prints "refreshctl: error: <message>" once and
// exits with `code`.
class Failure : public std::runtime_error {
 public:
  Failure(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

struct Context {
  GlobalOptions global;
  int exit_code = kExitOk;  // set by the command that ran
};

// Returns the value, or throws Failure(code, error).
template <class T>
T unwrap(Result<T> result, int code) {
  if (!result.ok()) throw Failure(code, result.error());
  return std::move(result).value();
}
inline void unwrap(const Result<void>& result, int code) {
  if (!result.ok()) throw Failure(code, result.error());
}

// What --db, else REFRESHCTL_DB, else the default path names.
std::string database_spec(const GlobalOptions& global);

// Opens the store named by --db / REFRESHCTL_DB / the default path; a failure
// is exit 3. Commands that only read pass OpenMode::kReadOnly: they never
// create a database.
std::unique_ptr<Store> open_store_or_fail(const GlobalOptions& global,
                                          OpenMode mode = OpenMode::kReadWrite);

// A --since value: a time ("2026-11-23T02:00:00Z") or a duration back from
// `now` ("2h"); anything else is Failure(2) naming both forms.
TimePoint parse_since_or_fail(const std::string& text, TimePoint now);

// What -q means, the same words in --help and the man page.
extern const char* const kQuietHelp;

// Registers every subcommand on `app`.
void setup_commands(CLI::App& app, Context& ctx);

}  // namespace refreshctl::cli

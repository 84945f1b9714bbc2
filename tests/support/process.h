// Runs the real refreshctl binary (or any program) and captures what it
// printed, for tests that check the program as its users see it.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace refreshctl::testing {

struct ProcessResult {
  int exit_code = -1;  // 128+signal when killed
  std::string out;
  std::string err;
};

struct RunOptions {
  std::map<std::string, std::string> env;     // added to (or replacing) the environment
  std::chrono::milliseconds timeout{60'000};  // killed with SIGKILL after this
  std::string stdin_text;
};

// Runs `argv` (argv[0] is the path) to completion.
ProcessResult run_process(const std::vector<std::string>& argv, const RunOptions& options = {});

// Runs the built refreshctl with `args`.
ProcessResult refreshctl(const std::vector<std::string>& args, const RunOptions& options = {});

// A child process running in the background; killed (SIGTERM, then SIGKILL)
// and reaped when destroyed unless wait() was called.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const RunOptions& options = {});
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  int pid() const { return pid_; }
  void signal(int sig);
  // Waits for the exit and returns what it printed.
  ProcessResult wait();

 private:
  int pid_ = -1;
  std::string out_path_, err_path_;
  bool reaped_ = false;
  std::chrono::milliseconds timeout_;
};

}  // namespace refreshctl::testing

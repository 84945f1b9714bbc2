#include "support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "support/temp_dir.h"

namespace refreshctl::testing {
namespace {

std::string temp_output_path() {
  static int counter = 0;
  return (std::filesystem::temp_directory_path() /
          ("refreshctl-out-" + std::to_string(getpid()) + "-" + std::to_string(++counter)))
      .string();
}

int spawn(const std::vector<std::string>& argv,
          const RunOptions& options,
          const std::string& out_path,
          const std::string& err_path) {
  std::string in_path;
  if (!options.stdin_text.empty()) {
    in_path = temp_output_path();
    std::ofstream(in_path, std::ios::binary) << options.stdin_text;
  }
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int in = open(in_path.empty() ? "/dev/null" : in_path.c_str(), O_RDONLY);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    setpgid(0, 0);
    for (const auto& [k, v] : options.env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

int wait_with_timeout(int pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const RunOptions& options) {
  BackgroundProcess process(argv, options);
  return process.wait();
}

ProcessResult refreshctl(const std::vector<std::string>& args, const RunOptions& options) {
  std::vector<std::string> argv{REFRESHCTL_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, options);
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     const RunOptions& options)
    : out_path_(temp_output_path()), err_path_(temp_output_path()), timeout_(options.timeout) {
  pid_ = spawn(argv, options, out_path_, err_path_);
}

BackgroundProcess::~BackgroundProcess() {
  if (!reaped_) {
    kill(pid_, SIGTERM);
    wait_with_timeout(pid_, std::chrono::milliseconds(5000));
  }
  std::filesystem::remove(out_path_);
  std::filesystem::remove(err_path_);
}

void BackgroundProcess::signal(int sig) { kill(pid_, sig); }

ProcessResult BackgroundProcess::wait() {
  ProcessResult result;
  result.exit_code = wait_with_timeout(pid_, timeout_);
  reaped_ = true;
  result.out = read_file(out_path_);
  result.err = read_file(err_path_);
  return result;
}

}  // namespace refreshctl::testing

// An exclusive, non-blocking lock on a file beside the SQLite database. The
// kernel releases it when the process dies, so a killed run never leaves a
// stale lock. The holder writes its pid, host and start time into the file
// for the next run's message.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace refreshctl {

// Returns the lock, or nullptr with *holder set when another process has it.
// Fails when the file cannot be created or opened.
Result<std::unique_ptr<RunLock>> try_file_lock(const std::string& path, std::string* holder);

}  // namespace refreshctl

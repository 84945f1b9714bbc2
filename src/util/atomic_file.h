// Replacing a file so that a reader sees the old contents or the new, never
// half: for node_exporter's textfile collector, which may read at any moment.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace refreshctl {

// Writes `text` to a temporary file in the directory of `path` (a hidden
// name that does not end in `path`'s extension, so that a collector reading
// *.prom skips it), fsyncs it, renames it over `path` and fsyncs the
// directory. The file is 0644 less the umask. On failure the temporary file
// is removed and `path` is untouched; the error names `path`.
Result<void> write_file_atomically(const std::string& path, std::string_view text);

}  // namespace refreshctl

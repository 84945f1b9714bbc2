// Headless chromium (Debian's `chromium` package) for tests of pages that
// refreshctl writes: it renders a local file to a PNG and prints the DOM it
// built. It runs in a new network namespace (`unshare -n`: loopback only,
// and down), with background networking, component updates and sync off
// and its profile in a temporary directory, so nothing leaves the machine
// and nothing outside the test's directory is written.
#pragma once

#include <string>

#include "support/process.h"

namespace refreshctl::testing {

struct ChromiumPage {
  ProcessResult process;  // out: the DOM as chromium serialized it
  std::string png;        // the screenshot's bytes; empty when none was written
};

// The chromium binary, or "" when it is not installed.
std::string chromium_path();

// Loads file://`html_path` in a window of width x height, writes the
// screenshot to `png_path`, and returns the DOM (--dump-dom). `work_dir` holds
// chromium's profile and HOME.
ChromiumPage render_with_chromium(const std::string& html_path,
                                  const std::string& png_path,
                                  const std::string& work_dir,
                                  int width,
                                  int height);

// The width and height in a PNG's header, or {0, 0} when it is not a PNG.
std::pair<int, int> png_size(const std::string& png);

}  // namespace refreshctl::testing

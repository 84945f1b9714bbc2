#include "support/chromium.h"

#include <unistd.h>

#include <filesystem>

#include "support/temp_dir.h"

namespace refreshctl::testing {

std::string chromium_path() {
  // The browser itself rather than Debian's /usr/bin/chromium launcher script,
  // which only adds desktop flags and a second of shell start-up.
  for (const char* path : {"/usr/lib/chromium/chromium", "/usr/bin/chromium"}) {
    if (access(path, X_OK) == 0) return path;
  }
  return "";
}

ChromiumPage render_with_chromium(const std::string& html_path,
                                  const std::string& png_path,
                                  const std::string& work_dir,
                                  int width,
                                  int height) {
  std::vector<std::string> argv{"/usr/bin/unshare"};
  // Root may make a network namespace; anyone else makes a user namespace
  // for it, as its root (without Debian's setuid chromium-sandbox, chromium
  // cannot sandbox itself in a namespace whose uid is not mapped).
  if (geteuid() != 0) argv.insert(argv.end(), {"--user", "--map-root-user"});
  argv.insert(argv.end(), {"--net", chromium_path(), "--headless", "--disable-gpu",
                           "--no-first-run", "--disable-background-networking",
                           "--disable-component-update", "--disable-sync", "--disable-extensions",
                           "--hide-scrollbars", "--user-data-dir=" + work_dir + "/profile",
                           "--window-size=" + std::to_string(width) + "," + std::to_string(height),
                           "--screenshot=" + png_path, "--dump-dom",
                           "file://" + std::filesystem::absolute(html_path).string()});
  // Chromium is root now (of the machine, or of its namespace), and refuses
  // to start its sandbox as root. The page is a local file with no script.
  argv.insert(argv.end() - 1, "--no-sandbox");
  RunOptions options;
  options.env = {{"HOME", work_dir}, {"XDG_CONFIG_HOME", work_dir}, {"XDG_CACHE_HOME", work_dir}};
  options.timeout = std::chrono::seconds(60);
  ChromiumPage page;
  page.process = run_process(argv, options);
  page.png = read_file(png_path);
  return page;
}

std::pair<int, int> png_size(const std::string& png) {
  // The signature, then the IHDR chunk: length, "IHDR", width, height (big-endian).
  if (png.size() < 24 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 ||
      png.compare(12, 4, "IHDR") != 0) {
    return {0, 0};
  }
  auto be32 = [&](size_t at) {
    int v = 0;
    for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(png[at + i]);
    return v;
  };
  return {be32(16), be32(20)};
}

}  // namespace refreshctl::testing

// refreshctl report: the history as one self-contained HTML page.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <set>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output.h"
#include "report/report.h"
#include "store/store.h"
#include "util/text.h"

namespace refreshctl::cli {
namespace {

struct ReportOptions {
  std::string output;  // empty: stdout
  std::string since;
  std::vector<std::string> targets;
  int limit = 10000;
};

// report only reads: a database that does not exist is an error, never a new
// empty one. A server (postgresql://..., conninfo) answers for itself.
void require_known_targets(Store& store, const std::vector<std::string>& targets) {
  if (targets.empty()) return;
  auto names = unwrap(store.target_names(), kExitDatabase);
  for (const auto& t : targets) {
    if (std::find(names.begin(), names.end(), t) == names.end()) {
      throw Failure(kExitUsage, fmt::format("no target named \"{}\"{}", t, did_you_mean(t, names)));
    }
  }
}

report::ReportInput read_history(Store& store,
                                 const ReportOptions& opt,
                                 std::optional<TimePoint> since,
                                 TimePoint now) {
  report::ReportInput in;
  in.now = now;
  in.since = since;
  HistoryQuery query;
  query.targets = opt.targets;
  query.since = since;
  // One more than shown tells whether some were left out.
  query.limit = opt.limit < std::numeric_limits<int>::max() ? opt.limit + 1 : opt.limit;
  in.refreshes = unwrap(store.history(query), kExitDatabase);
  if (in.refreshes.size() > static_cast<size_t>(opt.limit)) {
    in.refreshes.resize(opt.limit);
    in.truncated = true;
  }
  std::set<std::string> current;
  for (const auto& t : unwrap(store.targets(), kExitDatabase)) current.insert(t.target.name);
  std::set<std::string> shown;
  for (const auto& r : in.refreshes) shown.insert(r.target);
  for (const auto& name : shown) {
    in.revisions[name] = unwrap(store.revisions(name), kExitDatabase);
    if (current.count(name) == 0) in.removed.insert(name);
  }
  in.database = store.describe();
  return in;
}

// Written beside the destination and renamed into place, so that a web
// server or a person never sees half a page.
void write_file(const std::string& path, const std::string& text) {
  std::string temp = fmt::format("{}.tmp{}", path, getpid());
  FILE* f = std::fopen(temp.c_str(), "wb");
  if (f == nullptr) {
    throw Failure(kExitUsage, fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  }
  bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  int saved = errno;
  written = std::fclose(f) == 0 && written;
  if (!written || std::rename(temp.c_str(), path.c_str()) != 0) {
    saved = written ? errno : saved;
    std::remove(temp.c_str());
    throw Failure(kExitUsage, fmt::format("cannot write {}: {}", path, std::strerror(saved)));
  }
}

void run_report(const ReportOptions& opt, Context& ctx) {
  TimePoint now = SystemClock().now();
  std::optional<TimePoint> since;
  if (!opt.since.empty()) since = parse_since_or_fail(opt.since, now);
  auto store = open_store_or_fail(ctx.global, OpenMode::kReadOnly);
  require_known_targets(*store, opt.targets);
  report::ReportInput in = read_history(*store, opt, since, now);
  std::string html = report::render_html(in);
  if (opt.output.empty()) {
    std::fwrite(html.data(), 1, html.size(), stdout);
    if (std::fflush(stdout) != 0) {
      throw Failure(kExitUsage, fmt::format("cannot write the report: {}", std::strerror(errno)));
    }
    if (in.truncated && !ctx.global.quiet) {
      fmt::print(stderr,
                 "refreshctl: only the newest {} refreshes are in the report (see --limit)\n",
                 in.refreshes.size());
    }
    return;
  }
  write_file(opt.output, html);
  if (ctx.global.json) {
    print_json({{"path", opt.output},
                {"refreshes", in.refreshes.size()},
                {"truncated", in.truncated},
                {"bytes", html.size()}});
  } else if (!ctx.global.quiet) {
    fmt::print("wrote {}: {} refreshes{}, {} KiB\n", opt.output, in.refreshes.size(),
               in.truncated ? " (only the newest; see --limit)" : "", (html.size() + 1023) / 1024);
  }
}

}  // namespace

void setup_report(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<ReportOptions>();
  auto* cmd = app.add_subcommand(
      "report", "Write the history as one self-contained HTML page: a timeline, failures first");
  cmd->add_option("-o,--output", opt->output, "Write the page to this file (default: stdout)")
      ->type_name("PATH");
  cmd->add_option("--since", opt->since,
                  "Only since this time (2026-11-23T02:00:00Z) or this long ago (2h, 7d)")
      ->type_name("TIME|DURATION");
  cmd->add_option("-t,--target", opt->targets, "Only this target (repeatable)")->type_name("NAME");
  cmd->add_option("-n,--limit", opt->limit, "At most this many refreshes, the newest")
      ->type_name("N")
      ->check(whole_number(1, 1'000'000))
      ->capture_default_str();
  set_examples(cmd, {"refreshctl report -o report.html",
                     "refreshctl report --since 7d --target sales-cube -o sales-cube.html",
                     "refreshctl report --since 2026-11-23T00:00:00Z > night.html"});
  cmd->callback([opt, &ctx] { run_report(*opt, ctx); });
}

}  // namespace refreshctl::cli

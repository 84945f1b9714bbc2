// refreshctl metrics: the history in the Prometheus text format, on stdout or
// replaced atomically in a file for node_exporter's textfile collector.
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/ops_commands.h"
#include "cli/options.h"
#include "report/prometheus.h"
#include "store/stats.h"
#include "util/atomic_file.h"

namespace refreshctl::cli {
namespace {

struct MetricsOptions {
  std::string textfile;
};

void run_metrics(const MetricsOptions& opt, Context& ctx) {
  auto store = open_store_or_fail(ctx.global, OpenMode::kReadOnly);
  report::MetricsInput in;
  in.versions = unwrap(version_stats(*store), kExitDatabase);
  in.runs = unwrap(run_stats(*store), kExitDatabase);
  std::string text = report::render_metrics(in);
  if (opt.textfile.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  unwrap(write_file_atomically(opt.textfile, text), kExitUsage);
}

}  // namespace

void setup_metrics(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<MetricsOptions>();
  auto* cmd = app.add_subcommand(
      "metrics",
      "Print the last state, last success, last duration and counts of every target and version "
      "in the Prometheus text format");
  cmd->add_option("--textfile", opt->textfile,
                  "Write to this file instead, replaced atomically (for node_exporter's textfile "
                  "collector: a *.prom file in its --collector.textfile.directory)")
      ->type_name("PATH")
      ->check(non_empty("give a file path, or leave --textfile out for stdout"));
  set_examples(cmd,
               {"refreshctl metrics",
                "refreshctl metrics --textfile /var/lib/node_exporter/textfile/refreshctl.prom",
                "refreshctl --db postgresql://refreshctl@db1/refreshctl metrics"});
  cmd->callback([opt, &ctx] { run_metrics(*opt, ctx); });
}

}  // namespace refreshctl::cli

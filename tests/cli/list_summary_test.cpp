// `list` reads what it shows from the summary stored with each revision
// (schema 9), not from the revision's TOML. The summary is a cache: `list`
// shows the same with it, without it (revisions made before schema 9), and
// with one that does not read; on both backends.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/process.h"
#include "support/targets.h"
#include "support/test_db.h"

namespace refreshctl::testing {
namespace {

const char* kTargets = R"([[target]]
name = "dataset"
data_type = "inventory"
versions = ["v41", "v42"]
schedule = "0 4 1 1 *"

[target.refresh]
url = "http://127.0.0.1:9/api/refresh"

[target.status]
url = "http://127.0.0.1:9/api/status"
succeeded = ["SUCCEEDED"]

[[target]]
name = "cube"
data_type = "sales"
versions = ["2026-10", "2026-11"]
schedule = "0 3 * * 1-5"
timezone = "Europe/Berlin"
after = ["dataset"]

[target.refresh]
url = "http://127.0.0.1:9/api/refresh"

[target.status]
url = "http://127.0.0.1:9/api/status"
succeeded = ["SUCCEEDED"]

[[target]]
name = "daily"
data_type = "partitions"
enabled = false
versions_from = { url = "http://127.0.0.1:9/api/versions", latest = 2 }

[target.refresh]
url = "http://127.0.0.1:9/api/refresh"

[target.status]
url = "http://127.0.0.1:9/api/status"
succeeded = ["SUCCEEDED"]
)";

class ListSummary : public ::testing::TestWithParam<Backend> {
 protected:
  std::string ok(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_.spec()});
    auto r = refreshctl(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  TempDir dir_;
  TestDb db_{GetParam()};
};

TEST_P(ListSummary, ListShowsTheSameWithTheSummaryWithoutItAndWithOneThatDoesNotRead) {
  ok({"apply", "-f", dir_.write("t.toml", kTargets)});
  ok({"disable", "dataset"});
  ok({"enable", "dataset"});
  auto with = nlohmann::json::parse(ok({"list", "--json"}));
  ASSERT_EQ(with.size(), 3u);
  EXPECT_EQ(with[0]["name"], "cube");
  EXPECT_EQ(with[0]["timezone"], "Europe/Berlin");
  EXPECT_EQ(with[0]["after"], nlohmann::json::array({"dataset"}));
  EXPECT_EQ(with[0]["versions"], nlohmann::json::array({"2026-10", "2026-11"}));
  EXPECT_EQ(with[1]["name"], "daily");
  EXPECT_EQ(with[1]["enabled"], false);
  EXPECT_TRUE(with[1]["next_slot"].is_null());
  EXPECT_EQ(with[2]["name"], "dataset");
  EXPECT_EQ(with[2]["revision"], 3);
  EXPECT_FALSE(with[2]["next_slot"].is_null());
  std::string table = ok({"list"});
  EXPECT_NE(table.find("(read at run time)"), std::string::npos) << table;
  EXPECT_NE(table.find("0 3 * * 1-5 Europe/Berlin, after dataset"), std::string::npos) << table;
  // Every summary is the one its revision's TOML gives.
  auto store = db_.open();
  auto summaries = store->target_summaries();
  ASSERT_TRUE(summaries.ok()) << summaries.error();
  ASSERT_EQ(summaries->size(), 3u);
  for (const auto& summary : *summaries) {
    auto full = store->target(summary.name);
    ASSERT_TRUE(full.ok() && *full);
    EXPECT_EQ(summary, summarize(**full)) << summary.name;
  }
  // Revisions from before schema 9 have none; a summary that does not read
  // is read from the TOML too.
  db_.execute("UPDATE target_revisions SET summary = NULL WHERE target = 'cube'");
  db_.execute("UPDATE target_revisions SET summary = '{\"broken' WHERE target = 'daily'");
  EXPECT_EQ(nlohmann::json::parse(ok({"list", "--json"})), with);
  EXPECT_EQ(ok({"list"}), table);
}

INSTANTIATE_TEST_SUITE_P(Backends,
                         ListSummary,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return backend_name(info.param);
                         });

}  // namespace
}  // namespace refreshctl::testing

// What `after` reads of the history, on both backends: the newest refresh of
// each version of a target, and when a target last ran before a slot.
#include <gtest/gtest.h>

#include <chrono>

#include "support/test_db.h"

namespace refreshctl::testing {
namespace {

using std::chrono::milliseconds;

TimePoint at(int64_t ms) { return TimePoint(milliseconds(ms)); }

class StoreLatest : public ::testing::TestWithParam<Backend> {
 protected:
  void record(const std::string& target,
              const std::string& version,
              int64_t slot_ms,
              int attempt,
              RefreshState state,
              int64_t started_ms) {
    RefreshRecord r{.run_id = run_,
                    .target = target,
                    .revision = 1,
                    .version = version,
                    .slot = at(slot_ms),
                    .attempt = attempt,
                    .state = state,
                    .started_at = at(started_ms)};
    std::vector<RefreshRecord*> records{&r};
    std::vector<bool> claimed;
    ASSERT_TRUE(store_->claim(records, &claimed).ok());
    ASSERT_TRUE(claimed[0]);
  }

  TestDb db_{GetParam()};
  std::unique_ptr<refreshctl::Store> store_ = db_.open();
  int64_t run_ = *store_->begin_run({0, at(1000), "host", 1});
};

TEST_P(StoreLatest, TheNewestRefreshOfEachVersionIsItsLatestSlotThenAttempt) {
  record("dataset", "v1", 60'000, 0, RefreshState::kSucceeded, 61'000);
  record("dataset", "v1", 120'000, 0, RefreshState::kFailed, 121'000);
  record("dataset", "v1", 120'000, 1, RefreshState::kSucceeded, 130'000);
  record("dataset", "v2", 60'000, 0, RefreshState::kFailed, 61'000);
  record("cube", "v1", 180'000, 0, RefreshState::kFailed, 181'000);
  auto latest = store_->latest_refreshes("dataset");
  ASSERT_TRUE(latest.ok()) << latest.error();
  ASSERT_EQ(latest->size(), 2u);
  EXPECT_EQ((*latest)[0].version, "v1");
  EXPECT_EQ((*latest)[0].slot, at(120'000));
  EXPECT_EQ((*latest)[0].attempt, 1);
  EXPECT_EQ((*latest)[0].state, RefreshState::kSucceeded);
  EXPECT_EQ((*latest)[1].version, "v2");
  EXPECT_EQ((*latest)[1].state, RefreshState::kFailed);
  EXPECT_TRUE(store_->latest_refreshes("nothing")->empty());
}

TEST_P(StoreLatest, ATargetLastRanAtTheLatestStartOfItsEarlierSlotsThatWereNotMissed) {
  EXPECT_FALSE(*store_->last_ran_before("cube", at(600'000)));
  record("cube", "v1", 60'000, 0, RefreshState::kSucceeded, 70'000);
  record("cube", "v2", 60'000, 0, RefreshState::kSucceeded, 75'000);
  record("cube", "v1", 120'000, 0, RefreshState::kMissed, 500'000);
  record("cube", "v1", 600'000, 0, RefreshState::kSucceeded, 610'000);
  EXPECT_EQ(*store_->last_ran_before("cube", at(600'000)), at(75'000));
  EXPECT_EQ(*store_->last_ran_before("cube", at(600'001)), at(610'000));
  EXPECT_FALSE(*store_->last_ran_before("cube", at(60'000)));
}

INSTANTIATE_TEST_SUITE_P(Backends,
                         StoreLatest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return backend_name(info.param);
                         });

}  // namespace
}  // namespace refreshctl::testing

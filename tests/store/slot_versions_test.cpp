// The version lists that versions_from targets read, on both backends: one
// per (target, slot), and the first one stored is the slot's for good.
#include <gtest/gtest.h>

#include <chrono>

#include "support/test_db.h"

namespace refreshctl::testing {
namespace {

using std::chrono::milliseconds;
using List = std::vector<std::string>;

TimePoint at(int64_t ms) { return TimePoint(milliseconds(ms)); }

class SlotVersions : public ::testing::TestWithParam<Backend> {
 protected:
  TestDb db_{GetParam()};
  std::unique_ptr<Store> store_ = db_.open();
};

TEST_P(SlotVersions, ASlotHasNoListUntilOneIsStored) {
  auto none = store_->slot_versions("cube", at(60'000));
  ASSERT_TRUE(none.ok()) << none.error();
  EXPECT_FALSE(none->has_value());
  auto stored =
      store_->store_slot_versions("cube", at(60'000), {"2026-11-19", "2026-11-20"}, at(61'000));
  ASSERT_TRUE(stored.ok()) << stored.error();
  EXPECT_EQ(*stored, (List{"2026-11-19", "2026-11-20"}));
  EXPECT_EQ(**store_->slot_versions("cube", at(60'000)), (List{"2026-11-19", "2026-11-20"}));
  // Another slot, another target: no list.
  EXPECT_FALSE(store_->slot_versions("cube", at(120'000))->has_value());
  EXPECT_FALSE(store_->slot_versions("other", at(60'000))->has_value());
}

TEST_P(SlotVersions, TheFirstListStoredForASlotStaysAndAnEmptyListIsAList) {
  ASSERT_TRUE(store_->store_slot_versions("cube", at(60'000), {"a", "b"}, at(61'000)).ok());
  auto second = store_->store_slot_versions("cube", at(60'000), {"c"}, at(62'000));
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(*second, (List{"a", "b"}));
  EXPECT_EQ(**store_->slot_versions("cube", at(60'000)), (List{"a", "b"}));
  auto empty = store_->store_slot_versions("cube", at(120'000), {}, at(121'000));
  ASSERT_TRUE(empty.ok()) << empty.error();
  EXPECT_TRUE(empty->empty());
  auto read = store_->slot_versions("cube", at(120'000));
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_TRUE((*read)->empty());
}

TEST_P(SlotVersions, PruneDeletesTheListsOfOldSlotsButNotTheDueSlots) {
  ASSERT_TRUE(store_->store_slot_versions("cube", at(60'000), {"a"}, at(61'000)).ok());
  ASSERT_TRUE(store_->store_slot_versions("cube", at(120'000), {"b"}, at(121'000)).ok());
  ASSERT_TRUE(store_->store_slot_versions("other", at(60'000), {"c"}, at(61'000)).ok());
  auto pruned = store_->prune({"cube", at(1'000'000), at(120'000)}, 100);
  ASSERT_TRUE(pruned.ok()) << pruned.error();
  EXPECT_FALSE(store_->slot_versions("cube", at(60'000))->has_value());
  EXPECT_TRUE(store_->slot_versions("cube", at(120'000))->has_value());
  EXPECT_TRUE(store_->slot_versions("other", at(60'000))->has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends,
                         SlotVersions,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return backend_name(info.param);
                         });

}  // namespace
}  // namespace refreshctl::testing

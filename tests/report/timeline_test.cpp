// What the report computes before it writes HTML: bars, lanes, numbers, axis.
#include "report/timeline.h"

#include <gtest/gtest.h>

#include "report/report_fixture.h"

namespace refreshctl::report {
namespace {

using std::chrono::minutes;

TEST(Timeline, ABarRunsFromTriggerToEndOrToNowWhileOpen) {
  RefreshRecord r = refresh("cube", "v1", RefreshState::kSucceeded, 10, 5);
  r.started_at = at_minute(9);
  Span ended = bar_span(r, at_minute(60));
  EXPECT_EQ(ended.from, at_minute(10));
  EXPECT_EQ(ended.to, at_minute(15));

  r.state = RefreshState::kPolling;
  r.finished_at.reset();
  EXPECT_EQ(bar_span(r, at_minute(60)).to, at_minute(60));

  r.state = RefreshState::kMissed;  // never triggered: from its start, one instant
  r.triggered_at.reset();
  EXPECT_EQ(bar_span(r, at_minute(60)).from, at_minute(9));
  EXPECT_EQ(bar_span(r, at_minute(60)).to, at_minute(9));
}

TEST(Timeline, PercentilesUseTheNearestRank) {
  std::vector<Millis> d;
  for (int i = 1; i <= 20; ++i) d.push_back(Millis(i * 1000));
  EXPECT_EQ(*percentile(d, 0.50), Millis(10'000));
  EXPECT_EQ(*percentile(d, 0.95), Millis(19'000));
  EXPECT_EQ(*percentile({Millis(7)}, 0.95), Millis(7));
  EXPECT_FALSE(percentile({}, 0.5));
}

TEST(Timeline, SuccessRateCountsOnlyRefreshesThatEndedAndDurationsOnlySuccesses) {
  std::vector<RefreshRecord> rs{
      refresh("cube", "v1", RefreshState::kSucceeded, 0, 2),
      refresh("cube", "v1", RefreshState::kSucceeded, 10, 4),
      refresh("cube", "v1", RefreshState::kSucceeded, 20, 6),
      refresh("cube", "v1", RefreshState::kTimedOut, 30, 45),
      refresh("cube", "v1", RefreshState::kMissed, 40, 0),
      refresh("cube", "v1", RefreshState::kPolling, 50, 1),
  };
  std::vector<const RefreshRecord*> ptrs;
  for (const auto& r : rs) ptrs.push_back(&r);
  TargetStats s = target_stats(ptrs);
  EXPECT_EQ(s.refreshes, 6);
  EXPECT_EQ(s.succeeded, 3);
  EXPECT_EQ(s.failures, 1);
  EXPECT_EQ(s.missed, 1);
  EXPECT_EQ(s.open, 1);
  EXPECT_DOUBLE_EQ(*s.success_rate, 0.75);
  EXPECT_EQ(*s.p50, minutes(4));
  EXPECT_EQ(*s.p95, minutes(6));
}

TEST(Timeline, GroupsHaveOneLanePerVersionInTimeOrder) {
  ReportInput in;
  in.refreshes = {refresh("cube", "v2", RefreshState::kSucceeded, 20, 1),
                  refresh("dataset", "d1", RefreshState::kFailed, 5, 1),
                  refresh("cube", "v1", RefreshState::kSucceeded, 30, 1),
                  refresh("cube", "v2", RefreshState::kSucceeded, 10, 1)};
  in.removed = {"dataset"};
  auto groups = group_by_target(in);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].name, "cube");
  ASSERT_EQ(groups[0].lanes.size(), 2u);
  EXPECT_EQ(groups[0].lanes[0].version, "v1");
  EXPECT_EQ(groups[0].lanes[1].version, "v2");
  EXPECT_EQ(groups[0].lanes[1].refreshes[0]->started_at, at_minute(10));
  EXPECT_FALSE(groups[0].removed);
  EXPECT_TRUE(groups[1].removed);
  EXPECT_EQ(groups[1].stats.failures, 1);
}

TEST(Timeline, TheWindowSpansTheBarsOrRunsFromSinceToNow) {
  ReportInput in;
  in.now = at_minute(600);
  in.refreshes = {refresh("cube", "v1", RefreshState::kSucceeded, 100, 10),
                  refresh("cube", "v1", RefreshState::kSucceeded, 200, 100)};
  Window w = time_window(in);
  EXPECT_EQ(w.from, at_minute(100 - 2));  // 1% of the span either side
  EXPECT_EQ(w.to, at_minute(300 + 2));
  in.since = at_minute(50);
  w = time_window(in);
  EXPECT_EQ(w.from, at_minute(50));
  EXPECT_EQ(w.to, at_minute(600));
}

TEST(Timeline, TicksFallOnRoundTimesInsideTheWindow) {
  auto ticks = time_ticks({at_minute(7), at_minute(7 + 225)}, 12);  // 02:07 to 05:52
  ASSERT_EQ(ticks.size(), 7u);                                      // every 30 minutes
  EXPECT_EQ(ticks[0].at, at_minute(30));
  EXPECT_EQ(ticks[0].label, "11-23 02:30");
  EXPECT_EQ(ticks[1].label, "03:00");
  EXPECT_EQ(ticks.back().label, "05:30");
}

TEST(Timeline, TicksShowTheDateWhereTheDayChanges) {
  auto ticks = time_ticks({at_minute(21 * 60), at_minute(28 * 60)}, 12);  // 23:00 to 06:00
  std::vector<std::string> labels;
  for (const auto& t : ticks) labels.push_back(t.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"11-23 23:00", "11-24 00:00", "01:00", "02:00",
                                              "03:00", "04:00", "05:00", "06:00"}));
}

TEST(Timeline, LongWindowsGetDayTicksAndWeeksStartOnMonday) {
  auto days = time_ticks({at_minute(0), at_minute(10 * 24 * 60)}, 12);
  EXPECT_EQ(days[0].label, "2026-11-24");
  auto weeks = time_ticks({at_minute(0), at_minute(60 * 24 * 60)}, 12);
  EXPECT_EQ(weeks[0].label, "2026-11-30");  // a Monday
  EXPECT_EQ(weeks[1].label, "2026-12-07");
}

TEST(Timeline, ShortWindowsGetSecondTicks) {
  auto ticks = time_ticks({at_minute(0), at_minute(0.5)}, 12);
  ASSERT_GE(ticks.size(), 2u);
  EXPECT_EQ(ticks[0].label, "11-23 02:00:00");
  EXPECT_EQ(ticks[1].label, "02:00:05");
}

}  // namespace
}  // namespace refreshctl::report

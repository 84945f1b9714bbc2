#include <gtest/gtest.h>

#include "util/duration.h"
#include "util/line_diff.h"
#include "util/text.h"
#include "util/time.h"

namespace refreshctl {
namespace {

using std::chrono::milliseconds;

TEST(Duration, ParsesEveryUnitAndCombinations) {
  EXPECT_EQ(*parse_duration("250ms"), milliseconds(250));
  EXPECT_EQ(*parse_duration("90s"), milliseconds(90'000));
  EXPECT_EQ(*parse_duration("5m"), milliseconds(300'000));
  EXPECT_EQ(*parse_duration("2h"), milliseconds(7'200'000));
  EXPECT_EQ(*parse_duration("1d"), milliseconds(86'400'000));
  EXPECT_EQ(*parse_duration("1h30m"), milliseconds(5'400'000));
}

TEST(Duration, RejectsWhatIsNotADurationAndSaysWhatToUse) {
  for (const char* bad : {"", "soon", "5", "5 s", "s5", "5x", "-5s", "1.5h", "99999999999d"}) {
    auto d = parse_duration(bad);
    ASSERT_FALSE(d.ok()) << bad;
  }
  EXPECT_EQ(parse_duration("soon").error(),
            "\"soon\" is not a duration (use 250ms, 90s, 5m, 2h, 1d)");
}

TEST(Duration, FormatsTheShortestExactForm) {
  EXPECT_EQ(format_duration(milliseconds(0)), "0s");
  EXPECT_EQ(format_duration(milliseconds(90'000)), "1m30s");
  EXPECT_EQ(format_duration(milliseconds(5'400'000)), "1h30m");
  EXPECT_EQ(format_duration(milliseconds(250)), "250ms");
  for (const char* text : {"45m", "5s", "1d", "250ms", "2h30m15s"}) {
    EXPECT_EQ(format_duration(*parse_duration(text)), text);
  }
}

TEST(Duration, ElapsedTimesReadEasily) {
  EXPECT_EQ(format_elapsed(milliseconds(850)), "850ms");
  EXPECT_EQ(format_elapsed(milliseconds(2'449)), "2.4s");
  EXPECT_EQ(format_elapsed(milliseconds(65'400)), "1m5s");
}

TEST(Time, FormatsAndParsesRfc3339) {
  auto t = parse_rfc3339("2026-11-23T02:30:00Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(format_rfc3339(*t), "2026-11-23T02:30:00Z");
  EXPECT_EQ(*parse_rfc3339("2026-11-23T10:30:00+08:00"), *t);
  EXPECT_EQ(*parse_rfc3339("2026-11-22T21:30:00-05:00"), *t);
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("2026-11-23T02:30:00.5Z")), "2026-11-23T02:30:00.500Z");
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("2026-11-23")), "2026-11-23T00:00:00Z");
  EXPECT_EQ(format_rfc3339(TimePoint{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("9999-12-31T23:59:59.007Z")), "9999-12-31T23:59:59.007Z");
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("9999-12-31T23:59:59.999Z") + milliseconds(1)),
            "10000-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(TimePoint{} - milliseconds(1)), "1969-12-31T23:59:59.999Z");
  for (const char* text : {"2028-02-29T23:59:59.999Z", "2026-12-31T23:59:59Z",
                           "2027-01-01T00:00:00.001Z", "2099-03-01T12:07:05.040Z"}) {
    EXPECT_EQ(format_rfc3339(*parse_rfc3339(text)), text);
  }
  for (const char* bad : {"", "yesterday", "2026-13-01", "2026-02-30", "2026-11-23T25:00:00Z",
                          "2026-11-23T02:30:00", "2026-11-23T02:30:00Zjunk"}) {
    EXPECT_FALSE(parse_rfc3339(bad).ok()) << bad;
  }
}

TEST(Text, SuggestsTheClosestNameOnlyWhenClose) {
  EXPECT_EQ(did_you_mean("max_refresh", {"max_refresh_time", "poll_interval"}),
            ", did you mean \"max_refresh_time\"?");
  EXPECT_EQ(did_you_mean("sales-cub", {"sales-cube"}), ", did you mean \"sales-cube\"?");
  EXPECT_EQ(did_you_mean("zzzz", {"sales-cube"}), "");
}

TEST(LineDiff, ShowsRemovedAndAddedLines) {
  EXPECT_EQ(line_diff("a\nb\n", "a\nb\n", "1", "2"), "");
  EXPECT_EQ(line_diff("a\nb\nc\n", "a\nB\nc\n", "1", "2"), "--- 1\n+++ 2\n a\n-b\n+B\n c\n");
}

}  // namespace
}  // namespace refreshctl

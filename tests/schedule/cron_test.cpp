// Cron expressions: the syntax, the Vixie OR rule, Quartz's L W #, and the
// behaviour across DST changes. Times are written as wall-clock RFC 3339 in
// the case's zone so that each row reads like the schedule it tests.
#include "schedule/cron.h"

#include <date/tz.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "schedule/zone.h"
#include "util/time.h"

namespace refreshctl::schedule {
namespace {

using std::chrono::seconds;

Seconds at(const std::string& text) {
  auto t = parse_rfc3339(text);
  EXPECT_TRUE(t.ok()) << text;
  return std::chrono::floor<seconds>(*t);
}

const date::time_zone* zone(const std::string& name) {
  if (name.empty()) return nullptr;
  auto z = find_zone(name);
  EXPECT_TRUE(z.ok()) << z.error();
  return z.ok() ? *z : nullptr;
}

Cron must_parse(const std::string& expression) {
  auto cron = Cron::parse(expression);
  EXPECT_TRUE(cron.ok()) << expression << ": " << cron.error();
  return cron.ok() ? *cron : *Cron::parse("* * * * *");
}

// ---------------------------------------------------------------------------
// next_after

struct NextCase {
  const char* name;
  const char* expression;
  const char* from;
  const char* tz;                     // "" for the default, UTC
  std::vector<std::string> expected;  // the first fire times; empty: never fires
};

void PrintTo(const NextCase& c, std::ostream* os) { *os << c.expression << " from " << c.from; }

class NextAfter : public testing::TestWithParam<NextCase> {};

TEST_P(NextAfter, GivesTheExpectedFireTimes) {
  const NextCase& c = GetParam();
  Cron cron = must_parse(c.expression);
  const date::time_zone* z = zone(c.tz);
  Seconds t = at(c.from);
  std::vector<std::string> got;
  for (size_t i = 0; i < std::max<size_t>(c.expected.size(), 1); ++i) {
    auto next = cron.next_after(t, z);
    if (!next) break;
    EXPECT_GT(*next, t);
    got.push_back(format_in_zone(*next, z));
    t = *next;
  }
  EXPECT_EQ(got, c.expected);
}

const char* const kJan1 = "2026-01-01T00:00:00Z";  // a Thursday

const NextCase kFieldCases[] = {
    {"EveryMinuteFiresEachMinute",
     "* * * * *",
     kJan1,
     "",
     {"2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z"}},
    {"StarStepFiresEveryFiveMinutes",
     "*/5 * * * *",
     kJan1,
     "",
     {"2026-01-01T00:05:00Z", "2026-01-01T00:10:00Z"}},
    {"MinuteListFiresAtEachItem",
     "7,19,43 * * * *",
     kJan1,
     "",
     {"2026-01-01T00:07:00Z", "2026-01-01T00:19:00Z", "2026-01-01T00:43:00Z",
      "2026-01-01T01:07:00Z"}},
    {"MinuteRangeFiresAtEachMinuteOfIt",
     "10-12 * * * *",
     kJan1,
     "",
     {"2026-01-01T00:10:00Z", "2026-01-01T00:11:00Z", "2026-01-01T00:12:00Z",
      "2026-01-01T01:10:00Z"}},
    {"RangeWithStepStartsAtTheRangeStart",
     "10-40/7 * * * *",
     kJan1,
     "",
     {"2026-01-01T00:10:00Z", "2026-01-01T00:17:00Z", "2026-01-01T00:24:00Z",
      "2026-01-01T00:31:00Z", "2026-01-01T00:38:00Z", "2026-01-01T01:10:00Z"}},
    {"StartWithStepRunsToTheEndOfTheRange",
     "5/15 * * * *",
     kJan1,
     "",
     {"2026-01-01T00:05:00Z", "2026-01-01T00:20:00Z", "2026-01-01T00:35:00Z",
      "2026-01-01T00:50:00Z", "2026-01-01T01:05:00Z"}},
    {"FixedTimeFiresDaily",
     "30 2 * * *",
     kJan1,
     "",
     {"2026-01-01T02:30:00Z", "2026-01-02T02:30:00Z"}},
    {"HourStepFiresEverySixHours",
     "0 */6 * * *",
     kJan1,
     "",
     {"2026-01-01T06:00:00Z", "2026-01-01T12:00:00Z", "2026-01-01T18:00:00Z",
      "2026-01-02T00:00:00Z"}},
    {"HourRangeWithStep",
     "0 9-17/4 * * *",
     kJan1,
     "",
     {"2026-01-01T09:00:00Z", "2026-01-01T13:00:00Z", "2026-01-01T17:00:00Z",
      "2026-01-02T09:00:00Z"}},
    {"HourList",
     "15 8,20 * * *",
     kJan1,
     "",
     {"2026-01-01T08:15:00Z", "2026-01-01T20:15:00Z", "2026-01-02T08:15:00Z"}},
    {"MinuteZeroFiresHourly",
     "0 * * * *",
     kJan1,
     "",
     {"2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"}},
    {"LastMinuteOfTheDay",
     "59 23 * * *",
     kJan1,
     "",
     {"2026-01-01T23:59:00Z", "2026-01-02T23:59:00Z"}},
    {"StartIsExclusive", "0 0 * * *", kJan1, "", {"2026-01-02T00:00:00Z"}},
    {"StartInsideAMinuteMovesToTheNextMinute",
     "* * * * *",
     "2026-01-01T00:00:30Z",
     "",
     {"2026-01-01T00:01:00Z"}},
    {"DayOfMonthFixed", "0 0 15 * *", kJan1, "", {"2026-01-15T00:00:00Z", "2026-02-15T00:00:00Z"}},
    {"DayOfMonthList", "0 0 1,15 * *", kJan1, "", {"2026-01-15T00:00:00Z", "2026-02-01T00:00:00Z"}},
    {"DayOfMonthRange",
     "0 12 10-12 * *",
     kJan1,
     "",
     {"2026-01-10T12:00:00Z", "2026-01-11T12:00:00Z", "2026-01-12T12:00:00Z",
      "2026-02-10T12:00:00Z"}},
    {"DayOfMonthStep",
     "0 0 */10 * *",
     kJan1,
     "",
     {"2026-01-11T00:00:00Z", "2026-01-21T00:00:00Z", "2026-01-31T00:00:00Z",
      "2026-02-01T00:00:00Z"}},
    {"The31stSkipsMonthsWithout31Days",
     "0 0 31 * *",
     kJan1,
     "",
     {"2026-01-31T00:00:00Z", "2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z",
      "2026-07-31T00:00:00Z", "2026-08-31T00:00:00Z", "2026-10-31T00:00:00Z"}},
    {"The30thSkipsFebruary",
     "0 0 30 * *",
     "2026-01-31T00:00:00Z",
     "",
     {"2026-03-30T00:00:00Z", "2026-04-30T00:00:00Z"}},
    {"LeapDayFiresInLeapYearsOnly",
     "0 0 29 2 *",
     kJan1,
     "",
     {"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}},
    {"MonthFixed", "0 0 1 6 *", kJan1, "", {"2026-06-01T00:00:00Z", "2027-06-01T00:00:00Z"}},
    {"MonthNamesAnyCase",
     "0 0 1 JAN,jul *",
     kJan1,
     "",
     {"2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z"}},
    {"MonthNameRange",
     "0 0 1 mar-May *",
     kJan1,
     "",
     {"2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z",
      "2027-03-01T00:00:00Z"}},
    {"MonthStep",
     "0 0 1 */3 *",
     kJan1,
     "",
     {"2026-04-01T00:00:00Z", "2026-07-01T00:00:00Z", "2026-10-01T00:00:00Z",
      "2027-01-01T00:00:00Z"}},
    {"MonthStartWithStep",
     "0 0 1 2/5 *",
     kJan1,
     "",
     {"2026-02-01T00:00:00Z", "2026-07-01T00:00:00Z", "2026-12-01T00:00:00Z",
      "2027-02-01T00:00:00Z"}},
    {"DayOfWeekNumber", "0 9 * * 1", kJan1, "", {"2026-01-05T09:00:00Z", "2026-01-12T09:00:00Z"}},
    {"DayOfWeekName", "0 9 * * mon", kJan1, "", {"2026-01-05T09:00:00Z", "2026-01-12T09:00:00Z"}},
    {"WeekdaysByNameRange",
     "0 9 * * MON-FRI",
     kJan1,
     "",
     {"2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z", "2026-01-05T09:00:00Z"}},
    {"SundayIsZero", "0 9 * * 0", kJan1, "", {"2026-01-04T09:00:00Z", "2026-01-11T09:00:00Z"}},
    {"SundayIsAlsoSeven", "0 9 * * 7", kJan1, "", {"2026-01-04T09:00:00Z", "2026-01-11T09:00:00Z"}},
    {"RangeMayEndAtSevenForSunday",
     "0 9 * * 5-7",
     kJan1,
     "",
     {"2026-01-02T09:00:00Z", "2026-01-03T09:00:00Z", "2026-01-04T09:00:00Z",
      "2026-01-09T09:00:00Z"}},
    {"DayNameRangeMayEndOnSunday",
     "0 9 * * FRI-SUN",
     kJan1,
     "",
     {"2026-01-02T09:00:00Z", "2026-01-03T09:00:00Z", "2026-01-04T09:00:00Z",
      "2026-01-09T09:00:00Z"}},
    {"DayOfWeekList",
     "0 9 * * TUE,thu",
     kJan1,
     "",
     {"2026-01-01T09:00:00Z", "2026-01-06T09:00:00Z", "2026-01-08T09:00:00Z"}},
    {"DayOfWeekStarStep",
     "0 9 * * */2",
     kJan1,
     "",
     {"2026-01-01T09:00:00Z", "2026-01-03T09:00:00Z", "2026-01-04T09:00:00Z",
      "2026-01-06T09:00:00Z"}},
    {"DayOfWeekStartStepReachesSunday",
     "0 9 * * 1/2",
     kJan1,
     "",
     {"2026-01-02T09:00:00Z", "2026-01-04T09:00:00Z", "2026-01-05T09:00:00Z",
      "2026-01-07T09:00:00Z"}},
    {"YearWraps", "0 0 1 1 *", "2026-12-31T23:59:59Z", "", {"2027-01-01T00:00:00Z"}},
    {"LastMinuteOfTheYear", "59 23 31 12 *", kJan1, "", {"2026-12-31T23:59:00Z"}},
    {"ExtraWhitespaceIsIgnored", "  0   0 * *\t*  ", kJan1, "", {"2026-01-02T00:00:00Z"}},
    {"LowercaseMonthAndDayNames",
     "0 0 * jan sun",
     kJan1,
     "",
     {"2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"}},
    {"ZoneShiftsWallClockTimes",
     "30 2 * * *",
     "2026-11-23T00:00:00Z",
     "Asia/Shanghai",
     {"2026-11-24T02:30:00+08:00", "2026-11-25T02:30:00+08:00"}},
    {"HalfHourZone", "0 9 * * *", kJan1, "Asia/Kolkata", {"2026-01-01T09:00:00+05:30"}},
    {"NegativeOffsetZone", "0 9 * * *", kJan1, "America/Sao_Paulo", {"2026-01-01T09:00:00-03:00"}},
    {"UtcZoneByNamePrintsZ", "0 9 * * *", kJan1, "UTC", {"2026-01-01T09:00:00Z"}},
};
INSTANTIATE_TEST_SUITE_P(Fields, NextAfter, testing::ValuesIn(kFieldCases), [](const auto& info) {
  return std::string(info.param.name);
});

const NextCase kDayRuleCases[] = {
    {"RestrictedDomAndDowMatchEither",
     "0 0 13 * 5",
     kJan1,
     "",
     {"2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z",
      "2026-01-16T00:00:00Z"}},
    {"StarDomMeansDayOfWeekOnly",
     "0 0 * * 5",
     kJan1,
     "",
     {"2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z"}},
    {"StarDowMeansDayOfMonthOnly",
     "0 0 13 * *",
     kJan1,
     "",
     {"2026-01-13T00:00:00Z", "2026-02-13T00:00:00Z"}},
    {"StarStepDomCountsAsStarSoBothMustMatch",
     "0 0 */2 * 1",
     kJan1,
     "",
     {"2026-01-05T00:00:00Z", "2026-01-19T00:00:00Z", "2026-02-09T00:00:00Z"}},
    {"StarStepDowCountsAsStarSoBothMustMatch",
     "0 0 1 * */7",
     kJan1,
     "",
     {"2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-11-01T00:00:00Z"}},
    {"DomRangeAndDowUseOr",
     "0 0 1-3 * MON",
     kJan1,
     "",
     {"2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-05T00:00:00Z",
      "2026-01-12T00:00:00Z"}},
    {"FullDomRangeIsStillRestricted",
     "0 0 1-31 * 1",
     kJan1,
     "",
     {"2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"}},
    {"QuestionMarkInDomActsAsStar",
     "0 0 ? * 5",
     kJan1,
     "",
     {"2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z"}},
    {"QuestionMarkInDowActsAsStar",
     "0 0 13 * ?",
     kJan1,
     "",
     {"2026-01-13T00:00:00Z", "2026-02-13T00:00:00Z"}},
    {"MonthStillRestrictsOrDays",
     "0 0 13 2 5",
     kJan1,
     "",
     {"2026-02-06T00:00:00Z", "2026-02-13T00:00:00Z", "2026-02-20T00:00:00Z"}},
    {"LastDayOfMonth",
     "0 0 L * *",
     kJan1,
     "",
     {"2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z",
      "2026-04-30T00:00:00Z"}},
    {"LastDayOfFebruaryInALeapYear",
     "0 0 L 2 *",
     "2027-06-01T00:00:00Z",
     "",
     {"2028-02-29T00:00:00Z", "2029-02-28T00:00:00Z"}},
    {"DaysBeforeTheLastDay",
     "0 0 L-3 * *",
     kJan1,
     "",
     {"2026-01-28T00:00:00Z", "2026-02-25T00:00:00Z", "2026-03-28T00:00:00Z"}},
    {"LastDayInAList",
     "0 0 1,L * *",
     kJan1,
     "",
     {"2026-01-31T00:00:00Z", "2026-02-01T00:00:00Z", "2026-02-28T00:00:00Z"}},
    {"LastWeekdayOfMonth",
     "0 0 LW * *",
     kJan1,
     "",
     {"2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-31T00:00:00Z",
      "2026-04-30T00:00:00Z", "2026-05-29T00:00:00Z"}},
    {"NearestWeekdayOfASaturdayIsFriday",
     "0 0 17W * *",
     kJan1,
     "",
     {"2026-01-16T00:00:00Z", "2026-02-17T00:00:00Z"}},
    {"NearestWeekdayOfASundayIsMonday",
     "0 0 18W * *",
     kJan1,
     "",
     {"2026-01-19T00:00:00Z", "2026-02-18T00:00:00Z"}},
    {"NearestWeekdayOfASaturdayFirstIsMondayThird",
     "0 0 1W * *",
     "2026-07-15T00:00:00Z",
     "",
     {"2026-08-03T00:00:00Z", "2026-09-01T00:00:00Z"}},
    {"NearestWeekdayOfASundayLastDayIsFriday",
     "0 0 31W * *",
     "2026-05-01T00:00:00Z",
     "",
     {"2026-05-29T00:00:00Z", "2026-07-31T00:00:00Z"}},
    {"NearestWeekdayOfAWeekdayIsThatDay",
     "0 0 15W * *",
     kJan1,
     "",
     {"2026-01-15T00:00:00Z", "2026-02-16T00:00:00Z"}},
    {"LastFridayOfMonth",
     "0 0 * * 5L",
     kJan1,
     "",
     {"2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-27T00:00:00Z"}},
    {"LastFridayByName",
     "0 0 * * FRIL",
     kJan1,
     "",
     {"2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z"}},
    {"LastSundayWrittenAsSeven",
     "0 0 * * 7L",
     kJan1,
     "",
     {"2026-01-25T00:00:00Z", "2026-02-22T00:00:00Z", "2026-03-29T00:00:00Z"}},
    {"ThirdFriday",
     "0 0 * * 5#3",
     kJan1,
     "",
     {"2026-01-16T00:00:00Z", "2026-02-20T00:00:00Z", "2026-03-20T00:00:00Z"}},
    {"ThirdFridayByName",
     "0 0 * * FRI#3",
     kJan1,
     "",
     {"2026-01-16T00:00:00Z", "2026-02-20T00:00:00Z"}},
    {"FirstMonday",
     "0 0 * * MON#1",
     kJan1,
     "",
     {"2026-01-05T00:00:00Z", "2026-02-02T00:00:00Z", "2026-03-02T00:00:00Z"}},
    {"FifthThursdayOnlyInLongMonths",
     "0 0 * * 4#5",
     kJan1,
     "",
     {"2026-01-29T00:00:00Z", "2026-04-30T00:00:00Z"}},
    {"NthWeekdayAndDomUseOr",
     "0 0 1 * MON#1",
     kJan1,
     "",
     {"2026-01-05T00:00:00Z", "2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z"}},
    {"ImpossibleDateNeverFires", "0 0 30 2 *", kJan1, "", {}},
    {"The31stOfShortMonthsNeverFires", "0 0 31 4,6,9,11 *", kJan1, "", {}},
    {"TooFarBeforeLastDayNeverFiresInFebruary", "0 0 L-29 2 *", kJan1, "", {}},
};
INSTANTIATE_TEST_SUITE_P(Days, NextAfter, testing::ValuesIn(kDayRuleCases), [](const auto& info) {
  return std::string(info.param.name);
});

const NextCase kSecondsAndAliasCases[] = {
    {"SecondsFieldStep",
     "*/15 * * * * *",
     kJan1,
     "",
     {"2026-01-01T00:00:15Z", "2026-01-01T00:00:30Z", "2026-01-01T00:00:45Z",
      "2026-01-01T00:01:00Z"}},
    {"SecondsFieldFixed",
     "30 0 12 * * *",
     kJan1,
     "",
     {"2026-01-01T12:00:30Z", "2026-01-02T12:00:30Z"}},
    {"SecondsFieldList",
     "0,30 * * * * *",
     kJan1,
     "",
     {"2026-01-01T00:00:30Z", "2026-01-01T00:01:00Z"}},
    {"SecondsFieldWithDayNames", "10 0 0 * * SAT", kJan1, "", {"2026-01-03T00:00:10Z"}},
    {"Yearly", "@yearly", kJan1, "", {"2027-01-01T00:00:00Z"}},
    {"Annually", "@annually", kJan1, "", {"2027-01-01T00:00:00Z"}},
    {"Monthly", "@monthly", kJan1, "", {"2026-02-01T00:00:00Z"}},
    {"WeeklyIsSundayMidnight", "@weekly", kJan1, "", {"2026-01-04T00:00:00Z"}},
    {"Daily", "@daily", kJan1, "", {"2026-01-02T00:00:00Z"}},
    {"Midnight", "@midnight", kJan1, "", {"2026-01-02T00:00:00Z"}},
    {"Hourly", "@hourly", kJan1, "", {"2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"}},
    {"AliasesIgnoreCase", "@DAILY", kJan1, "", {"2026-01-02T00:00:00Z"}},
    {"AliasInAZone", "@daily", kJan1, "Asia/Tokyo", {"2026-01-02T00:00:00+09:00"}},
};
INSTANTIATE_TEST_SUITE_P(SecondsAndAliases,
                         NextAfter,
                         testing::ValuesIn(kSecondsAndAliasCases),
                         [](const auto& info) { return std::string(info.param.name); });

// New York: 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST.
// London: 2026-03-29 01:00 GMT -> 02:00 BST; 2026-10-25 02:00 BST -> 01:00 GMT.
// Lord Howe: 2026-04-05 02:00 +11 -> 01:30 +10:30; 2026-10-04 02:00 -> 02:30.
const NextCase kDstCases[] = {
    {"SpringForwardSlotFiresOnceWhenTheGapEnds",
     "30 2 * * *",
     "2026-03-07T12:00:00Z",
     "America/New_York",
     {"2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"}},
    {"SpringForwardHourlyFiresOnceAtThree",
     "0 * * * *",
     "2026-03-08T05:30:00Z",
     "America/New_York",
     {"2026-03-08T01:00:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T04:00:00-04:00"}},
    {"SpringForwardEveryTenMinutesSkipsTheGap",
     "*/10 * * * *",
     "2026-03-08T06:45:00Z",
     "America/New_York",
     {"2026-03-08T01:50:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T03:10:00-04:00"}},
    {"SpringForwardMinutesOfTheSkippedHourFireOnce",
     "* 2 * * *",
     "2026-03-08T06:00:00Z",
     "America/New_York",
     {"2026-03-08T03:00:00-04:00", "2026-03-09T02:00:00-04:00"}},
    {"SpringForwardSkippedHalfHourFiresAtTheGapEnd",
     "30 * * * *",
     "2026-03-08T06:40:00Z",
     "America/New_York",
     {"2026-03-08T03:00:00-04:00", "2026-03-08T03:30:00-04:00", "2026-03-08T04:30:00-04:00"}},
    {"FallBackFixedTimeFiresOnce",
     "30 1 * * *",
     "2026-10-31T12:00:00Z",
     "America/New_York",
     {"2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"}},
    {"FallBackFixedTimeDoesNotFireInTheSecondPass",
     "30 1 * * *",
     "2026-11-01T06:10:00Z",
     "America/New_York",
     {"2026-11-02T01:30:00-05:00"}},
    {"FallBackHourlyFiresInBothPasses",
     "0 * * * *",
     "2026-11-01T04:30:00Z",
     "America/New_York",
     {"2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00", "2026-11-01T02:00:00-05:00"}},
    {"FallBackEveryFifteenMinutesFollowsTheRealClock",
     "*/15 * * * *",
     "2026-11-01T05:40:00Z",
     "America/New_York",
     {"2026-11-01T01:45:00-04:00", "2026-11-01T01:00:00-05:00", "2026-11-01T01:15:00-05:00"}},
    {"FallBackFixedHourFiresInTheFirstPassOnly",
     "*/20 1 * * *",
     "2026-11-01T04:30:00Z",
     "America/New_York",
     {"2026-11-01T01:00:00-04:00", "2026-11-01T01:20:00-04:00", "2026-11-01T01:40:00-04:00",
      "2026-11-02T01:00:00-05:00"}},
    {"FallBackHourAfterTheRepeatIsUnique",
     "0 2 * * *",
     "2026-10-31T12:00:00Z",
     "America/New_York",
     {"2026-11-01T02:00:00-05:00", "2026-11-02T02:00:00-05:00"}},
    {"LondonSpringForwardSlotFiresAtTwo",
     "30 1 * * *",
     "2026-03-28T12:00:00Z",
     "Europe/London",
     {"2026-03-29T02:00:00+01:00", "2026-03-30T01:30:00+01:00"}},
    {"LondonMidnightKeepsItsWallClockTime",
     "0 0 * * *",
     "2026-03-28T12:00:00Z",
     "Europe/London",
     {"2026-03-29T00:00:00+00:00", "2026-03-30T00:00:00+01:00"}},
    {"LondonFallBackFixedTimeFiresOnce",
     "0 1 * * *",
     "2026-10-24T12:00:00Z",
     "Europe/London",
     {"2026-10-25T01:00:00+01:00", "2026-10-26T01:00:00+00:00"}},
    {"LondonFallBackHourlyFiresInBothPasses",
     "0 * * * *",
     "2026-10-24T23:30:00Z",
     "Europe/London",
     {"2026-10-25T01:00:00+01:00", "2026-10-25T01:00:00+00:00", "2026-10-25T02:00:00+00:00"}},
    {"LordHoweHalfHourGapFiresAtItsEnd",
     "15 2 * * *",
     "2026-10-03T12:00:00Z",
     "Australia/Lord_Howe",
     {"2026-10-04T02:30:00+11:00", "2026-10-05T02:15:00+11:00"}},
    {"LordHoweTwoOClockMovesToHalfPastTwo",
     "0 2 * * *",
     "2026-10-03T12:00:00Z",
     "Australia/Lord_Howe",
     {"2026-10-04T02:30:00+11:00"}},
    {"LordHoweEveryTwentyMinutesAcrossTheGap",
     "*/20 * * * *",
     "2026-10-03T15:00:00Z",
     "Australia/Lord_Howe",
     {"2026-10-04T01:40:00+10:30", "2026-10-04T02:30:00+11:00", "2026-10-04T02:40:00+11:00"}},
    {"LordHoweHalfHourRepeatFiresFixedTimeOnce",
     "45 1 * * *",
     "2026-04-04T12:00:00Z",
     "Australia/Lord_Howe",
     {"2026-04-05T01:45:00+11:00", "2026-04-06T01:45:00+10:30"}},
    {"LordHoweEveryTwentyMinutesAcrossTheRepeat",
     "*/20 * * * *",
     "2026-04-04T14:30:00Z",
     "Australia/Lord_Howe",
     {"2026-04-05T01:40:00+11:00", "2026-04-05T01:40:00+10:30", "2026-04-05T02:00:00+10:30"}},
};
INSTANTIATE_TEST_SUITE_P(Dst, NextAfter, testing::ValuesIn(kDstCases), [](const auto& info) {
  return std::string(info.param.name);
});

// ---------------------------------------------------------------------------
// latest_at_or_before

struct LatestCase {
  const char* name;
  const char* expression;
  const char* at;
  const char* tz;
  const char* expected;  // "" when there is none
};

void PrintTo(const LatestCase& c, std::ostream* os) { *os << c.expression << " at " << c.at; }

class LatestAtOrBefore : public testing::TestWithParam<LatestCase> {};

TEST_P(LatestAtOrBefore, GivesTheExpectedSlot) {
  const LatestCase& c = GetParam();
  const date::time_zone* z = zone(c.tz);
  auto latest = must_parse(c.expression).latest_at_or_before(at(c.at), z);
  EXPECT_EQ(latest ? format_in_zone(*latest, z) : "", c.expected);
}

const LatestCase kLatestCases[] = {
    {"IncludesTheTimeItself", "30 2 * * *", "2026-01-02T02:30:00Z", "", "2026-01-02T02:30:00Z"},
    {"OneSecondEarlierGivesTheDayBefore", "30 2 * * *", "2026-01-02T02:29:59Z", "",
     "2026-01-01T02:30:00Z"},
    {"YearlyLooksBackToJanuary", "0 0 1 1 *", "2026-06-01T00:00:00Z", "", "2026-01-01T00:00:00Z"},
    {"LeapDayLooksBackToTheLastLeapYear", "0 0 29 2 *", "2026-06-01T00:00:00Z", "",
     "2024-02-29T00:00:00Z"},
    {"ImpossibleDateHasNone", "0 0 30 2 *", "2026-06-01T00:00:00Z", "", ""},
    {"EveryFiveMinutes", "*/5 * * * *", "2026-01-01T00:07:30Z", "", "2026-01-01T00:05:00Z"},
    {"WeekdaysSkipTheWeekend", "0 9 * * MON-FRI", "2026-01-04T12:00:00Z", "",
     "2026-01-02T09:00:00Z"},
    {"LastDayOfMonth", "0 0 L * *", "2026-03-15T00:00:00Z", "", "2026-02-28T00:00:00Z"},
    {"LastFriday", "0 0 * * 5L", "2026-03-01T00:00:00Z", "", "2026-02-27T00:00:00Z"},
    {"ThirdFriday", "0 0 * * 5#3", "2026-02-01T00:00:00Z", "", "2026-01-16T00:00:00Z"},
    {"LastWeekday", "0 0 LW * *", "2026-03-01T00:00:00Z", "", "2026-02-27T00:00:00Z"},
    {"NearestWeekday", "0 0 17W * *", "2026-02-01T00:00:00Z", "", "2026-01-16T00:00:00Z"},
    {"OrRuleDayOfMonth", "0 0 13 * 5", "2026-01-15T00:00:00Z", "", "2026-01-13T00:00:00Z"},
    {"OrRuleDayOfWeek", "0 0 13 * 5", "2026-01-12T00:00:00Z", "", "2026-01-09T00:00:00Z"},
    {"SecondsField", "*/15 * * * * *", "2026-01-01T00:00:14Z", "", "2026-01-01T00:00:00Z"},
    {"YearlyAtTheEndOfTheYear", "@yearly", "2026-12-31T23:59:59Z", "", "2026-01-01T00:00:00Z"},
    {"MonthsWithout31DaysAreSkipped", "0 0 31 * *", "2026-07-30T00:00:00Z", "",
     "2026-05-31T00:00:00Z"},
    {"SpringForwardSlotIsTheGapEnd", "30 2 * * *", "2026-03-08T07:30:00Z", "America/New_York",
     "2026-03-08T03:00:00-04:00"},
    {"SpringForwardSlotBeforeTheGapEndIsTheDayBefore", "30 2 * * *", "2026-03-08T06:59:59Z",
     "America/New_York", "2026-03-07T02:30:00-05:00"},
    {"FallBackFixedTimeIsTheFirstPass", "30 1 * * *", "2026-11-01T06:45:00Z", "America/New_York",
     "2026-11-01T01:30:00-04:00"},
    {"FallBackHourlyIsTheSecondPass", "0 * * * *", "2026-11-01T06:30:00Z", "America/New_York",
     "2026-11-01T01:00:00-05:00"},
    {"FallBackFixedHourSkipsTheSecondPass", "*/20 1 * * *", "2026-11-01T06:50:00Z",
     "America/New_York", "2026-11-01T01:40:00-04:00"},
    {"LordHoweGapSlot", "0 2 * * *", "2026-10-03T16:00:00Z", "Australia/Lord_Howe",
     "2026-10-04T02:30:00+11:00"},
    {"LordHoweRepeatSlotIsTheFirstPass", "45 1 * * *", "2026-04-04T15:50:00Z",
     "Australia/Lord_Howe", "2026-04-05T01:45:00+11:00"},
    {"LondonFallBackSecondPassHourly", "30 * * * *", "2026-10-25T01:45:00Z", "Europe/London",
     "2026-10-25T01:30:00+00:00"},
};
INSTANTIATE_TEST_SUITE_P(Slots,
                         LatestAtOrBefore,
                         testing::ValuesIn(kLatestCases),
                         [](const auto& info) { return std::string(info.param.name); });

// ---------------------------------------------------------------------------
// parse errors

struct ErrorCase {
  const char* name;
  const char* expression;
  const char* message;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << '"' << c.expression << '"'; }

class ParseError : public testing::TestWithParam<ErrorCase> {};

TEST_P(ParseError, NamesTheFieldAndWhatItAllows) {
  auto cron = Cron::parse(GetParam().expression);
  ASSERT_FALSE(cron.ok());
  EXPECT_EQ(cron.error(), GetParam().message);
}

const ErrorCase kErrorCases[] = {
    {"FourFields", "0 0 * *", "expected 5 or 6 fields, got 4"},
    {"Empty", "", "expected 5 or 6 fields, got 0"},
    {"SevenFields", "1 2 3 4 5 6 7", "expected 5 or 6 fields, got 7"},
    {"QuartzYearAsSeventhField", "0 0 12 ? * MON 2026",
     "expected 5 or 6 fields, got 7: a seventh field (Quartz's year, here \"2026\") is not "
     "supported; drop it"},
    {"QuartzYearAsSixthField", "0 12 ? * MON 2026-2030",
     "the last field \"2026-2030\" looks like a year, and a year field is not supported; six "
     "fields are second minute hour day-of-month month day-of-week"},
    {"HourTooLarge", "0 24 * * *", "hour 24 is out of range 0-23"},
    {"MinuteTooLarge", "60 * * * *", "minute 60 is out of range 0-59"},
    {"SecondTooLarge", "60 * * * * *", "second 60 is out of range 0-59"},
    {"DayOfMonthZero", "0 0 0 * *", "day-of-month 0 is out of range 1-31"},
    {"DayOfMonthTooLarge", "0 0 32 * *", "day-of-month 32 is out of range 1-31"},
    {"MonthTooLarge", "0 0 * 13 *", "month 13 is out of range 1-12"},
    {"MonthZero", "0 0 * 0 *", "month 0 is out of range 1-12"},
    {"DayOfWeekTooLarge", "0 0 * * 8", "day-of-week 8 is out of range 0-7"},
    {"HugeNumber", "99999999999 * * * *", "minute 99999999999 is out of range 0-59"},
    {"DayNameTypo", "0 0 * * FRX",
     "day-of-week \"FRX\" is not a number or name (use 0-7 or SUN-SAT), did you mean \"FRI\"?"},
    {"MonthNameTypo", "0 0 * JNA *",
     "month \"JNA\" is not a number or name (use 1-12 or JAN-DEC), did you mean \"JAN\"?"},
    {"UnknownDayName", "0 0 * * XYZ",
     "day-of-week \"XYZ\" is not a number or name (use 0-7 or SUN-SAT)"},
    {"DayNameInMonthField", "0 0 * MON *",
     "month \"MON\" is not a number or name (use 1-12 or JAN-DEC), did you mean \"JAN\"?"},
    {"WordInMinuteField", "abc * * * *", "minute \"abc\" is not a number (use 0-59)"},
    {"NegativeNumber", "-5 * * * *", "minute \"-5\" is not a number (use 0-59)"},
    {"StepZero", "*/0 * * * *", "minute step \"0\" in \"*/0\" must be a number of at least 1"},
    {"StepNotANumber", "*/x * * * *",
     "minute step \"x\" in \"*/x\" must be a number of at least 1"},
    {"RangeStepZero", "0 0 * * 1-5/0",
     "day-of-week step \"0\" in \"1-5/0\" must be a number of at least 1"},
    {"BackwardRange", "0 20-10 * * *",
     "hour range 20-10 goes backwards (write 20-23,0-10 or a list)"},
    {"BackwardDayNameRange", "0 0 * * FRI-MON",
     "day-of-week range FRI-MON goes backwards (write 5-7,0-1 or a list)"},
    {"RangeWithoutEnd", "0 0 * * 1-",
     "day-of-week range \"1-\" needs a number on both sides of '-'"},
    {"EmptyListItem", "1,,2 * * * *", "minute \"1,,2\" has an empty list item"},
    {"TrailingComma", "0 1, * * *", "hour \"1,\" has an empty list item"},
    {"QuestionMarkInMinute", "? * * * *",
     "minute \"?\": '?' is only allowed in day-of-month and day-of-week"},
    {"LastDayOffsetTooLarge", "0 0 L-31 * *",
     "day-of-month \"L-31\" is not L-n with n in 0-30 (days before the last day)"},
    {"NearestWeekdayOutOfRange", "0 0 32W * *", "day-of-month 32 is out of range 1-31"},
    {"NthWeekTooLarge", "0 0 * * 5#6",
     "day-of-week \"5#6\" needs a week number 1-5 after '#' (FRI#3 is the third Friday)"},
    {"NthWeekZero", "0 0 * * FRI#0",
     "day-of-week \"FRI#0\" needs a week number 1-5 after '#' (FRI#3 is the third Friday)"},
    {"LastOfUnknownDay", "0 0 * * 9L", "day-of-week 9 is out of range 0-7"},
    {"BareLInDayOfWeek", "0 0 * * L",
     "day-of-week \"L\" needs a day before it (5L is the last Friday; use L in day-of-month for "
     "the last day)"},
    {"LInHourField", "0 L * * *", "hour \"L\" is not a number (use 0-23)"},
    {"WInDayOfWeek", "0 0 * * 5W",
     "day-of-week \"5W\" is not a number or name (use 0-7 or SUN-SAT)"},
    {"Reboot", "@reboot",
     "unknown schedule \"@reboot\" (use @yearly, @annually, @monthly, @weekly, @daily, "
     "@midnight or @hourly)"},
    {"AliasTypo", "@dialy",
     "unknown schedule \"@dialy\" (use @yearly, @annually, @monthly, @weekly, @daily, "
     "@midnight or @hourly), did you mean \"@daily\"?"},
};
INSTANTIATE_TEST_SUITE_P(Cron, ParseError, testing::ValuesIn(kErrorCases), [](const auto& info) {
  return std::string(info.param.name);
});

// ---------------------------------------------------------------------------
// properties and the zone helpers

TEST(Cron, TextIsTheExpressionAsWritten) {
  EXPECT_EQ(must_parse("*/5 * * * *").text(), "*/5 * * * *");
}

// Walks a year of fire times and checks that latest_at_or_before finds each
// one, and the one before it just before it.
TEST(Cron, LatestAgreesWithNextAcrossAYear) {
  const std::pair<const char*, const char*> cases[] = {
      {"*/20 * * * *", "America/New_York"},
      {"30 1 * * *", "America/New_York"},
      {"30 2 * * *", "America/New_York"},
      {"0 * * * *", "Europe/London"},
      {"15 2 * * *", "Australia/Lord_Howe"},
      {"*/10 1-2 * * *", "Australia/Lord_Howe"},
      {"0 0 13 * 5", ""},
      {"0 0 L * *", "Asia/Shanghai"},
  };
  for (const auto& [expression, tz] : cases) {
    SCOPED_TRACE(std::string(expression) + " " + tz);
    Cron cron = must_parse(expression);
    const date::time_zone* z = zone(tz);
    Seconds t = at("2026-01-01T00:00:00Z");
    Seconds end = at("2027-01-01T00:00:00Z");
    std::optional<Seconds> previous;
    while (t < end) {
      auto next = cron.next_after(t, z);
      ASSERT_TRUE(next);
      EXPECT_EQ(cron.latest_at_or_before(*next, z), next);
      if (previous) EXPECT_EQ(cron.latest_at_or_before(*next - seconds{1}, z), previous);
      previous = next;
      t = *next;
    }
  }
}

TEST(Cron, ImpossibleExpressionsReturnQuickly) {
  Cron cron = must_parse("0 0 30 2 *");
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i) {
    EXPECT_FALSE(cron.next_after(at("2026-01-01T00:00:00Z"), zone("America/New_York")));
    EXPECT_FALSE(cron.latest_at_or_before(at("2026-01-01T00:00:00Z"), nullptr));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(Cron, LatestIsFastForASparseSchedule) {
  Cron cron = must_parse("0 0 29 2 1");  // OR rule: any Monday, or a leap day
  Cron sparse = must_parse("0 0 29 2 *");
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(cron.latest_at_or_before(at("2026-06-01T00:00:00Z"), nullptr));
    EXPECT_TRUE(sparse.latest_at_or_before(at("2026-06-01T00:00:00Z"), zone("Europe/London")));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(Zone, UnknownZoneSuggestsTheClosestName) {
  auto z = find_zone("America/New_Yrok");
  ASSERT_FALSE(z.ok());
  EXPECT_EQ(z.error(),
            "unknown time zone \"America/New_Yrok\" (use an IANA name as Europe/Berlin), did you "
            "mean \"America/New_York\"?");
}

TEST(Zone, FormatShowsTheOffsetOfTheInstant) {
  const date::time_zone* ny = zone("America/New_York");
  EXPECT_EQ(format_in_zone(at("2026-07-01T12:00:00Z"), ny), "2026-07-01T08:00:00-04:00");
  EXPECT_EQ(format_in_zone(at("2026-01-01T12:00:00Z"), ny), "2026-01-01T07:00:00-05:00");
  EXPECT_EQ(format_in_zone(at("2026-01-01T12:00:00Z"), nullptr), "2026-01-01T12:00:00Z");
}

}  // namespace
}  // namespace refreshctl::schedule

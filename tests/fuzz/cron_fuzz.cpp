// libFuzzer target for the cron parser and the fire-time search. Input: 8
// bytes of start time, 1 byte choosing a zone, then the expression text.
// Beyond not crashing, it checks the promises of cron.h: next_after is
// strictly later and within five years, latest_at_or_before is not later and
// within five years, the two agree, and neither takes long.
#include <date/tz.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "schedule/cron.h"

namespace {

using refreshctl::schedule::Cron;
using refreshctl::schedule::Seconds;
using std::chrono::seconds;

constexpr seconds kFiveYears = date::days{5 * 365};
constexpr seconds kFiveYearsAndABit = date::days{5 * 366 + 7};

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "cron_fuzz: property violated: %s\n", what);
    std::abort();
  }
}

const date::time_zone* pick_zone(std::uint8_t byte) {
  static const char* const kNames[] = {"America/New_York", "Europe/London", "Australia/Lord_Howe",
                                       "Asia/Kolkata",     "Pacific/Apia",  "America/Sao_Paulo"};
  constexpr unsigned kCount = sizeof(kNames) / sizeof(kNames[0]);
  if (byte % (kCount + 1) == kCount) return nullptr;  // UTC
  return date::locate_zone(kNames[byte % (kCount + 1)]);
}

// A start time between 1970 and about 2230, to the second.
Seconds pick_time(const std::uint8_t* data) {
  std::uint64_t raw = 0;
  std::memcpy(&raw, data, sizeof raw);
  return Seconds{seconds{static_cast<std::int64_t>(raw % 8'000'000'000ULL)}};
}

template <class F>
auto timed(F f) {
  auto start = std::chrono::steady_clock::now();
  auto result = f();
  check(std::chrono::steady_clock::now() - start < std::chrono::seconds(2),
        "a search took more than two seconds");
  return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 9) return 0;
  Seconds t = pick_time(data);
  const date::time_zone* zone = pick_zone(data[8]);
  std::string_view text(reinterpret_cast<const char*>(data + 9), size - 9);
  auto cron = Cron::parse(text);
  if (!cron.ok()) {
    check(!cron.error().empty(), "an error without a message");
    return 0;
  }
  auto next = timed([&] { return cron->next_after(t, zone); });
  if (next) {
    check(*next > t, "next_after is not after t");
    check(*next <= t + kFiveYearsAndABit, "next_after is more than five years after t");
    auto back = timed([&] { return cron->latest_at_or_before(*next, zone); });
    check(back == next, "latest_at_or_before(next_after(t)) is not next_after(t)");
  }
  auto latest = timed([&] { return cron->latest_at_or_before(t, zone); });
  if (latest) {
    check(*latest <= t, "latest_at_or_before is after t");
    check(*latest >= t - kFiveYearsAndABit, "latest_at_or_before is more than five years back");
    auto after = timed([&] { return cron->next_after(*latest, zone); });
    if (after) check(*after > t, "a fire time between latest_at_or_before(t) and t");
    // Both searches look five years ahead, so they agree when the two fire
    // times around t are closer than that (a leap day may be 8 years apart).
    if (next && *next - *latest < kFiveYears) {
      check(after == next, "next_after(latest_at_or_before(t)) is not next_after(t)");
    }
  }
  return 0;
}

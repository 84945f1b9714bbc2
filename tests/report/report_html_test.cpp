// The report page rendered from plain values: what it shows, that it stays
// inert whatever the history holds, and how big it gets.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "report/render.h"
#include "report/report.h"
#include "report/report_fixture.h"

namespace refreshctl::report {
namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF.
bool is_valid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
    for (size_t k = 1; k < n; ++k) {
      auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n;
  }
  return true;
}

ReportInput run_with_a_failure_and_a_timeout() {
  ReportInput in;
  in.now = at_minute(120);
  in.database = "/var/lib/refreshctl/refreshctl.db";
  in.refreshes = {refresh("cube", "v1", RefreshState::kSucceeded, 0, 5),
                  refresh("cube", "v2", RefreshState::kSucceeded, 0, 7),
                  refresh("cube", "v1", RefreshState::kSucceeded, 60, 5, 2),
                  refresh("dataset", "d1", RefreshState::kFailed, 0, 3),
                  refresh("dataset", "d1", RefreshState::kTimedOut, 60, 45)};
  in.refreshes[3].error = "refresh of dataset/d1 failed on purpose";
  in.refreshes[4].error = "no final state within max_refresh_time 45m";
  in.revisions["cube"] = {{1, at_minute(-30), "apply targets.toml:1", ""},
                          {2, at_minute(30), "apply targets.toml:1", ""}};
  return in;
}

TEST(ReportHtml, EveryBarCarriesItsStateNameAndATooltipWithItsDetails) {
  std::string page = render_html(run_with_a_failure_and_a_timeout());
  EXPECT_EQ(count(page, "<rect class=\"bar\""), 5u);
  EXPECT_EQ(count(page, "<rect class=\"bar\" data-state=\"succeeded\""), 3u);
  EXPECT_EQ(count(page, "<rect class=\"bar\" data-state=\"failed\""), 1u);
  EXPECT_EQ(count(page, "<rect class=\"bar\" data-state=\"timed_out\""), 1u);
  EXPECT_EQ(count(page, "<g class=\"lane\""), 3u);
  EXPECT_NE(page.find("<title>timed_out · attempt 0 · revision 1\nslot 2026-11-23T03:00:00Z\n"
                      "2026-11-23T03:00:00Z → 03:45:00Z (45m)\njob j-"),
            std::string::npos);
  EXPECT_NE(page.find(" · 3 polls · HTTP 200\nno final state within max_refresh_time 45m</title>"),
            std::string::npos);
  // The state's name is written on a bar wide enough for it.
  EXPECT_NE(page.find(">timed_out</text>"), std::string::npos);
}

TEST(ReportHtml, FailuresAndTimeoutsAreListedFirstNewestFirstWithTheirMessages) {
  std::string page = render_html(run_with_a_failure_and_a_timeout());
  size_t list = page.find("<h2 id=\"failures\">Failures (2)</h2>");
  size_t timeout = page.find("<tr data-state=\"timed_out\">");
  size_t failure = page.find("<tr data-state=\"failed\">");
  ASSERT_NE(list, std::string::npos);
  EXPECT_LT(list, page.find("<h2>Targets</h2>"));
  EXPECT_LT(list, page.find("<h2>Timeline</h2>"));
  EXPECT_LT(list, timeout);
  EXPECT_LT(timeout, failure);
  EXPECT_LT(failure, page.find("refresh of dataset/d1 failed on purpose"));
}

TEST(ReportHtml, EachTargetShowsItsSuccessRateAndDurations) {
  std::string page = render_html(run_with_a_failure_and_a_timeout());
  EXPECT_NE(page.find("<b>cube</b> <span class=\"sub\">2 versions · 3 refreshes · 100.0% "
                      "succeeded · p50 5m · p95 7m</span>"),
            std::string::npos);
  EXPECT_NE(page.find("<b>dataset</b> <span class=\"sub\">1 version · 2 refreshes · 0.0% "
                      "succeeded · 2 failures</span>"),
            std::string::npos);
}

TEST(ReportHtml, RevisionsAreMarkedWhereCreatedAndWhereALaneChanged) {
  std::string page = render_html(run_with_a_failure_and_a_timeout());
  // Revision 1 was created before the window; revision 2 inside it.
  EXPECT_EQ(page.find("<title>revision 1 created"), std::string::npos);
  EXPECT_NE(page.find("<title>revision 2 created 2026-11-23T02:30:00Z by apply targets.toml:1"),
            std::string::npos);
  EXPECT_EQ(count(page, "<path class=\"revtick\""), 1u);
  EXPECT_NE(page.find("<title>revision 1 → 2</title>"), std::string::npos);
}

TEST(ReportHtml, WhatTheHistoryHoldsIsEscapedAndThePageStaysValidUtf8) {
  ReportInput in = run_with_a_failure_and_a_timeout();
  RefreshRecord& evil = in.refreshes[3];
  evil.error =
      "<script>alert(1)</script><img src=x onerror=alert(2)> \"quoted\" 'single' "
      "bell\x07 esc\x1b[31m nul" +
      std::string(1, '\0') + " bad\xFF\xC0 end";
  evil.version = "d1\"><svg onload=alert(3)>";
  evil.job_id = "j-<b>1</b>&amp;";
  evil.target = "dataset";
  std::string page = render_html(in);
  EXPECT_TRUE(is_valid_utf8(page));
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("<svg onload"), std::string::npos);
  EXPECT_EQ(page.find("<b>1</b>"), std::string::npos);
  EXPECT_EQ(page.find('\0'), std::string::npos);
  EXPECT_EQ(page.find('\x1b'), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; "
                      "&quot;quoted&quot; &#39;single&#39; bell\\x07 esc\\x1b[31m nul\\x00 "
                      "bad\xEF\xBF\xBD\xEF\xBF\xBD end"),
            std::string::npos);
  EXPECT_NE(page.find("data-version=\"d1&quot;&gt;&lt;svg onload=alert(3)&gt;\""),
            std::string::npos);
  EXPECT_NE(page.find("j-&lt;b&gt;1&lt;/b&gt;&amp;amp;"), std::string::npos);
}

TEST(ReportHtml, ThePageLoadsNothingAndRunsNothing) {
  std::string page = render_html(run_with_a_failure_and_a_timeout());
  EXPECT_NE(page.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                      "'none'; style-src 'unsafe-inline'\">"),
            std::string::npos);
  for (const char* outside : {"<script", "http://", "https://", "src=", "href=", "@import", "url(",
                              "@font-face", "<link", "<img", "<iframe"}) {
    EXPECT_EQ(page.find(outside), std::string::npos) << outside;
  }
}

TEST(ReportHtml, AnEmptyHistoryMakesAPageThatSaysSo) {
  ReportInput in;
  in.now = at_minute(0);
  std::string page = render_html(in);
  EXPECT_NE(page.find("No refreshes recorded in this window."), std::string::npos);
  EXPECT_NE(page.find("No refresh failed, timed out, errored or was missed."), std::string::npos);
}

TEST(ReportHtml, WithManyTargetsOnlyThoseWithFailuresAreUnfolded) {
  ReportInput in;
  in.now = at_minute(100);
  for (int t = 0; t < 50; ++t) {
    in.refreshes.push_back(refresh(fmt::format("t{:02d}", t), "v1",
                                   t == 7 ? RefreshState::kFailed : RefreshState::kSucceeded, 0,
                                   5));
  }
  std::string page = render_html(in);
  EXPECT_EQ(count(page, "<details class=\"target\""), 50u);
  EXPECT_EQ(count(page, "<details class=\"target\" open"), 1u);
  EXPECT_NE(page.find("<details class=\"target\" open data-target=\"t07\">"), std::string::npos);
}

TEST(ReportHtml, TenThousandRefreshesMakeAPageUnderFiveMegabytes) {
  // Two shapes: few lanes with many refreshes each, and many lanes with one.
  for (auto [targets, versions] : {std::pair{20, 5}, std::pair{1000, 10}}) {
    ReportInput in;
    in.now = at_minute(100 * 60);
    int per_lane = 10'000 / (targets * versions);
    for (int t = 0; t < targets; ++t) {
      for (int v = 0; v < versions; ++v) {
        for (int i = 0; i < per_lane; ++i) {
          bool fails = (t + v + i) % 25 == 0;
          auto r = refresh(fmt::format("target-{:04d}", t), fmt::format("2026-{:02d}", v + 1),
                           fails ? RefreshState::kFailed : RefreshState::kSucceeded, i * 60.0,
                           fails ? 3 : 12, i < per_lane / 2 ? 1 : 2);
          if (fails) r.error = "segment build failed: <OutOfMemoryError> at \"stage 3\"";
          in.refreshes.push_back(r);
        }
      }
      in.revisions[fmt::format("target-{:04d}", t)] = {
          {1, at_minute(-60), "apply /etc/refreshctl/targets.d/cubes.toml:12", ""},
          {2, at_minute(per_lane * 30.0), "apply /etc/refreshctl/targets.d/cubes.toml:12", ""}};
    }
    ASSERT_EQ(in.refreshes.size(), 10'000u);
    std::string page = render_html(in);
    EXPECT_LT(page.size(), 5'000'000u) << targets << " targets x " << versions << " versions";
    EXPECT_EQ(count(page, "<rect class=\"bar\""), 10'000u);
  }
}

}  // namespace
}  // namespace refreshctl::report

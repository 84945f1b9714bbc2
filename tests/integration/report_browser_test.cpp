// The report of a real run, opened in a real browser: headless chromium
// renders it to a PNG and dumps the DOM it built, which must hold the lanes,
// the bars with their states, and the failure list, and nothing that an
// error text tried to inject.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>

#include "integration/run_fixture.h"
#include "store/store.h"
#include "support/chromium.h"

namespace refreshctl::testing {
namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A refresh whose texts try to break out of the page, as a service might
// have sent them.
void add_hostile_refresh(const std::string& db) {
  auto store = open_store(db);
  ASSERT_TRUE(store.ok()) << store.error();
  TimePoint now = SystemClock().now();
  auto run_id = (*store)->begin_run({0, now, "host", 1});
  ASSERT_TRUE(run_id.ok());
  RefreshRecord r;
  r.run_id = *run_id;
  r.target = "dataset";
  r.version = "d3\"><b id=injected>x</b>";
  r.slot = now;
  r.started_at = now;
  r.state = RefreshState::kFailed;
  r.finished_at = now + std::chrono::seconds(1);
  r.error = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>\x1b[31m\xff";
  std::vector<RefreshRecord*> claims{&r};
  std::vector<bool> claimed;
  ASSERT_TRUE((*store)->claim(claims, &claimed).ok());
}

class ReportBrowser : public RunTest {};

TEST_P(ReportBrowser, ChromiumShowsTheLanesBarsAndFailuresOfARealRun) {
  ASSERT_NE(chromium_path(), "") << "chromium is not installed (scripts/deps.sh test)";
  apply({{.name = "cube", .versions = {"v1", "v2"}},
         {.name = "dataset", .versions = {"d1", "d2-fail"}},
         {.name = "index", .versions = {"i1-hang"}, .max_refresh_time = "1s"}});
  EXPECT_EQ(run().exit_code, 1);  // a failure and a timeout
  add_hostile_refresh(db_);
  std::string html = dir_.file("report.html");
  ASSERT_EQ(refreshctl_db({"report", "-o", html}).exit_code, 0);

  auto started = std::chrono::steady_clock::now();
  auto page = render_with_chromium(html, dir_.file("report.png"), dir_.file("chromium"), 1280, 900);
  auto took = std::chrono::steady_clock::now() - started;
  std::cout << "chromium took "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n";
  ASSERT_EQ(page.process.exit_code, 0) << page.process.err;
  EXPECT_EQ(png_size(page.png), std::make_pair(1280, 900));
  const std::string& dom = page.process.out;
  ASSERT_NE(dom.find("</html>"), std::string::npos) << dom;

  // One lane per target and version, in folds per target.
  EXPECT_EQ(count(dom, "<details class=\"target\""), 3u);
  EXPECT_EQ(count(dom, "<g class=\"lane\""), 6u);
  for (const char* lane : {"v1", "v2", "d1", "d2-fail", "i1-hang"}) {
    EXPECT_EQ(count(dom, std::string("<g class=\"lane\" data-version=\"") + lane + "\">"), 1u)
        << lane;
  }
  // Bars by state, named as history names them.
  EXPECT_EQ(count(dom, "<rect class=\"bar\""), 6u);
  EXPECT_EQ(count(dom, "<rect class=\"bar\" data-state=\"succeeded\""), 3u);
  EXPECT_EQ(count(dom, "<rect class=\"bar\" data-state=\"failed\""), 2u);
  EXPECT_EQ(count(dom, "<rect class=\"bar\" data-state=\"timed_out\""), 1u);
  EXPECT_NE(dom.find("<span class=\"st\" data-state=\"timed_out\">timed_out</span>"),
            std::string::npos);
  // The failure list, newest first, with the service's messages.
  size_t list = dom.find("<h2 id=\"failures\">Failures (3)</h2>");
  ASSERT_NE(list, std::string::npos);
  EXPECT_LT(list, dom.find("<h2>Timeline</h2>"));
  EXPECT_EQ(count(dom, "<tr data-state=\"failed\">"), 2u);
  EXPECT_EQ(count(dom, "<tr data-state=\"timed_out\">"), 1u);
  EXPECT_NE(dom.find("refresh of dataset/d2-fail failed on purpose"), std::string::npos);
  EXPECT_NE(dom.find("no final state within max_refresh_time 1s"), std::string::npos);
  // What the hostile refresh held stayed text.
  EXPECT_NE(dom.find("<title>refreshctl report</title>"), std::string::npos);
  EXPECT_EQ(dom.find("<script"), std::string::npos);
  EXPECT_EQ(dom.find("<img"), std::string::npos);
  EXPECT_EQ(dom.find("<b id="), std::string::npos);
  EXPECT_NE(dom.find("&lt;script&gt;document.title='pwned'&lt;/script&gt;&lt;img src=x "
                     "onerror=alert(1)&gt;\\x1b[31m\xEF\xBF\xBD"),
            std::string::npos);
}

// The page does not depend on the backend: one browser run is enough.
INSTANTIATE_TEST_SUITE_P(Backends,
                         ReportBrowser,
                         ::testing::Values(Backend::kSqlite),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return backend_name(info.param);
                         });

}  // namespace
}  // namespace refreshctl::testing

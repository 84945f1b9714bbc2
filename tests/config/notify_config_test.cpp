// The [target.notify] table: read, validated at apply, written back by
// to_toml (what `show` prints).
#include <gtest/gtest.h>

#include "config/target_file.h"
#include "support/targets.h"

namespace refreshctl {
namespace {

std::string with_notify(const std::string& lines) {
  return testing::sample_target_toml() + "\n[target.notify]\n" + lines + "\n";
}

TEST(NotifyConfig, IsAbsentByDefaultAndRoundTripsThroughToml) {
  auto plain = parse_target_file(testing::sample_target_toml(), "t.toml");
  ASSERT_TRUE(plain.ok()) << plain.error();
  EXPECT_EQ((*plain)[0].target.notify, NotifySpec{});
  EXPECT_EQ(to_toml((*plain)[0].target).find("[target.notify]"), std::string::npos);
  auto full = parse_target_file(
      with_notify("on_failure = \"https://hooks.example.com/${env:HOOK}\"\n"
                  "ping = \"https://hc.example.com/ping/{{target}}\"\n"
                  "headers = { Authorization = \"Bearer ${file:/run/secrets/hook}\" }"),
      "t.toml");
  ASSERT_TRUE(full.ok()) << full.error();
  const NotifySpec& n = (*full)[0].target.notify;
  EXPECT_EQ(n.on_failure, "https://hooks.example.com/${env:HOOK}");
  EXPECT_EQ(n.ping, "https://hc.example.com/ping/{{target}}");
  ASSERT_EQ(n.headers.size(), 1u);
  std::string text = to_toml((*full)[0].target);
  EXPECT_NE(text.find("[target.notify]\non_failure = "), std::string::npos) << text;
  auto again = parse_target_file(text, "");
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ((*again)[0].target, (*full)[0].target);
}

TEST(NotifyConfig, AUrlThatIsNotHttpOrHttpsIsRefusedNamingTheField) {
  for (const char* line : {"on_failure = \"ftp://hooks.example.com/x\"",
                           "ping = \"file:///etc/passwd\"", "on_failure = \"hooks.example.com\""}) {
    auto bad = parse_target_file(with_notify(line), "t.toml");
    ASSERT_FALSE(bad.ok()) << line;
    EXPECT_NE(bad.error().find("notify."), std::string::npos) << bad.error();
    EXPECT_NE(bad.error().find("is not an http:// or https:// URL"), std::string::npos)
        << bad.error();
  }
}

TEST(NotifyConfig, APingNamingAPerRefreshPlaceholderIsRefused) {
  auto bad = parse_target_file(with_notify("ping = \"https://hc.example.com/{{version}}\""), "t");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("notify.ping: {{version}} has no value in a ping"), std::string::npos)
      << bad.error();
}

TEST(NotifyConfig, UnknownFieldsAndBadHeadersAreRefused) {
  auto typo = parse_target_file(with_notify("on_failur = \"https://h.example.com\""), "t.toml");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().find("notify.on_failur: unknown field"), std::string::npos)
      << typo.error();
  auto header = parse_target_file(with_notify("headers = { \"X Bad\" = \"v\" }"), "t.toml");
  ASSERT_FALSE(header.ok());
  EXPECT_NE(header.error().find("notify.headers"), std::string::npos) << header.error();
}

}  // namespace
}  // namespace refreshctl

// The follow_redirects field: read, validated with "did you mean", written
// back by to_toml; and control characters refused at apply.
#include <gtest/gtest.h>

#include "config/target_file.h"
#include "support/targets.h"

namespace refreshctl {
namespace {

std::string with_http(const std::string& lines) {
  return testing::sample_target_toml() + "\n[target.http]\n" + lines + "\n";
}

TEST(FollowRedirects, DefaultsToSameHostAndRoundTripsThroughToml) {
  auto plain = parse_target_file(testing::sample_target_toml(), "t.toml");
  ASSERT_TRUE(plain.ok()) << plain.error();
  EXPECT_EQ((*plain)[0].target.http.follow_redirects, "same-host");
  EXPECT_EQ(to_toml((*plain)[0].target).find("follow_redirects"), std::string::npos);
  auto any = parse_target_file(with_http("follow_redirects = \"any\""), "t.toml");
  ASSERT_TRUE(any.ok()) << any.error();
  std::string text = to_toml((*any)[0].target);
  EXPECT_NE(text.find("follow_redirects = \"any\""), std::string::npos) << text;
  auto again = parse_target_file(text, "");
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ((*again)[0].target, (*any)[0].target);
}

TEST(FollowRedirects, AnUnknownRuleSaysWhatToUseAndDidYouMean) {
  auto bad = parse_target_file(with_http("follow_redirects = \"same_host\""), "t.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("http.follow_redirects: \"same_host\" is not a redirect rule (use "
                             "same-host, any, none), did you mean \"same-host\"?"),
            std::string::npos)
      << bad.error();
}

TEST(ControlCharacters, AreRefusedInVersionsUrlsAndDataTypeNamingTheField) {
  std::string text = testing::sample_target_toml();
  std::string version = text;
  version.replace(version.find("\"2026-10\""), 9, "\"2026\\u001b[2J\"");
  auto v = parse_target_file(version, "t.toml");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(
      v.error().find("t.toml:4: versions: version \"2026\\x1b[2J\" holds a control character"),
      std::string::npos)
      << v.error();
  std::string url = text;
  url.replace(url.find("/api/refresh"), 12, "/api/refresh\\r\\nX: y");
  auto u = parse_target_file(url, "t.toml");
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.error().find("refresh.url: the URL holds a control character"), std::string::npos)
      << u.error();
}

}  // namespace
}  // namespace refreshctl

// versions_from (SPEC §10): read and validated at apply, written back by
// to_toml (what `show` prints and revisions store).
#include <gtest/gtest.h>

#include "config/target_file.h"
#include "support/targets.h"

namespace refreshctl {
namespace {

const std::string kVersions = "versions = [\"2026-10\", \"2026-11\"]";

// The sample target with its versions line replaced by `line`.
std::string with_versions_line(const std::string& line) {
  std::string text = testing::sample_target_toml();
  text.replace(text.find(kVersions), kVersions.size(), line);
  return text;
}

Result<Target> parse(const std::string& line) {
  auto parsed = parse_target_file(with_versions_line(line), "t.toml");
  if (!parsed.ok()) return std::move(parsed).take_error();
  return (*parsed)[0].target;
}

TEST(VersionsFromConfig, IsReadWithItsDefaultsAndRoundTripsThroughToml) {
  auto t = parse(
      "versions_from = { url = \"https://api.example.com/{{data_type}}/versions?t=${env:TOKEN}\", "
      "headers = { Authorization = \"Bearer ${file:/run/secrets/t}\" }, pointer = \"/versions\", "
      "latest = 3 }");
  ASSERT_TRUE(t.ok()) << t.error();
  ASSERT_TRUE(t->versions_from.has_value());
  const VersionsFromSpec& v = *t->versions_from;
  EXPECT_EQ(v.method, "GET");
  EXPECT_EQ(v.url, "https://api.example.com/{{data_type}}/versions?t=${env:TOKEN}");
  ASSERT_EQ(v.headers.size(), 1u);
  EXPECT_EQ(v.headers[0].second, "Bearer ${file:/run/secrets/t}");
  EXPECT_EQ(v.pointer, "/versions");
  EXPECT_EQ(v.latest, 3);
  EXPECT_TRUE(t->versions.empty());
  std::string text = to_toml(*t);
  EXPECT_EQ(text.find("\nversions = "), std::string::npos) << text;
  auto again = parse_target_file(text, "again.toml");
  ASSERT_TRUE(again.ok()) << again.error() << "\n" << text;
  EXPECT_EQ((*again)[0].target, *t);
}

TEST(VersionsFromConfig, AlsoReadsAsASubTableWithoutPointerOrLatest) {
  std::string text = with_versions_line("") +
                     "\n[target.versions_from]\nmethod = \"POST\"\n"
                     "url = \"http://127.0.0.1:8080/api/versions\"\n";
  auto parsed = parse_target_file(text, "t.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  const auto& v = (*parsed)[0].target.versions_from;
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->method, "POST");
  EXPECT_EQ(v->pointer, "");
  EXPECT_FALSE(v->latest.has_value());
}

TEST(VersionsFromConfig, IsRefusedBesideVersionsNamingItsLine) {
  auto parsed = parse_target_file(
      with_versions_line(kVersions + "\nversions_from = { url = \"http://127.0.0.1:1/v\" }"),
      "t.toml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().find("t.toml:5: versions_from: give either versions or versions_from"),
            std::string::npos)
      << parsed.error();
}

TEST(VersionsFromConfig, RefusesBadValuesSayingWhichKey) {
  struct Case {
    const char* line;
    const char* expected;
  };
  const Case cases[] = {
      {"versions_from = \"http://127.0.0.1:1/v\"", "versions_from: expected a table"},
      {"versions_from = { url = \"ftp://h/v\" }", "versions_from: url: \"ftp://h/v\" is not"},
      {"versions_from = { url = \"http://h/v\", pointer = \"v\" }",
       "versions_from: pointer: \"v\" is not a JSON pointer"},
      {"versions_from = { url = \"http://h/v\", latest = 0 }",
       "versions_from: latest: 0 is out of range"},
      {"versions_from = { url = \"http://h/v\", latest = \"2\" }",
       "versions_from: latest: expected an integer"},
      {"versions_from = { url = \"http://h/v\", method = \"FETCH\" }",
       "versions_from: method: \"FETCH\" is not an HTTP method"},
      {"versions_from = { url = \"http://h/v\", pointr = \"/v\" }",
       "versions_from: pointr: unknown field"},
      {"versions_from = { url = \"http://h/{{version}}\" }",
       "versions_from: url: {{version}} has no value here"},
      {"versions_from = { url = \"http://h/v\", headers = { X = \"{{job_id}}\" } }",
       "versions_from: headers:"},
      {"versions_from = { url = \"http://h/v\", headers = { X = \"${envv:T}\" } }",
       "versions_from: headers: header X:"},
      {"versions_from = { pointer = \"/v\" }", "versions_from: url: missing"},
  };
  for (const Case& c : cases) {
    auto t = parse(c.line);
    ASSERT_FALSE(t.ok()) << c.line;
    EXPECT_NE(t.error().find(c.expected), std::string::npos)
        << c.line << "\nexpected: " << c.expected << "\ngot: " << t.error();
  }
}

TEST(VersionsFromConfig, ATargetWithNeitherVersionsNorVersionsFromIsRefused) {
  auto t = parse("");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().find("versions: missing"), std::string::npos) << t.error();
}

TEST(CheckVersions, HoldsAListToTheRulesOfAFile) {
  EXPECT_TRUE(check_versions({}).ok());
  EXPECT_TRUE(check_versions({"2026-11", "v42"}).ok());
  EXPECT_NE(check_versions({"a", ""}).error().find("empty string"), std::string::npos);
  EXPECT_NE(check_versions({"a", "a"}).error().find("\"a\" is listed twice"), std::string::npos);
  EXPECT_NE(check_versions({"a\nb"}).error().find("control character"), std::string::npos);
  EXPECT_NE(check_versions({std::string(257, 'x')}).error().find("longer than 256"),
            std::string::npos);
}

}  // namespace
}  // namespace refreshctl

// Bad input never half-applies: every invalid file exits 2, names the file,
// the line and the field, and leaves the database byte-for-byte unchanged.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "support/process.h"
#include "support/targets.h"
#include "support/temp_dir.h"

namespace refreshctl::testing {
namespace {

struct InvalidCase {
  const char* name;
  const char* find;     // a line of the sample file…
  const char* replace;  // …replaced by this ("" deletes it)
  const char* field;    // expected in the message ("" for TOML syntax errors)
  int line = 0;         // expected line; 0: the line that was replaced
};

const InvalidCase kCases[] = {
    {"UnterminatedString", "name = \"sales-cube\"", "name = \"sales-cube", ""},
    {"UnclosedArray", "versions = [\"2026-10\", \"2026-11\"]", "versions = [\"2026-10\",", "", 5},
    {"UnknownField", "poll_interval = \"5s\"", "poll_intervall = \"5s\"", "poll_intervall"},
    {"UnknownRefreshField", "job_id = \"/jobId\"", "jobid = \"/jobId\"", "refresh.jobid"},
    {"UnknownStatusField", "succeeded = [\"SUCCEEDED\"]", "succeded = [\"SUCCEEDED\"]",
     "status.succeded"},
    {"DurationWord", "max_refresh_time = \"45m\"", "max_refresh_time = \"soon\"",
     "max_refresh_time"},
    {"DurationWithSpace", "poll_interval = \"5s\"", "poll_interval = \"5 seconds\"",
     "poll_interval"},
    {"DurationAsNumber", "poll_interval = \"5s\"", "poll_interval = 5", "poll_interval"},
    {"DurationTooShort", "max_refresh_time = \"45m\"", "max_refresh_time = \"10ms\"",
     "max_refresh_time"},
    {"UrlFtpScheme", "url = \"http://127.0.0.1:8080/api/refresh\"",
     "url = \"ftp://127.0.0.1/api/refresh\"", "refresh.url"},
    {"UrlNotAUrl", "url = \"http://127.0.0.1:8080/api/refresh\"", "url = \"not a url\"",
     "refresh.url"},
    {"StatusUrlFileScheme", "url = \"http://127.0.0.1:8080/api/status/{{job_id}}\"",
     "url = \"file:///etc/passwd\"", "status.url"},
    {"NameWithSpace", "name = \"sales-cube\"", "name = \"sales cube\"", "name"},
    {"NameEmpty", "name = \"sales-cube\"", "name = \"\"", "name"},
    {"NameTooLong", "name = \"sales-cube\"",
     "name = "
     "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
     "name"},
    {"NameAsNumber", "name = \"sales-cube\"", "name = 42", "name"},
    {"PointerWithoutSlash", "state = \"/status\"", "state = \"status\"", "status.state"},
    {"JobIdPointerWithoutSlash", "job_id = \"/jobId\"", "job_id = \"jobId\"", "refresh.job_id"},
    {"PointerBadEscape", "message = \"/errorMessage\"", "message = \"/error~2\"", "status.message"},
    {"VersionsNotArray", "versions = [\"2026-10\", \"2026-11\"]", "versions = \"2026-10\"",
     "versions"},
    {"VersionsOfNumbers", "versions = [\"2026-10\", \"2026-11\"]", "versions = [1, 2]", "versions"},
    {"VersionsEmpty", "versions = [\"2026-10\", \"2026-11\"]", "versions = []", "versions"},
    {"VersionListedTwice", "versions = [\"2026-10\", \"2026-11\"]",
     "versions = [\"2026-10\", \"2026-10\"]", "versions"},
    {"ConcurrencyAsString", "max_concurrency = 4", "max_concurrency = \"4\"", "max_concurrency"},
    {"ConcurrencyZero", "max_concurrency = 4", "max_concurrency = 0", "max_concurrency"},
    {"RetriesNegative", "retries = 0", "retries = -1", "retries"},
    {"BackoffBelowOne", "max_concurrency = 4", "poll_backoff = 0.5", "poll_backoff"},
    {"EnabledAsString", "enabled = true", "enabled = \"yes\"", "enabled"},
    {"SuccessCodeOutOfRange", "success_codes = [200, 201, 202]", "success_codes = [700]",
     "refresh.success_codes"},
    {"UnknownMethod", "method = \"POST\"", "method = \"FETCH\"", "refresh.method"},
    {"UnknownPlaceholder", "body = '{\"type\": \"{{data_type}}\", \"version\": \"{{version}}\"}'",
     "body = '{\"type\": \"{{datatype}}\"}'", "refresh.body"},
    {"JobIdInTrigger", "body = '{\"type\": \"{{data_type}}\", \"version\": \"{{version}}\"}'",
     "body = '{{job_id}}'", "refresh.body"},
    {"BadReference",
     "headers = { Authorization = \"Bearer ${env:CUBE_TOKEN}\", Content-Type = "
     "\"application/json\" }",
     "headers = { Authorization = \"Bearer ${envv:CUBE_TOKEN}\" }", "refresh.headers"},
    {"HeadersNotATable",
     "headers = { Authorization = \"Bearer ${env:CUBE_TOKEN}\", Content-Type = "
     "\"application/json\" }",
     "headers = \"Authorization: x\"", "refresh.headers"},
    {"MissingDataType", "data_type = \"sales\"", "", "data_type", 1},
    {"MissingStatusSucceeded", "succeeded = [\"SUCCEEDED\"]", "", "status.succeeded", 1},
    {"MaxPollShorterThanPoll", "max_poll_interval = \"1m\"", "max_poll_interval = \"1s\"",
     "max_poll_interval", 1},
    {"StatusNeedsJobId", "job_id = \"/jobId\"", "", "refresh.job_id", 1},
    {"UnknownTimezone", "enabled = true", "timezone = \"Mars/Olympus_Mons\"", "timezone"},
    {"BadSchedule", "enabled = true", "schedule = \"61 * * * *\"", "schedule"},
    {"TopLevelTypo", "[[target]]", "[[targets]]", "targets"},
    // versions_from (SPEC §10): instead of versions, never beside them.
    {"VersionsAndVersionsFrom", "retries = 0",
     "retries = 0\nversions_from = { url = \"http://127.0.0.1:8080/api/versions\" }",
     "versions_from: give either versions or versions_from, not both", 10},
    {"VersionsFromPointerWithoutSlash", "versions = [\"2026-10\", \"2026-11\"]",
     "versions_from = { url = \"http://127.0.0.1:8080/api/versions\", pointer = \"versions\" }",
     "versions_from: pointer: \"versions\" is not a JSON pointer"},
    {"VersionsFromLatestZero", "versions = [\"2026-10\", \"2026-11\"]",
     "versions_from = { url = \"http://127.0.0.1:8080/api/versions\", latest = 0 }",
     "versions_from: latest: 0 is out of range"},
    {"VersionsFromLatestNotWhole", "versions = [\"2026-10\", \"2026-11\"]",
     "versions_from = { url = \"http://127.0.0.1:8080/api/versions\", latest = 2.5 }",
     "versions_from: latest: expected an integer"},
    {"VersionsFromWithoutUrl", "versions = [\"2026-10\", \"2026-11\"]",
     "versions_from = { pointer = \"/versions\" }", "versions_from: url: missing"},
};

class ApplyInvalid : public ::testing::TestWithParam<InvalidCase> {};

std::string edit(const std::string& text, const InvalidCase& c, int* line) {
  size_t at = text.find(c.find);
  if (at == std::string::npos) return "";
  *line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
  std::string out = text;
  if (*c.replace == '\0') {
    out.erase(at, std::strlen(c.find) + 1);  // and its newline
  } else {
    out.replace(at, std::strlen(c.find), c.replace);
  }
  return out;
}

TEST_P(ApplyInvalid, ExitsTwoNamesFileLineFieldAndChangesNothing) {
  const InvalidCase& c = GetParam();
  TempDir dir;
  std::string db = dir.file("refreshctl.db");
  // A database with one good target in it, to show that nothing changes.
  auto good = refreshctl(
      {"--db", db, "apply", "-f", dir.write("good.toml", sample_target_toml("existing"))});
  ASSERT_EQ(good.exit_code, 0) << good.err;
  std::string before = read_file(db);
  ASSERT_FALSE(before.empty());

  int line = 0;
  std::string text = edit(sample_target_toml(), c, &line);
  ASSERT_FALSE(text.empty()) << "the case's line is not in the sample: " << c.find;
  if (c.line != 0) line = c.line;
  // A valid target first in the same file: it must not be applied either.
  std::string file = dir.write("bad.toml", text);
  auto result = refreshctl({"--db", db, "apply", "-f", file});

  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_NE(result.err.find("refreshctl: error: " + file + ":" + std::to_string(line) + ":"),
            std::string::npos)
      << "expected " << file << ":" << line << " in: " << result.err;
  EXPECT_NE(result.err.find(c.field), std::string::npos)
      << "expected " << c.field << " in: " << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(read_file(db), before) << "the database changed";
  EXPECT_FALSE(std::filesystem::exists(db + "-wal") && !read_file(db + "-wal").empty());
}

INSTANTIATE_TEST_SUITE_P(Table, ApplyInvalid, ::testing::ValuesIn(kCases), [](const auto& info) {
  return std::string(info.param.name);
});

TEST(ApplyInvalid, NameDefinedInTwoFilesChangesNothing) {
  TempDir dir;
  std::string db = dir.file("refreshctl.db");
  auto good = refreshctl(
      {"--db", db, "apply", "-f", dir.write("good.toml", sample_target_toml("existing"))});
  ASSERT_EQ(good.exit_code, 0) << good.err;
  std::string before = read_file(db);
  std::string a = dir.write("a.toml", sample_target_toml("twice"));
  std::string b =
      dir.write("b.toml", sample_target_toml("other") + "\n" + sample_target_toml("twice"));
  auto result = refreshctl({"--db", db, "apply", "-f", a, "-f", b});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(b + ":"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("name: \"twice\" is already defined at " + a + ":1"), std::string::npos)
      << result.err;
  EXPECT_EQ(read_file(db), before);
}

TEST(ApplyInvalid, InvalidFileNeverCreatesTheDatabase) {
  TempDir dir;
  std::string db = dir.file("sub/refreshctl.db");
  auto result = refreshctl({"--db", db, "apply", "-f", dir.write("bad.toml", "[[target]]\nx=1\n")});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(db));
}

}  // namespace
}  // namespace refreshctl::testing

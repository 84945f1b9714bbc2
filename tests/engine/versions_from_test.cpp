// Reading a versions_from answer: the list at the pointer, checked as a
// file's versions are, cut to the latest N; every failure says what is wrong.
#include "engine/versions_from.h"

#include <gtest/gtest.h>

namespace refreshctl::engine {
namespace {

http::Response answer(long status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

VersionsFromSpec spec(std::string pointer = "/versions", std::optional<int> latest = {}) {
  VersionsFromSpec s;
  s.url = "http://127.0.0.1:1/api/versions";
  s.pointer = std::move(pointer);
  s.latest = latest;
  return s;
}

std::string failure(const VersionsFromSpec& s,
                    const http::Response& r,
                    const std::vector<std::string>& secrets = {}) {
  auto read = read_version_list(s, r, secrets);
  EXPECT_FALSE(read.ok());
  return read.ok() ? "" : read.error();
}

TEST(ReadVersionList, ReadsTheArrayAtThePointerInTheServicesOrder) {
  auto read = read_version_list(spec(), answer(200, R"({"versions": ["b", "a", "c"]})"));
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_EQ(*read, (std::vector<std::string>{"b", "a", "c"}));
}

TEST(ReadVersionList, TakesTheLastNWhenLatestIsSet) {
  const char* body = R"({"data": {"versions": ["d1", "d2", "d3", "d4", "d5"]}})";
  auto two = read_version_list(spec("/data/versions", 2), answer(200, body));
  ASSERT_TRUE(two.ok()) << two.error();
  EXPECT_EQ(*two, (std::vector<std::string>{"d4", "d5"}));
  auto more = read_version_list(spec("/data/versions", 9), answer(200, body));
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(more->size(), 5u);
}

TEST(ReadVersionList, AnEmptyPointerReadsTheWholeBodyAndAnEmptyListIsAList) {
  auto whole = read_version_list(spec(""), answer(200, R"(["x", "y"])"));
  ASSERT_TRUE(whole.ok()) << whole.error();
  EXPECT_EQ(whole->size(), 2u);
  auto empty = read_version_list(spec(), answer(200, R"({"versions": []})"));
  ASSERT_TRUE(empty.ok()) << empty.error();
  EXPECT_TRUE(empty->empty());
}

TEST(ReadVersionList, EachWrongAnswerSaysWhatIsWrong) {
  EXPECT_EQ(failure(spec(), answer(200, R"({"other": []})")),
            "the answer has no value at /versions");
  EXPECT_EQ(failure(spec("/versions/0"), answer(200, R"({"versions": {"a": 1}})")),
            "the answer has no value at /versions/0");
  EXPECT_EQ(failure(spec(), answer(200, R"({"versions": {"a": "b"}})")),
            "the value at /versions is an object, not an array of strings");
  EXPECT_EQ(failure(spec(), answer(200, R"({"versions": ["a", 7]})")),
            "item 1 of the value at /versions is a number, not a string");
  EXPECT_EQ(failure(spec(), answer(200, "<html>busy</html>")),
            "the answer is not JSON: <html>busy</html>");
  EXPECT_EQ(failure(spec(), answer(503, "down for maintenance")),
            "answered HTTP 503: down for maintenance");
  EXPECT_EQ(failure(spec(), answer(301, "")), "answered HTTP 301: ");
}

TEST(ReadVersionList, AListAFileCouldNotHoldIsRefused) {
  EXPECT_NE(failure(spec(), answer(200, R"({"versions": ["a", "a"]})")).find("listed twice"),
            std::string::npos);
  EXPECT_NE(failure(spec(), answer(200, R"({"versions": ["a", ""]})")).find("empty string"),
            std::string::npos);
  EXPECT_NE(
      failure(spec(), answer(200, R"({"versions": ["a\r\nX-Evil: 1"]})")).find("control character"),
      std::string::npos);
  // Also a version that latest would have dropped: the list is the service's.
  EXPECT_NE(failure(spec("/versions", 1), answer(200, R"({"versions": ["", "b"]})"))
                .find("is not a valid version list"),
            std::string::npos);
}

TEST(ReadVersionList, ATransportFailureIsItsMessage) {
  http::Response refused;
  refused.failure = http::Failure::kConnect;
  refused.error = "Couldn't connect to server (Connection refused)";
  EXPECT_EQ(failure(spec(), refused), "Couldn't connect to server (Connection refused)");
}

TEST(ReadVersionList, ASecretEchoedInTheBodyIsRedacted) {
  std::string error = failure(spec(), answer(401, "bad token s3cr3t-token"), {"s3cr3t-token"});
  EXPECT_EQ(error.find("s3cr3t-token"), std::string::npos) << error;
  EXPECT_NE(error.find("bad token ***"), std::string::npos) << error;
}

}  // namespace
}  // namespace refreshctl::engine

// JsonArrayPrinter prints an array an element at a time exactly as
// print_json() prints it whole: `list --json` streams its targets.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/output.h"

namespace refreshctl::cli {
namespace {

std::string whole(const nlohmann::json& array) {
  ::testing::internal::CaptureStdout();
  print_json(array);
  std::fflush(stdout);
  return ::testing::internal::GetCapturedStdout();
}

std::string streamed(const nlohmann::json& array) {
  ::testing::internal::CaptureStdout();
  JsonArrayPrinter printer;
  for (const auto& item : array) printer.add(item);
  printer.finish();
  std::fflush(stdout);
  return ::testing::internal::GetCapturedStdout();
}

TEST(JsonArrayPrinter, PrintsWhatPrintJsonPrintsForTheWholeArray) {
  const nlohmann::json cases[] = {
      nlohmann::json::array(),
      nlohmann::json::array({{{"name", "cube"}, {"versions", {"2026-10", "2026-11"}}}}),
      nlohmann::json::array({{{"name", "a"}, {"after", nlohmann::json::array()}, {"n", nullptr}},
                             {{"name", "line\nbreak"}, {"nested", {{"deep", {1, 2, {3}}}}}},
                             "text",
                             42,
                             nlohmann::json::object()}),
  };
  for (const auto& array : cases) {
    EXPECT_EQ(streamed(array), whole(array)) << array.dump();
  }
  EXPECT_EQ(streamed(nlohmann::json::array()), "[]\n");
}

}  // namespace
}  // namespace refreshctl::cli

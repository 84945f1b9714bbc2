#include "config/dependencies.h"

#include <gtest/gtest.h>

namespace refreshctl {
namespace {

using Graph = std::map<std::string, std::vector<std::string>>;

std::string error_of(const Graph& g) {
  auto r = check_dependencies(g);
  return r.ok() ? "" : r.error();
}

TEST(Dependencies, AChainWithoutCycleIsAccepted) {
  EXPECT_EQ(error_of({{"cube", {"dataset"}}, {"dataset", {"raw"}}, {"raw", {}}}), "");
}

TEST(Dependencies, ATwoTargetCycleIsNamed) {
  std::string e = error_of({{"a", {"b"}}, {"b", {"a"}}});
  EXPECT_NE(e.find("a → b → a"), std::string::npos) << e;
}

TEST(Dependencies, ALongerCycleIsNamedFromWhereItCloses) {
  std::string e = error_of({{"a", {"b"}}, {"b", {"c"}}, {"c", {"b"}}});
  EXPECT_NE(e.find("b → c → b"), std::string::npos) << e;
}

TEST(Dependencies, ATargetWaitingForItselfIsACycle) {
  std::string e = error_of({{"a", {"a"}}});
  EXPECT_NE(e.find("a → a"), std::string::npos) << e;
}

TEST(Dependencies, AnUnknownNameIsRefusedWithASuggestion) {
  std::string e = error_of({{"cube", {"datset"}}, {"dataset", {}}});
  EXPECT_NE(e.find("target cube: after names \"datset\", which is no target"), std::string::npos)
      << e;
  EXPECT_NE(e.find("dataset"), std::string::npos) << e;
}

}  // namespace
}  // namespace refreshctl

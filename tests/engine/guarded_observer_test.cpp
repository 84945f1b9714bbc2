// An observer that throws (a closed pipe, a JSON encoder refusing a byte)
// never throws into the run engine.
#include "engine/guarded_observer.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace refreshctl::engine {
namespace {

class Throwing : public RunObserver {
 public:
  void on_state(const RefreshRecord&) override {
    ++calls;
    throw std::runtime_error("write: Broken pipe");
  }
  void on_note(const std::string&) override {
    ++calls;
    throw 42;  // not even an exception type
  }
  int calls = 0;
};

TEST(GuardedObserver, AnOutputErrorIsKeptAndPrintingStopsWithoutThrowing) {
  Throwing inner;
  GuardedObserver guard(inner);
  EXPECT_NO_THROW(guard.on_state(RefreshRecord{}));
  EXPECT_EQ(guard.failure(), "write: Broken pipe");
  EXPECT_NO_THROW(guard.on_note("x"));
  EXPECT_NO_THROW(guard.on_tick({}, TimePoint{}));
  EXPECT_EQ(inner.calls, 1) << "after the first failure nothing more is printed";
}

TEST(GuardedObserver, ANonStandardExceptionIsCaughtToo) {
  Throwing inner;
  GuardedObserver guard(inner);
  EXPECT_NO_THROW(guard.on_note("x"));
  EXPECT_EQ(guard.failure(), "output failed");
}

}  // namespace
}  // namespace refreshctl::engine

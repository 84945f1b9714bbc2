// A RunObserver that never throws into the engine. Printing is the least of
// a run's duties: a failed write (a closed pipe, a full disk, text a JSON
// encoder refuses) must not stop the run between a claim and its record.
// The first failure is kept, and printing stops; the run goes on.
#pragma once

#include <exception>
#include <string>
#include <vector>

#include "engine/runner.h"

namespace refreshctl::engine {

class GuardedObserver final : public RunObserver {
 public:
  explicit GuardedObserver(RunObserver& inner) : inner_(inner) {}

  void on_state(const RefreshRecord& record) override {
    guard([&] { inner_.on_state(record); });
  }
  void on_note(const std::string& text) override {
    guard([&] { inner_.on_note(text); });
  }
  void on_warning(const std::string& text) override {
    guard([&] { inner_.on_warning(text); });
  }
  void on_retry_wait(const RefreshRecord& next, TimePoint not_before) override {
    guard([&] { inner_.on_retry_wait(next, not_before); });
  }
  void on_tick(const std::vector<const RefreshRecord*>& in_flight, TimePoint now) override {
    guard([&] { inner_.on_tick(in_flight, now); });
  }

  // What the first failure said; empty when printing never failed.
  const std::string& failure() const { return failure_; }

 private:
  template <class F>
  void guard(F print) {
    if (!failure_.empty()) return;
    try {
      print();
    } catch (const std::exception& e) {
      failure_ = e.what();
      if (failure_.empty()) failure_ = "output failed";
    } catch (...) {
      failure_ = "output failed";
    }
  }

  RunObserver& inner_;
  std::string failure_;
};

}  // namespace refreshctl::engine

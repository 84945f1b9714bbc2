// What every fuzz target uses to state a property: abort with a message, so
// that libFuzzer keeps the input.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace refreshctl::fuzz {

inline void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz: property violated: %s\n", what);
    std::abort();
  }
}

}  // namespace refreshctl::fuzz

// Loopback ports for tests.
#pragma once

namespace refreshctl::testing {

// A port of 127.0.0.1 that nothing listens on (at the time of the call).
int free_loopback_port();

}  // namespace refreshctl::testing

// Reading the answer of a versions_from request (SPEC §10): the list at the
// pointer, checked as a file's `versions` are, cut to the `latest` N. Pure:
// no I/O, no clock, no store.
#pragma once

#include <string>
#include <vector>

#include "config/target.h"
#include "http/client.h"
#include "util/result.h"

namespace refreshctl::engine {

// The versions in `response`, the last `spec.latest` of them when it is set.
// An empty list is a list. Fails, saying what is wrong (a transport error, an
// HTTP status other than 2xx, a body that is not JSON, no array of strings at
// the pointer, a version a file could not hold), with `secrets` redacted
// from any excerpt of the body it quotes.
Result<std::vector<std::string>> read_version_list(const VersionsFromSpec& spec,
                                                   const http::Response& response,
                                                   const std::vector<std::string>& secrets = {});

}  // namespace refreshctl::engine

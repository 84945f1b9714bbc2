// Dependencies between targets (SPEC §10): a slot of a target with `after`
// is due only once each target it names has fresh data.
#pragma once

#include <string>

#include "store/store.h"
#include "util/time.h"

namespace refreshctl::engine {

// Why a new slot `slot` of `target` must wait for its `after` targets, or ""
// when it need not: each of them has no refresh open and, for every one of
// its versions, its latest refresh succeeded and finished after `target`
// last ran before `slot` (its data moved since; any success will do for a
// target that never ran). Reads the store; fails only when the store does.
Result<std::string> waiting_for(Store& store, const Target& target, TimePoint slot);

}  // namespace refreshctl::engine

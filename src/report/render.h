// The parts of the page, each appended to one string (internal to report/).
#pragma once

#include <string>
#include <vector>

#include "report/timeline.h"

namespace refreshctl::report {

// The timeline: a time axis that stays on screen while scrolling, then one
// foldable SVG per target with a lane per version. Groups with a failure or
// an open refresh are unfolded; the others too when there are few targets.
void append_timeline(std::string& out,
                     const std::vector<TargetGroup>& groups,
                     Window window,
                     TimePoint now);

// A CSS rule for the page's <style>: the lanes' stripes and the grid lines
// at the ticks of `window`.
std::string timeline_css(Window window);

// What a bar's tooltip says: state, attempt, revision, slot, times, job id,
// polls, HTTP status, error. Unescaped.
std::string bar_title(const RefreshRecord& r, TimePoint now);

}  // namespace refreshctl::report

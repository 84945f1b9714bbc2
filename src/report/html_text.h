// Text from the database or from a service, made safe for an HTML page.
// Error messages, versions and job ids can hold anything: markup, quotes,
// control characters, bytes that are not UTF-8. What comes out is valid
// UTF-8 that is inert as element text and as a quoted attribute value.
#pragma once

#include <string>
#include <string_view>

namespace refreshctl::report {

// Appends `text` to `out`: & < > " ' as character references; tab and newline
// kept; CR as "\r" and every other control character as "\xNN" (C1 controls
// as "\u0085"), so that what a service sent stays visible; bytes that are not
// valid UTF-8, and Unicode noncharacters, as U+FFFD.
void append_html(std::string& out, std::string_view text);

// The same, as a new string.
std::string html_escape(std::string_view text);

// At most `max_chars` code points of `text`, the last one "…" when cut. Works on
// invalid UTF-8 too (a stray byte counts as one); escape the result.
std::string shorten(std::string_view text, size_t max_chars);

}  // namespace refreshctl::report

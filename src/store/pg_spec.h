// A PostgreSQL --db value (a postgresql:// or postgres:// URL, or a libpq
// conninfo string) as refreshctl shows it: never with its password. libpq
// itself takes the password from the value, PGPASSWORD, ~/.pgpass or a
// service file; refreshctl only makes sure no message repeats it.
#pragma once

#include <string>
#include <vector>

namespace refreshctl::pg {

// The value with every password removed, for describe() and messages:
// "postgresql://app:pw@db1/refreshctl?password=x" -> "postgresql://app@db1/refreshctl".
// A conninfo string keeps its other key=value pairs as written; a URL of
// another scheme (a typo, say) loses its password the same way.
std::string redact_spec(const std::string& spec);

// Every password the value holds (as libpq reads it, and what a malformed
// URL seems to hold), so that messages that echo them can be scrubbed.
std::vector<std::string> spec_secrets(const std::string& spec);

// `text` with every secret of three characters or more replaced by "***"
// (shorter ones would wreck the message and protect little).
std::string scrub(std::string text, const std::vector<std::string>& secrets);

// libpq's multi-line messages on one line: "connection to server ... failed:
// Connection refused Is the server running ...?".
std::string one_line(const std::string& message);

}  // namespace refreshctl::pg

// libFuzzer target for status classification. Input: 2 bytes of HTTP status,
// 1 byte choosing pointers, then a body. Beyond not crashing or throwing
// (JSON pointers that do not fit the document, numbers, nested values,
// invalid UTF-8), it checks that every outcome's text is valid UTF-8 and
// that a quoted excerpt stays short.
#include <cstdint>
#include <string>

#include "config/target.h"
#include "engine/refresh_logic.h"
#include "fuzz_check.h"
#include "util/utf8.h"

using namespace refreshctl;
using refreshctl::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  http::Response r;
  r.status = 100 + (data[0] << 8 | data[1]) % 500;
  uint8_t choice = data[2];
  // Bodies arrive sanitized from the HTTP layer; classification must not rely on it.
  r.body.assign(reinterpret_cast<const char*>(data + 3), size - 3);
  if (choice & 0x80) r.body = sanitize_utf8(r.body);
  if (choice & 0x40) r.headers.emplace_back("retry-after", r.body.substr(0, 40));
  if (choice & 0x20) r.headers.emplace_back("location", r.body);
  static const char* const kPointers[] = {"/status", "/a/0", "/a/-", "", "/~1x/~0y", "/0"};
  Target t;
  t.status.state = kPointers[choice % 6];
  t.status.error = kPointers[(choice >> 1) % 6];
  t.status.message = kPointers[(choice >> 2) % 6];
  t.status.succeeded = {"SUCCEEDED", "10", "true"};
  t.status.failed = {"FAILED"};
  t.refresh.job_id = (choice & 0x10) ? "header:Location" : kPointers[(choice >> 3) % 6];
  std::vector<std::string> secrets{"s3cret-token"};

  auto poll = engine::read_status_response(t, r, secrets);
  check(is_valid_utf8(poll.message) || !(choice & 0x80), "a poll message is valid UTF-8");
  auto trigger = engine::read_trigger_response(t, r, secrets);
  check(is_valid_utf8(trigger.error) || !(choice & 0x80), "a trigger error is valid UTF-8");
  check(trigger.error.size() < 400, "an excerpt is cut");
  check(is_valid_utf8(engine::recorded_error(poll.message, secrets)), "recorded errors are UTF-8");
  auto wait = engine::retry_after(r, TimePoint(std::chrono::seconds(1'800'000'000)));
  check(!wait || (wait->count() >= 0 && *wait <= std::chrono::hours(24)), "Retry-After bounded");
  return 0;
}

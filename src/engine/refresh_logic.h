// The pure part of one refresh: building its requests from the target's
// templates and reading the service's answers. No I/O, no clock, no store.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "config/target.h"
#include "config/template.h"
#include "engine/redact.h"
#include "http/client.h"
#include "store/refresh.h"

namespace refreshctl::engine {

// A request ready to send, and the secret values that went into it (to be
// redacted from anything recorded or printed).
struct BuiltRequest {
  http::Request request;
  std::vector<std::string> secrets;
};

// The {{...}} values of a refresh.
TemplateVars template_vars(const Target& target, const RefreshRecord& record);

// A stable key of (target, version, slot, attempt), for services that
// deduplicate triggers.
std::string idempotency_key(const RefreshRecord& record);

Result<BuiltRequest> build_trigger(const Target& target,
                                   const RefreshRecord& record,
                                   const ReferenceResolver& resolver);
Result<BuiltRequest> build_poll(const Target& target,
                                const RefreshRecord& record,
                                const ReferenceResolver& resolver);

// The request that reads a versions_from target's version list for the
// slot of `record` (SPEC §10).
Result<BuiltRequest> build_versions_request(const Target& target,
                                            const RefreshRecord& record,
                                            const ReferenceResolver& resolver);

struct TriggerOutcome {
  enum Kind {
    kAccepted,   // polling starts; job_id is set when the target reads one
    kNotSent,    // connect failed: safe to try again
    kMaybeSent,  // timeout or broken connection: the service may have it
    kRejected,   // the service answered with a code not in success_codes
    kError,      // the answer cannot be used (no job id, bad redirect, too large)
  } kind = kError;
  std::string job_id;
  std::string error;
};

// What the answer to the trigger means. `secrets` are redacted from the
// excerpt of a body quoted in an error before it is cut to length.
TriggerOutcome read_trigger_response(const Target& target,
                                     const http::Response& response,
                                     const std::vector<std::string>& secrets = {});

struct PollOutcome {
  enum Kind {
    kRunning,    // not done yet
    kTransient,  // the poll itself failed in a way worth retrying (5xx, 429, reset)
    kSucceeded,
    kFailed,  // the service says the refresh failed
    kError,   // the answer cannot be used
  } kind = kRunning;
  std::string state;    // the state value read, when any
  std::string message;  // why it failed or errored
};

PollOutcome read_status_response(const Target& target,
                                 const http::Response& response,
                                 const std::vector<std::string>& secrets = {});

// How long a 429 or 503 answer asks to wait (Retry-After in seconds or as an
// HTTP date, relative to `now`); nullopt when it does not say. Never
// negative; capped at a day.
std::optional<Millis> retry_after(const http::Response& response, TimePoint now);

// The value at `pointer` in `doc`, or nullptr when absent. Never throws: a
// pointer that does not fit the document (an array index into an object) is
// absent.
const nlohmann::json* value_at(const nlohmann::json& doc, const std::string& pointer);

// A body quoted in a message: trimmed, secrets redacted (before the cut), cut.
std::string excerpt(std::string_view body, const std::vector<std::string>& secrets);

// An error message as it is recorded: secrets redacted first, then cut to
// `max_bytes` on a character boundary, and valid UTF-8.
std::string recorded_error(std::string_view text,
                           const std::vector<std::string>& secrets,
                           size_t max_bytes = 1000);

// The poll interval after `current`: multiplied by poll_backoff, capped.
Millis next_poll_interval(const Target& target, Millis current);

}  // namespace refreshctl::engine

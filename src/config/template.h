// Templates in target fields: {{name}} placeholders filled per refresh, and
// ${env:NAME} / ${file:PATH} references resolved at run time only (never
// stored resolved, never logged).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "util/result.h"

namespace refreshctl {

// The placeholder names a template may use.
inline constexpr const char* kPlaceholders[] = {"data_type", "version", "target",         "slot",
                                                "attempt",   "job_id",  "idempotency_key"};

// Checks the syntax: every {{name}} is known (job_id only where allowed) and
// every ${...} is ${env:NAME} or ${file:PATH}.
Result<void> check_template(std::string_view text, bool allow_job_id);

// True when the text holds an ${env:} or ${file:} reference.
bool has_reference(std::string_view text);

using TemplateVars = std::map<std::string, std::string, std::less<>>;

// Reads ${env:NAME} and ${file:PATH}; replaceable in tests.
struct ReferenceResolver {
  std::function<Result<std::string>(const std::string& name)> env;
  std::function<Result<std::string>(const std::string& path)> file;
};

// The resolver of the real process: getenv, and the file's contents with one
// trailing newline removed.
const ReferenceResolver& system_resolver();

// Fills placeholders from `vars` and resolves references. Errors name the
// reference ("${env:CUBE_TOKEN} is not set") but never a resolved value.
Result<std::string> render_template(std::string_view text,
                                    const TemplateVars& vars,
                                    const ReferenceResolver& resolver);

}  // namespace refreshctl

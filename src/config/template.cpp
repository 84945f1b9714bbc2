#include "config/template.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "config/template_detail.h"
#include "util/encode.h"
#include "util/text.h"

namespace refreshctl {

using template_detail::Slot;
using template_detail::walk;

namespace {

std::vector<std::string> placeholder_names(bool allow_job_id) {
  std::vector<std::string> names;
  for (const char* name : kPlaceholders) {
    if (allow_job_id || std::string_view(name) != "job_id") names.emplace_back(name);
  }
  return names;
}

std::string strip_one_newline(std::string value) {
  if (!value.empty() && value.back() == '\n') {
    value.pop_back();
    if (!value.empty() && value.back() == '\r') value.pop_back();
  }
  return value;
}

// ", resolved against /dir" for a relative path.
std::string relative_note(const std::string& path) {
  if (!path.empty() && path.front() == '/') return "";
  std::error_code ec;
  auto cwd = std::filesystem::current_path(ec);
  return ec ? "" : fmt::format(" (a relative path, resolved against {})", cwd.string());
}

Result<std::string> read_reference_file(const std::string& path) {
  auto fail = [&](const std::string& why) {
    return make_error(fmt::format("${{file:{}}} {}{}", path, why, relative_note(path)));
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return fail(fmt::format("cannot be read: {}", std::strerror(errno)));
  struct stat st {};
  std::string value;
  Result<std::string> result = fail("cannot be read");
  if (fstat(fd, &st) != 0) {
    result = fail(fmt::format("cannot be read: {}", std::strerror(errno)));
  } else if (S_ISDIR(st.st_mode)) {
    result = fail("is a directory, not a file");
  } else if (!S_ISREG(st.st_mode)) {
    result = fail("is not a regular file");
  } else if (st.st_size > static_cast<off_t>(kMaxReferenceFileBytes)) {
    result = fail(
        fmt::format("is larger than {} KiB ({} bytes)", kMaxReferenceFileBytes / 1024, st.st_size));
  } else {
    // Read at most one byte more than allowed: a file that grew is caught too.
    value.resize(kMaxReferenceFileBytes + 1);
    size_t got = 0;
    ssize_t n = 0;
    while (got < value.size() && (n = ::read(fd, value.data() + got, value.size() - got)) > 0) {
      got += static_cast<size_t>(n);
    }
    value.resize(got);
    if (n < 0) {
      result = fail(fmt::format("cannot be read: {}", std::strerror(errno)));
    } else if (got > kMaxReferenceFileBytes) {
      result = fail(fmt::format("is larger than {} KiB", kMaxReferenceFileBytes / 1024));
    } else {
      result = strip_one_newline(std::move(value));
    }
  }
  ::close(fd);
  return result;
}

Result<void> no_literal(std::string_view) { return {}; }

}  // namespace

Result<std::string> template_detail::value_of(const Slot& slot,
                                              const TemplateVars& vars,
                                              const ReferenceResolver& resolver) {
  if (slot.placeholder) {
    auto it = vars.find(slot.name);
    if (it == vars.end()) return make_error(fmt::format("{} has no value here", slot.label()));
    return it->second;
  }
  auto value = slot.name == "env" ? resolver.env(slot.arg) : resolver.file(slot.arg);
  if (!value.ok()) return value;
  if (value->empty()) {
    return make_error(fmt::format("{} is empty (an empty credential is never sent)", slot.label()));
  }
  return value;
}

Result<void> check_template(std::string_view text, bool allow_job_id) {
  auto names = placeholder_names(allow_job_id);
  return walk(text, no_literal, [&](const Slot& slot) -> Result<void> {
    if (!slot.placeholder) return {};
    for (const auto& known : names) {
      if (known == slot.name) return {};
    }
    if (slot.name == "job_id") {
      return make_error("{{job_id}} is only known in the status request");
    }
    return make_error(fmt::format("unknown placeholder {{{{{}}}}}{} (known: {})", slot.name,
                                  did_you_mean(slot.name, names), join(names, ", ")));
  });
}

bool has_reference(std::string_view text) { return text.find("${") != std::string_view::npos; }

const ReferenceResolver& system_resolver() {
  static const ReferenceResolver resolver{
      [](const std::string& name) -> Result<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) return make_error(fmt::format("${{env:{}}} is not set", name));
        return strip_one_newline(value);
      },
      read_reference_file};
  return resolver;
}

Result<std::string> render_template(std::string_view text,
                                    const TemplateVars& vars,
                                    const ReferenceResolver& resolver) {
  return template_detail::render_with(
      text, vars, resolver,
      [](const Slot&, const std::string& value, std::string& out) -> Result<void> {
        out += value;
        return {};
      });
}

size_t find_control_character(std::string_view text, std::string_view allowed) {
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 || c == 0x7F) && allowed.find(text[i]) == std::string_view::npos) return i;
  }
  return std::string_view::npos;
}

}  // namespace refreshctl

#include "http.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "text.h"

namespace example_service {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void parse_query(std::string_view query, std::map<std::string, std::string>* out) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key = url_decode(pair.substr(0, eq));
    (*out)[key] = eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1));
  }
}

// "GET /path?q HTTP/1.1"; false when malformed.
bool parse_request_line(std::string_view line, HttpRequest* out, bool* http10) {
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return false;
  std::string_view version = line.substr(sp2 + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return false;
  *http10 = version == "HTTP/1.0";
  out->method = std::string(line.substr(0, sp1));
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (target.empty() || target.front() != '/') return false;
  size_t q = target.find('?');
  out->target = std::string(target);
  out->path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) parse_query(target.substr(q + 1), &out->query);
  return true;
}

bool parse_header_lines(std::string_view lines, HeaderList* out) {
  while (!lines.empty()) {
    size_t eol = lines.find("\r\n");
    std::string_view line = lines.substr(0, eol);
    lines = eol == std::string_view::npos ? std::string_view() : lines.substr(eol + 2);
    size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) return false;
    out->emplace_back(lower(line.substr(0, colon)), std::string(trim(line.substr(colon + 1))));
  }
  return true;
}

bool has_token(const std::string* value, std::string_view token) {
  return value != nullptr && lower(*value).find(token) != std::string::npos;
}

}  // namespace

const std::string* HttpRequest::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return &value;
  return nullptr;
}

std::string HttpRequest::param(const std::string& name, const std::string& fallback) const {
  auto it = query.find(name);
  return it == query.end() ? fallback : it->second;
}

ParseResult parse_request(std::string_view input, HttpRequest* out) {
  size_t head_end = input.find("\r\n\r\n");
  if (head_end == std::string_view::npos)
    return {input.size() > kMaxHeadBytes ? ParseStatus::kHeadTooLarge : ParseStatus::kIncomplete};
  if (head_end + 4 > kMaxHeadBytes) return {ParseStatus::kHeadTooLarge};
  std::string_view head = input.substr(0, head_end);
  size_t eol = head.find("\r\n");
  bool http10 = false;
  if (!parse_request_line(head.substr(0, eol), out, &http10)) return {ParseStatus::kBad};
  if (eol != std::string_view::npos && !parse_header_lines(head.substr(eol + 2), &out->headers))
    return {ParseStatus::kBad};
  if (out->header("transfer-encoding") != nullptr) return {ParseStatus::kLengthRequired};
  size_t length = 0;
  if (const std::string* cl = out->header("content-length")) {
    auto [end, ec] = std::from_chars(cl->data(), cl->data() + cl->size(), length);
    if (ec != std::errc() || end != cl->data() + cl->size()) return {ParseStatus::kBad};
    if (length > kMaxBodyBytes) return {ParseStatus::kBodyTooLarge};
  }
  const std::string* connection = out->header("connection");
  out->keep_alive = http10 ? has_token(connection, "keep-alive") : !has_token(connection, "close");
  size_t total = head_end + 4 + length;
  if (input.size() < total) {
    return {ParseStatus::kIncomplete, 0, has_token(out->header("expect"), "100-continue")};
  }
  out->body = std::string(input.substr(head_end + 4, length));
  return {ParseStatus::kComplete, total};
}

void append_response_head(const HttpResponse& r, bool keep_alive, std::string* out) {
  static const std::map<int, const char*> kReasons = {{200, "OK"},
                                                      {202, "Accepted"},
                                                      {301, "Moved Permanently"},
                                                      {302, "Found"},
                                                      {303, "See Other"},
                                                      {307, "Temporary Redirect"},
                                                      {308, "Permanent Redirect"},
                                                      {429, "Too Many Requests"},
                                                      {400, "Bad Request"},
                                                      {404, "Not Found"},
                                                      {405, "Method Not Allowed"},
                                                      {411, "Length Required"},
                                                      {413, "Content Too Large"},
                                                      {431, "Request Header Fields Too Large"},
                                                      {500, "Internal Server Error"},
                                                      {503, "Service Unavailable"}};
  auto reason = kReasons.find(r.status);
  uint64_t length = r.filler_bytes > 0 ? r.filler_bytes : r.body.size();
  *out += "HTTP/1.1 " + std::to_string(r.status) + " " +
          (reason == kReasons.end() ? "Unknown" : reason->second) + "\r\n";
  *out += "Content-Type: " + r.content_type + "\r\n";
  if (!r.until_close) *out += "Content-Length: " + std::to_string(length) + "\r\n";
  *out += keep_alive && !r.until_close ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  for (const auto& [name, value] : r.headers) *out += name + ": " + value + "\r\n";
  *out += "\r\n";
}

}  // namespace example_service

// HTTP/1.1 messages of the example service: parsing one request from the
// front of a connection's input, and writing a response head.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace example_service {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

inline constexpr size_t kMaxHeadBytes = 64 * 1024;    // larger heads get 431
inline constexpr size_t kMaxBodyBytes = 1024 * 1024;  // larger bodies get 413

struct HttpRequest {
  std::string method;
  std::string target;                        // the request-target as sent: path and query
  std::string path;                          // without the query
  std::map<std::string, std::string> query;  // URL-decoded
  HeaderList headers;                        // names lower-cased, in arrival order
  std::string body;
  bool keep_alive = true;
  bool first_on_connection = false;  // set by the server

  // The first header with this lower-case name, or nullptr.
  const std::string* header(std::string_view lower_name) const;
  // The query parameter, or `fallback` when absent.
  std::string param(const std::string& name, const std::string& fallback = "") const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  HeaderList headers;         // more headers, e.g. Location
  bool until_close = false;   // no Content-Length: the body ends when the connection closes
  uint64_t filler_bytes = 0;  // instead of `body`: this many bytes, written as the socket drains
  bool hang = false;          // never answered: the connection stays open and silent
};

inline HttpResponse make_response(int status,
                                  std::string body,
                                  std::string content_type = "application/json") {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

enum class ParseStatus {
  kIncomplete,      // need more input
  kComplete,        // `consumed` bytes form one request
  kBad,             // 400
  kHeadTooLarge,    // 431
  kBodyTooLarge,    // 413
  kLengthRequired,  // 411: a chunked body
};

struct ParseResult {
  ParseStatus status = ParseStatus::kIncomplete;
  size_t consumed = 0;
  bool expects_continue = false;  // kIncomplete with the head read and Expect: 100-continue
};

// Parses the request at the front of `input` into `*out`.
ParseResult parse_request(std::string_view input, HttpRequest* out);

// Appends the status line and headers (with Content-Length and Connection).
void append_response_head(const HttpResponse& response, bool keep_alive, std::string* out);

}  // namespace example_service

// One libcurl transfer of the curl client: the easy handle's options, the
// callbacks that collect the response, and the reading of how it ended.
// Internal to src/http; the rest of the program sees only client.h.
#pragma once

#include <curl/curl.h>

#include <optional>
#include <string>

#include "http/client.h"

namespace refreshctl::http::detail {

// Lives as long as its easy handle, which is reused for transfer after
// transfer; everything libcurl points into (body, error buffer) is here.
struct Transfer {
  Transfer();
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  Request request;
  Callback done;
  Response response;
  char error[CURL_ERROR_SIZE] = "";
  bool body_too_large = false;  // the write callback stopped the transfer
  int hops = 0;                 // redirects followed to get to this request
  std::string first_url;        // the URL before any redirect
  std::string refused_address;  // an address the socket callback refused
};

// A request and where it stands in a chain of redirects.
struct Hop {
  Request request;
  int hops = 0;
  std::string first_url;
};

// Sets every option of `t.easy` for `t.request` (after curl_easy_reset).
void configure(Transfer& t, const std::string& user_agent);

// Fills `t.response` from how the transfer ended, and frees the header list.
void finish(Transfer& t, CURLcode code);

// After finish(): when the response is a redirect the request's rules follow,
// the next request of the chain. When they refuse it, `t.response` becomes
// the failure and nullopt is returned; otherwise the response stands.
std::optional<Hop> next_hop(Transfer& t);

// Returns the transfer to its idle state, ready for the next request.
void clear(Transfer& t);

}  // namespace refreshctl::http::detail

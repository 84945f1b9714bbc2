// One libcurl transfer of the curl client: the easy handle's options, the
// callbacks that collect the response, and the reading of how it ended.
// Internal to src/http; the rest of the program sees only client.h.
#pragma once

#include <curl/curl.h>

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
};

// Sets every option of `t.easy` for `t.request` (after curl_easy_reset).
void configure(Transfer& t, const std::string& user_agent);

// Fills `t.response` from how the transfer ended, and frees the header list.
void finish(Transfer& t, CURLcode code);

// Returns the transfer to its idle state, ready for the next request.
void clear(Transfer& t);

}  // namespace refreshctl::http::detail

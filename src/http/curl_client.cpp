// The libcurl implementation of http::Client: one multi handle driven from the
// caller's thread. Requests wait in a FIFO until one of at most
// max_active_transfers slots is free, so 10,000 submitted requests cost 10,000
// Request structs and a bounded number of easy handles; the easy handles are
// reused, and the multi handle's connection cache keeps connections alive.
#include <curl/curl.h>
#include <poll.h>

#include <algorithm>
#include <climits>
#include <deque>
#include <memory>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "http/client.h"
#include "http/curl_transfer.h"

namespace refreshctl::http {
namespace {

using detail::Transfer;

void global_init_once() {
  // Thread-safe: the first caller runs it, the others wait for it.
  static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)code;
}

std::string default_user_agent() {
#ifdef REFRESHCTL_VERSION
  return "refreshctl/" REFRESHCTL_VERSION;
#else
  return "refreshctl";
#endif
}

class CurlClient final : public Client {
 public:
  explicit CurlClient(const ClientOptions& options)
      : options_(options),
        user_agent_(options.user_agent.empty() ? default_user_agent() : options.user_agent) {
    options_.max_active_transfers = std::max<size_t>(options_.max_active_transfers, 1);
  }

  ~CurlClient() override {
    if (multi_ == nullptr) return;
    // Unfinished transfers are dropped without calling back.
    for (auto& [easy, transfer] : active_) curl_multi_remove_handle(multi_, easy);
    active_.clear();
    idle_.clear();
    curl_multi_cleanup(multi_);
  }

  void submit(Request request, Callback done) override {
    queue_.push_back(Queued{std::move(request), std::move(done), 0, ""});
  }

  void poll(std::chrono::milliseconds max_wait, int also) override {
    auto wait =
        static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(max_wait.count(), 0, INT_MAX));
    if (multi_ == nullptr) {
      if (queue_.empty()) {
        // Nothing was ever asked: as curl_multi_poll with no transfer would.
        wait_for(also, wait);
        return;
      }
      start_multi();
    }
    start_queued();
    perform();
    size_t called = finish_ended();
    start_queued();  // also the next request of a redirect chain
    if (called > 0) return;
    // Also returns early when libcurl has a timeout of its own to handle.
    curl_waitfd extra{also, CURL_WAIT_POLLIN, 0};
    curl_multi_poll(multi_, also >= 0 ? &extra : nullptr, also >= 0 ? 1 : 0, wait, nullptr);
    perform();
    finish_ended();
    start_queued();
  }

  size_t pending() const override { return queue_.size() + active_.size(); }

  size_t idle_capacity() const override {
    size_t busy = active_.size() + queue_.size();
    return busy >= options_.max_active_transfers ? 0 : options_.max_active_transfers - busy;
  }

  void cancel_unstarted() override {
    std::deque<Queued> unstarted;
    unstarted.swap(queue_);
    for (auto& q : unstarted) {
      Response response;
      response.failure = Failure::kCancelled;
      response.error = "not sent: stopped before the request started";
      q.done(std::move(response));
    }
  }

 private:
  static void wait_for(int fd, int wait_ms) {
    if (fd < 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
      return;
    }
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, wait_ms);
  }

  // libcurl (and the TLS library under it) is set up at the first request,
  // not before: a run with nothing due never pays for it.
  void start_multi() {
    global_init_once();
    multi_ = curl_multi_init();
    auto limit = [](size_t n) { return static_cast<long>(std::min<size_t>(n, LONG_MAX)); };
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, limit(options_.max_host_connections));
    curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, limit(options_.max_active_transfers));
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, limit(options_.max_active_transfers));
  }

  struct Queued {
    Request request;
    Callback done;
    int hops;               // redirects followed to get here
    std::string first_url;  // before any redirect
  };

  void perform() {
    int running = 0;
    curl_multi_perform(multi_, &running);
  }

  std::unique_ptr<Transfer> take_idle() {
    if (idle_.empty()) return std::make_unique<Transfer>();
    std::unique_ptr<Transfer> t = std::move(idle_.back());
    idle_.pop_back();
    return t;
  }

  // Starts queued requests, oldest first, while slots are free.
  void start_queued() {
    while (!queue_.empty() && active_.size() < options_.max_active_transfers) {
      std::unique_ptr<Transfer> t = take_idle();
      t->request = std::move(queue_.front().request);
      t->done = std::move(queue_.front().done);
      t->hops = queue_.front().hops;
      t->first_url = std::move(queue_.front().first_url);
      queue_.pop_front();
      detail::configure(*t, user_agent_);
      if (t->easy == nullptr || curl_multi_add_handle(multi_, t->easy) != CURLM_OK) {
        fail_to_start(std::move(t));
        continue;
      }
      CURL* easy = t->easy;
      active_.emplace(easy, std::move(t));
    }
  }

  void fail_to_start(std::unique_ptr<Transfer> t) {
    Response response;
    // Nothing was sent: the request never reached libcurl's transfers.
    response.failure = Failure::kRefused;
    response.error = "could not start the request (out of memory?)";
    ended_.emplace_back(std::move(t->done), std::move(response));
    if (t->easy != nullptr) detail::clear(*t);
  }

  // Calls back every transfer that ended; returns how many.
  size_t finish_ended() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      CURLcode code = msg->data.result;
      auto it = active_.find(easy);
      if (it == active_.end()) continue;
      std::unique_ptr<Transfer> t = std::move(it->second);
      active_.erase(it);
      curl_multi_remove_handle(multi_, easy);
      detail::finish(*t, code);
      if (auto hop = detail::next_hop(*t)) {
        // The next request of a redirect chain, first in line; the callback
        // goes with it.
        queue_.push_front(Queued{std::move(hop->request), std::move(t->done), hop->hops,
                                 std::move(hop->first_url)});
      } else {
        ended_.emplace_back(std::move(t->done), std::move(t->response));
      }
      recycle(std::move(t));
    }
    // Callbacks run last: they may submit() more, and may throw.
    size_t called = ended_.size();
    while (!ended_.empty()) {
      auto [done, response] = std::move(ended_.front());
      ended_.pop_front();
      done(std::move(response));
    }
    return called;
  }

  // Every easy handle is kept for the next request: there are never more
  // than were active at once (max_active_transfers), and making one and
  // cleaning it up again cost a run of 100,000 refreshes 3% of its CPU.
  void recycle(std::unique_ptr<Transfer> t) {
    detail::clear(*t);
    idle_.push_back(std::move(t));
  }

  ClientOptions options_;
  std::string user_agent_;
  CURLM* multi_ = nullptr;
  std::deque<Queued> queue_;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> active_;
  std::vector<std::unique_ptr<Transfer>> idle_;
  std::deque<std::pair<Callback, Response>> ended_;  // to be called back
};

}  // namespace

std::unique_ptr<Client> make_curl_client(const ClientOptions& options) {
  return std::make_unique<CurlClient>(options);
}

}  // namespace refreshctl::http

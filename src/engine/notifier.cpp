#include "engine/notifier.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "engine/redact.h"
#include "engine/refresh_logic.h"
#include "util/url.h"

namespace refreshctl::engine {
namespace {

constexpr size_t kMaxAnswerBytes = size_t{64} * 1024;

const char* kind_name(PingKind kind) {
  switch (kind) {
    case PingKind::kStart:
      return "ping_start";
    case PingKind::kSuccess:
      return "ping_success";
    case PingKind::kFail:
      return "ping_fail";
  }
  return "ping";
}

// Where a notification goes, for log lines: the origin only. The path of a
// webhook URL is often its credential (Slack, Teams), even when the target
// writes it literally.
std::string where(const std::string& url) {
  auto origin = url_origin(url);
  return origin ? to_string(*origin) : "an invalid URL";
}

// Answers worth another try: the transfer failed in transit, or the
// receiver is overloaded or down for a moment.
bool worth_retrying(const http::Response& r) {
  if (!r.ok()) {
    return r.failure != http::Failure::kBadScheme && r.failure != http::Failure::kRefused &&
           r.failure != http::Failure::kCancelled && r.failure != http::Failure::kTooLarge;
  }
  return r.status >= 500 || r.status == 429 || r.status == 408;
}

bool has_content_type(const http::Headers& headers) {
  return std::any_of(headers.begin(), headers.end(), [](const auto& h) {
    std::string name = h.first;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return name == "content-type";
  });
}

}  // namespace

struct Notifier::State {
  struct Item {
    NotificationRecord record;
    std::string label;  // "the failure alert of cube v1 (attempt 1)"
    http::Request request;
    std::vector<std::string> secrets;
    TimePoint next_at{};
    bool in_flight = false;
    bool done = false;
  };

  http::Client& http;
  const Clock& clock;
  const ReferenceResolver& resolver;
  RunObserver& observer;
  NotifyLimits limits;
  RunIdentity run;
  std::vector<std::unique_ptr<Item>> items;
  std::vector<NotificationRecord> ended;

  State(http::Client& h, const Clock& c, const ReferenceResolver& r, RunObserver& o, NotifyLimits l)
      : http(h), clock(c), resolver(r), observer(o), limits(l) {}

  void queue(const Target& target,
             NotificationRecord record,
             std::string label,
             const TemplateVars& vars,
             std::string body);
  void end(Item& item, bool sent, const std::string& error);
  void send(const std::shared_ptr<State>& self, Item& item);
  void answered(Item& item, const http::Response& response);
};

// Builds the request; one that cannot be built (a reference that does not
// resolve) ends failed at once.
void Notifier::State::queue(const Target& target,
                            NotificationRecord record,
                            std::string label,
                            const TemplateVars& vars,
                            std::string body) {
  auto item = std::make_unique<Item>();
  item->record = std::move(record);
  item->record.run_id = run.run_id;
  item->record.run_uuid = run.run_uuid;
  item->record.target = target.name;
  item->label = std::move(label);
  item->next_at = clock.now();
  Item& it = *item;
  items.push_back(std::move(item));
  ReferenceResolver recording{[&](const std::string& name) {
                                auto v = resolver.env(name);
                                if (v.ok() && !v->empty()) it.secrets.push_back(*v);
                                return v;
                              },
                              [&](const std::string& path) {
                                auto v = resolver.file(path);
                                if (v.ok() && !v->empty()) it.secrets.push_back(*v);
                                return v;
                              }};
  auto url = render_url(it.record.url, vars, recording, false);
  if (!url.ok()) return end(it, false, "notify URL: " + url.error());
  auto origin = url_origin(url->url);
  if (!origin) return end(it, false, "the notify URL is not an http:// or https:// URL");
  it.request.url = url->url;
  for (const auto& [name, value] : target.notify.headers) {
    auto v = render_header(value, vars, recording);
    if (!v.ok()) return end(it, false, fmt::format("notify header {}: {}", name, v.error()));
    it.request.headers.emplace_back(name, std::move(v).value());
  }
  it.request.method = body.empty() ? "GET" : "POST";
  it.request.body = std::move(body);
  it.request.connect_timeout = limits.connect_timeout;
  it.request.total_timeout = limits.total_timeout;
  it.request.max_body_bytes = kMaxAnswerBytes;
  it.request.redirects = http::Redirects::kNone;
  it.request.insecure = target.http.insecure;
  it.request.ca_bundle = target.http.ca_bundle;
}

// Ends a notification. One given up while its request is out stays
// in_flight: its item is kept until the client calls back (or the notifier
// is gone), so that the late callback finds it.
void Notifier::State::end(Item& item, bool sent, const std::string& error) {
  item.done = true;
  item.record.outcome = sent ? "sent" : "failed";
  item.record.error = recorded_error(error, item.secrets);
  item.record.sent_at = clock.now();
  std::string to = item.request.url.empty() ? "its URL" : where(item.request.url);
  if (sent) {
    observer.on_note(
        fmt::format("sent {} to {} (HTTP {})", item.label, to, item.record.http_status));
  } else {
    observer.on_warning(fmt::format(
        "could not send {} to {} after {} tr{}: {}; the refreshes' outcome stands", item.label, to,
        item.record.attempts, item.record.attempts == 1 ? "y" : "ies", item.record.error));
  }
  ended.push_back(item.record);
}

void Notifier::State::send(const std::shared_ptr<State>& self, Item& item) {
  item.in_flight = true;
  ++item.record.attempts;
  std::weak_ptr<State> weak = self;
  http.submit(item.request, [weak, &item](const http::Response& response) {
    if (auto state = weak.lock()) state->answered(item, response);
  });
}

void Notifier::State::answered(Item& item, const http::Response& response) {
  item.in_flight = false;
  if (item.done) return;
  item.record.http_status = response.ok() ? static_cast<int>(response.status) : 0;
  if (response.ok() && response.status >= 200 && response.status < 300) {
    return end(item, true, "");
  }
  std::string error = response.ok() ? fmt::format("HTTP {}", response.status) : response.error;
  if (worth_retrying(response) && item.record.attempts < limits.attempts) {
    item.next_at = clock.now() + limits.first_backoff * (1 << (item.record.attempts - 1));
    item.record.error = error;
    return;
  }
  end(item, false, error);
}

Notifier::Notifier(http::Client& http,
                   const Clock& clock,
                   const ReferenceResolver& resolver,
                   RunObserver& observer,
                   NotifyLimits limits)
    : state_(std::make_shared<State>(http, clock, resolver, observer, limits)) {}

Notifier::~Notifier() = default;

void Notifier::begin(RunIdentity run) { state_->run = std::move(run); }

void Notifier::refresh_failed(const Target& target, const RefreshRecord& record) {
  if (target.notify.on_failure.empty()) return;
  NotificationRecord n;
  n.refresh_id = record.id;
  n.kind = "on_failure";
  n.url = target.notify.on_failure;
  std::string label = fmt::format(
      "the failure alert of {} {} ({}{})", target.name, record.version,
      record.attempt > 0 ? fmt::format("retry {}, ", record.attempt) : "", to_string(record.state));
  std::string body = failure_summary(target, record, state_->run);
  state_->queue(target, std::move(n), std::move(label), template_vars(target, record),
                std::move(body));
  auto& item = *state_->items.back();
  if (!item.done && !has_content_type(item.request.headers)) {
    item.request.headers.emplace_back("Content-Type", "application/json");
  }
}

void Notifier::ping(const Target& target, PingKind kind) {
  if (target.notify.ping.empty()) return;
  NotificationRecord n;
  n.kind = kind_name(kind);
  n.url = target.notify.ping;
  std::string label = fmt::format("the {} ping of {}",
                                  kind == PingKind::kStart     ? "start"
                                  : kind == PingKind::kSuccess ? "success"
                                                               : "fail",
                                  target.name);
  TemplateVars vars{{"target", target.name}, {"data_type", target.data_type}};
  state_->queue(target, std::move(n), std::move(label), vars, "");
  auto& item = *state_->items.back();
  if (!item.done) item.request.url = ping_url(item.request.url, kind, state_->run.run_uuid);
}

void Notifier::pump() {
  TimePoint now = state_->clock.now();
  for (auto& item : state_->items) {
    if (!item->done && !item->in_flight && item->next_at <= now) state_->send(state_, *item);
  }
  auto& items = state_->items;
  items.erase(std::remove_if(
                  items.begin(), items.end(),
                  [](const std::unique_ptr<State::Item>& i) { return i->done && !i->in_flight; }),
              items.end());
}

bool Notifier::idle() const {
  return std::all_of(state_->items.begin(), state_->items.end(),
                     [](const std::unique_ptr<State::Item>& i) { return i->done; });
}

Millis Notifier::wait_time(Millis cap) const {
  TimePoint now = state_->clock.now();
  Millis wait = cap;
  for (const auto& item : state_->items) {
    if (item->done || item->in_flight) continue;
    wait = std::min(wait,
                    std::max(Millis(0), std::chrono::duration_cast<Millis>(item->next_at - now)));
  }
  return wait;
}

void Notifier::finish(Millis cap) {
  TimePoint until = state_->clock.now() + std::min(cap, state_->limits.end_wait);
  while (!idle() && state_->clock.now() < until) {
    pump();
    if (idle()) break;
    auto left = std::chrono::duration_cast<Millis>(until - state_->clock.now());
    state_->http.poll(std::max(Millis(1), wait_time(std::min(left, Millis(200)))));
  }
  for (auto& item : state_->items) {
    if (item->done) continue;
    std::string why = item->record.error.empty()
                          ? "no answer before the run ended"
                          : item->record.error + ", and the run ended before another try";
    state_->end(*item, false, why);
  }
}

std::vector<NotificationRecord> Notifier::take_records() {
  std::vector<NotificationRecord> out;
  out.swap(state_->ended);
  return out;
}

}  // namespace refreshctl::engine

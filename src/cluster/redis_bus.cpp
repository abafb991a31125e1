#include "cluster/redis_bus.hpp"

#include <hiredis/hiredis.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <random>

#include "cluster/event_codec.hpp"
#include "common/thread_name.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"

namespace parley::cluster {

namespace {

using namespace std::chrono_literals;

// While Redis is down the publisher thread tries to connect again at most this often, so that
// what is queued meanwhile is dropped at once rather than each pipeline waiting for a connect.
constexpr auto kPublisherRetry = 1s;
constexpr auto kConnectTimeout = 1s;
constexpr auto kPublishTimeout = 2s;
// How often the subscriber looks at stop(); and its reconnect backoff bounds.
constexpr int kPollMs = 200;
constexpr auto kBackoffMin = 50ms;
constexpr auto kBackoffMax = 2s;

std::string random_instance_id() {
  std::random_device random;
  std::uniform_int_distribution<unsigned> digit(0, 15);
  std::string id(16, '0');
  for (char& c : id) c = "0123456789abcdef"[digit(random)];
  return id;
}

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000),
                 static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

struct ReplyDeleter {
  void operator()(redisReply* reply) const noexcept { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

}  // namespace

RedisBus::RedisBus(const std::string& url, realtime::Hub& hub, std::string channel)
    : url_(RedisUrl::parse(url)),
      hub_(hub),
      channel_(std::move(channel)),
      instance_id_(random_instance_id()) {}

RedisBus::~RedisBus() {
  stop();
}

redisContext* RedisBus::connect(std::chrono::milliseconds timeout) {
  redisContext* context =
      redisConnectWithTimeout(url_.host.c_str(), url_.port, to_timeval(timeout));
  if (context == nullptr) return nullptr;
  if (context->err) {
    obs::log_warn("redis connect failed", {obs::field("error", std::string(context->errstr))});
    redisFree(context);
    return nullptr;
  }
  if (!url_.password.empty()) {
    Reply reply(static_cast<redisReply*>(redisCommand(context, "AUTH %s", url_.password.c_str())));
    if (!reply || reply->type == REDIS_REPLY_ERROR) {
      obs::log_warn("redis AUTH failed",
                    {obs::field("error", reply ? std::string(reply->str) : "no reply")});
      redisFree(context);
      return nullptr;
    }
  }
  return context;
}

void RedisBus::start() {
  {
    std::lock_guard lock(publisher_mutex_);
    publisher_ = connect(kConnectTimeout);
    if (publisher_ != nullptr) redisSetTimeout(publisher_, to_timeval(kPublishTimeout));
    publisher_failed_ = publisher_ == nullptr;
    if (publisher_ == nullptr) next_attempt_ = std::chrono::steady_clock::now() + kPublisherRetry;
  }
  subscriber_ = std::thread([this] {
    name_this_thread("parley-bus");
    run_subscriber();
  });
  {
    std::lock_guard lock(queue_mutex_);
    accepting_ = true;
  }
  publisher_thread_ = std::thread([this] {
    name_this_thread("parley-bus-pub");
    run_publisher();
  });
  obs::log_info("cluster bus started",
                {obs::field("instance", instance_id_), obs::field("redis", url_.host),
                 obs::field("port", url_.port)});
}

void RedisBus::stop() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_requested_ = true;
  stop_wake_.notify_all();
  {
    std::lock_guard lock(queue_mutex_);
    publisher_stopping_ = true;
  }
  queue_wake_.notify_all();
  if (publisher_thread_.joinable()) publisher_thread_.join();
  if (subscriber_.joinable()) subscriber_.join();
  std::lock_guard lock(publisher_mutex_);
  if (publisher_ != nullptr) redisFree(publisher_);
  publisher_ = nullptr;
}

namespace {

// The events this thread holds while it runs a batch (one bus per process: no owner needed).
thread_local std::vector<std::string>* held_events = nullptr;

bool is_best_effort(const realtime::RemoteEvent& event) {
  using Kind = realtime::Delivery::Kind;
  return event.target == realtime::RemoteEvent::Target::room &&
         (event.delivery.kind == Kind::typing || event.delivery.kind == Kind::presence);
}

}  // namespace

std::size_t RedisBus::forward(const realtime::RemoteEvent& event) {
  std::string payload = encode_event(instance_id_, event);
  if (held_events != nullptr) {
    held_events->push_back(std::move(payload));
    obs::metrics().bus_queued.add(1);
    return 0;
  }
  Queued item;
  item.payloads.push_back(std::move(payload));
  if (!enqueue(std::move(item), is_best_effort(event))) obs::metrics().bus_shed.add();
  return 0;
}

void RedisBus::begin_batch() {
  static thread_local std::vector<std::string> events;
  events.clear();
  held_events = &events;
}

void RedisBus::forward_batch(const realtime::OrderedBatch& batch) {
  std::string payload = encode_batch(instance_id_, batch);
  if (held_events != nullptr) {
    held_events->push_back(std::move(payload));
    obs::metrics().bus_queued.add(1);
    return;
  }
  Queued item;
  item.payloads.push_back(std::move(payload));
  enqueue(std::move(item), false);
}

void RedisBus::end_batch() {
  std::vector<std::string>* events = held_events;
  held_events = nullptr;
  if (events == nullptr || events->empty()) return;
  Queued item;
  // bus_queued counted these as they were held; enqueue counts them again.
  obs::metrics().bus_queued.add(-static_cast<std::int64_t>(events->size()));
  item.payloads = std::move(*events);
  events->clear();
  // Never shed, whatever the queue holds: it is bounded by the writer's own queue.
  enqueue(std::move(item), false);
}

bool RedisBus::enqueue(Queued item, bool best_effort) {
  const std::size_t n = item.payloads.size();
  {
    std::lock_guard lock(queue_mutex_);
    if (best_effort && queued_events_ >= kMaxQueued) return false;
    if (!accepting_) {
      // Stopped (or never started): nothing will publish it.
      obs::metrics().bus_dropped.add(n);
      return true;
    }
    queued_events_ += n;
    queue_.push_back(std::move(item));
  }
  obs::metrics().bus_queued.add(static_cast<std::int64_t>(n));
  queue_wake_.notify_one();
  return true;
}

void RedisBus::run_publisher() {
  std::vector<Queued> taken;
  std::vector<std::string> payloads;
  for (;;) {
    {
      std::unique_lock lock(queue_mutex_);
      queue_wake_.wait(lock, [this] { return publisher_stopping_ || !queue_.empty(); });
      if (queue_.empty()) {  // stopping, and everything was published
        accepting_ = false;
        return;
      }
      // Everything queued meanwhile goes out as one pipeline, in queue order.
      while (!queue_.empty()) {
        taken.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      queued_events_ = 0;
    }
    for (auto& item : taken)
      for (auto& payload : item.payloads) payloads.push_back(std::move(payload));
    {
      std::lock_guard lock(publisher_mutex_);
      publish_all_locked(payloads);
    }
    obs::metrics().bus_queued.add(-static_cast<std::int64_t>(payloads.size()));
    taken.clear();
    payloads.clear();
  }
}

void RedisBus::publish_all_locked(std::span<const std::string> payloads) {
  std::size_t done = publish_pipelined_locked(payloads, 0);
  // The connection may have died since its last use (a Redis restart): one fresh attempt.
  if (done < payloads.size()) done += publish_pipelined_locked(payloads, done);
  obs::metrics().bus_published.add(done);
  if (done < payloads.size()) {
    // Redis does not answer: what is queued in the next second is dropped at once.
    if (publisher_ == nullptr) next_attempt_ = std::chrono::steady_clock::now() + kPublisherRetry;
    obs::metrics().bus_dropped.add(payloads.size() - done);
    obs::log_warn("cluster events not published", {obs::field("events", payloads.size() - done)});
  }
}

bool RedisBus::ensure_publisher_locked() {
  if (publisher_ != nullptr) return true;
  auto now = std::chrono::steady_clock::now();
  if (now < next_attempt_ || stop_requested_) return false;
  publisher_ = connect(kConnectTimeout);
  if (publisher_ == nullptr) {
    next_attempt_ = now + kPublisherRetry;
    publisher_failed_ = true;
    return false;
  }
  redisSetTimeout(publisher_, to_timeval(kPublishTimeout));
  return true;
}

std::size_t RedisBus::publish_pipelined_locked(std::span<const std::string> payloads,
                                               std::size_t from) {
  if (from >= payloads.size() || !ensure_publisher_locked()) return 0;
  for (std::size_t i = from; i < payloads.size(); ++i)
    redisAppendCommand(publisher_, "PUBLISH %b %b", channel_.data(), channel_.size(),
                       payloads[i].data(), payloads[i].size());
  // Answered: published, or refused by Redis (not worth a retry). A connection that fails leaves
  // the rest unanswered, for the caller's retry on a fresh one.
  std::size_t answered = 0;
  bool refused = false;
  for (std::size_t i = from; i < payloads.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(publisher_, &raw) != REDIS_OK || raw == nullptr) break;
    Reply reply(static_cast<redisReply*>(raw));
    refused = refused || reply->type == REDIS_REPLY_ERROR;
    ++answered;
  }
  if (from + answered < payloads.size()) {
    redisFree(publisher_);
    publisher_ = nullptr;
    publisher_failed_ = true;
  } else {
    publisher_failed_ = refused;
  }
  if (refused) obs::log_warn("redis refused a cluster event");
  return answered;
}

// Redis answers again: reopen a publisher that failed now rather than on the next event, so that
// readiness recovers on an idle instance too.
void RedisBus::reopen_publisher() {
  std::lock_guard lock(publisher_mutex_);
  if (publisher_ != nullptr) return;
  publisher_ = connect(kConnectTimeout);
  if (publisher_ == nullptr) return;
  redisSetTimeout(publisher_, to_timeval(kPublishTimeout));
  publisher_failed_ = false;
}

bool RedisBus::wait_stopping(std::chrono::milliseconds delay) {
  std::unique_lock lock(stop_mutex_);
  return stop_wake_.wait_for(lock, delay, [this] { return stopping_; });
}

void RedisBus::run_subscriber() {
  std::chrono::milliseconds backoff = kBackoffMin;
  bool subscribed_before = false;
  while (!stop_requested_) {
    redisContext* context = connect(kConnectTimeout);
    if (context != nullptr) {
      Reply reply(static_cast<redisReply*>(
          redisCommand(context, "SUBSCRIBE %b", channel_.data(), channel_.size())));
      if (reply && !context->err && reply->type == REDIS_REPLY_ARRAY) {
        subscribed_ = true;
        if (subscribed_before) {
          obs::metrics().bus_reconnects.add();
          // What was published meanwhile is lost to this instance: fill it from the store.
          hub_.bus_resubscribed();
        }
        subscribed_before = true;
        backoff = kBackoffMin;
        obs::log_info("cluster bus subscribed", {obs::field("channel", channel_)});
        reopen_publisher();
        receive_on(context);
        subscribed_ = false;
        if (!stop_requested_) obs::log_warn("cluster bus connection lost; reconnecting");
      }
      redisFree(context);
    }
    if (wait_stopping(backoff)) break;
    backoff =
        std::min(backoff * 2, std::chrono::duration_cast<std::chrono::milliseconds>(kBackoffMax));
  }
}

// Reads pushed messages until the connection fails or stop() is called. poll() with a short
// timeout rather than a socket read timeout: a timed-out hiredis context cannot be used again.
void RedisBus::receive_on(redisContext* context) {
  while (!stop_requested_) {
    void* raw = nullptr;
    if (redisGetReplyFromReader(context, &raw) != REDIS_OK) return;
    if (raw == nullptr) {
      pollfd fd{context->fd, POLLIN, 0};
      int ready = ::poll(&fd, 1, kPollMs);
      if (ready < 0 && errno != EINTR) return;
      if (ready > 0 && redisBufferRead(context) != REDIS_OK) return;
      continue;
    }
    Reply reply(static_cast<redisReply*>(raw));
    // ["message", channel, payload]
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 &&
        reply->element[0]->type == REDIS_REPLY_STRING &&
        std::strcmp(reply->element[0]->str, "message") == 0 &&
        reply->element[2]->type == REDIS_REPLY_STRING)
      on_message(reply->element[2]->str, reply->element[2]->len);
  }
}

void RedisBus::on_message(const char* data, std::size_t size) {
  auto message = decode_event(std::string_view(data, size));
  if (!message) {
    obs::log_warn("malformed cluster event ignored", {obs::field("bytes", size)});
    return;
  }
  // Our own events were delivered locally already.
  if (message->origin == instance_id_) return;
  try {
    if (message->batch)
      hub_.apply_remote_batch(std::move(*message->batch));
    else
      hub_.apply_remote(message->event);
  } catch (const std::exception& e) {
    obs::log_error("cluster event failed", {obs::field("error", e.what())});
  }
}

}  // namespace parley::cluster

#include "cluster/notify_listener.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <utility>

#include "common/clock.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"
#include "realtime/publish.hpp"

namespace parley::cluster {
namespace json = boost::json;
namespace {

constexpr int kPollMs = 500;  // how soon stop() is noticed
constexpr int kRetryMs = 1'000;

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using Conn = std::unique_ptr<PGconn, ConnCloser>;

// LISTEN with the channel quoted as an identifier: its name never reaches SQL syntax.
bool listen_on(PGconn* conn, const std::string& channel) {
  char* quoted = PQescapeIdentifier(conn, channel.data(), channel.size());
  if (quoted == nullptr) return false;
  std::string sql = "LISTEN " + std::string(quoted);
  PQfreemem(quoted);
  PGresult* result = PQexec(conn, sql.c_str());
  const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  PQclear(result);
  return ok;
}

}  // namespace

NotifyListener::NotifyListener(std::string database_url, std::string channel, realtime::Hub& hub)
    : url_(std::move(database_url)), channel_(std::move(channel)), hub_(hub) {}

NotifyListener::~NotifyListener() {
  stop();
}

void NotifyListener::start() {
  thread_ = std::thread([this] { run(); });
}

void NotifyListener::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_requested_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool NotifyListener::wait_stopping(int milliseconds) {
  std::unique_lock lock(mutex_);
  return wake_.wait_for(lock, std::chrono::milliseconds(milliseconds),
                        [this] { return stop_requested_.load(); });
}

bool NotifyListener::handle(std::string_view payload) {
  auto& metrics = obs::metrics();
  boost::system::error_code ec;
  json::value parsed = json::parse(payload, ec);
  std::string problem;
  if (ec || !parsed.is_object()) {
    problem = "payload is not a JSON object";
  } else {
    auto request = protocol::parse_publish_request(parsed.get_object());
    if (auto* error = std::get_if<std::string>(&request)) {
      problem = *error;
    } else {
      realtime::publish_locally(hub_, std::get<protocol::PublishRequest>(request), now_ms());
      metrics.notify_events.add();
      return true;
    }
  }
  metrics.notify_invalid.add();
  obs::log_warn("invalid NOTIFY payload ignored",
                {obs::field("channel", channel_), obs::field("error", problem),
                 obs::field("bytes", static_cast<std::int64_t>(payload.size()))});
  return false;
}

void NotifyListener::run() {
  while (!stop_requested_) {
    Conn conn(PQconnectdb(url_.c_str()));
    if (PQstatus(conn.get()) != CONNECTION_OK || !listen_on(conn.get(), channel_)) {
      obs::log_warn("LISTEN failed; retrying",
                    {obs::field("channel", channel_),
                     obs::field("error", std::string(PQerrorMessage(conn.get())))});
      if (wait_stopping(kRetryMs)) return;
      continue;
    }
    listening_ = true;
    obs::log_info("listening for notifications", {obs::field("channel", channel_)});
    while (!stop_requested_) {
      pollfd fd{PQsocket(conn.get()), POLLIN, 0};
      if (fd.fd < 0) break;
      if (poll(&fd, 1, kPollMs) < 0) break;
      if (PQconsumeInput(conn.get()) == 0) break;  // the connection failed
      while (PGnotify* n = PQnotifies(conn.get())) {
        handle(n->extra != nullptr ? std::string_view(n->extra) : std::string_view());
        PQfreemem(n);
      }
    }
    listening_ = false;
    if (!stop_requested_) {
      obs::log_warn("notification listener lost its connection; reconnecting",
                    {obs::field("channel", channel_)});
      if (wait_stopping(kRetryMs)) return;
    }
  }
}

}  // namespace parley::cluster

#include "client/fleet.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <chrono>

#include "client/bench_error.hpp"
#include "client/fleet_handler.hpp"
#include "client/json_fields.hpp"
#include "client/ws_client.hpp"
#include "measure/clock.hpp"

namespace parley::bench {
namespace asio = boost::asio;

Fleet::Fleet(const Options& o, EventLoops& loops, FleetHandler& handler)
    : o_(o), loops_(loops), handler_(handler), queues_(loops.size()) {
  boost::system::error_code ec;
  for (const auto& s : o.servers) {
    auto address = asio::ip::make_address(s.host == "localhost" ? "127.0.0.1" : s.host, ec);
    if (ec) throw BenchError("--url: the WebSocket client needs a literal address, got " + s.host);
    servers_.push_back(
        {asio::ip::tcp::endpoint(address, s.port), s.host + ":" + std::to_string(s.port)});
  }
  for (const auto& s : o.source_ips) {
    auto a = asio::ip::make_address(s, ec);
    if (ec) throw BenchError("--source-ips: bad address " + s);
    sources_.emplace_back(a);
  }
}

Fleet::~Fleet() = default;

std::size_t Fleet::add(std::string token, std::int64_t room, std::size_t global_index,
                       std::optional<std::size_t> server) {
  Slot s;
  s.server = server.value_or(global_index) % servers_.size();
  s.token = std::move(token);
  s.room = room;
  s.global_index = global_index;
  slots_.push_back(std::move(s));
  return slots_.size() - 1;
}

std::size_t Fleet::open_all(std::size_t concurrency, double timeout_s) {
  {
    std::lock_guard lock(m_);
    settled_ = 0;
    to_settle_ = slots_.size();
  }
  for (auto& q : queues_) q = ThreadQueue{};
  for (std::size_t i = 0; i < slots_.size(); ++i) queues_[thread_of(i)].pending.push_back(i);
  const std::size_t per_thread = std::max<std::size_t>(1, concurrency / loops_.size());
  for (std::size_t t = 0; t < loops_.size(); ++t) {
    queues_[t].budget = per_thread;
    asio::post(loops_.at(t), [this, t] { pump(t); });
  }
  std::unique_lock lock(m_);
  cv_.wait_for(lock, std::chrono::duration<double>(timeout_s),
               [&] { return settled_ >= to_settle_; });
  const bool timed_out = settled_ < to_settle_;
  lock.unlock();
  if (timed_out) {
    // Whatever is still opening now counts as failed: close it on its own thread.
    loops_.run_on_all([&](std::size_t t) {
      for (std::size_t i = t; i < slots_.size(); i += loops_.size()) {
        if (slots_[i].stage == Stage::opening) opening_failed(i, "open: timed out");
        if (slots_[i].stage == Stage::idle) {
          slots_[i].stage = Stage::closed;
          std::lock_guard l(m_);
          ++failures_["open: not started before the timeout"];
        }
      }
      queues_[t].next = queues_[t].pending.size();
    });
  }
  std::size_t ready = 0;
  loops_.run_on_all([&](std::size_t t) {
    std::size_t n = 0;
    for (std::size_t i = t; i < slots_.size(); i += loops_.size())
      if (slots_[i].stage == Stage::ready) ++n;
    std::lock_guard l(m_);
    ready += n;
  });
  return ready;
}

void Fleet::pump(std::size_t t) {
  auto& q = queues_[t];
  while (q.in_flight < q.budget && q.next < q.pending.size()) {
    ++q.in_flight;
    start(q.pending[q.next++]);
  }
}

void Fleet::opened_one(std::size_t t) {
  auto& q = queues_[t];
  if (q.in_flight) --q.in_flight;
  {
    std::lock_guard lock(m_);
    if (++settled_ >= to_settle_) cv_.notify_all();
  }
  pump(t);
}

void Fleet::start(std::size_t slot) {
  Slot& s = slots_[slot];
  s.stage = Stage::opening;
  s.started_ns = now_ns();
  s.ws = std::make_shared<WsClient>(loops_.at(thread_of(slot)), *this, slot);
  std::optional<asio::ip::address> source;
  if (!sources_.empty()) source = sources_[s.global_index % sources_.size()];
  std::string target = "/ws";
  std::string headers;
  if (o_.auth == "token") target += "?token=" + s.token;
  // v1.1: the token in the subprotocol list, as a browser sends it.
  if (o_.auth == "subprotocol")
    headers = "Sec-WebSocket-Protocol: parley.v1, parley.bearer." + s.token + "\r\n";
  const Server& server = servers_[s.server];
  s.ws->start(server.endpoint, source, server.host_header, target, headers);
}

void Fleet::send(std::size_t slot, std::string_view text) {
  if (auto& ws = slots_[slot].ws) ws->send_text(text);
}

void Fleet::close(std::size_t slot, bool abortive) {
  Slot& s = slots_[slot];
  s.stage = Stage::closed;
  if (s.ws) s.ws->close(abortive);
  s.ws.reset();
}

void Fleet::close_all() {
  closing_ = true;
  loops_.run_on_all([&](std::size_t t) {
    for (std::size_t i = t; i < slots_.size(); i += loops_.size()) close(i, false);
  });
}

std::map<std::string, std::uint64_t> Fleet::take_failures() {
  std::lock_guard lock(m_);
  return std::exchange(failures_, {});
}

void Fleet::on_open(WsClient& client) {
  const std::size_t slot = client.tag();
  Slot& s = slots_[slot];
  if (o_.auth == "frame") {
    client.send_text("{\"type\":\"auth\",\"token\":\"" + s.token + "\",\"ref\":\"a\"}");
  } else if (s.room) {
    client.send_text("{\"type\":\"join\",\"room\":" + std::to_string(s.room) + ",\"ref\":\"j\"}");
  } else {
    // With the token on the upgrade (?token= or the subprotocol list) the server still loads the
    // user afterwards and holds early frames in a small buffer: a pong proves the session is live
    // before the scenario sends anything.
    client.send_text("{\"type\":\"ping\",\"ref\":\"p\"}");
  }
}

void Fleet::on_text(WsClient& client, std::string_view text) {
  const std::size_t slot = client.tag();
  Slot& s = slots_[slot];
  JsonFields f;
  if (!f.parse(text)) {
    if (s.stage == Stage::opening) return opening_failed(slot, "open: unparsable frame");
    return;
  }
  if (s.stage == Stage::ready) return handler_.on_frame(slot, thread_of(slot), f, text);
  if (s.stage != Stage::opening) return;
  if (f.type == "authed") {
    if (s.room) {
      client.send_text("{\"type\":\"join\",\"room\":" + std::to_string(s.room) + ",\"ref\":\"j\"}");
    } else {
      became_ready(slot);
    }
  } else if (f.type == "joined" || f.type == "pong") {
    became_ready(slot);
  } else if (f.type == "error") {
    opening_failed(slot, "open: error " + std::string(f.code));
  }
}

void Fleet::on_closed(WsClient& client, std::string_view reason) {
  const std::size_t slot = client.tag();
  Slot& s = slots_[slot];
  if (s.ws.get() != &client) return;  // an earlier connection of a reopened slot
  if (s.stage == Stage::opening) return opening_failed(slot, reason);
  if (s.stage == Stage::ready && !closing_) {
    s.stage = Stage::closed;
    handler_.on_lost(slot, thread_of(slot), reason);
  }
}

void Fleet::became_ready(std::size_t slot) {
  slots_[slot].stage = Stage::ready;
  const std::size_t t = thread_of(slot);
  handler_.on_ready(slot, t);
  opened_one(t);
}

void Fleet::opening_failed(std::size_t slot, std::string_view reason) {
  Slot& s = slots_[slot];
  s.stage = Stage::closed;
  {
    std::lock_guard lock(m_);
    ++failures_[std::string(reason.substr(0, 80))];
  }
  if (s.ws) {
    auto ws = std::move(s.ws);
    ws->close(true);
  }
  handler_.on_open_failed(slot, thread_of(slot));
  opened_one(thread_of(slot));
}

}  // namespace parley::bench

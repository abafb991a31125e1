#include "scenarios/traffic_scenario.hpp"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>

#include "measure/clock.hpp"
#include "measure/proc_stats.hpp"

namespace parley::bench {
namespace {

constexpr auto tick_period = std::chrono::milliseconds(1);
constexpr double ack_wait_s = 5;
constexpr double drain_max_s = 5;

void append_int(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// "sender seq sent_at" with `separator` between: what the body starts with and the client id
// ends with.
void append_send_ids(std::string& out, char separator, std::uint64_t sender, std::uint64_t seq,
                     std::int64_t sent_at) {
  append_int(out, sender);
  out += separator;
  append_int(out, seq);
  out += separator;
  append_int(out, static_cast<std::uint64_t>(sent_at));
}

// "sender seq ts padding" → the three numbers.
bool parse_body(std::string_view body, std::uint64_t& sender, std::uint64_t& seq,
                std::int64_t& ts) {
  const char* p = body.data();
  const char* end = p + body.size();
  auto r1 = std::from_chars(p, end, sender);
  if (r1.ec != std::errc() || r1.ptr == end || *r1.ptr != ' ') return false;
  auto r2 = std::from_chars(r1.ptr + 1, end, seq);
  if (r2.ec != std::errc() || r2.ptr == end || *r2.ptr != ' ') return false;
  auto r3 = std::from_chars(r2.ptr + 1, end, ts);
  return r3.ec == std::errc();
}

}  // namespace

TrafficScenario::TrafficScenario(const Options& o, std::string tag)
    : o_(o),
      tag_(std::move(tag)),
      mix_(tag_ == "conversation"),
      layout_(tag_ == "cluster" ? RoomLayout::apart_from_sender : RoomLayout::spread),
      bound_ns_(static_cast<std::int64_t>(o.p99_ms * 1e6)) {}

TrafficScenario::~TrafficScenario() {
  close();
}

void TrafficScenario::prepare() {
  const std::size_t k = o_.rooms, m = o_.subscribers, s = o_.senders;
  const std::size_t total = k * m;
  setup_ = ScenarioSetup::create(o_, total, tag_, k);
  conn_sender_.assign(total, -1);
  for (std::size_t j = 0; j < s; ++j) {
    // Senders spread over rooms first, then over members within a room.
    const std::size_t conn = (j % k) * m + (j / k) % m;
    sender_conn_.push_back(conn);
    conn_sender_[conn] = static_cast<std::int32_t>(j);
  }
  const std::size_t instances = o_.servers.size();
  for (std::size_t i = 0; i < total; ++i)
    conn_server_.push_back(
        static_cast<std::uint32_t>(instance_of(layout_, i / m, i % m, instances)));
  if (layout_ == RoomLayout::apart_from_sender && (instances < 2 || m < instances))
    std::cerr << "parley-bench: " << tag_ << " with " << instances << " instance(s) and " << m
              << " members per room: not every room has members on every instance\n";
  nonce_ = static_cast<std::uint64_t>(now_ns()) ^ (static_cast<std::uint64_t>(getpid()) << 40);
  shared_ = std::make_unique<SharedCounters>(1 + k);
}

void TrafficScenario::before_phase() {
  shared_->reset();
}

Result TrafficScenario::open(std::size_t worker, std::size_t workers) {
  connections_ = std::make_unique<WorkerConnections>(o_, *this);
  Fleet& fleet = connections_->fleet();
  for (std::size_t t = 0; t < connections_->loops().size(); ++t) {
    auto ts = std::make_unique<ThreadState>();
    ts->timer = std::make_unique<boost::asio::steady_timer>(connections_->loops().at(t));
    threads_.push_back(std::move(ts));
  }
  const std::size_t total = o_.rooms * o_.subscribers;
  for (std::size_t i = worker; i < total; i += workers) {
    const std::size_t room = i / o_.subscribers;
    const std::size_t slot = fleet.add(setup_.token_of(i), setup_.rooms[room], i, conn_server_[i]);
    Conn c;
    c.room = static_cast<std::uint32_t>(room);
    c.sender = conn_sender_[i];
    c.server = conn_server_[i];
    c.slot = slot;
    if (c.sender >= 0) threads_[fleet.thread_of(slot)]->senders.push_back(slot);
    conns_.push_back(std::move(c));
  }
  return connections_->open_all(tag_, o_.concurrency);
}

Result TrafficScenario::run_phase(double rate, double seconds) {
  const double cpu_before = ProcStats::self_cpu_s();
  const std::size_t k = o_.rooms;
  EventLoops& loops = connections_->loops();
  std::mutex m;
  room_ready_subs_.assign(k, 0);
  loops.run_on_all([&](std::size_t t) {
    ThreadState& ts = *threads_[t];
    ts.r = Result{};
    ts.r.room_acked.assign(k, 0);
    ts.r.room_delivered.assign(k, 0);
    ts.r.room_subscribers.assign(k, 0);
    for (std::size_t i = t; i < conns_.size(); i += loops.size())
      if (conns_[i].ready) ++ts.r.room_subscribers[conns_[i].room];
    for (std::size_t slot : ts.senders) conns_[slot].phase_sent = 0;
    ts.per_sender_rate = rate / static_cast<double>(std::max<std::size_t>(1, o_.senders));
    ts.across_instances = 0;
    ts.delivered.store(0);
    std::lock_guard lock(m);
    for (std::size_t r = 0; r < k; ++r) room_ready_subs_[r] += ts.r.room_subscribers[r];
  });
  const std::int64_t start = now_ns();
  loops.run_on_all([&](std::size_t t) {
    ThreadState& ts = *threads_[t];
    ts.sending = true;
    ts.start_ns = start;
    ts.timer->expires_after(std::chrono::milliseconds(0));
    ts.timer->async_wait([this, t](const boost::system::error_code& ec) {
      if (!ec) tick(t);
    });
  });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  loops.run_on_all([&](std::size_t t) {
    threads_[t]->sending = false;
    threads_[t]->timer->cancel();
  });
  const double sent_for = static_cast<double>(now_ns() - start) / 1e9;

  // Acks first (of every process: the count is shared), then the deliveries they imply for
  // this worker's subscribers. The phase lasts until the last delivery: under overload the tail
  // is part of it.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(ack_wait_s);
  while (shared_->at(0).load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const auto drain_end =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(drain_max_s);
  std::uint64_t last = sum_delivered();
  std::int64_t end = now_ns();
  while (sum_delivered() < local_expected() && std::chrono::steady_clock::now() < drain_end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (const std::uint64_t d = sum_delivered(); d != last) {
      last = d;
      end = now_ns();
    }
  }

  Result total;
  total.scenario = tag_;
  loops.run_on_all([&](std::size_t t) {
    std::size_t ready = 0;
    for (std::size_t i = t; i < conns_.size(); i += loops.size())
      if (conns_[i].ready) ++ready;
    if (o_.servers.size() > 1)
      threads_[t]->r.extra["delivered_across_instances"] +=
          static_cast<double>(threads_[t]->across_instances);
    std::lock_guard lock(m);
    total.merge(threads_[t]->r);
    total.connections += ready;
    if (const std::int64_t n = threads_[t]->outstanding.load(); n > 0) {
      total.count_error("ack_timeout", static_cast<std::uint64_t>(n));
      // Forget them: a later phase must not wait for acks that never come.
      add_in_flight(*threads_[t], -n);
      for (std::size_t slot : threads_[t]->senders) {
        conns_[slot].in_flight = 0;
        conns_[slot].sent_at.clear();
      }
    }
  });
  total.seconds = static_cast<double>(std::max(end, start) - start) / 1e9;
  total.seconds = std::max(total.seconds, sent_for);
  total.send_seconds = sent_for;
  total.target_rate = rate;
  total.bench_cpu_s = ProcStats::self_cpu_s() - cpu_before;
  return total;
}

void TrafficScenario::tick(std::size_t t) {
  ThreadState& ts = *threads_[t];
  if (!ts.sending) return;
  const double elapsed = static_cast<double>(now_ns() - ts.start_ns) / 1e9;
  const double senders = static_cast<double>(std::max<std::size_t>(1, o_.senders));
  for (std::size_t slot : ts.senders) {
    Conn& c = conns_[slot];
    if (!c.ready) continue;
    // Each sender is offset by a fraction of its period, so that they do not fire together.
    const double offset = static_cast<double>(c.sender) / senders;
    const auto due = static_cast<std::uint64_t>(elapsed * ts.per_sender_rate + offset);
    while (c.phase_sent < due) {
      if (c.in_flight >= o_.window) {
        ts.r.window_full += due - c.phase_sent;
        c.phase_sent = due;
        break;
      }
      if (mix_)
        operate(ts, c);
      else
        send_one(ts, c);
      ++c.phase_sent;
    }
  }
  ts.timer->expires_at(ts.timer->expiry() + tick_period);
  ts.timer->async_wait([this, t](const boost::system::error_code& ec) {
    if (!ec) tick(t);
  });
}

void TrafficScenario::send_one(ThreadState& ts, Conn& c) {
  const std::int64_t sent_at = now_ns();
  const std::uint64_t seq = ++c.seq;
  const auto sender = static_cast<std::uint64_t>(c.sender);
  std::string& f = ts.scratch;
  f.assign("{\"type\":\"send\",\"room\":");
  append_int(f, static_cast<std::uint64_t>(setup_.rooms[c.room]));
  f += ",\"body\":\"";
  const std::size_t body_start = f.size();
  append_send_ids(f, ' ', sender, seq, sent_at);
  f += ' ';
  const std::size_t body_len = f.size() - body_start;
  if (body_len < o_.body_bytes) f.append(o_.body_bytes - body_len, 'x');
  f += "\",\"client_id\":\"";
  append_int(f, nonce_);
  f += '.';
  append_send_ids(f, '.', sender, seq, sent_at);
  f += "\",\"ref\":\"s\"}";
  connections_->fleet().send(c.slot, f);
  ++c.in_flight;
  add_in_flight(ts, 1);
  ++ts.r.sent;
}

void TrafficScenario::operate(ThreadState& ts, Conn& c) {
  // The mix of 19: 10 sends, 1 edit, 3 reactions, 5 read positions.
  const std::uint64_t op = c.seq % 19;
  std::string& f = ts.scratch;
  const std::string room = std::to_string(setup_.rooms[c.room]);
  if (op == 10 && c.own_last_id > 0) {
    const std::int64_t sent_at = now_ns();
    const std::uint64_t seq = ++c.seq;
    f.assign("{\"type\":\"edit\",\"room\":" + room + ",\"id\":");
    append_int(f, static_cast<std::uint64_t>(c.own_last_id));
    f += ",\"body\":\"";
    append_send_ids(f, ' ', static_cast<std::uint64_t>(c.sender), seq, sent_at);
    f += " edited\",\"ref\":\"o\"}";
  } else if (op >= 11 && op <= 13 && c.room_last_id > 0) {
    ++c.seq;
    if (c.react_target != c.room_last_id) {
      c.react_target = c.room_last_id;
      c.react_on = false;
    }
    c.react_on = !c.react_on;
    f.assign("{\"type\":\"react\",\"room\":" + room + ",\"id\":");
    append_int(f, static_cast<std::uint64_t>(c.react_target));
    f += c.react_on ? ",\"emoji\":\":+1:\",\"on\":true" : ",\"emoji\":\":+1:\",\"on\":false";
    f += ",\"ref\":\"o\"}";
  } else if (op >= 14 && c.room_last_id > 0) {
    ++c.seq;
    f.assign("{\"type\":\"read\",\"room\":" + room + ",\"up_to\":");
    append_int(f, static_cast<std::uint64_t>(c.room_last_id));
    f += ",\"ref\":\"o\"}";
  } else {
    send_one(ts, c);
    c.sent_at.push_back(now_ns());
    return;
  }
  c.sent_at.push_back(now_ns());
  connections_->fleet().send(c.slot, f);
  ++c.in_flight;
  add_in_flight(ts, 1);
  ++ts.r.sent;
}

void TrafficScenario::on_reply(ThreadState& ts, Conn& c, bool room_event) {
  if (c.in_flight == 0) return;  // a reply to an operation already written off
  --c.in_flight;
  ++ts.r.acked;
  if (!c.sent_at.empty()) {
    ts.r.ack_latency.record(now_ns() - c.sent_at.front());
    c.sent_at.pop_front();
  }
  if (room_event) {
    ++ts.r.room_acked[c.room];
    shared_->at(1 + c.room).fetch_add(1, std::memory_order_relaxed);
  }
  add_in_flight(ts, -1);
}

void TrafficScenario::on_room_update(ThreadState& ts, Conn& c, const JsonFields& f) {
  ++ts.r.delivered;
  ++ts.r.room_delivered[c.room];
  ts.delivered.store(ts.delivered.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  const std::int64_t position = f.rev.value_or(0);
  if (position == c.last_position)
    ++ts.r.duplicated;
  else if (position < c.last_position)
    ++ts.r.out_of_order;
  else
    c.last_position = position;
}

void TrafficScenario::on_ready(std::size_t slot, std::size_t) {
  conns_[slot].ready = true;
}

void TrafficScenario::on_frame(std::size_t slot, std::size_t t, const JsonFields& f,
                               std::string_view) {
  ThreadState& ts = *threads_[t];
  Conn& c = conns_[slot];
  if (f.type == "message") return on_message(ts, c, f);
  if (mix_) {
    if (f.type == "message_updated") return on_room_update(ts, c, f);
    if (f.type == "ack" && f.id) c.own_last_id = *f.id;
    if (f.type == "ack" || f.type == "updated") return on_reply(ts, c, true);
    if (f.type == "read_state" && f.ref == "o") return on_reply(ts, c, false);
    if (f.type == "receipt" || f.type == "read_state") return;
  }
  if (f.type == "ack") {
    if (c.in_flight == 0) return;  // an ack of a send already written off
    --c.in_flight;
    ++ts.r.acked;
    ++ts.r.room_acked[c.room];
    // The room's ack count first: in-flight reaching zero must imply the acks are counted.
    shared_->at(1 + c.room).fetch_add(1, std::memory_order_relaxed);
    add_in_flight(ts, -1);
    const auto dot = f.client_id.rfind('.');
    if (dot != std::string_view::npos) {
      if (auto sent_at = parse_int(f.client_id.substr(dot + 1)))
        ts.r.ack_latency.record(now_ns() - *sent_at);
    }
    return;
  }
  if (f.type == "error") {
    ts.r.count_error(std::string(f.code));
    if ((f.ref == "s" || f.ref == "o") && c.in_flight > 0) {
      --c.in_flight;
      if (!c.sent_at.empty()) c.sent_at.pop_front();
      add_in_flight(ts, -1);
    }
  }
}

void TrafficScenario::on_message(ThreadState& ts, Conn& c, const JsonFields& f) {
  std::uint64_t sender = 0, seq = 0;
  std::int64_t sent_at = 0;
  if (!f.id || !parse_body(f.body, sender, seq, sent_at) || sender >= sender_conn_.size() ||
      sender_conn_[sender] / o_.subscribers != c.room) {
    ts.r.extra["foreign_messages"] += 1;
    return;
  }
  const std::int64_t now = now_ns();
  ts.r.latency.record(now - sent_at);
  ts.r.timeline.record(sent_at - ts.start_ns, now - sent_at, bound_ns_);
  ++ts.r.delivered;
  ++ts.r.room_delivered[c.room];
  if (conn_server_[sender_conn_[sender]] != c.server) ++ts.across_instances;
  ts.delivered.store(ts.delivered.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  const std::int64_t id = *f.id;
  if (mix_) {
    c.room_last_id = std::max(c.room_last_id, id);
    if (id == c.last_position)
      ++ts.r.duplicated;
    else if (id < c.last_position)
      ++ts.r.out_of_order;
    else
      c.last_position = id;
    return;
  }
  if (id == c.last_id) {
    ++ts.r.duplicated;
  } else if (id < c.last_id) {
    ++ts.r.out_of_order;
  } else {
    c.last_id = id;
  }
}

void TrafficScenario::on_lost(std::size_t slot, std::size_t t, std::string_view reason) {
  ThreadState& ts = *threads_[t];
  Conn& c = conns_[slot];
  c.ready = false;
  ts.r.count_error("closed: " + std::string(reason.substr(0, 60)));
  if (c.in_flight) {
    add_in_flight(ts, -static_cast<std::int64_t>(c.in_flight));
    c.in_flight = 0;
  }
  c.sent_at.clear();
}

std::uint64_t TrafficScenario::sum_delivered() const {
  std::uint64_t n = 0;
  for (const auto& ts : threads_) n += ts->delivered.load(std::memory_order_relaxed);
  return n;
}

std::uint64_t TrafficScenario::local_expected() const {
  std::uint64_t n = 0;
  for (std::size_t r = 0; r < room_ready_subs_.size(); ++r)
    n += static_cast<std::uint64_t>(shared_->at(1 + r).load(std::memory_order_relaxed)) *
         room_ready_subs_[r];
  return n;
}

void TrafficScenario::add_in_flight(ThreadState& ts, std::int64_t n) {
  ts.outstanding.store(ts.outstanding.load(std::memory_order_relaxed) + n,
                       std::memory_order_relaxed);
  shared_->at(0).fetch_add(n, std::memory_order_release);
}

void TrafficScenario::close() {
  if (!connections_) return;
  connections_->close();
  threads_.clear();
  connections_.reset();
}

}  // namespace parley::bench

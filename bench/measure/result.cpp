#include "measure/result.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace parley::bench {
namespace json = boost::json;
namespace {

void add_vector(std::vector<std::uint64_t>& into, const std::vector<std::uint64_t>& from) {
  if (into.size() < from.size()) into.resize(from.size(), 0);
  for (std::size_t i = 0; i < from.size(); ++i) into[i] += from[i];
}

json::object histogram_json(const Histogram& h) {
  json::array buckets;
  for (auto [i, c] : h.sparse()) buckets.push_back(json::array{i, c});
  return {{"min", h.min()}, {"max", h.max()}, {"sum", h.sum()}, {"buckets", std::move(buckets)}};
}

void histogram_from(Histogram& h, const json::value& v) {
  const auto& o = v.as_object();
  for (const auto& b : o.at("buckets").as_array()) {
    const auto& pair = b.as_array();
    h.add_sparse(pair[0].to_number<std::uint32_t>(), pair[1].to_number<std::uint64_t>());
  }
  if (h.count())
    h.set_extremes(o.at("min").to_number<std::int64_t>(), o.at("max").to_number<std::int64_t>(),
                   o.at("sum").to_number<double>());
}

json::array vector_json(const std::vector<std::uint64_t>& v) {
  json::array a;
  for (auto x : v) a.push_back(x);
  return a;
}

std::vector<std::uint64_t> vector_from(const json::value& v) {
  std::vector<std::uint64_t> out;
  for (const auto& x : v.as_array()) out.push_back(x.to_number<std::uint64_t>());
  return out;
}

}  // namespace

void Result::merge(const Result& o) {
  if (scenario.empty()) scenario = o.scenario;
  seconds = std::max(seconds, o.seconds);
  send_seconds = std::max(send_seconds, o.send_seconds);
  target_rate = std::max(target_rate, o.target_rate);
  connections += o.connections;
  connect_failures += o.connect_failures;
  sent += o.sent;
  acked += o.acked;
  delivered += o.delivered;
  expected += o.expected;
  lost += o.lost;
  duplicated += o.duplicated;
  out_of_order += o.out_of_order;
  window_full += o.window_full;
  for (const auto& [k, v] : o.errors) errors[k] += v;
  latency.merge(o.latency);
  ack_latency.merge(o.ack_latency);
  timeline.merge(o.timeline);
  for (const auto& [k, v] : o.extra) extra[k] += v;
  add_vector(room_acked, o.room_acked);
  add_vector(room_subscribers, o.room_subscribers);
  add_vector(room_delivered, o.room_delivered);
  bench_cpu_s += o.bench_cpu_s;
}

void Result::finalize_loss() {
  if (room_acked.empty()) {
    // Publish: `expected` is what the server said it delivered to.
    lost = expected > delivered ? expected - delivered : 0;
    return;
  }
  expected = 0;
  lost = 0;
  for (std::size_t r = 0; r < room_acked.size(); ++r) {
    const std::uint64_t want =
        room_acked[r] * (r < room_subscribers.size() ? room_subscribers[r] : 0);
    const std::uint64_t got = r < room_delivered.size() ? room_delivered[r] : 0;
    expected += want;
    if (got < want) lost += want - got;
  }
}

std::uint64_t Result::error_total() const {
  std::uint64_t n = 0;
  for (const auto& [k, v] : errors) n += v;
  return n;
}

std::string Result::to_json() const {
  json::object errs;
  for (const auto& [k, v] : errors) errs[k] = v;
  json::object ext;
  for (const auto& [k, v] : extra) ext[k] = v;
  json::object o{{"scenario", scenario},
                 {"seconds", seconds},
                 {"send_seconds", send_seconds},
                 {"target_rate", target_rate},
                 {"connections", connections},
                 {"connect_failures", connect_failures},
                 {"sent", sent},
                 {"acked", acked},
                 {"delivered", delivered},
                 {"expected", expected},
                 {"lost", lost},
                 {"duplicated", duplicated},
                 {"out_of_order", out_of_order},
                 {"window_full", window_full},
                 {"errors", std::move(errs)},
                 {"latency", histogram_json(latency)},
                 {"ack_latency", histogram_json(ack_latency)},
                 {"timeline", timeline.to_json()},
                 {"extra", std::move(ext)},
                 {"room_acked", vector_json(room_acked)},
                 {"room_subscribers", vector_json(room_subscribers)},
                 {"room_delivered", vector_json(room_delivered)},
                 {"bench_cpu_s", bench_cpu_s}};
  return json::serialize(o);
}

Result Result::from_json(const std::string& text) {
  const json::value v = json::parse(text);
  const auto& o = v.as_object();
  Result r;
  auto u64 = [&](const char* k) { return o.at(k).to_number<std::uint64_t>(); };
  r.scenario = json::value_to<std::string>(o.at("scenario"));
  r.seconds = o.at("seconds").to_number<double>();
  r.send_seconds = o.at("send_seconds").to_number<double>();
  r.target_rate = o.at("target_rate").to_number<double>();
  r.connections = u64("connections");
  r.connect_failures = u64("connect_failures");
  r.sent = u64("sent");
  r.acked = u64("acked");
  r.delivered = u64("delivered");
  r.expected = u64("expected");
  r.lost = u64("lost");
  r.duplicated = u64("duplicated");
  r.out_of_order = u64("out_of_order");
  r.window_full = u64("window_full");
  for (const auto& [k, val] : o.at("errors").as_object())
    r.errors[std::string(k)] = val.to_number<std::uint64_t>();
  histogram_from(r.latency, o.at("latency"));
  histogram_from(r.ack_latency, o.at("ack_latency"));
  r.timeline = Timeline::from_json(o.at("timeline"));
  for (const auto& [k, val] : o.at("extra").as_object())
    r.extra[std::string(k)] = val.to_number<double>();
  r.room_acked = vector_from(o.at("room_acked"));
  r.room_subscribers = vector_from(o.at("room_subscribers"));
  r.room_delivered = vector_from(o.at("room_delivered"));
  r.bench_cpu_s = o.at("bench_cpu_s").to_number<double>();
  return r;
}

}  // namespace parley::bench

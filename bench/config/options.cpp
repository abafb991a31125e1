#include "config/options.hpp"

#include <CLI/CLI.hpp>
#include <thread>

namespace parley::bench {
namespace {

ServerAddress parse_url(const std::string& url) {
  ServerAddress a;
  a.url = url;
  std::string rest = url;
  const std::string plain = "http://";
  const std::string tls = "https://";
  if (rest.rfind(tls, 0) == 0) {
    a.tls = true;
    rest = rest.substr(tls.size());
  } else if (rest.rfind(plain, 0) == 0) {
    rest = rest.substr(plain.size());
  } else {
    throw CLI::ValidationError("--url", "expected http://HOST:PORT or https://HOST:PORT");
  }
  if (auto slash = rest.find('/'); slash != std::string::npos) rest = rest.substr(0, slash);
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos) {
    a.host = rest;
    a.port = a.tls ? 443 : 80;
    return a;
  }
  a.host = rest.substr(0, colon);
  const int port = std::atoi(rest.substr(colon + 1).c_str());
  if (port <= 0 || port > 65535) throw CLI::ValidationError("--url", "bad port in " + url);
  a.port = static_cast<std::uint16_t>(port);
  return a;
}

void parse_urls(Options& o) {
  for (const auto& url : o.urls)
    if (!url.empty()) o.servers.push_back(parse_url(url));
  if (o.servers.empty()) throw CLI::ValidationError("--url", "no server given");
  o.tls = o.servers.front().tls;
  for (const auto& s : o.servers)
    if (s.tls != o.tls) throw CLI::ValidationError("--url", "mix of http:// and https://");
  o.host = o.servers.front().host;
  o.port = o.servers.front().port;
}

template <typename T>
void set_default(T& field, T value) {
  if (field == T{}) field = value;
}

}  // namespace

Options parse_options(int argc, char** argv) {
  Options o;
  CLI::App app{
      "parley-bench: load generator for the Parley chat server.\n"
      "Scenarios: fanout (1 room x M subscribers, S senders), rooms (K rooms x M members),\n"
      "idle (N connections held), history (pages of 50 from a 1M-message room), connect\n"
      "(connection + auth + join rate), publish (publish API to role \"user\"), cluster (rooms\n"
      "traffic over several instances on one PostgreSQL + Redis: repeat --url, one per instance;\n"
      "each room's sender on one instance, its other members on the others, so that messages\n"
      "cross the Redis bus; bench/run-cluster.sh starts such a cluster and runs it),\n"
      "conversation (rooms traffic where every 19 operations of a sender are 10 sends, 1 edit,\n"
      "3 reactions and 5 read positions), roomlist (GET /api/rooms of a member of 200 rooms\n"
      "holding 1M messages, with unread messages and mentions in each), search (GET /api/search\n"
      "over the history room: its numbers whole or as prefixes, with \"history\", 1-3 words).\n"
      "Several --url: REST setup goes to the first; WebSocket connections are spread over all."};
  app.add_option("scenario", o.scenario, "scenario to run")
      ->check(CLI::IsMember({"fanout", "rooms", "idle", "history", "connect", "publish", "cluster",
                             "conversation", "roomlist", "search"}));
  app.add_option("--url", o.urls, "server base URL; repeat or comma-separate for several instances")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->capture_default_str();
  app.add_option("--tls-ca", o.tls_ca,
                 "https:// only: verify the server's certificate against this CA file (without "
                 "it the certificate is not checked: loopback benchmarks, self-signed)");
  app.add_option("--duration", o.duration_s, "seconds per run (each ramp step)")
      ->capture_default_str();
  app.add_option("--rate", o.rate, "total sends/s (fanout, rooms; ramp start); publish calls/s");
  app.add_option("--rooms", o.rooms, "rooms (K)");
  app.add_option("--subscribers", o.subscribers, "subscribers per room (M)");
  app.add_option("--senders", o.senders, "sending connections, chosen among the subscribers");
  app.add_option("--connections", o.connections, "connections (idle, publish)");
  app.add_option("--users", o.users, "distinct accounts, shared round-robin by connections")
      ->capture_default_str();
  app.add_option("--threads", o.threads, "event-loop threads per process (default: cores)");
  app.add_option("--processes", o.processes, "worker processes")->capture_default_str();
  app.add_option("--source-ips", o.source_ips, "source addresses, e.g. 127.0.0.1,127.0.0.2")
      ->delimiter(',');
  app.add_option("--server-pid", o.server_pids,
                 "server pid, for its CPU and RSS from /proc; repeat or comma-separate (summed)")
      ->delimiter(',')
      ->allow_extra_args(false);
  app.add_option("--api-key", o.api_key, "publish API key (publish scenario)");
  app.add_option("--body-bytes", o.body_bytes, "message body size")->capture_default_str();
  app.add_option("--auth", o.auth,
                 "WebSocket auth: token (?token=), frame (auth frame) or subprotocol "
                 "(Sec-WebSocket-Protocol: parley.v1, parley.bearer.<token>)")
      ->check(CLI::IsMember({"token", "frame", "subprotocol"}))
      ->capture_default_str();
  app.add_option("--window", o.window, "unacked sends allowed per sender")->capture_default_str();
  app.add_option("--concurrency", o.concurrency,
                 "handshakes in flight (connect, setup) or REST threads (history, publish)");
  app.add_option("--history-messages", o.history_messages, "messages in the history room")
      ->capture_default_str();
  app.add_flag("--seed", o.seed, "seed the history room even if it already exists");
  app.add_flag("--ramp", o.ramp, "find the highest rate with p99 <= --p99-ms and nothing lost");
  app.add_option("--ramp-steps", o.ramp_steps, "bound on ramp steps")->capture_default_str();
  app.add_option("--p99-ms", o.p99_ms, "ramp latency bound")->capture_default_str();
  app.add_flag("--timeline", o.timeline,
               "fanout, rooms, cluster: latency second by second (deliveries over --p99-ms, max)");
  app.add_flag(
      "--smoke", o.smoke,
      "a few seconds of every main scenario at tiny sizes (`cluster --smoke`: of cluster)");
  app.add_option("--prefix", o.prefix, "prefix of bench user and room names")
      ->capture_default_str();
  app.add_option("--password", o.password, "password of the bench users");
  app.add_option("--setup-concurrency", o.setup_concurrency, "parallel REST setup calls")
      ->capture_default_str();
  app.add_option("--setup-timeout", o.setup_timeout_s, "seconds allowed to open connections")
      ->capture_default_str();
  app.add_flag("--join", o.join_idle, "idle: connections also join a room");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::exit(app.exit(e));
  }
  parse_urls(o);
  if (o.processes == 0) o.processes = 1;
  return o;
}

void apply_scenario_defaults(Options& o) {
  set_default<std::size_t>(o.threads, std::max(1u, std::thread::hardware_concurrency()));
  const bool s = o.smoke;
  if (o.scenario == "fanout") {
    set_default<std::size_t>(o.rooms, 1);
    set_default<std::size_t>(o.subscribers, s ? 20 : 1000);
    set_default<std::size_t>(o.senders, s ? 4 : 10);
    set_default(o.rate, s ? 200.0 : 1000.0);
  } else if (o.scenario == "rooms") {
    set_default<std::size_t>(o.rooms, s ? 10 : 1000);
    set_default<std::size_t>(o.subscribers, s ? 3 : 10);
    set_default<std::size_t>(o.senders, o.rooms);
    set_default(o.rate, s ? 200.0 : 10000.0);
  } else if (o.scenario == "conversation") {
    // rooms' sizes and rate; every 19 operations of a sender: 10 sends, 1 edit, 3 reactions,
    // 5 read positions.
    set_default<std::size_t>(o.rooms, s ? 10 : 1000);
    set_default<std::size_t>(o.subscribers, s ? 3 : 10);
    set_default<std::size_t>(o.senders, o.rooms);
    set_default(o.rate, s ? 200.0 : 10000.0);
  } else if (o.scenario == "roomlist") {
    set_default<std::size_t>(o.rooms, s ? 10 : 200);
    if (s) o.history_messages = std::min<std::size_t>(o.history_messages, 2000);
    set_default<std::size_t>(o.concurrency, 1);
  } else if (o.scenario == "cluster") {
    // Sized for 2 cores running 2 instances, PostgreSQL, Redis and the bench (docs/benchmarks.md).
    set_default<std::size_t>(o.rooms, s ? 10 : 100);
    set_default<std::size_t>(o.subscribers, s ? 4 : 10);
    set_default<std::size_t>(o.senders, o.rooms);
    set_default(o.rate, s ? 100.0 : 5000.0);
  } else if (o.scenario == "idle") {
    set_default<std::size_t>(o.connections, s ? 200 : 15000);
    set_default<std::size_t>(o.rooms, 1);
  } else if (o.scenario == "history" || o.scenario == "search") {
    if (s) o.history_messages = std::min<std::size_t>(o.history_messages, 2000);
    set_default<std::size_t>(o.concurrency, 1);
  } else if (o.scenario == "connect") {
    set_default<std::size_t>(o.concurrency, s ? 8 : 64);
    set_default<std::size_t>(o.rooms, 1);
  } else if (o.scenario == "publish") {
    set_default<std::size_t>(o.connections, s ? 20 : 1000);
    set_default<std::size_t>(o.concurrency, s ? 1 : 2);
  }
  set_default<std::size_t>(o.concurrency, 256);
  if (o.senders > o.rooms * o.subscribers) o.senders = o.rooms * o.subscribers;
}

}  // namespace parley::bench

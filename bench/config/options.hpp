#pragma once
// Everything parley-bench can be told on its command line, with each scenario's defaults.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace parley::bench {

// One server instance, from one --url.
struct ServerAddress {
  std::string url;
  std::string host;
  std::uint16_t port = 0;
  bool tls = false;  // https://
};

struct Options {
  std::string scenario = "fanout";  // fanout rooms idle history connect publish cluster
  std::vector<std::string> urls{"http://127.0.0.1:8080"};
  // The instances, in --url order. REST setup goes to the first: they share one database.
  std::vector<ServerAddress> servers;
  bool tls = false;    // https:// (every --url alike): REST and WebSocket over TLS
  std::string tls_ca;  // empty: the server's certificate is not verified
  std::string host;    // the first instance's
  std::uint16_t port = 0;
  double duration_s = 10;
  double rate = 0;              // total sends/s (fanout, rooms); publish calls/s (0: max)
  std::size_t rooms = 0;        // K
  std::size_t subscribers = 0;  // M per room
  std::size_t senders = 0;      // S
  std::size_t connections = 0;  // idle, publish
  std::size_t users = 16;       // distinct accounts; connections share them round-robin
  std::size_t threads = 0;      // io_context threads per process (0: one per core)
  std::size_t processes = 1;
  std::vector<std::string> source_ips;
  std::vector<int> server_pids;  // CPU and RSS are summed over them
  std::string api_key;
  std::size_t body_bytes = 64;
  std::string auth = "token";   // token (?token=), frame (first frame) or subprotocol
  std::size_t window = 256;     // unacked sends allowed per sender
  std::size_t concurrency = 0;  // handshakes in flight; REST threads (history, publish)
  std::size_t history_messages = 1'000'000;
  bool seed = false;
  bool ramp = false;
  std::size_t ramp_steps = 10;
  double p99_ms = 50;
  bool timeline = false;
  bool smoke = false;
  std::string prefix = "pb";
  std::string password = "bench-password-1";
  std::size_t setup_concurrency = 8;
  double setup_timeout_s = 120;
  bool join_idle = false;  // idle connections also join a room
};

// Parses argv; prints help and exits on --help, throws CLI::Error subclasses on bad input.
Options parse_options(int argc, char** argv);
// Fills the zeros with the scenario's defaults (the goals' sizes) or the smoke sizes.
void apply_scenario_defaults(Options& o);

}  // namespace parley::bench

#pragma once
// Everything the server can be configured with, with the contract's defaults.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace parley::config {

struct ApiKey {
  std::string name;
  std::string key;
};

struct Config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::string data_dir = "./data";
  std::string database;        // empty: SQLite in data_dir
  std::string redis;           // empty: single instance
  std::string listen_channel;  // PostgreSQL LISTEN channel turned into notifications; empty: none
  std::string jwt_secret;
  std::string totp_key;  // empty: two-factor secrets are sealed with a key derived from jwt_secret
  std::vector<ApiKey> api_keys;
  std::vector<std::string> allowed_origins;  // empty: same origin as Host
  std::vector<std::string> trusted_proxies;  // CIDRs whose X-Forwarded-For is believed
  std::string web_root;                      // empty: auto-detected web/dist
  std::string tls_cert;
  std::string tls_key;
  std::size_t threads = 0;
  std::size_t workers = 4;
  std::string port_file;
  std::string log_level = "info";
  std::string durability = "full";
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_frame_bytes = 64 << 10;
  std::size_t max_outbound_bytes = 4 << 20;
  std::int64_t ws_ping_interval_ms = 30'000;
  std::int64_t ws_idle_timeout_ms = 75'000;
  std::int64_t ws_auth_timeout_ms = 10'000;
  // Open WebSocket connections: 0 for max_connections means the open-file limit less a reserve.
  std::size_t max_connections = 0;
  std::size_t max_connections_per_address = 4096;  // 0: no cap
  std::size_t max_connections_per_user = 256;      // 0: no cap
  std::size_t max_rooms_per_connection = 2000;
  std::size_t max_header_bytes = 16 << 10;
  std::size_t max_header_count = 100;
  std::size_t max_requests_per_connection = 1000;  // keep-alive requests, then Connection: close
  std::int64_t request_timeout_ms = 10'000;        // TLS handshake, and each HTTP request
  double rate_limit_per_second = 20;
  double rate_limit_burst = 40;
  std::int64_t rate_limit_abuse_count = 100;
  std::int64_t rate_limit_abuse_window_ms = 10'000;
  std::int64_t login_max_failures_user = 10;
  std::int64_t login_max_failures_ip = 30;
  std::int64_t login_window_s = 900;
  std::int64_t access_token_ttl_s = 900;
  std::int64_t refresh_token_ttl_s = 30 * 24 * 3600;
  // Files (v1.1).
  std::string upload_dir;  // empty: <data_dir>/uploads
  std::uint64_t max_upload_bytes = 25 << 20;
  double upload_rate_per_second = 1;
  double upload_burst = 20;
  std::int64_t upload_detached_grace_s = 3600;
  std::int64_t upload_unattached_max_age_s = 86'400;
  std::int64_t upload_gc_interval_s = 60;
  // Operations (docs/operations.md).
  std::string log_file;                  // empty: stdout
  std::int64_t shutdown_timeout_s = 10;  // SIGTERM to exit, at most
};

}  // namespace parley::config

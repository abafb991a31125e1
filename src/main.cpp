// parley: flags -> Config -> wire the pieces -> run.

#include <sys/resource.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <thread>

#include "auth/jwt.hpp"
#include "auth/password.hpp"
#include "auth/secret_file.hpp"
#include "auth/secret_sealer.hpp"
#include "cli/backup.hpp"
#include "cli/commands.hpp"
#include "cli/migrate.hpp"
#include "cluster/notify_listener.hpp"
#include "cluster/ordered_publisher.hpp"
#include "cluster/redis_bus.hpp"
#include "cluster/redis_url.hpp"
#include "common/clock.hpp"
#include "common/ip_network.hpp"
#include "common/worker_pool.hpp"
#include "config/command_line.hpp"
#include "http/api.hpp"
#include "net/server.hpp"
#include "observability/log.hpp"
#include "realtime/connected_clients.hpp"
#include "realtime/connection_limits.hpp"
#include "realtime/hub.hpp"
#include "realtime/services.hpp"
#include "realtime/write_path.hpp"
#include "store/message_writer.hpp"
#include "store/open_store.hpp"
#include "store/postgres/postgres_advisory_lock.hpp"
#include "store/sqlite/server_lock.hpp"

namespace {

using namespace parley;

// How long a restarted server waits for the previous one, still draining, to let go of the
// SQLite database.
constexpr std::chrono::seconds kLockWait{15};

// web/dist beside the source tree the binary was built from, when it exists.
// The default cap on WebSocket connections: the process's open-file limit (the hard one, which
// the server raises the soft one to), less a reserve for the store, HTTP requests, logs and
// uploads, so that accept() never runs out of descriptors.
std::size_t connections_within_open_file_limit() {
  constexpr std::size_t kReserve = 256;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_max == RLIM_INFINITY) return 0;
  const auto files = static_cast<std::size_t>(limit.rlim_max);
  return files > 2 * kReserve ? files - kReserve : files / 2;
}

std::string default_web_root() {
  for (const char* candidate : {PARLEY_SOURCE_DIR "/web/dist", "web/dist"})
    if (std::filesystem::exists(std::filesystem::path(candidate) / "index.html")) return candidate;
  return {};
}

net::ServerConfig server_config(const config::Config& c) {
  net::ServerConfig s;
  s.host = c.listen_host;
  s.port = c.listen_port;
  s.threads = c.threads ? c.threads : std::max(1u, std::thread::hardware_concurrency());
  s.max_body_bytes = c.max_body_bytes;
  s.max_header_bytes = c.max_header_bytes;
  s.max_header_count = c.max_header_count;
  s.max_requests_per_connection = c.max_requests_per_connection;
  s.request_timeout = std::chrono::milliseconds(c.request_timeout_ms);
  s.max_streamed_body_bytes = c.max_upload_bytes;
  s.max_frame_bytes = c.max_frame_bytes;
  s.max_outbound_bytes = c.max_outbound_bytes;
  s.ping_interval = std::chrono::milliseconds(c.ws_ping_interval_ms);
  s.idle_timeout = std::chrono::milliseconds(c.ws_idle_timeout_ms);
  s.tls_cert_file = c.tls_cert;
  s.tls_key_file = c.tls_key;
  s.shutdown_drain = std::chrono::seconds(c.shutdown_timeout_s);
  return s;
}

// SIGHUP: the log file is reopened, and the settings that are safe to change while serving are
// read again (flags and environment as at start, the config file as it is now). The rest needs
// a restart (docs/operations.md, Reloading).
void reload_on_hangup(const std::vector<std::string>& args, http::Api& api) {
  obs::reopen_logs();
  config::Invocation fresh;
  try {
    fresh = config::parse_command_line(args);
  } catch (const config::ConfigError& e) {
    obs::log_error("SIGHUP: configuration not reloaded", {obs::field("error", e.what())});
    return;
  }
  http::ReloadableSettings next;
  for (const auto& k : fresh.config.api_keys) next.api_keys.push_back({k.name, k.key});
  next.allowed_origins = fresh.config.allowed_origins;
  const auto api_keys = next.api_keys.size();
  const auto origins = next.allowed_origins.size();
  api.reload(std::move(next));
  obs::set_log_level(fresh.config.log_level);
  obs::log_info("SIGHUP: configuration reloaded",
                {obs::field("api_keys", api_keys), obs::field("allowed_origins", origins),
                 obs::field("log_level", fresh.config.log_level)});
}

http::ApiSettings api_settings(const config::Config& c) {
  http::ApiSettings s;
  s.access_token_ttl_s = c.access_token_ttl_s;
  s.refresh_token_ttl_s = c.refresh_token_ttl_s;
  s.login_limits = {c.login_max_failures_user, c.login_max_failures_ip, c.login_window_s * 1000};
  s.allowed_origins = c.allowed_origins;
  s.web_root = c.web_root.empty() ? default_web_root() : c.web_root;
  for (const auto& k : c.api_keys) s.api_keys.push_back({k.name, k.key});
  std::vector<IpNetwork> proxies;
  for (const auto& p : c.trusted_proxies) proxies.push_back(IpNetwork::parse(p).value());
  s.client_address = http::ClientAddress(std::move(proxies));
  s.uploads.dir = c.upload_dir.empty() ? (std::filesystem::path(c.data_dir) / "uploads").string()
                                       : c.upload_dir;
  s.uploads.max_bytes = c.max_upload_bytes;
  s.uploads.limits = {c.upload_rate_per_second, c.upload_burst};
  s.uploads.detached_grace_ms = c.upload_detached_grace_s * 1000;
  s.uploads.unattached_max_age_ms = c.upload_unattached_max_age_s * 1000;
  return s;
}

// The revocation list starts with the sessions ended within an access token's lifetime (plus the
// skew its iat may have): their tokens may still be presented.
void load_ended_sessions(store::Store& store, realtime::SessionRegistry& sessions,
                         std::int64_t access_token_ttl_s) {
  const std::int64_t retention_ms = (access_token_ttl_s + auth::kMaxIssuedAheadSeconds) * 1000;
  sessions.set_retention_ms(retention_ms);
  const std::int64_t now = now_ms();
  for (const auto& ended : store.sessions_ended_since(now - retention_ms))
    sessions.mark_ended({&ended.id, 1}, ended.ended_at_ms, now);
}

int serve(const config::Config& c, const std::vector<std::string>& args) {
  std::filesystem::create_directories(c.data_dir);
  ::chmod(c.data_dir.c_str(), S_IRWXU);
  std::string secret = c.jwt_secret;
  if (secret.empty()) {
    auto loaded = auth::load_or_create_secret(c.data_dir);
    secret = loaded.secret;
    if (loaded.created)
      obs::log_warn(
          "no --jwt-secret given: generated one and stored it in the data directory",
          {obs::field("file", (std::filesystem::path(c.data_dir) / "jwt-secret").string())});
  }
  bool clustered = !c.redis.empty();
  if (clustered && c.database.rfind("postgres://", 0) != 0 &&
      c.database.rfind("postgresql://", 0) != 0)
    throw std::runtime_error(
        "--redis needs --database postgres://...: the instances of a cluster share one "
        "database, and SQLite cannot be shared between servers");
  if (clustered) cluster::RedisUrl::parse(c.redis);  // a bad URL fails before anything starts
  if (!c.listen_channel.empty() && c.database.rfind("postgres://", 0) != 0 &&
      c.database.rfind("postgresql://", 0) != 0)
    throw std::runtime_error("--listen-channel needs --database postgres://...");
  auto durability = c.durability == "normal" ? store::Durability::normal : store::Durability::full;
  // Taken before the database is opened (and held until exit), so that a second server on the
  // same SQLite file stops before touching it. `users set-role` does not take it.
  std::optional<store::ServerLock> lock;
  if (auto path = store::sqlite_path(c.database, c.data_dir)) lock.emplace(*path, kLockWait);
  auto store = store::open_store(c.database, c.data_dir, durability);
  // A cluster serialises its commits, so positions follow commit order
  // (cluster/ordered_publisher.hpp).
  std::unique_ptr<cluster::OrderedPublisher> ordered;
  store::PostgresAdvisoryLock* cluster_lock_ptr = nullptr;
  if (clustered) {
    auto cluster_lock = std::make_unique<store::PostgresAdvisoryLock>(
        c.database, cluster::OrderedPublisher::kLockKey);
    store::PostgresAdvisoryLock* held = cluster_lock_ptr = cluster_lock.get();
    ordered = std::make_unique<cluster::OrderedPublisher>(
        std::move(cluster_lock), [held] { return held->message_position_high_water(); });
  }
  store::MessageWriter writer(*store);
  WorkerPool workers(c.workers);
  auth::JwtCodec jwt(secret);

  auto net_config = server_config(c);
  std::unique_ptr<net::Server> server;
  realtime::Hub hub(net_config.threads, [&server](std::size_t i, std::function<void()> task) {
    server->post(i, std::move(task));
  });
  // What one commit batch sends is posted (and relayed) at once, see Hub::begin_batch.
  store::MessageWriter::BatchHooks hooks;
  hooks.before_callbacks = [&hub] { hub.begin_batch(); };
  hooks.after_callbacks = [&hub, &ordered] { hub.end_batch(ordered ? ordered->batch_after() : 0); };
  if (ordered) hooks = ordered->wrap(std::move(hooks));
  writer.set_batch_hooks(std::move(hooks));
  std::unique_ptr<cluster::RedisBus> bus;
  if (clustered) {
    bus = std::make_unique<cluster::RedisBus>(c.redis, hub);
    hub.set_remote_relay(bus.get());
    // Local connections get a batch's room events from the commit, remote ones through the bus;
    // every instance orders them by position and fills gaps from the store.
    // Where the cluster's positions stand now (before any connection): what lies below is what
    // joins will show. Unknown when the database does not answer yet: the first batch sets it.
    std::optional<std::int64_t> watermark;
    try {
      watermark = cluster_lock_ptr->message_position_high_water();
    } catch (const std::exception& e) {
      obs::log_warn("cluster position not read at start", {obs::field("error", e.what())});
    }
    auto changes = [&store](std::int64_t room, std::int64_t since, int limit) {
      return store->changes_since(room, since, limit);
    };
    hub.order_deliveries(
        changes, [&bus] { return bus->connected(); }, watermark);
  }
  realtime::RealtimeSettings rt;
  rt.rate_limits = {c.rate_limit_per_second, c.rate_limit_burst, c.rate_limit_abuse_count,
                    c.rate_limit_abuse_window_ms};
  rt.auth_timeout_ms = c.ws_auth_timeout_ms;
  rt.max_rooms_per_connection = c.max_rooms_per_connection;
  // Edits, deletions, reactions and read positions are limited like sends (each its own bucket),
  // refused but never closed for.
  rt.change_limits = {c.rate_limit_per_second, c.rate_limit_burst, 1'000'000'000, 1'000};
  rt.read_limits = rt.change_limits;
  rt.missed_max_bytes = std::min<std::size_t>(1 << 20, c.max_outbound_bytes / 4);
  realtime::ReceiptThrottle receipts(
      [&hub](std::int64_t room_id, std::int64_t user_id, const std::string& username,
             std::int64_t last_read) {
        realtime::publish_receipt(hub, room_id, user_id, username, last_read);
      },
      [&server](std::chrono::milliseconds delay, std::function<void()> task) {
        server->post_after(0, delay, std::move(task));
      },
      [] { return monotonic_us() / 1000; });
  realtime::Services services{*store, writer, jwt, workers, hub, rt, &receipts};
  realtime::ConnectedClients clients(net_config.threads);
  services.clients = &clients;
  realtime::ConnectionLimits connection_limits(
      {c.max_connections != 0 ? c.max_connections : connections_within_open_file_limit(),
       c.max_connections_per_address, c.max_connections_per_user});
  services.limits = &connection_limits;
  load_ended_sessions(*store, hub.sessions(), c.access_token_ttl_s);
  auto settings = api_settings(c);
  settings.totp_sealer =
      std::make_shared<const auth::SecretSealer>(c.totp_key.empty() ? secret : c.totp_key);
  std::unique_ptr<cluster::NotifyListener> listener;
  if (!c.listen_channel.empty())
    listener = std::make_unique<cluster::NotifyListener>(c.database, c.listen_channel, hub);
  if (bus || listener)
    settings.readiness_failures = [&bus, &listener]() -> std::vector<std::string> {
      std::vector<std::string> failing;
      if (bus && !bus->connected()) failing.emplace_back("bus");
      if (listener && !listener->listening()) failing.emplace_back("listen");
      return failing;
    };
  http::Api api(services, std::move(settings));
  server = std::make_unique<net::Server>(net_config, api);
  server->on_hangup([&args, &api] { reload_on_hangup(args, api); });
  if (bus) bus->start();
  if (listener) listener->start();
  server->start();
  // Uploads past their time go on a worker, one collection at a time.
  const std::chrono::seconds gc_interval(c.upload_gc_interval_s);
  std::atomic<bool> collecting{false};
  std::function<void()> collect_tick = [&] {
    if (!collecting.exchange(true) && !workers.submit([&] {
          try {
            http::collect_uploads(api, now_ms());
          } catch (const std::exception& e) {
            obs::log_warn("upload collection failed", {obs::field("error", e.what())});
          }
          collecting = false;
        }))
      collecting = false;
    server->post_after(0, gc_interval, collect_tick);
  };
  server->post_after(0, gc_interval, collect_tick);

  obs::log_info("listening", {obs::field("host", c.listen_host), obs::field("port", server->port()),
                              obs::field("threads", net_config.threads),
                              obs::field("durability", c.durability)});
  if (!c.port_file.empty()) {
    std::string tmp = c.port_file + ".tmp";
    std::ofstream(tmp) << server->port() << "\n";
    std::filesystem::rename(tmp, c.port_file);  // atomic: readers never see a partial file
  }
  server->run([&writer] { writer.stop(); });
  workers.stop();
  writer.stop();
  if (listener) listener->stop();
  // After the writer: its last batches still publish. The hub's relay is not used after this.
  if (bus) bus->stop();
  hub.stop_delivery_order();
  obs::log_info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  config::Invocation inv;
  const std::vector<std::string> args(argv, argv + argc);
  try {
    inv = config::parse_command_line(args);
  } catch (const config::ConfigError& e) {
    std::cerr << "parley: " << e.what() << "\n";
    return 2;
  }
  if (inv.command == config::Command::help) {
    std::cout << inv.help_text;
    return 0;
  }
  try {
    obs::init_logging(inv.config.log_level, inv.config.log_file);
    auth::init_crypto();
    switch (inv.command) {
      case config::Command::set_role:
        return cli::set_role(inv);
      case config::Command::publish:
        return cli::publish(inv.publish);
      case config::Command::backup:
        return cli::backup(inv);
      case config::Command::restore:
        return cli::restore(inv);
      case config::Command::migrate:
        return cli::migrate(inv);
      default:
        return serve(inv.config, args);
    }
  } catch (const std::exception& e) {
    obs::log_error("fatal", {obs::field("error", e.what())});
    std::cerr << "parley: " << e.what() << "\n";
    return 1;
  }
}

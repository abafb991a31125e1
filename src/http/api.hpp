#pragma once
// The REST API and the WebSocket entry: routes requests to handlers, runs them off the network
// threads, and turns their failures into the contract's errors. Implements net::HttpHandler.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth/secret_sealer.hpp"
#include "http/client_address.hpp"
#include "http/exchange.hpp"
#include "http/login_throttle.hpp"
#include "http/static_files.hpp"
#include "http/upload_files.hpp"
#include "http/upload_throttle.hpp"
#include "net/http_handler.hpp"
#include "realtime/services.hpp"

namespace parley::http {

struct ApiKeyEntry {
  std::string name;
  std::string key;
};

struct UploadSettings {
  std::string dir;                                  // where the files live (created if needed)
  std::uint64_t max_bytes = 25 << 20;               // a larger body is 413
  UploadLimits limits;                              // per user
  std::int64_t detached_grace_ms = 3'600'000;       // a file no message carries any more
  std::int64_t unattached_max_age_ms = 86'400'000;  // a file never attached
};

struct ApiSettings {
  std::int64_t access_token_ttl_s = 900;
  std::int64_t refresh_token_ttl_s = 30 * 24 * 3600;
  LoginLimits login_limits;
  std::vector<std::string> allowed_origins;  // empty: same origin as Host
  std::string web_root;                      // empty: no web app
  std::vector<ApiKeyEntry> api_keys;
  ClientAddress client_address;  // who the client is behind trusted proxies
  std::function<std::vector<std::string>()> readiness_failures;  // names of failing dependencies
  // Seals two-factor secrets in the store (key from --totp-key, else the JWT secret).
  std::shared_ptr<const auth::SecretSealer> totp_sealer;
  std::string totp_issuer = "Parley";  // the name authenticator apps show
  UploadSettings uploads;
};

// What SIGHUP reloads (from the config file) while requests are served.
struct ReloadableSettings {
  std::vector<ApiKeyEntry> api_keys;
  std::vector<std::string> allowed_origins;  // empty: same origin as Host
};

class Api : public net::HttpHandler {
 public:
  Api(realtime::Services& services, ApiSettings settings);

  void handle(net::HttpRequest request, Respond respond) override;
  net::UpgradeDecision upgrade(const net::HttpRequest& request) override;
  net::HttpResponse error_response(const net::HttpRequest& request, ErrorCode code,
                                   std::string_view message) override;
  // POST /api/uploads streams its body to the upload directory (UploadSink).
  bool streams_body(const net::HttpRequest& head) const override;
  std::shared_ptr<net::BodySink> open_body(net::HttpRequest head, Respond respond) override;

  // For handlers.
  realtime::Services& services() noexcept { return services_; }
  const ApiSettings& settings() const noexcept { return settings_; }
  LoginThrottle& login_throttle() noexcept { return throttle_; }
  // An access code is a password: wrong codes are throttled per user and room and per address,
  // with the login limits.
  LoginThrottle& access_code_throttle() noexcept { return access_code_throttle_; }
  const UploadFiles& upload_files() const noexcept { return upload_files_; }
  UploadThrottle& upload_throttle() noexcept { return upload_throttle_; }
  // The API keys and allowed origins in force (the initial ones are those of ApiSettings).
  // Thread-safe.
  std::shared_ptr<const ReloadableSettings> reloadable() const;
  void reload(ReloadableSettings fresh);

  using Handler = std::function<void(const ExchangePtr&)>;
  // Runs `handler` on the worker pool with a route's error handling (503 when the pool is full).
  void run_on_worker(const ExchangePtr& exchange, Handler handler);
  enum class Run { on_worker, inline_ };  // inline_: cheap, non-blocking handlers only
  void add_route(std::string method, std::string pattern, Handler handler,
                 Run run = Run::on_worker);
  using Endpoint = void (*)(Api&, const ExchangePtr&);
  void add_endpoint(std::string method, std::string pattern, Endpoint endpoint,
                    Run run = Run::on_worker) {
    add_route(
        std::move(method), std::move(pattern),
        [this, endpoint](const ExchangePtr& ex) { endpoint(*this, ex); }, run);
  }

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{}" matches one segment
    Handler handler;
    Run run;
    std::string route_template;  // "/api/rooms/{id}", for logs and metrics
    std::size_t metric = 0;      // its row in obs::http_route_metrics()
  };
  // Requests that matched no route, or the web app's files, by method.
  std::size_t fallback_metric(std::string_view method, bool static_file) const;

  void run_route(const Route& route, const ExchangePtr& exchange);
  net::UpgradeDecision decide_upgrade(const net::HttpRequest& request, std::string request_id,
                                      const std::string& client);
  void invoke(const Handler& handler, const ExchangePtr& exchange);
  // The token's claims, kept only when its session is live (no store read: SessionRegistry).
  void check_session(Exchange& exchange);
  std::string request_id_for(const net::HttpRequest& request) const;

  realtime::Services& services_;
  ApiSettings settings_;
  LoginThrottle throttle_;
  LoginThrottle access_code_throttle_;
  UploadFiles upload_files_;
  UploadThrottle upload_throttle_;
  std::size_t upload_metric_ = 0;
  StaticFiles static_files_;
  std::vector<Route> routes_;
  mutable std::mutex reload_mutex_;
  std::shared_ptr<const ReloadableSettings> reloadable_;
  std::vector<std::size_t> fallback_metrics_;  // (method, static?) rows, see fallback_metric
  std::size_t upgrade_metric_ = 0;
};

// Registration of each area's routes (one file each).
void add_auth_routes(Api& api);
void add_room_routes(Api& api);
void add_search_routes(Api& api);
void add_upload_routes(Api& api);
void add_message_routes(Api& api);  // with the two below
void add_message_change_routes(Api& api);
void add_read_routes(Api& api);
void add_operations_routes(Api& api);
void add_admin_connection_routes(Api& api);
void add_client_health_routes(Api& api);
void add_publish_routes(Api& api);
void add_session_routes(Api& api);
void add_totp_routes(Api& api);
void add_admin_user_routes(Api& api);

// The credential of an `Authorization: Bearer <credential>` header (scheme case-insensitive), or
// empty.
std::string_view bearer_token(const net::HttpRequest& request);

// The verified caller, or 401.
const auth::AccessClaims& require_user(const ExchangePtr& exchange);

// POST /api/uploads once its headers arrived (upload_routes.cpp): the sink for its body, or
// nullptr after answering (401, 400, 429).
std::shared_ptr<net::BodySink> open_upload(Api& api, const ExchangePtr& exchange);
// Deletes the uploads past their time (UploadSettings) and their files; returns how many.
// Blocking: on a worker.
std::size_t collect_uploads(Api& api, std::int64_t now_ms);

}  // namespace parley::http

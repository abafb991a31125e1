#pragma once
// The REST API and the WebSocket entry: routes requests to handlers, runs them off the network
// threads, and turns their failures into the contract's errors. Implements net::HttpHandler.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/client_address.hpp"
#include "http/exchange.hpp"
#include "http/login_throttle.hpp"
#include "http/static_files.hpp"
#include "net/http_handler.hpp"
#include "realtime/services.hpp"

namespace parley::http {

struct ApiKeyEntry {
  std::string name;
  std::string key;
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
};

class Api : public net::HttpHandler {
 public:
  Api(realtime::Services& services, ApiSettings settings);

  void handle(net::HttpRequest request, Respond respond) override;
  net::UpgradeDecision upgrade(const net::HttpRequest& request) override;
  net::HttpResponse error_response(const net::HttpRequest& request, ErrorCode code,
                                   std::string_view message) override;

  // For handlers.
  realtime::Services& services() noexcept { return services_; }
  const ApiSettings& settings() const noexcept { return settings_; }
  LoginThrottle& login_throttle() noexcept { return throttle_; }

  using Handler = std::function<void(const ExchangePtr&)>;
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
  };

  void run_route(const Route& route, const ExchangePtr& exchange);
  static void invoke(const Handler& handler, const ExchangePtr& exchange);
  std::string request_id_for(const net::HttpRequest& request) const;

  realtime::Services& services_;
  ApiSettings settings_;
  LoginThrottle throttle_;
  StaticFiles static_files_;
  std::vector<Route> routes_;
};

// Registration of each area's routes (one file each).
void add_auth_routes(Api& api);
void add_room_routes(Api& api);
void add_message_routes(Api& api);  // with the two below
void add_message_change_routes(Api& api);
void add_read_routes(Api& api);
void add_operations_routes(Api& api);
void add_publish_routes(Api& api);

// The credential of an `Authorization: Bearer <credential>` header (scheme case-insensitive), or
// empty.
std::string_view bearer_token(const net::HttpRequest& request);

// The verified caller, or 401.
const auth::AccessClaims& require_user(const ExchangePtr& exchange);

}  // namespace parley::http

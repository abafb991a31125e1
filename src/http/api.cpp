#include "http/api.hpp"

#include <array>

#include <boost/json.hpp>

#include "auth/tokens.hpp"
#include "common/clock.hpp"
#include "http/query.hpp"
#include "http/ws_subprotocols.hpp"
#include "observability/http_route_metrics.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"
#include "protocol/validation.hpp"
#include "realtime/chat_session.hpp"
#include "realtime/connection_limits.hpp"
#include "realtime/session_check.hpp"
#include "store/store.hpp"

namespace parley::http {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  if (!out.empty() && out.back().empty()) out.pop_back();  // trailing slash
  return out;
}

// Methods counted on their own in the per-route metrics of unmatched paths; others are "OTHER".
constexpr std::array<std::string_view, 7> kKnownMethods = {"GET",   "HEAD",   "POST",   "PUT",
                                                           "PATCH", "DELETE", "OPTIONS"};

std::size_t method_index(std::string_view method) {
  for (std::size_t i = 0; i < kKnownMethods.size(); ++i)
    if (kKnownMethods[i] == method) return i;
  return kKnownMethods.size();
}

// "/api/rooms/{}/messages" -> "/api/rooms/{id}/messages".
std::string template_of(const std::string& pattern) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern.compare(i, 2, "{}") == 0) {
      out += "{id}";
      ++i;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

bool origin_allowed(const std::vector<std::string>& allowed, std::string_view origin,
                    std::string_view host) {
  if (origin.empty()) return true;  // not a browser
  if (allowed.empty())
    return origin == "http://" + std::string(host) || origin == "https://" + std::string(host);
  for (const auto& a : allowed)
    if (a == "*" || a == origin) return true;
  return false;
}

}  // namespace

Api::Api(realtime::Services& services, ApiSettings settings)
    : services_(services),
      settings_(std::move(settings)),
      throttle_(settings_.login_limits),
      access_code_throttle_(settings_.login_limits),
      upload_files_(settings_.uploads.dir),
      upload_throttle_(settings_.uploads.limits),
      static_files_(settings_.web_root) {
  reloadable_ = std::make_shared<const ReloadableSettings>(
      ReloadableSettings{settings_.api_keys, settings_.allowed_origins});
  auto& route_metrics = obs::http_route_metrics();
  upload_metric_ = route_metrics.route("POST", "/api/uploads");
  for (std::size_t i = 0; i <= kKnownMethods.size(); ++i) {
    std::string_view method = i < kKnownMethods.size() ? kKnownMethods[i] : "OTHER";
    fallback_metrics_.push_back(route_metrics.route(method, "unmatched"));
    fallback_metrics_.push_back(route_metrics.route(method, "static"));
  }
  upgrade_metric_ = route_metrics.route("GET", "/ws");
  add_auth_routes(*this);
  add_room_routes(*this);
  add_message_routes(*this);
  add_upload_routes(*this);
  add_search_routes(*this);
  add_operations_routes(*this);
  add_publish_routes(*this);
  add_admin_connection_routes(*this);
  add_client_health_routes(*this);
  add_session_routes(*this);
  add_totp_routes(*this);
  add_admin_user_routes(*this);
}

void Api::add_route(std::string method, std::string pattern, Handler handler, Run run) {
  std::string route_template = template_of(pattern);
  const std::size_t metric = obs::http_route_metrics().route(method, route_template);
  routes_.push_back({std::move(method), split_path(pattern), std::move(handler), run,
                     std::move(route_template), metric});
}

std::shared_ptr<const ReloadableSettings> Api::reloadable() const {
  std::lock_guard lock(reload_mutex_);
  return reloadable_;
}

void Api::reload(ReloadableSettings fresh) {
  auto next = std::make_shared<const ReloadableSettings>(std::move(fresh));
  std::lock_guard lock(reload_mutex_);
  reloadable_ = std::move(next);
}

std::size_t Api::fallback_metric(std::string_view method, bool static_file) const {
  return fallback_metrics_[method_index(method) * 2 + (static_file ? 1 : 0)];
}

std::string Api::request_id_for(const net::HttpRequest& request) const {
  std::string_view given = request.header("X-Request-Id");
  if (protocol::is_valid_request_id(given)) return std::string(given);
  return auth::random_token(12);
}

std::string_view bearer_token(const net::HttpRequest& request) {
  std::string_view h = request.header("Authorization");
  constexpr std::string_view prefix = "Bearer ";
  if (h.size() <= prefix.size()) return {};
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(h[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return {};
  return h.substr(prefix.size());
}

const auth::AccessClaims& require_user(const ExchangePtr& exchange) {
  if (!exchange->claims)
    throw ApiError(ErrorCode::unauthorized, "missing, invalid or expired token");
  return *exchange->claims;
}

void Api::handle(net::HttpRequest request, Respond respond) {
  request.remote_address = settings_.client_address.of(request);
  std::string request_id = request_id_for(request);
  auto exchange =
      std::make_shared<Exchange>(std::move(request), std::move(request_id), std::move(respond));
  const net::HttpRequest& req = exchange->request();
  exchange->route_metric = fallback_metric(req.method, false);
  if (auto token = bearer_token(req); !token.empty()) {
    exchange->claims = services_.jwt.verify(token, now_ms() / 1000);
    check_session(*exchange);
  }

  auto segments = split_path(req.path);
  bool path_matched = false;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    bool match = true;
    std::vector<std::string> params;
    for (std::size_t i = 0; i < segments.size() && match; ++i) {
      if (route.segments[i] == "{}")
        params.push_back(segments[i]);
      else
        match = route.segments[i] == segments[i];
    }
    if (!match) continue;
    path_matched = true;
    bool method_ok = route.method == req.method || (route.method == "GET" && req.method == "HEAD");
    if (!method_ok) continue;
    exchange->params = std::move(params);
    exchange->route_template = route.route_template;
    exchange->route_metric = route.metric;
    run_route(route, exchange);
    return;
  }
  bool api_path = req.path.rfind("/api/", 0) == 0 || req.path == "/api";
  if (path_matched || api_path) {
    exchange->fail(ErrorCode::not_found,
                   path_matched ? "method not allowed on this path" : "no such endpoint");
    return;
  }
  if ((req.method == "GET" || req.method == "HEAD") && static_files_.enabled()) {
    exchange->route_template = "static";
    exchange->route_metric = fallback_metric(req.method, true);
    bool accepted = services_.workers.submit([this, exchange] {
      auto response = static_files_.serve(exchange->request().path);
      if (!response) {
        exchange->fail(ErrorCode::not_found, "no such file");
        return;
      }
      if (exchange->request().method == "HEAD") response->body.clear();
      exchange->reply_raw(std::move(*response));
    });
    if (!accepted) exchange->fail(ErrorCode::unavailable, "server is busy, try again");
    return;
  }
  exchange->fail(ErrorCode::not_found, "no such resource");
}

bool Api::streams_body(const net::HttpRequest& head) const {
  return head.method == "POST" && head.path == "/api/uploads";
}

std::shared_ptr<net::BodySink> Api::open_body(net::HttpRequest head, Respond respond) {
  obs::metrics().http_requests.add();
  head.remote_address = settings_.client_address.of(head);
  std::string request_id = request_id_for(head);
  auto exchange =
      std::make_shared<Exchange>(std::move(head), std::move(request_id), std::move(respond));
  exchange->route_template = "/api/uploads";
  exchange->route_metric = upload_metric_;
  if (auto token = bearer_token(exchange->request()); !token.empty()) {
    exchange->claims = services_.jwt.verify(token, now_ms() / 1000);
    check_session(*exchange);  // a session not confirmed yet is checked before the row is stored
  }
  return open_upload(*this, exchange);
}

void Api::run_on_worker(const ExchangePtr& exchange, Handler handler) {
  bool accepted = services_.workers.submit(
      [this, handler = std::move(handler), exchange] { invoke(handler, exchange); });
  if (!accepted) exchange->fail(ErrorCode::unavailable, "server is busy, try again");
}

void Api::check_session(Exchange& exchange) {
  if (!exchange.claims) return;
  switch (services_.hub.sessions().status(exchange.claims->session_id, exchange.claims->user_id)) {
    case realtime::SessionRegistry::Status::live:
      return;
    case realtime::SessionRegistry::Status::refused:
      exchange.claims.reset();
      return;
    case realtime::SessionRegistry::Status::unknown:
      exchange.session_unconfirmed = true;
      return;
  }
}

void Api::invoke(const Handler& handler, const ExchangePtr& exchange) {
  try {
    if (exchange->session_unconfirmed) {
      exchange->session_unconfirmed = false;
      const auto& c = *exchange->claims;
      if (!realtime::session_is_live(services_.store, services_.hub.sessions(), c.session_id,
                                     c.user_id, now_ms()))
        exchange->claims.reset();
    }
    handler(exchange);
  } catch (const ApiError& e) {
    exchange->fail(e.code(), e.what(), e.retry_after_seconds());
  } catch (const store::StoreUnavailable& e) {
    obs::log_error("store unavailable", {obs::field("request_id", exchange->request_id()),
                                         obs::field("error", e.what())});
    exchange->fail(ErrorCode::unavailable, "a backing store is unavailable; nothing was changed");
  } catch (const std::exception& e) {
    obs::log_error("request failed",
                   {obs::field("request_id", exchange->request_id()),
                    obs::field("path", exchange->request().path), obs::field("error", e.what())});
    exchange->fail(ErrorCode::internal, "internal error; request id " + exchange->request_id());
  }
}

void Api::run_route(const Route& route, const ExchangePtr& exchange) {
  if (route.run == Run::inline_) {
    // Inline routes need no caller; a session not confirmed yet would need a store read here.
    if (exchange->session_unconfirmed) {
      exchange->session_unconfirmed = false;
      exchange->claims.reset();
    }
    invoke(route.handler, exchange);
    return;
  }
  bool accepted = services_.workers.submit(
      [this, handler = &route.handler, exchange] { invoke(*handler, exchange); });
  if (!accepted) exchange->fail(ErrorCode::unavailable, "server is busy, try again");
}

net::UpgradeDecision Api::upgrade(const net::HttpRequest& request) {
  const std::int64_t started_us = monotonic_us();
  std::string request_id = request_id_for(request);
  const std::string client = settings_.client_address.of(request);
  net::UpgradeDecision decision = decide_upgrade(request, request_id, client);
  const int status = decision.reject ? decision.reject->status : 101;
  const auto duration_us = monotonic_us() - started_us;
  obs::http_route_metrics().observe(upgrade_metric_, status,
                                    static_cast<std::uint64_t>(duration_us));
  obs::log_info("request", {obs::field("request_id", request_id), obs::field("method", "GET"),
                            obs::field("route", "/ws"), obs::field("client", client),
                            obs::field("status", status), obs::field("duration_us", duration_us)});
  return decision;
}

namespace {

net::HttpResponse refuse_connection(realtime::ConnectionLimits::Refusal refusal,
                                    const std::string& request_id) {
  using Refusal = realtime::ConnectionLimits::Refusal;
  realtime::count_refusal(refusal);
  // The server is full: 503. One address or one user has its share: 429, as for other limits.
  if (refusal == Refusal::total) {
    obs::metrics().count_error(ErrorCode::unavailable, "websocket connection cap reached");
    return make_error_response(ErrorCode::unavailable, "too many connections; try again later",
                               request_id, 5);
  }
  const char* message = refusal == Refusal::address ? "too many connections from this address"
                                                    : "too many connections for this user";
  obs::metrics().count_error(ErrorCode::rate_limited, message);
  return make_error_response(ErrorCode::rate_limited, message, request_id, 5);
}

}  // namespace

net::UpgradeDecision Api::decide_upgrade(const net::HttpRequest& request, std::string request_id,
                                         const std::string& client) {
  if (request.path != "/ws")
    return {make_error_response(ErrorCode::not_found, "no WebSocket endpoint here", request_id),
            nullptr,
            {}};
  if (!origin_allowed(reloadable()->allowed_origins, request.header("Origin"),
                      request.header("Host"))) {
    obs::metrics().count_error(ErrorCode::forbidden, "websocket origin not allowed");
    return {
        make_error_response(ErrorCode::forbidden, "origin not allowed", request_id), nullptr, {}};
  }
  // A token given in the URL, the header or the subprotocol list, even an empty one, must be
  // valid (the first of them, in that order).
  auto offered = parse_subprotocols(request.header_values("Sec-WebSocket-Protocol"));
  std::optional<std::string> token;
  if (auto q = query_param(request.query, "token"))
    token = std::move(*q);
  else if (!request.header("Authorization").empty())
    token = std::string(bearer_token(request));
  else if (offered.token)
    token = std::move(offered.token);
  std::optional<auth::AccessClaims> claims;
  bool session_confirmed = false;
  if (token) {
    claims = services_.jwt.verify(*token, now_ms() / 1000);
    auto status = claims ? services_.hub.sessions().status(claims->session_id, claims->user_id)
                         : realtime::SessionRegistry::Status::refused;
    if (status == realtime::SessionRegistry::Status::refused) {
      obs::metrics().count_error(ErrorCode::unauthorized,
                                 "websocket upgrade with an invalid token");
      return {make_error_response(ErrorCode::unauthorized, "invalid or expired token", request_id),
              nullptr,
              {}};
    }
    // Unknown here (started on another instance, or before a restart): the session checks it
    // against the store before it serves anything, and closes with 4001 if it has ended.
    session_confirmed = status == realtime::SessionRegistry::Status::live;
  }
  realtime::ConnectionSlot slot;
  if (services_.limits != nullptr) {
    auto refusal = realtime::ConnectionLimits::Refusal::none;
    slot = services_.limits->acquire(client, claims ? claims->user_id : 0, refusal);
    if (refusal != realtime::ConnectionLimits::Refusal::none)
      return {refuse_connection(refusal, request_id), nullptr, {}};
  }
  realtime::ConnectionInfo info{client, request_id, std::move(slot)};
  std::vector<net::Header> headers{{"X-Request-Id", std::move(request_id)}};
  // Only parley.v1 is ever selected: the entry carrying the token is never echoed.
  if (offered.parley_v1)
    headers.push_back({"Sec-WebSocket-Protocol", std::string(kParleySubprotocol)});
  return {std::nullopt,
          std::make_shared<realtime::ChatSession>(services_, std::move(claims), std::move(info),
                                                  session_confirmed),
          std::move(headers)};
}

net::HttpResponse Api::error_response(const net::HttpRequest& request, ErrorCode code,
                                      std::string_view message) {
  obs::metrics().count_error(code, message);
  return make_error_response(code, message, request_id_for(request));
}

}  // namespace parley::http

// Operations: /healthz, /readyz, /metrics, /api/admin/stats, PUT /api/admin/users/{id}/role.

#include <boost/json.hpp>

#include "common/clock.hpp"
#include "http/admin_access.hpp"
#include "http/api.hpp"
#include "observability/exposition.hpp"
#include "observability/metrics.hpp"
#include "observability/recent_errors.hpp"
#include "protocol/encode.hpp"

namespace parley::http {
namespace json = boost::json;
namespace {

const std::int64_t kStartedMs = now_ms();

void healthz(Api&, const ExchangePtr& ex) {
  ex->reply(200, json::object{{"status", "ok"}});
}

void readyz(Api& api, const ExchangePtr& ex) {
  json::array failing;
  bool store_ok = false;
  try {
    store_ok = api.services().store.ping();
  } catch (const std::exception&) {
  }
  if (!store_ok) failing.push_back("store");
  if (api.settings().readiness_failures)
    for (const auto& name : api.settings().readiness_failures())
      failing.push_back(json::string(name));
  if (failing.empty()) {
    ex->reply(200, json::object{{"status", "ready"}});
    return;
  }
  ex->reply(503, json::object{{"status", "unavailable"}, {"failing", std::move(failing)}});
}

void metrics_text(Api&, const ExchangePtr& ex) {
  net::HttpResponse response;
  response.status = 200;
  response.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  response.body = obs::render_exposition();
  ex->reply_raw(std::move(response));
}

double ms(std::uint64_t us) {
  return static_cast<double>(us) / 1000.0;
}

void stats(Api& api, const ExchangePtr& ex) {
  require_admin(api, ex);
  const auto& m = obs::metrics();
  auto& store = api.services().store;
  json::object errors;
  std::uint64_t errors_total = 0;
  for (int i = 0; i < kErrorCodeCount; ++i) {
    auto n = m.errors[static_cast<std::size_t>(i)].value();
    errors[to_string(static_cast<ErrorCode>(i))] = n;
    errors_total += n;
  }
  json::array recent;
  for (const auto& e : obs::recent_errors().snapshot())
    recent.push_back(json::object{
        {"ts", format_rfc3339_ms(e.ts_ms)}, {"code", to_string(e.code)}, {"message", e.message}});
  json::object reply{
      {"ts", format_rfc3339_ms(now_ms())},
      {"uptime_s", (now_ms() - kStartedMs) / 1000},
      {"connections", m.ws_connections.value()},
      {"connections_total", m.ws_connections_total.value()},
      {"users_online", m.users_online.value()},
      {"rooms_active", m.rooms_active.value()},
      {"messages_in", m.messages_in.value()},
      {"messages_out", m.messages_out.value()},
      {"notifications_out", m.notifications_out.value()},
      {"http_requests", m.http_requests.value()},
      {"frames_in", m.frames_in.value()},
      {"rate_limited", m.rate_limited.value()},
      {"rate_limit_closes", m.rate_limit_closes.value()},
      {"slow_consumer_closes", m.slow_consumer_closes.value()},
      {"store_batches", m.store_batches.value()},
      {"store_queue", api.services().writer.queued()},
      {"store_latency_p50_ms", ms(m.store_latency.quantile_us(0.5))},
      {"store_latency_p99_ms", ms(m.store_latency.quantile_us(0.99))},
      {"delivery_latency_p50_ms", ms(m.delivery_latency.quantile_us(0.5))},
      {"delivery_latency_p99_ms", ms(m.delivery_latency.quantile_us(0.99))},
      {"errors", std::move(errors)},
      {"errors_total", errors_total},
      {"recent_errors", std::move(recent)},
      {"users", store.count_users()},
      {"rooms", store.count_rooms()},
      {"messages", store.count_messages()},
  };
  ex->reply(200, reply);
}

void set_role(Api& api, const ExchangePtr& ex) {
  require_admin(api, ex);
  std::int64_t user_id = ex->id_param(0);
  auto body = ex->json_body();
  auto role = string_field(body, "role");
  if (role != "admin" && role != "user")
    throw ApiError(ErrorCode::bad_request, "field 'role' must be \"admin\" or \"user\"");
  auto& store = api.services().store;
  if (!store.set_role(user_id, role))
    throw ApiError(ErrorCode::not_found, "no user " + std::to_string(user_id));
  auto user = store.find_user(user_id);
  if (!user) throw ApiError(ErrorCode::not_found, "no user " + std::to_string(user_id));
  api.services().hub.change_role(user_id, role);
  auto data = json::serialize(json::object{{"user", protocol::user_json(*user)}, {"role", role}});
  api.services().hub.publish_to_users({user_id}, net::make_text_frame(protocol::notification_frame(
                                                     "user.role_changed", data, now_ms())));
  ex->reply(200, json::object{{"user", protocol::user_json(*user)}});
}

}  // namespace

void add_operations_routes(Api& api) {
  api.add_endpoint("GET", "/healthz", healthz, Api::Run::inline_);
  api.add_endpoint("GET", "/readyz", readyz);
  api.add_endpoint("GET", "/metrics", metrics_text, Api::Run::inline_);
  api.add_endpoint("GET", "/api/admin/stats", stats);
  api.add_endpoint("PUT", "/api/admin/users/{}/role", set_role);
}

}  // namespace parley::http

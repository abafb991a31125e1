// POST /api/client-health: the web app's own health (page loads, client errors, WebSocket
// reconnects), counted into /metrics. Open to anyone (the login page reports too), so it is
// rate-limited per client address and each report's counts are capped.

#include <boost/json.hpp>

#include "common/clock.hpp"
#include "http/api.hpp"
#include "http/report_throttle.hpp"
#include "observability/metrics.hpp"

namespace parley::http {
namespace json = boost::json;
namespace {

constexpr std::int64_t kMaxPerReport = 100;

ReportThrottle& throttle() {
  static ReportThrottle instance;
  return instance;
}

std::uint64_t count_field(const json::object& body, std::string_view name) {
  const json::value* v = body.if_contains(name);
  if (v == nullptr) return 0;
  const std::string field(name);
  if (!v->is_int64() && !v->is_uint64())
    throw ApiError(ErrorCode::bad_request, "field '" + field + "' must be an integer");
  if (!v->is_int64() || v->get_int64() < 0 || v->get_int64() > kMaxPerReport)
    throw ApiError(ErrorCode::bad_request,
                   "field '" + field + "' must be in [0, " + std::to_string(kMaxPerReport) + "]");
  return static_cast<std::uint64_t>(v->get_int64());
}

void client_health(Api&, const ExchangePtr& ex) {
  auto body = ex->json_body();
  const std::uint64_t loads = count_field(body, "page_loads");
  const std::uint64_t errors = count_field(body, "client_errors");
  const std::uint64_t reconnects = count_field(body, "ws_reconnects");
  auto& m = obs::metrics();
  if (int retry = throttle().admit(ex->request().remote_address, now_ms()); retry > 0) {
    m.web_reports_refused.add();
    throw ApiError(ErrorCode::rate_limited, "too many health reports; try again later", retry);
  }
  m.web_page_loads.add(loads);
  m.web_client_errors.add(errors);
  m.web_ws_reconnects.add(reconnects);
  ex->reply_no_content();
}

}  // namespace

void add_client_health_routes(Api& api) {
  api.add_endpoint("POST", "/api/client-health", client_health, Api::Run::inline_);
}

}  // namespace parley::http

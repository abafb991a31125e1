// The admin page's connected clients: GET /api/admin/connections (paged by id) and
// POST /api/admin/connections/{id}/disconnect. This instance's connections only.

#include <boost/json.hpp>

#include <charconv>

#include "common/clock.hpp"
#include "http/admin_access.hpp"
#include "http/api.hpp"
#include "http/query.hpp"
#include "realtime/connected_clients.hpp"

namespace parley::http {
namespace json = boost::json;
namespace {

constexpr std::chrono::milliseconds kGatherTimeout{2000};
constexpr std::int64_t kDefaultLimit = 50;
constexpr std::int64_t kMaxLimit = 200;

std::int64_t int_param(const ExchangePtr& ex, std::string_view name, std::int64_t fallback,
                       std::int64_t min, std::int64_t max) {
  auto text = query_param(ex->request().query, name);
  if (!text) return fallback;
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || ptr != text->data() + text->size() || v < min || v > max)
    throw ApiError(ErrorCode::bad_request, "'" + std::string(name) + "' must be an integer in [" +
                                               std::to_string(min) + ", " + std::to_string(max) +
                                               "]");
  return v;
}

json::object client_json(const realtime::ClientSummary& c) {
  json::array rooms;
  for (auto id : c.rooms) rooms.push_back(id);
  return {{"id", c.id},
          {"user", json::object{{"id", c.user_id}, {"username", c.username}}},
          {"address", c.address},
          {"since", format_rfc3339_ms(c.since_ms)},
          {"rooms", std::move(rooms)},
          {"outbound_bytes", c.outbound_bytes}};
}

void list_connections(Api& api, const ExchangePtr& ex) {
  require_admin(api, ex);
  const std::int64_t after = int_param(ex, "after", 0, 0, INT64_MAX);
  const std::int64_t limit = int_param(ex, "limit", kDefaultLimit, 1, kMaxLimit);
  std::vector<realtime::ClientSummary> all;
  if (auto* clients = api.services().clients) {
    auto collected = clients->collect(api.services().hub, kGatherTimeout);
    if (!collected)
      throw ApiError(ErrorCode::unavailable, "the connections did not answer in time");
    all = std::move(*collected);
  }
  json::array page;
  std::optional<std::uint64_t> last;
  bool more = false;
  for (const auto& c : all) {
    if (c.id <= static_cast<std::uint64_t>(after)) continue;
    if (static_cast<std::int64_t>(page.size()) == limit) {
      more = true;
      break;
    }
    page.push_back(client_json(c));
    last = c.id;
  }
  json::value next = nullptr;
  if (more && last) next = *last;
  ex->reply(200, json::object{{"connections", std::move(page)},
                              {"total", all.size()},
                              {"next_after", std::move(next)}});
}

void disconnect(Api& api, const ExchangePtr& ex) {
  require_admin(api, ex);
  const auto id = static_cast<std::uint64_t>(ex->id_param(0));
  auto* clients = api.services().clients;
  if (clients == nullptr || !clients->disconnect(api.services().hub, id, kGatherTimeout))
    throw ApiError(ErrorCode::not_found, "no connection " + std::to_string(id));
  ex->reply_no_content();
}

}  // namespace

void add_admin_connection_routes(Api& api) {
  api.add_endpoint("GET", "/api/admin/connections", list_connections);
  api.add_endpoint("POST", "/api/admin/connections/{}/disconnect", disconnect);
}

}  // namespace parley::http

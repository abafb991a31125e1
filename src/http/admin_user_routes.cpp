// Admin user management: GET /api/admin/users (a page of users), and v1.1 deactivation:
// POST /api/admin/users/{id}/deactivate, POST /api/admin/users/{id}/reactivate.

#include <boost/json.hpp>

#include "common/clock.hpp"
#include "http/admin_access.hpp"
#include "http/api.hpp"
#include "http/query.hpp"
#include "protocol/encode.hpp"
#include "protocol/validation.hpp"

namespace parley::http {
namespace json = boost::json;
namespace {

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 100;

void list_users(Api& api, const ExchangePtr& ex) {
  require_admin(api, ex);
  const std::string& query = ex->request().query;
  std::int64_t after = 0;
  if (auto text = query_param(query, "after")) {
    auto id = protocol::parse_id(*text, 0);
    if (!id) throw ApiError(ErrorCode::bad_request, "query parameter 'after' must be an id");
    after = *id;
  }
  int limit = kDefaultLimit;
  if (auto text = query_param(query, "limit")) {
    auto n = protocol::parse_id(*text);
    if (!n || *n > kMaxLimit)
      throw ApiError(ErrorCode::bad_request, "query parameter 'limit' must be 1 to 100");
    limit = static_cast<int>(*n);
  }
  auto users = api.services().store.list_users(after, limit + 1);
  bool more = static_cast<int>(users.size()) > limit;
  if (more) users.pop_back();
  json::array out;
  for (const auto& u : users) out.push_back(protocol::user_json(u));
  json::value next = more ? json::value(users.back().id) : json::value(nullptr);
  ex->reply(200, json::object{{"users", std::move(out)}, {"next_after", std::move(next)}});
}

void deactivate(Api& api, const ExchangePtr& ex) {
  auto admin = require_admin(api, ex);
  std::int64_t user_id = ex->id_param(0);
  // An admin locking themselves out (perhaps the last admin) is never what was meant.
  if (user_id == admin.id)
    throw ApiError(ErrorCode::conflict, "an admin cannot deactivate their own account");
  auto& store = api.services().store;
  auto user = store.set_deactivated(user_id, true);
  if (!user) throw ApiError(ErrorCode::not_found, "no user " + std::to_string(user_id));
  // After the flag: a login racing this one cannot start a session the line below misses.
  api.services().hub.end_sessions(user_id, store.end_sessions(user_id, 0, now_ms()));
  ex->reply(200, json::object{{"user", protocol::user_json(*user)}});
}

void reactivate(Api& api, const ExchangePtr& ex) {
  require_admin(api, ex);
  std::int64_t user_id = ex->id_param(0);
  auto user = api.services().store.set_deactivated(user_id, false);
  if (!user) throw ApiError(ErrorCode::not_found, "no user " + std::to_string(user_id));
  ex->reply(200, json::object{{"user", protocol::user_json(*user)}});
}

}  // namespace

void add_admin_user_routes(Api& api) {
  api.add_endpoint("GET", "/api/admin/users", list_users);
  api.add_endpoint("POST", "/api/admin/users/{}/deactivate", deactivate);
  api.add_endpoint("POST", "/api/admin/users/{}/reactivate", reactivate);
}

}  // namespace parley::http

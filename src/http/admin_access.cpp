#include "http/admin_access.hpp"

namespace parley::http {

domain::User require_admin(Api& api, const ExchangePtr& exchange) {
  const auto& claims = require_user(exchange);
  auto user = api.services().store.find_user(claims.user_id);
  if (!user) throw ApiError(ErrorCode::unauthorized, "unknown user");
  if (user->role != "admin") throw ApiError(ErrorCode::forbidden, "admins only");
  return *user;
}

}  // namespace parley::http

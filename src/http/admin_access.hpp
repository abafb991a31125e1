#pragma once
// The admin check: the caller's current role in the store (a token's role claim may be stale).

#include "domain/user.hpp"
#include "http/api.hpp"

namespace parley::http {

// 401 without a valid token, 403 when the caller is not an admin now.
domain::User require_admin(Api& api, const ExchangePtr& exchange);

}  // namespace parley::http

#pragma once
// The admin check: the caller's current role in the store (a token's role claim may be stale).

#include "http/api.hpp"
#include "store/records.hpp"

namespace parley::http {

// 401 without a valid token, 403 when the caller is not an admin now.
store::User require_admin(Api& api, const ExchangePtr& exchange);

}  // namespace parley::http

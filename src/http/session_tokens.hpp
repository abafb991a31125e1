#pragma once
// Starting a session (register, login) and the token pair every auth reply carries.

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "domain/user.hpp"
#include "http/api.hpp"

namespace parley::http {

inline constexpr std::size_t kMaxUserAgentBytes = 256;

// {"user", "access_token" (with the session as sid), "refresh_token", "token_type", "expires_in"}.
boost::json::object token_reply(Api& api, const domain::User& user,
                                const std::string& refresh_token, std::int64_t session_id);

// A new session for `user`, from the client of `exchange` (its User-Agent and address), and its
// token reply. 401 when the user was deactivated meanwhile.
boost::json::object start_session(Api& api, const Exchange& exchange, const domain::User& user);

// A User-Agent as stored and shown: printable ASCII (anything else becomes '?'), at most
// kMaxUserAgentBytes.
std::string sanitize_user_agent(std::string_view user_agent);

}  // namespace parley::http

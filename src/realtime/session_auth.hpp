#pragma once
// How one WebSocket client becomes a known user: by the upgrade request's token, or by an `auth`
// frame within the deadline. Frames the client pipelines while its user record loads are kept
// (within a byte budget) and handed back, in order, once it is known. The token's session must be
// live (SessionRegistry, or the store for a session this instance does not know yet).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/jwt.hpp"
#include "realtime/session_context.hpp"

namespace parley::realtime {

class SessionAuth {
 public:
  enum class State { awaiting_auth, loading_user, ready, failed };

  // `on_ready` runs once the user is known (ctx.user set) and returns false when the connection
  // is closing after all (its session ended meanwhile); `replay` then receives each frame held
  // meanwhile. `session_confirmed`: the upgrade's token's session is known live already.
  SessionAuth(SessionContext& ctx, std::optional<auth::AccessClaims> upgrade_claims,
              bool session_confirmed, std::function<bool()> on_ready,
              std::function<void(std::string_view)> replay);

  // The connection is open: loads the upgrade's user, or arms the auth-frame deadline.
  void start();
  // An `auth` frame's token (`ref` for the reply).
  void on_auth_frame(const std::optional<std::string>& ref, const std::string& token);
  // Refuses the client: error frame and close 4001.
  void fail(const std::optional<std::string>& ref, std::string_view message);
  // While the user loads: keeps `payload` for later and returns true.
  bool hold(std::string_view payload);

  State state() const noexcept { return state_; }
  // The login session of the token (its sid); 0 before one was presented.
  std::int64_t session_id() const noexcept { return session_id_; }

 private:
  struct Loaded;
  // `reply`: answer with `authed` (authentication by frame, not by the upgrade request).
  // `check_session`: the registry does not know the token's session; the store decides.
  void load_user(const std::optional<std::string>& ref, auth::AccessClaims claims, bool reply,
                 bool check_session);
  void on_loaded(const std::optional<std::string>& ref, bool reply, Loaded loaded);

  SessionContext& ctx_;
  std::optional<auth::AccessClaims> upgrade_claims_;
  bool session_confirmed_ = false;
  std::int64_t session_id_ = 0;
  std::function<bool()> on_ready_;
  std::function<void(std::string_view)> replay_;
  State state_ = State::awaiting_auth;
  std::vector<std::string> held_;
  std::size_t held_bytes_ = 0;
};

}  // namespace parley::realtime

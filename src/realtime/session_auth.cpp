#include "realtime/session_auth.hpp"

#include <chrono>

#include "common/clock.hpp"
#include "protocol/encode.hpp"
#include "realtime/session_check.hpp"

namespace parley::realtime {
namespace {

constexpr std::uint16_t kCloseAuthFailed = 4001;
constexpr std::uint16_t kCloseTryAgainLater = 1013;
// Frames a client pipelines while its user record loads are kept, within a byte budget.
constexpr std::size_t kMaxHeldBytes = 1 << 20;

}  // namespace

struct SessionAuth::Loaded {
  std::optional<domain::User> user;
  bool unavailable = false;
  std::string refusal;  // why the token does not authenticate, when it does not
};

SessionAuth::SessionAuth(SessionContext& ctx, std::optional<auth::AccessClaims> upgrade_claims,
                         bool session_confirmed, std::function<bool()> on_ready,
                         std::function<void(std::string_view)> replay)
    : ctx_(ctx),
      upgrade_claims_(std::move(upgrade_claims)),
      session_confirmed_(session_confirmed),
      on_ready_(std::move(on_ready)),
      replay_(std::move(replay)) {}

void SessionAuth::start() {
  if (upgrade_claims_) {
    auto claims = std::move(*upgrade_claims_);
    upgrade_claims_.reset();
    load_user(std::nullopt, std::move(claims), false, !session_confirmed_);
    return;
  }
  ctx_.post_after(std::chrono::milliseconds(ctx_.services.settings.auth_timeout_ms), [this] {
    if (state_ == State::awaiting_auth) fail(std::nullopt, "no auth frame in time");
  });
}

void SessionAuth::on_auth_frame(const std::optional<std::string>& ref, const std::string& token) {
  if (state_ != State::awaiting_auth) {
    ctx_.send_error(ref, ErrorCode::bad_request, "already authenticated");
    return;
  }
  auto claims = ctx_.services.jwt.verify(token, now_ms() / 1000);
  if (!claims) {
    fail(ref, "invalid or expired token");
    return;
  }
  auto status = ctx_.services.hub.sessions().status(claims->session_id, claims->user_id);
  if (status == SessionRegistry::Status::refused) {
    fail(ref, "session ended");
    return;
  }
  load_user(ref, std::move(*claims), true, status == SessionRegistry::Status::unknown);
}

void SessionAuth::fail(const std::optional<std::string>& ref, std::string_view message) {
  ctx_.send_error(ref, ErrorCode::unauthorized, message);
  state_ = State::failed;
  ctx_.close_connection(kCloseAuthFailed, "unauthorized");
}

bool SessionAuth::hold(std::string_view payload) {
  if (state_ != State::loading_user) return false;
  if (held_bytes_ + payload.size() > kMaxHeldBytes) {
    ctx_.send_error(std::nullopt, ErrorCode::rate_limited, "too many frames before authentication");
    return true;
  }
  held_bytes_ += payload.size();
  held_.emplace_back(payload);
  return true;
}

void SessionAuth::load_user(const std::optional<std::string>& ref, auth::AccessClaims claims,
                            bool reply, bool check_session) {
  state_ = State::loading_user;
  session_id_ = claims.session_id;
  store::Store& store = ctx_.services.store;
  SessionRegistry& sessions = ctx_.services.hub.sessions();
  const std::int64_t id = claims.user_id;
  const std::int64_t session_id = claims.session_id;
  bool accepted = ctx_.off_thread(
      ref,
      [&store, &sessions, id, session_id, check_session] {
        Loaded loaded;
        try {
          if (check_session && !session_is_live(store, sessions, session_id, id, now_ms())) {
            loaded.refusal = "session ended";
            return loaded;
          }
          loaded.user = store.find_user(id);
          if (loaded.user && loaded.user->deactivated) {
            loaded.user.reset();
            loaded.refusal = "account deactivated";
          }
        } catch (const store::StoreUnavailable&) {
          loaded.unavailable = true;
        }
        return loaded;
      },
      [this, ref, reply](Loaded loaded) { on_loaded(ref, reply, std::move(loaded)); });
  if (accepted) return;
  // The pool refused the lookup: an auth frame may be sent again; an upgrade's token cannot.
  held_.clear();
  held_bytes_ = 0;
  state_ = State::awaiting_auth;
  if (!reply) ctx_.close_connection(kCloseTryAgainLater, "server busy");
}

void SessionAuth::on_loaded(const std::optional<std::string>& ref, bool reply, Loaded loaded) {
  if (loaded.unavailable) {
    held_.clear();
    held_bytes_ = 0;
    state_ = State::awaiting_auth;
    ctx_.send_error(ref, ErrorCode::unavailable, "store unavailable, try again");
    if (!reply) ctx_.close_connection(kCloseTryAgainLater, "store unavailable");
    return;
  }
  if (!loaded.user) {
    fail(ref, loaded.refusal.empty() ? "unknown user" : loaded.refusal);
    return;
  }
  ctx_.user = std::move(*loaded.user);
  state_ = State::ready;
  if (!on_ready_()) return;
  if (reply) ctx_.send_text(protocol::authed_frame(ref, ctx_.user));
  auto held = std::move(held_);
  held_.clear();
  held_bytes_ = 0;
  for (const auto& text : held) {
    if (state_ != State::ready || ctx_.closed()) break;
    replay_(text);
  }
}

}  // namespace parley::realtime

#pragma once
// A connection as its network thread sees it: listed while open so that shutdown can reach it.

#include <cstddef>
#include <memory>
#include <vector>

namespace parley::net::detail {

class ServerState;
class SessionList;

class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  SessionBase(const SessionBase&) = delete;
  SessionBase& operator=(const SessionBase&) = delete;
  virtual ~SessionBase();

  // On the session's thread, at shutdown: let in-flight work finish, then close (WebSocket: 1001).
  virtual void shutdown() = 0;

  // Closes at once, without any handshake: the server is stopping and its threads no longer run.
  virtual void terminate() = 0;

  // Writes what was queued (see FlushQueue). On the session's thread.
  virtual void flush() {}

 protected:
  SessionBase(ServerState& server, std::size_t index) noexcept : server_(server), index_(index) {}

  // Lists the session on its thread and counts it live. Call on that thread, once.
  void attach();
  // Unlists it; the last detach of a draining server stops it. Idempotent.
  void detach();

  ServerState& server_;
  std::size_t index_;

 private:
  friend class SessionList;
  SessionList* list_ = nullptr;  // set while attached
  SessionBase* prev_ = nullptr;
  SessionBase* next_ = nullptr;
};

// The intrusive list of one thread's open sessions (touched only on that thread).
class SessionList {
 public:
  void push(SessionBase* s) noexcept;
  void remove(SessionBase* s) noexcept;
  std::vector<std::shared_ptr<SessionBase>> snapshot() const;

 private:
  SessionBase* head_ = nullptr;
};

}  // namespace parley::net::detail

#pragma once
// The authenticated WebSocket clients of this instance, for the admin page: one list per network
// thread, each touched only on its own thread (like the sessions in it). A listing or a
// disconnect from elsewhere is posted to every thread and answered from there.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "realtime/hub.hpp"

namespace parley::realtime {

struct ClientSummary {
  std::uint64_t id = 0;  // this instance's connection number
  std::int64_t user_id = 0;
  std::string username;
  std::string address;        // the client's address (behind trusted proxies: the forwarded one)
  std::int64_t since_ms = 0;  // when it connected (Unix ms)
  std::vector<std::int64_t> rooms;
  std::size_t outbound_bytes = 0;  // queued, not yet written
};

// What a listed connection offers; called on its own thread only.
class ConnectedClient {
 public:
  virtual ~ConnectedClient() = default;
  virtual ClientSummary summary() const = 0;
  virtual void disconnect() = 0;
};

class ConnectedClients {
 public:
  explicit ConnectedClients(std::size_t threads) : shards_(threads) {}

  // On network thread `thread`.
  void add(std::size_t thread, std::uint64_t id, ConnectedClient* client);
  void remove(std::size_t thread, std::uint64_t id);

  // From a thread that is not a network thread (it blocks until every thread answered, or
  // `timeout`: then nullopt). Sorted by id.
  std::optional<std::vector<ClientSummary>> collect(Hub& hub, std::chrono::milliseconds timeout);
  // Closes connection `id` (posted to its thread); false when no thread knows it or on timeout.
  bool disconnect(Hub& hub, std::uint64_t id, std::chrono::milliseconds timeout);

 private:
  std::vector<std::map<std::uint64_t, ConnectedClient*>> shards_;
};

}  // namespace parley::realtime

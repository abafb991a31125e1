#include "realtime/connected_clients.hpp"

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace parley::realtime {
namespace {

// Answers gathered from every network thread.
template <typename T>
struct Gathering {
  std::mutex mutex;
  std::condition_variable done;
  std::size_t waiting = 0;
  T result{};
};

}  // namespace

void ConnectedClients::add(std::size_t thread, std::uint64_t id, ConnectedClient* client) {
  shards_.at(thread)[id] = client;
}

void ConnectedClients::remove(std::size_t thread, std::uint64_t id) {
  shards_.at(thread).erase(id);
}

std::optional<std::vector<ClientSummary>> ConnectedClients::collect(
    Hub& hub, std::chrono::milliseconds timeout) {
  auto g = std::make_shared<Gathering<std::vector<ClientSummary>>>();
  g->waiting = shards_.size();
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    hub.post(i, [this, i, g] {
      std::vector<ClientSummary> mine;
      for (const auto& [id, client] : shards_[i]) mine.push_back(client->summary());
      std::lock_guard lock(g->mutex);
      for (auto& s : mine) g->result.push_back(std::move(s));
      if (--g->waiting == 0) g->done.notify_all();
    });
  }
  std::unique_lock lock(g->mutex);
  if (!g->done.wait_for(lock, timeout, [&] { return g->waiting == 0; })) return std::nullopt;
  auto out = std::move(g->result);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

bool ConnectedClients::disconnect(Hub& hub, std::uint64_t id, std::chrono::milliseconds timeout) {
  auto g = std::make_shared<Gathering<bool>>();
  g->waiting = shards_.size();
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    hub.post(i, [this, i, id, g] {
      bool found = false;
      if (auto it = shards_[i].find(id); it != shards_[i].end()) {
        it->second->disconnect();
        found = true;
      }
      std::lock_guard lock(g->mutex);
      g->result = g->result || found;
      if (--g->waiting == 0) g->done.notify_all();
    });
  }
  std::unique_lock lock(g->mutex);
  if (!g->done.wait_for(lock, timeout, [&] { return g->waiting == 0; })) return false;
  return g->result;
}

}  // namespace parley::realtime

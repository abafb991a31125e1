#include "store/sqlite/pending_client_keys.hpp"

#include <algorithm>
#include <iterator>
#include <limits>

namespace parley::store {

std::optional<std::int64_t> PendingClientKeys::find(const ClientKeyView& key) const {
  if (auto it = open_.find(key); it != open_.end()) return it->second;
  if (auto it = sealed_.find(key); it != sealed_.end()) return it->second;
  return std::nullopt;
}

void PendingClientKeys::add(ClientKey key, std::int64_t message_id) {
  open_.insert_or_assign(std::move(key), message_id);
  open_max_id_ = std::max(open_max_id_, message_id);
}

void PendingClientKeys::remove(const ClientKey& key) {
  open_.erase(key);
}

void PendingClientKeys::erase_room(std::int64_t room_id) {
  for (Generation* generation : {&open_, &sealed_}) {
    auto first = generation->lower_bound(
        ClientKeyView{room_id, std::numeric_limits<std::int64_t>::min(), {}});
    auto last = first;
    while (last != generation->end() && last->first.room_id == room_id) ++last;
    generation->erase(first, last);
  }
}

void PendingClientKeys::seal_if_full() {
  if (sealed_active_ || open_.size() < generation_size_) return;
  sealed_.swap(open_);
  open_.clear();
  sealed_max_id_ = open_max_id_;
  sealed_active_ = true;
}

std::vector<PendingKey> PendingClientKeys::next_chunk(std::size_t max) const {
  std::vector<PendingKey> chunk;
  chunk.reserve(std::min(max, sealed_.size()));
  for (auto it = sealed_.begin(); it != sealed_.end() && chunk.size() < max; ++it) {
    chunk.push_back({&it->first, it->second});
  }
  return chunk;
}

void PendingClientKeys::written(std::size_t count) {
  const bool drained = drains(count);
  sealed_.erase(sealed_.begin(), std::next(sealed_.begin(), static_cast<std::ptrdiff_t>(count)));
  if (drained) sealed_active_ = false;
}

}  // namespace parley::store

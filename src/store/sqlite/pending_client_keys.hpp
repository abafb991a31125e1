#pragma once
// Idempotency keys (room, sender, client_id) of stored messages that are not yet in the
// message_keys table. Writing each key into that table with its message would dirty one scattered
// index leaf per message (rooms interleave and client ids are random), which is most of the
// store's cost per message once the table outgrows the cache. Instead keys collect here and go to
// the table a generation at a time, in key order, so that one leaf write carries many keys.
//
// Keys live in two generations: `open` takes new keys; when it is full it is sealed, and the
// sealed keys are written in key-ordered chunks alongside later commits. Both are searched for
// duplicates before the table. Not thread-safe: the store uses it under its write lock.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace parley::store {

struct ClientKey {
  std::int64_t room_id = 0;
  std::int64_t user_id = 0;
  std::string client_id;
};

// A key to look up without copying its client id.
struct ClientKeyView {
  std::int64_t room_id = 0;
  std::int64_t user_id = 0;
  std::string_view client_id;
};

struct ClientKeyLess {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    // Compared as string_views: a std::string and a std::string_view member do not compare as
    // tuples under clang.
    using Key = std::tuple<std::int64_t, std::int64_t, std::string_view>;
    return Key(a.room_id, a.user_id, a.client_id) < Key(b.room_id, b.user_id, b.client_id);
  }
};

struct PendingKey {
  const ClientKey* key;
  std::int64_t message_id;
};

class PendingClientKeys {
 public:
  explicit PendingClientKeys(std::size_t generation_size) : generation_size_(generation_size) {}

  // The message id stored under this key, if the key is pending.
  std::optional<std::int64_t> find(const ClientKeyView& key) const;

  // A new key of a message just inserted (ids grow, so `message_id` is the newest).
  void add(ClientKey key, std::int64_t message_id);
  // Undoes add() of a key whose transaction rolled back.
  void remove(const ClientKey& key);
  // The room was deleted with its messages: its keys must not be written.
  void erase_room(std::int64_t room_id);

  // Seals the open generation when it is full and no sealed one is left to write.
  void seal_if_full();
  // Up to `max` sealed keys in key order, to write in the current transaction.
  std::vector<PendingKey> next_chunk(std::size_t max) const;
  // Whether writing `count` keys finishes the sealed generation: the same transaction then
  // records sealed_through(), below which every message has its key in the table.
  bool drains(std::size_t count) const { return sealed_active_ && count == sealed_.size(); }
  std::int64_t sealed_through() const { return sealed_max_id_; }
  // After the transaction that wrote them committed: forgets the first `count` sealed keys.
  void written(std::size_t count);

  std::size_t open_size() const { return open_.size(); }
  std::size_t sealed_size() const { return sealed_.size(); }

 private:
  using Generation = std::map<ClientKey, std::int64_t, ClientKeyLess>;

  std::size_t generation_size_;
  Generation open_;
  std::int64_t open_max_id_ = 0;
  Generation sealed_;
  std::int64_t sealed_max_id_ = 0;
  bool sealed_active_ = false;  // sealed and not yet recorded as written (it may be empty)
};

}  // namespace parley::store

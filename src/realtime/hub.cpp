#include "realtime/hub.hpp"

#include "common/clock.hpp"
#include "observability/metrics.hpp"
#include "protocol/encode.hpp"

namespace parley::realtime {

Hub::Hub(std::size_t threads, Poster poster) : poster_(std::move(poster)) {
  shards_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) shards_.push_back(std::make_unique<HubShard>());
}

void Hub::publish_to_room(Delivery delivery) {
  auto shared = std::make_shared<const Delivery>(std::move(delivery));
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    poster_(i, [shard = shards_[i].get(), shared] {
      std::size_t n = shard->deliver_to_room(*shared);
      if (shared->kind == Delivery::Kind::message) {
        obs::metrics().messages_out.add(n);
        if (n > 0 && shared->committed_us > 0)
          obs::metrics().delivery_latency.observe_us(
              static_cast<std::uint64_t>(monotonic_us() - shared->committed_us));
      }
    });
  }
}

void Hub::publish_room_deleted(std::int64_t room_id) {
  auto shared = std::make_shared<const Delivery>(
      Delivery{Delivery::Kind::room_deleted, room_id, 0, 0, 0,
               net::make_text_frame(protocol::room_deleted_frame(room_id))});
  presence_.drop_room(room_id);
  for (std::size_t i = 0; i < shards_.size(); ++i)
    poster_(i, [shard = shards_[i].get(), shared] { shard->deliver_room_deleted(*shared); });
}

std::size_t Hub::publish_to_users(const std::vector<std::int64_t>& user_ids,
                                  net::SharedFrame frame) {
  std::size_t targeted = 0;
  for (auto id : user_ids) targeted += presence_.connections_of(id);
  if (targeted == 0) return 0;
  auto shared = std::make_shared<const Delivery>(
      Delivery{Delivery::Kind::notification, 0, 0, 0, 0, std::move(frame)});
  auto ids = std::make_shared<const std::vector<std::int64_t>>(user_ids);
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    poster_(i, [shard = shards_[i].get(), shared, ids] {
      std::size_t n = 0;
      for (auto id : *ids) n += shard->deliver_to_user(id, *shared);
      obs::metrics().notifications_out.add(n);
    });
  }
  return targeted;
}

std::size_t Hub::publish_notification_to_room(std::int64_t room_id, net::SharedFrame frame) {
  std::size_t targeted = presence_.connections_in(room_id);
  if (targeted == 0) return 0;
  publish_to_room(Delivery{Delivery::Kind::notification, room_id, 0, 0, 0, std::move(frame)});
  return targeted;
}

void Hub::end_membership(std::int64_t room_id, std::int64_t user_id) {
  for (std::size_t i = 0; i < shards_.size(); ++i)
    poster_(i, [shard = shards_[i].get(), room_id, user_id] { shard->end_membership(room_id, user_id); });
}

void Hub::change_role(std::int64_t user_id, const std::string& role) {
  presence_.change_role(user_id, role);
  for (std::size_t i = 0; i < shards_.size(); ++i)
    poster_(i, [shard = shards_[i].get(), user_id, role] { shard->change_role(user_id, role); });
}

std::size_t Hub::publish_to_role(const std::string& role, net::SharedFrame frame) {
  std::size_t targeted = presence_.connections_with_role(role);
  if (targeted == 0) return 0;
  auto shared = std::make_shared<const Delivery>(
      Delivery{Delivery::Kind::notification, 0, 0, 0, 0, std::move(frame)});
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    poster_(i, [shard = shards_[i].get(), shared, role] {
      obs::metrics().notifications_out.add(shard->deliver_to_role(role, *shared));
    });
  }
  return targeted;
}

}  // namespace parley::realtime

#include "realtime/hub.hpp"

#include <algorithm>

#include "common/clock.hpp"
#include "observability/metrics.hpp"
#include "protocol/encode.hpp"

namespace parley::realtime {

Hub::Hub(std::size_t threads, Poster poster) : poster_(std::move(poster)) {
  shards_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) shards_.push_back(std::make_unique<HubShard>());
}

thread_local Hub::Batch* Hub::batch_ = nullptr;

std::size_t Hub::relay(RemoteEvent event) {
  return relay_ ? relay_->forward(event) : 0;
}

void Hub::post(std::size_t index, std::function<void()> task) {
  if (batch_ != nullptr && batch_->hub == this) {
    batch_->tasks[index].push_back(std::move(task));
    return;
  }
  poster_(index, std::move(task));
}

void Hub::begin_batch() {
  static thread_local Batch batch;
  batch.hub = this;
  batch.tasks.resize(shards_.size());
  batch_ = &batch;
  if (relay_) relay_->begin_batch();
}

void Hub::order_deliveries(DeliveryOrder::Changes changes, DeliveryOrder::Healthy bus_healthy,
                           std::optional<std::int64_t> watermark, std::chrono::milliseconds hold) {
  order_ = std::make_unique<DeliveryOrder>(
      [this](Delivery d) { fan_out_to_room(std::move(d)); }, std::move(changes),
      [this] { return presence_.active_rooms(); }, std::move(bus_healthy), hold);
  order_->start(watermark);
}

void Hub::stop_delivery_order() {
  if (order_) order_->stop();
}

void Hub::end_batch(std::int64_t after) {
  if (batch_ == nullptr) return;
  Batch* batch = batch_;
  batch_ = nullptr;
  if (relay_) relay_->end_batch();
  if (!batch->ordered.empty()) {
    OrderedBatch ordered{after, std::max(after, batch->ordered.back().position),
                         std::move(batch->ordered)};
    batch->ordered.clear();
    if (relay_) relay_->forward_batch(ordered);
    order_->local(std::move(ordered));
  }
  for (std::size_t i = 0; i < batch->tasks.size(); ++i) {
    auto& tasks = batch->tasks[i];
    if (tasks.empty()) continue;
    if (tasks.size() == 1) {
      poster_(i, std::move(tasks.front()));
    } else {
      poster_(i, [run = std::move(tasks)]() {
        for (const auto& task : run) task();
      });
    }
    tasks.clear();
  }
}

void Hub::publish_to_room(Delivery delivery) {
  if (order_ && delivery.kind == Delivery::Kind::room_event && batch_ != nullptr &&
      batch_->hub == this) {
    batch_->ordered.push_back(std::move(delivery));  // relayed and delivered in end_batch
    return;
  }
  if (relay_) relay({RemoteEvent::Target::room, delivery, {}, {}});
  fan_out_to_room(std::move(delivery));
}

void Hub::fan_out_to_room(Delivery delivery) {
  auto shared = std::make_shared<const Delivery>(std::move(delivery));
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    post(i, [shard = shards_[i].get(), shared] {
      std::size_t n = shard->deliver_to_room(*shared);
      if (shared->kind == Delivery::Kind::room_event) {
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
      Delivery::room_deleted(room_id, net::make_text_frame(protocol::room_deleted_frame(room_id))));
  relay({RemoteEvent::Target::room_deleted, *shared, {}, {}});
  fan_out_room_deleted(std::move(shared));
}

void Hub::fan_out_room_deleted(std::shared_ptr<const Delivery> shared) {
  presence_.drop_room(shared->room_id);
  for (std::size_t i = 0; i < shards_.size(); ++i)
    post(i, [shard = shards_[i].get(), shared] { shard->deliver_room_deleted(*shared); });
}

std::size_t Hub::publish_to_users(const std::vector<std::int64_t>& user_ids, net::SharedFrame frame,
                                  const void* exclude_connection) {
  Delivery delivery = Delivery::notification(0, std::move(frame), exclude_connection);
  std::size_t targeted = relay({RemoteEvent::Target::users, delivery, user_ids, {}});
  std::size_t local = 0;
  for (auto id : user_ids) local += presence_.connections_of(id);
  if (local == 0) return targeted;
  fan_out_to_users(user_ids, std::move(delivery));
  return targeted + local;
}

void Hub::fan_out_to_users(const std::vector<std::int64_t>& user_ids, Delivery delivery) {
  auto shared = std::make_shared<const Delivery>(std::move(delivery));
  auto ids = std::make_shared<const std::vector<std::int64_t>>(user_ids);
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    post(i, [shard = shards_[i].get(), shared, ids] {
      std::size_t n = 0;
      for (auto id : *ids) n += shard->deliver_to_user(id, *shared);
      obs::metrics().notifications_out.add(n);
    });
  }
}

std::size_t Hub::publish_notification_to_room(std::int64_t room_id, net::SharedFrame frame) {
  // publish_to_room relays it; the relay's count is not known here.
  std::size_t targeted = presence_.connections_in(room_id);
  if (targeted == 0 && relay_ == nullptr) return 0;
  publish_to_room(Delivery::notification(room_id, std::move(frame)));
  return targeted;
}

void Hub::end_membership(std::int64_t room_id, std::int64_t user_id) {
  relay({RemoteEvent::Target::end_membership, Delivery::about_room(room_id), {user_id}, {}});
  fan_out_end_membership(room_id, user_id);
}

void Hub::fan_out_end_membership(std::int64_t room_id, std::int64_t user_id) {
  for (std::size_t i = 0; i < shards_.size(); ++i)
    post(i,
         [shard = shards_[i].get(), room_id, user_id] { shard->end_membership(room_id, user_id); });
}

void Hub::change_role(std::int64_t user_id, const std::string& role) {
  relay({RemoteEvent::Target::role_change, {}, {user_id}, role});
  fan_out_role_change(user_id, role);
}

void Hub::fan_out_role_change(std::int64_t user_id, const std::string& role) {
  presence_.change_role(user_id, role);
  for (std::size_t i = 0; i < shards_.size(); ++i)
    post(i, [shard = shards_[i].get(), user_id, role] { shard->change_role(user_id, role); });
}

void Hub::end_sessions(std::int64_t user_id, const std::vector<std::int64_t>& session_ids) {
  if (session_ids.empty()) return;
  RemoteEvent event{RemoteEvent::Target::sessions_ended, {}, {user_id}, {}, session_ids};
  relay(std::move(event));
  fan_out_end_sessions(user_id, session_ids);
}

void Hub::fan_out_end_sessions(std::int64_t user_id, const std::vector<std::int64_t>& session_ids) {
  // The registry first: a connection authenticating meanwhile is refused by it, or is already in
  // its shard when the task below runs there.
  const std::int64_t now = now_ms();
  sessions_.mark_ended(session_ids, now, now);
  auto ids = std::make_shared<const std::vector<std::int64_t>>(session_ids);
  for (std::size_t i = 0; i < shards_.size(); ++i)
    post(i, [shard = shards_[i].get(), user_id, ids] { shard->end_sessions(user_id, *ids); });
}

std::size_t Hub::publish_to_role(const std::string& role, net::SharedFrame frame) {
  Delivery delivery = Delivery::notification(0, std::move(frame));
  std::size_t targeted = relay({RemoteEvent::Target::role, delivery, {}, role});
  std::size_t local = presence_.connections_with_role(role);
  if (local == 0) return targeted;
  fan_out_to_role(role, std::move(delivery));
  return targeted + local;
}

void Hub::fan_out_to_role(const std::string& role, Delivery delivery) {
  auto shared = std::make_shared<const Delivery>(std::move(delivery));
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    post(i, [shard = shards_[i].get(), shared, role] {
      obs::metrics().notifications_out.add(shard->deliver_to_role(role, *shared));
    });
  }
}

void Hub::apply_remote_batch(OrderedBatch batch) {
  if (order_) {
    order_->remote(std::move(batch));
    return;
  }
  for (auto& event : batch.events) fan_out_to_room(std::move(event));
}

void Hub::bus_resubscribed() {
  if (order_) order_->resync();
}

void Hub::apply_remote(const RemoteEvent& event) {
  using Target = RemoteEvent::Target;
  switch (event.target) {
    case Target::room:
      if (event.delivery.frame) fan_out_to_room(event.delivery);
      break;
    case Target::room_deleted:
      if (event.delivery.frame)
        fan_out_room_deleted(std::make_shared<const Delivery>(event.delivery));
      break;
    case Target::users:
      if (!event.delivery.frame) break;
      for (auto id : event.user_ids) {
        if (presence_.connections_of(id) == 0) continue;
        fan_out_to_users(event.user_ids, event.delivery);
        break;
      }
      break;
    case Target::role:
      if (event.delivery.frame && presence_.connections_with_role(event.role) > 0)
        fan_out_to_role(event.role, event.delivery);
      break;
    case Target::end_membership:
      for (auto id : event.user_ids) fan_out_end_membership(event.delivery.room_id, id);
      break;
    case Target::role_change:
      for (auto id : event.user_ids) fan_out_role_change(id, event.role);
      break;
    case Target::sessions_ended:
      for (auto id : event.user_ids) fan_out_end_sessions(id, event.session_ids);
      break;
  }
}

}  // namespace parley::realtime

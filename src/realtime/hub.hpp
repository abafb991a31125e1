#pragma once
// The realtime hub: one HubShard per network thread plus the process-wide Presence. Fanout posts
// one shared frame to every shard; each shard hands it to its local subscribers. This is also the
// single seam through which every targeted event (room, user, users, role) travels; a cluster
// bus plugs in as its RemoteRelay to carry the same events to other instances.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "realtime/delivery.hpp"
#include "realtime/delivery_order.hpp"
#include "realtime/hub_shard.hpp"
#include "realtime/presence.hpp"
#include "realtime/remote_relay.hpp"
#include "realtime/session_registry.hpp"

namespace parley::realtime {

class Hub {
 public:
  // Runs a task on network thread `index`, in posting order.
  using Poster = std::function<void(std::size_t index, std::function<void()> task)>;

  Hub(std::size_t threads, Poster poster);

  // Set once at startup, before any traffic; nullptr (the default) for a single instance.
  void set_remote_relay(RemoteRelay* relay) noexcept { relay_ = relay; }
  // A cluster's delivery order (realtime/delivery_order.hpp), set up once at startup before any
  // traffic: from then on a commit batch's room events (between begin_batch and end_batch) go
  // to the local connections through it, and to the relay as one OrderedBatch. Started here;
  // stopped by stop_delivery_order() or the destructor.
  void order_deliveries(DeliveryOrder::Changes changes, DeliveryOrder::Healthy bus_healthy,
                        std::optional<std::int64_t> watermark = std::nullopt,
                        std::chrono::milliseconds hold = DeliveryOrder::kHold);
  void stop_delivery_order();
  DeliveryOrder* delivery_order() noexcept { return order_.get(); }

  // Must be called on thread `index`.
  HubShard& shard(std::size_t index) { return *shards_[index]; }
  Presence& presence() noexcept { return presence_; }
  SessionRegistry& sessions() noexcept { return sessions_; }

  // Runs `task` on network thread `index`, after what was posted there before. Thread-safe.
  // Between begin_batch and end_batch, on the thread that began the batch, the task is held and
  // posted with the rest of the batch.
  void post(std::size_t index, std::function<void()> task);

  // Between these two calls, what this thread posts to the network threads is collected and then
  // posted as one task per thread, in order: everything one commit batch sends (messages, acks)
  // is queued on each connection before its next write, so it leaves in one gathered write.
  void begin_batch();
  // `after`: with a delivery order, every position up to it was committed before this batch
  // (cluster/ordered_publisher.hpp reads it under the cluster's lock).
  void end_batch(std::int64_t after = 0);

  // Thread-safe. Deliveries posted from one thread reach each subscriber in posting order.
  void publish_to_room(Delivery delivery);
  void publish_room_deleted(std::int64_t room_id);
  // Return the number of connections targeted (known from Presence at the time of the call) plus
  // those the relay queued on other instances.
  // `exclude_connection`: a local connection (a Subscriber) that gets the event as a reply instead.
  std::size_t publish_to_users(const std::vector<std::int64_t>& user_ids, net::SharedFrame frame,
                               const void* exclude_connection = nullptr);
  std::size_t publish_to_role(const std::string& role, net::SharedFrame frame);
  std::size_t publish_notification_to_room(std::int64_t room_id, net::SharedFrame frame);

  // Membership and role changes made over REST, applied to live connections. Thread-safe.
  void end_membership(std::int64_t room_id, std::int64_t user_id);
  void change_role(std::int64_t user_id, const std::string& role);
  // Sessions of `user_id` that ended (in the store already): refused from now on by every check
  // of the registry, here and on the other instances, and their connections closed with 4001.
  void end_sessions(std::int64_t user_id, const std::vector<std::int64_t>& session_ids);

  // An event another instance relayed (its frame already re-encoded here, once): the same local
  // fanout as the publish/membership functions above, but never relayed again. Thread-safe.
  void apply_remote(const RemoteEvent& event);
  // Another instance's commit batch (OrderedBatch), and the bus coming back after it was away
  // (events may have been lost: the delivery order fills from the store). Thread-safe.
  void apply_remote_batch(OrderedBatch batch);
  void bus_resubscribed();

 private:
  std::size_t relay(RemoteEvent event);
  // Local fanouts, shared by the publish functions and apply_remote.
  void fan_out_to_room(Delivery delivery);
  void fan_out_room_deleted(std::shared_ptr<const Delivery> delivery);
  void fan_out_to_users(const std::vector<std::int64_t>& user_ids, Delivery delivery);
  void fan_out_to_role(const std::string& role, Delivery delivery);
  void fan_out_end_membership(std::int64_t room_id, std::int64_t user_id);
  void fan_out_role_change(std::int64_t user_id, const std::string& role);
  void fan_out_end_sessions(std::int64_t user_id, const std::vector<std::int64_t>& session_ids);

  struct Batch {
    const Hub* hub = nullptr;
    std::vector<std::vector<std::function<void()>>> tasks;  // per network thread
    std::vector<Delivery> ordered;                          // room events, with a delivery order
  };
  static thread_local Batch* batch_;

  Poster poster_;
  RemoteRelay* relay_ = nullptr;
  std::vector<std::unique_ptr<HubShard>> shards_;
  Presence presence_;
  SessionRegistry sessions_;
  std::unique_ptr<DeliveryOrder> order_;  // last: its thread uses the members above
};

}  // namespace parley::realtime

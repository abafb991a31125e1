#include "realtime/delivery_order.hpp"

#include <algorithm>
#include <exception>
#include <unordered_set>
#include <utility>

#include "common/thread_name.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"
#include "protocol/encode.hpp"

namespace parley::realtime {

DeliveryOrder::DeliveryOrder(Deliver deliver, Changes changes, Rooms rooms, Healthy healthy,
                             std::chrono::milliseconds hold)
    : deliver_(std::move(deliver)),
      changes_(std::move(changes)),
      rooms_(std::move(rooms)),
      healthy_(std::move(healthy)),
      hold_(hold) {}

DeliveryOrder::~DeliveryOrder() {
  stop();
}

void DeliveryOrder::start(std::optional<std::int64_t> watermark) {
  watermark_ = watermark;
  thread_ = std::thread([this] {
    name_this_thread("parley-order");
    run();
  });
}

void DeliveryOrder::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeliveryOrder::local(OrderedBatch batch) {
  {
    std::lock_guard lock(mutex_);
    inbox_.push_back(std::move(batch));
  }
  wake_.notify_one();
}

void DeliveryOrder::remote(OrderedBatch batch) {
  local(std::move(batch));  // the same once queued: only its place in the sequence counts
}

void DeliveryOrder::resync() {
  {
    std::lock_guard lock(mutex_);
    resync_ = true;
  }
  wake_.notify_one();
}

std::uint64_t DeliveryOrder::fills() const {
  std::lock_guard lock(mutex_);
  return fills_;
}

void DeliveryOrder::run() {
  using Clock = std::chrono::steady_clock;
  std::vector<OrderedBatch> taken;
  // When a held batch stops waiting, or a failed fill is retried (if `timed`).
  Clock::time_point deadline{};
  bool timed = false;
  bool retry = false;  // the last fill failed
  for (;;) {
    bool resync = false;
    {
      std::unique_lock lock(mutex_);
      auto woken = [this] { return stopping_ || resync_ || !inbox_.empty(); };
      if (timed)
        wake_.wait_until(lock, deadline, woken);
      else
        wake_.wait(lock, woken);
      if (stopping_) return;
      taken.swap(inbox_);
      resync = std::exchange(resync_, false);
    }
    const auto now = Clock::now();
    if (retry && timed && now >= deadline) resync = true;
    for (auto& batch : taken) {
      // Without a watermark from the start, the first batch sets it.
      if (!watermark_) watermark_ = batch.after;
      const std::int64_t after = batch.after;
      held_.emplace(after, Held{std::move(batch), now});
    }
    taken.clear();
    if (!retry) timed = false;
    if (apply_ready() && !resync) {
      auto oldest = std::min_element(held_.begin(), held_.end(), [](const auto& a, const auto& b) {
                      return a.second.since < b.second.since;
                    })->second.since;
      // While the bus is down nothing will close the gap: fill it now.
      resync = now - oldest >= hold_ || (healthy_ && !healthy_());
      if (!resync && !retry) {
        deadline = oldest + hold_;
        timed = true;
      }
    }
    if (!resync || (retry && now < deadline)) continue;
    // Everything held was committed before this fill starts, so the fill covers its gaps.
    const std::int64_t target = held_.empty() ? 0 : held_.rbegin()->first;
    retry = !fill();
    if (retry) {
      deadline = Clock::now() + hold_;
      timed = true;
      continue;
    }
    timed = false;
    if (!held_.empty()) watermark_ = std::max(watermark_.value_or(target), target);
    apply_ready();
  }
}

bool DeliveryOrder::apply_ready() {
  while (!held_.empty()) {
    auto first = held_.begin();
    if (first->first > *watermark_) return true;
    apply(first->second.batch);
    held_.erase(first);
  }
  return false;
}

void DeliveryOrder::apply(const OrderedBatch& batch) {
  for (const Delivery& event : batch.events) {
    auto [last, inserted] = last_.try_emplace(event.room_id, 0);
    if (event.position <= last->second) continue;  // filled from the store already
    last->second = event.position;
    deliver_(event);
  }
  watermark_ = std::max(*watermark_, batch.through);
}

bool DeliveryOrder::fill() {
  std::vector<std::int64_t> rooms = rooms_();
  std::unordered_set<std::int64_t> subscribed(rooms.begin(), rooms.end());
  // A room nobody here follows is not filled: forget it, so that a later fill starts it at the
  // watermark (its new subscribers' joins showed what came before).
  std::erase_if(last_, [&](const auto& entry) { return !subscribed.contains(entry.first); });
  std::size_t filled = 0;
  try {
    for (std::int64_t room : rooms) {
      auto last = last_.find(room);
      if (last == last_.end()) {
        if (!watermark_) continue;  // nothing delivered since start: joins showed it all
        last = last_.emplace(room, *watermark_).first;
      }
      const std::int64_t since = last->second;
      for (;;) {
        auto changes = changes_(room, last->second, kPage);
        for (const domain::Message& m : changes) {
          // A message the room's connections never saw goes out as new, in its current state.
          auto frame = net::make_text_frame(m.id > since ? protocol::message_frame(m)
                                                         : protocol::message_updated_frame(m));
          last->second = std::max(last->second, m.position());
          deliver_(Delivery::room_event(room, m.position(), 0, std::move(frame)));
          ++filled;
        }
        if (changes.size() < static_cast<std::size_t>(kPage)) break;
      }
    }
  } catch (const std::exception& e) {
    obs::log_warn("cluster gap fill failed; retrying", {obs::field("error", e.what())});
    return false;
  }
  {
    std::lock_guard lock(mutex_);
    ++fills_;
  }
  obs::metrics().bus_gap_fills.add();
  if (filled > 0)
    obs::log_info("cluster gap filled from the store",
                  {obs::field("rooms", rooms.size()), obs::field("events", filled)});
  return true;
}

}  // namespace parley::realtime

#include "realtime/connection_limits.hpp"

#include <utility>

#include "observability/metrics.hpp"

namespace parley::realtime {

namespace {

bool at_cap(std::size_t count, std::size_t cap) {
  return cap != 0 && count >= cap;
}

void decrement(auto& map, const auto& key) {
  auto it = map.find(key);
  if (it == map.end()) return;
  if (--it->second == 0) map.erase(it);
}

}  // namespace

ConnectionSlot::ConnectionSlot(ConnectionSlot&& other) noexcept
    : limits_(std::exchange(other.limits_, nullptr)),
      address_(std::move(other.address_)),
      user_id_(std::exchange(other.user_id_, 0)) {}

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
  if (this != &other) {
    release();
    limits_ = std::exchange(other.limits_, nullptr);
    address_ = std::move(other.address_);
    user_id_ = std::exchange(other.user_id_, 0);
  }
  return *this;
}

bool ConnectionSlot::add_user(std::int64_t user_id) {
  if (limits_ == nullptr || user_id_ != 0) return true;  // counted once, when first known
  if (!limits_->add_user(user_id)) return false;
  user_id_ = user_id;
  return true;
}

void ConnectionSlot::release() noexcept {
  if (limits_ == nullptr) return;
  limits_->release(address_, user_id_);
  limits_ = nullptr;
  user_id_ = 0;
}

ConnectionSlot ConnectionLimits::acquire(const std::string& address, std::int64_t user_id,
                                         Refusal& refusal) {
  std::lock_guard lock(mutex_);
  auto& from_address = by_address_[address];
  if (at_cap(open_, caps_.total)) {
    refusal = Refusal::total;
  } else if (at_cap(from_address, caps_.per_address)) {
    refusal = Refusal::address;
  } else if (user_id != 0 && at_cap(by_user_[user_id], caps_.per_user)) {
    refusal = Refusal::user;
  } else {
    refusal = Refusal::none;
  }
  if (refusal != Refusal::none) {
    if (from_address == 0) by_address_.erase(address);
    if (user_id != 0) {
      if (auto it = by_user_.find(user_id); it != by_user_.end() && it->second == 0)
        by_user_.erase(it);
    }
    return {};
  }
  ++open_;
  ++from_address;
  ConnectionSlot slot(this, address);
  if (user_id != 0) {
    ++by_user_[user_id];
    slot.user_id_ = user_id;
  }
  return slot;
}

std::size_t ConnectionLimits::open() const {
  std::lock_guard lock(mutex_);
  return open_;
}

bool ConnectionLimits::add_user(std::int64_t user_id) {
  std::lock_guard lock(mutex_);
  auto& count = by_user_[user_id];
  if (at_cap(count, caps_.per_user)) return false;
  ++count;
  return true;
}

void ConnectionLimits::release(const std::string& address, std::int64_t user_id) noexcept {
  std::lock_guard lock(mutex_);
  --open_;
  decrement(by_address_, address);
  if (user_id != 0) decrement(by_user_, user_id);
}

void count_refusal(ConnectionLimits::Refusal refusal) noexcept {
  // The metric's labels are in the enum's order, after `none`.
  if (refusal == ConnectionLimits::Refusal::none) return;
  obs::metrics().connection_refusals[static_cast<std::size_t>(refusal) - 1].add();
}

}  // namespace parley::realtime

#include "net/detail/session_base.hpp"

#include "net/detail/server_state.hpp"

namespace parley::net::detail {

SessionBase::~SessionBase() {
  detach();
}

void SessionBase::attach() {
  server_.live.fetch_add(1, std::memory_order_acq_rel);
  list_ = &server_.threads[index_]->sessions;
  list_->push(this);
}

void SessionBase::detach() {
  if (!list_) return;
  list_->remove(this);
  list_ = nullptr;
  server_.session_detached();
}

void SessionList::push(SessionBase* s) noexcept {
  s->prev_ = nullptr;
  s->next_ = head_;
  if (head_) head_->prev_ = s;
  head_ = s;
}

void SessionList::remove(SessionBase* s) noexcept {
  if (s->prev_)
    s->prev_->next_ = s->next_;
  else
    head_ = s->next_;
  if (s->next_) s->next_->prev_ = s->prev_;
  s->prev_ = s->next_ = nullptr;
}

std::vector<std::shared_ptr<SessionBase>> SessionList::snapshot() const {
  std::vector<std::shared_ptr<SessionBase>> out;
  for (SessionBase* s = head_; s; s = s->next_)
    if (auto p = s->weak_from_this().lock()) out.push_back(std::move(p));
  return out;
}

}  // namespace parley::net::detail

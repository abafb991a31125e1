#pragma once
// A lock that every server sharing the database contends for, held across calls (and their
// commits) until released: what one server does while holding it happens before any other server
// gets it. Used by one thread at a time.

namespace parley::store {

class DatabaseLock {
 public:
  virtual ~DatabaseLock() = default;

  // Waits while another server holds it. Throws StoreUnavailable when the database cannot be
  // reached (the lock is then not held).
  virtual void acquire() = 0;

  // Lets go of it; a no-op when it is not held.
  virtual void release() noexcept = 0;
};

}  // namespace parley::store

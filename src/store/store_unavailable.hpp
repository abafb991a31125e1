#pragma once
// The backing database cannot be reached or cannot take the call now (busy, full, shutting down):
// the caller answers `unavailable` and nothing was changed.

#include <stdexcept>

namespace parley::store {

class StoreUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace parley::store

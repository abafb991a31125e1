#pragma once
// A step of the bench that cannot go on: a failed REST call (the message says which and what the
// server answered), a bad address, a worker process that could not start.

#include <stdexcept>

namespace parley::bench {

class BenchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace parley::bench

#pragma once
// How hard a commit is pushed to disk before the store reports it done (see docs/durability.md).

namespace parley::store {

enum class Durability {
  full,    // synchronous=FULL: a commit survives power loss
  normal,  // synchronous=NORMAL: a commit survives a process crash; power loss may drop the last
};

}  // namespace parley::store

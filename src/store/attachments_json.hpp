#pragma once
// A message's attachments as the wire's `[Upload…]` array, encoded once when the message is
// stored (like reactions) and kept in its row, so that reading messages needs no join.

#include <span>
#include <string>

#include "domain/upload.hpp"

namespace parley::store {

// The same fields as protocol::upload_json, in the same order.
std::string attachments_json(std::span<const domain::Upload> uploads);

}  // namespace parley::store

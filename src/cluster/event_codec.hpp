#pragma once
// The bus's wire format: one hub event as compact JSON, tagged with the instance it came from.

#include <optional>
#include <string>
#include <string_view>

#include "realtime/remote_relay.hpp"

namespace parley::cluster {

struct BusMessage {
  std::string origin;  // instance id of the sender
  realtime::RemoteEvent event;
  std::optional<realtime::OrderedBatch> batch;  // set instead of `event` for a commit batch
};

// The frame travels as its text payload (the WebSocket header is added again by the receiver).
std::string encode_event(std::string_view origin, const realtime::RemoteEvent& event);

// A commit batch's room events as one bus message ("target": "batch").
std::string encode_batch(std::string_view origin, const realtime::OrderedBatch& batch);

// nullopt for anything that is not a well-formed bus message (logged by the caller). The
// event's frame is re-encoded here, once, for all local connections.
std::optional<BusMessage> decode_event(std::string_view payload);

// The payload of an unmasked single-frame server text frame (what net::make_text_frame makes).
std::string_view frame_payload(std::string_view frame);

}  // namespace parley::cluster

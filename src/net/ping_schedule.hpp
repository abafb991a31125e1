#pragma once
// When a new WebSocket connection gets its first ping.

#include <chrono>

namespace parley::net {

// Up to a quarter of `interval` early, at a random point: connections opened together (a
// reconnect wave after a restart, a load test) would otherwise all be pinged in the same
// millisecond every interval, and their pongs would arrive together, a burst that delays the
// messages queued behind it. Later pings follow every `interval`, keeping each connection's phase.
std::chrono::milliseconds first_ping_delay(std::chrono::milliseconds interval);

}  // namespace parley::net

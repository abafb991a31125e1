#pragma once
// Names the calling thread (Linux: at most 15 characters) so that top -H, perf and
// /proc/PID/task/*/comm tell the network, store and worker threads apart.

#include <string_view>

namespace parley {

void name_this_thread(std::string_view name) noexcept;

}  // namespace parley

#pragma once
// The whole of GET /metrics: the process registry, the operations block below, HTTP routes,
// process figures and parley_build_info.

#include <string>

#include "observability/metrics.hpp"

namespace parley::obs {

// The families added for operations (docs/operations.md lists them all), from `m`.
void render_operations(const Metrics& m, std::string& out);

// Everything, from the process's registries.
std::string render_exposition();

}  // namespace parley::obs

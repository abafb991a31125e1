#pragma once
// The blocking REST callers of a phase (history's readers, publish's publishers): threads of
// their own, each with a keep-alive client of one instance, counting into a Result of its own.

#include <cstddef>
#include <functional>

#include "client/api_client.hpp"
#include "config/options.hpp"
#include "measure/result.hpp"

namespace parley::bench {

// Runs calls(caller, api, mine) for caller in [0, callers) at once, each on its own thread;
// several instances (--url): callers take turns, each sticking to one. Returns when all have
// returned, with their Results merged.
Result run_rest_callers(const Options& o, std::size_t callers,
                        const std::function<void(std::size_t, ApiClient&, Result&)>& calls);

}  // namespace parley::bench

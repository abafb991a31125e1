#include "observability/build_info.hpp"

#ifndef PARLEY_VERSION
#define PARLEY_VERSION "unknown"
#endif
#ifndef PARLEY_GIT_COMMIT
#define PARLEY_GIT_COMMIT "unknown"
#endif

namespace parley::obs {

std::string_view build_version() noexcept {
  return PARLEY_VERSION;
}

std::string_view build_commit() noexcept {
  return PARLEY_GIT_COMMIT[0] != '\0' ? PARLEY_GIT_COMMIT : "unknown";
}

}  // namespace parley::obs

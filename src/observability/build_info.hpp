#pragma once
// What this binary is: its version (CMake's project version) and the git commit it was built
// from ("unknown" outside a git checkout, e.g. in the container build).

#include <string_view>

namespace parley::obs {

std::string_view build_version() noexcept;
std::string_view build_commit() noexcept;

}  // namespace parley::obs

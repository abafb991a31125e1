#include "common/error_code.hpp"

#include <array>
#include <cstddef>

namespace parley {
namespace {

struct ErrorCodeInfo {
  std::string_view name;
  int http_status;
};

// In the order of ErrorCode.
constexpr std::array<ErrorCodeInfo, kErrorCodeCount> kErrorCodes = {{
    {"bad_request", 400},
    {"unauthorized", 401},
    {"totp_required", 401},
    {"forbidden", 403},
    {"not_found", 404},
    {"conflict", 409},
    {"payload_too_large", 413},
    {"rate_limited", 429},
    {"unavailable", 503},
    {"internal", 500},
}};
static_assert(static_cast<std::size_t>(ErrorCode::internal) + 1 == kErrorCodes.size());

const ErrorCodeInfo& info(ErrorCode code) noexcept {
  auto index = static_cast<std::size_t>(code);
  return kErrorCodes[index < kErrorCodes.size() ? index : kErrorCodes.size() - 1];
}

}  // namespace

std::string_view to_string(ErrorCode code) noexcept {
  return info(code).name;
}

int http_status(ErrorCode code) noexcept {
  return info(code).http_status;
}

}  // namespace parley

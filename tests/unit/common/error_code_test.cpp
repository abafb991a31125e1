#include "common/error_code.hpp"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(ErrorCode, EveryCodeHasItsContractNameAndStatus) {
  struct Expected {
    ErrorCode code;
    std::string_view name;
    int status;
  };
  const Expected all[] = {
      {ErrorCode::bad_request, "bad_request", 400},
      {ErrorCode::unauthorized, "unauthorized", 401},
      {ErrorCode::totp_required, "totp_required", 401},
      {ErrorCode::forbidden, "forbidden", 403},
      {ErrorCode::not_found, "not_found", 404},
      {ErrorCode::conflict, "conflict", 409},
      {ErrorCode::payload_too_large, "payload_too_large", 413},
      {ErrorCode::rate_limited, "rate_limited", 429},
      {ErrorCode::unavailable, "unavailable", 503},
      {ErrorCode::internal, "internal", 500},
  };
  static_assert(std::size(all) == kErrorCodeCount);
  for (const auto& e : all) {
    EXPECT_EQ(to_string(e.code), e.name);
    EXPECT_EQ(http_status(e.code), e.status) << e.name;
  }
}

TEST(ErrorCode, AnUnknownValueIsInternal) {
  auto unknown = static_cast<ErrorCode>(kErrorCodeCount + 3);
  EXPECT_EQ(to_string(unknown), "internal");
  EXPECT_EQ(http_status(unknown), 500);
}

}  // namespace
}  // namespace parley

#pragma once
// The contract's stable error codes, their HTTP statuses, and the exception that carries one.

#include <stdexcept>
#include <string>
#include <string_view>

namespace parley {

enum class ErrorCode {
  bad_request,
  unauthorized,
  totp_required,  // v1.1: the right password of an account with two-factor on, without a code
  forbidden,
  not_found,
  conflict,
  payload_too_large,
  rate_limited,
  unavailable,
  internal,
};

inline constexpr int kErrorCodeCount = 10;

std::string_view to_string(ErrorCode code) noexcept;
int http_status(ErrorCode code) noexcept;

// Thrown by request handlers to answer with a contract error. Never used for network conditions.
class ApiError : public std::runtime_error {
 public:
  ApiError(ErrorCode code, std::string message, int retry_after_seconds = 0)
      : std::runtime_error(std::move(message)), code_(code), retry_after_(retry_after_seconds) {}

  ErrorCode code() const noexcept { return code_; }
  int retry_after_seconds() const noexcept { return retry_after_; }

 private:
  ErrorCode code_;
  int retry_after_;
};

}  // namespace parley

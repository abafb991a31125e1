#pragma once
// Field rules of the contract, shared by REST and WebSocket. Each returns an error message naming
// the field, or nullopt when the value is valid.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>
#include <boost/system/error_code.hpp>

namespace parley::protocol {

inline constexpr std::int64_t kMaxId = (std::int64_t{1} << 53) - 1;
inline constexpr std::size_t kMaxBodyCodePoints = 4000;
inline constexpr std::size_t kMaxMetaBytes = 4096;
inline constexpr std::size_t kMaxClientIdChars = 64;
inline constexpr std::size_t kMaxRefChars = 64;

std::optional<std::string> check_username(std::string_view username);
std::optional<std::string> check_password(std::string_view password);
std::optional<std::string> check_room_name(std::string_view name);
std::optional<std::string> check_body(std::string_view body);
std::optional<std::string> check_client_id(std::string_view client_id);
std::optional<std::string> check_event_name(std::string_view event);
bool is_valid_request_id(std::string_view id);

// Parses a request body or client frame. Deeper nesting than Boost.JSON's default (32) is allowed
// because `meta` is any object that fits in 4096 bytes; the depth stays bounded.
boost::json::value parse_json(std::string_view text, boost::system::error_code& ec);

// Number of Unicode code points in valid UTF-8 text.
std::size_t count_code_points(std::string_view utf8) noexcept;

// A JSON value that is an integer in [min, kMaxId]; nullopt otherwise (doubles, strings, bools).
std::optional<std::int64_t> as_id(const boost::json::value& v, std::int64_t min = 1);

// Decimal text that is an id in [min, kMaxId] (path segments, query parameters).
std::optional<std::int64_t> parse_id(std::string_view text, std::int64_t min = 1);

// false when a number in `v` parsed as infinity (beyond a double's range): JSON cannot carry it.
bool all_numbers_finite(const boost::json::value& v);

// `meta`: absent or null -> nullopt with no error; an object of at most kMaxMetaBytes compact ->
// its compact text; anything else -> error. Returns {meta_json, error}.
struct MetaResult {
  std::optional<std::string> json;
  std::optional<std::string> error;
};
MetaResult check_meta(const boost::json::value* meta);

// A send's optional `attachments`: an array of at most 10 upload ids (absent or null: none).
struct AttachmentsResult {
  std::vector<std::int64_t> ids;
  std::optional<std::string> error;
};
AttachmentsResult check_attachments(const boost::json::value* attachments);
// A send's body: may be empty only when it carries attachments.
std::optional<std::string> check_send_body(std::string_view body, bool has_attachments);

}  // namespace parley::protocol

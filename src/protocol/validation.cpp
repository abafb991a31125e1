#include "protocol/validation.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>

namespace parley::protocol {
namespace {
constexpr std::size_t kMaxAttachments = 10;
}  // namespace

namespace {

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

}  // namespace

boost::json::value parse_json(std::string_view text, boost::system::error_code& ec) {
  boost::json::parse_options options;
  options.max_depth = 4096;
  return boost::json::parse(text, ec, {}, options);
}

std::size_t count_code_points(std::string_view utf8) noexcept {
  std::size_t n = 0;
  for (unsigned char c : utf8)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::optional<std::string> check_username(std::string_view username) {
  if (username.size() < 3 || username.size() > 32) return "username must be 3 to 32 characters";
  for (char c : username)
    if (!is_name_char(c)) return "username may only contain A-Z a-z 0-9 _ . -";
  return std::nullopt;
}

std::optional<std::string> check_password(std::string_view password) {
  auto n = count_code_points(password);
  if (n < 8 || n > 128) return "password must be 8 to 128 characters";
  return std::nullopt;
}

std::optional<std::string> check_room_name(std::string_view name) {
  auto n = count_code_points(name);
  if (n < 1 || n > 100) return "name must be 1 to 100 characters";
  if (name.find('\0') != std::string_view::npos) return "name must not contain NUL";
  bool blank = true;
  for (char c : name)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') blank = false;
  if (blank) return "name must not be blank";
  return std::nullopt;
}

std::optional<std::string> check_body(std::string_view body) {
  if (body.empty()) return "body must not be empty";
  if (body.find('\0') != std::string_view::npos) return "body must not contain NUL";
  if (count_code_points(body) > kMaxBodyCodePoints) return "body must be at most 4000 characters";
  return std::nullopt;
}

std::optional<std::string> check_client_id(std::string_view client_id) {
  auto n = count_code_points(client_id);
  if (n < 1 || n > kMaxClientIdChars) return "client_id must be 1 to 64 characters";
  if (client_id.find('\0') != std::string_view::npos) return "client_id must not contain NUL";
  return std::nullopt;
}

std::optional<std::string> check_event_name(std::string_view event) {
  if (event.empty() || event.size() > 100) return "event must be 1 to 100 characters";
  for (char c : event)
    if (!is_name_char(c) && c != ':') return "event may only contain A-Z a-z 0-9 _ . : -";
  return std::nullopt;
}

bool is_valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!is_name_char(c)) return false;
  return true;
}

std::optional<std::int64_t> as_id(const boost::json::value& v, std::int64_t min) {
  std::int64_t id = 0;
  if (v.is_int64())
    id = v.get_int64();
  else if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(kMaxId))
    id = static_cast<std::int64_t>(v.get_uint64());
  else
    return std::nullopt;
  if (id < min || id > kMaxId) return std::nullopt;
  return id;
}

std::optional<std::int64_t> parse_id(std::string_view text, std::int64_t min) {
  std::int64_t id = 0;
  if (text.empty() || text.size() > 16) return std::nullopt;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  if (id < min || id > kMaxId) return std::nullopt;
  return id;
}

bool all_numbers_finite(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::double_:
      return std::isfinite(v.get_double());
    case boost::json::kind::array:
      for (const auto& e : v.get_array())
        if (!all_numbers_finite(e)) return false;
      return true;
    case boost::json::kind::object:
      for (const auto& e : v.get_object())
        if (!all_numbers_finite(e.value())) return false;
      return true;
    default:
      return true;
  }
}

MetaResult check_meta(const boost::json::value* meta) {
  if (meta == nullptr || meta->is_null()) return {};
  if (!meta->is_object()) return {std::nullopt, "meta must be a JSON object or null"};
  if (!all_numbers_finite(*meta)) return {std::nullopt, "meta holds a number out of range"};
  std::string text = boost::json::serialize(*meta);
  if (text.size() > kMaxMetaBytes) return {std::nullopt, "meta must be at most 4096 bytes"};
  return {std::move(text), std::nullopt};
}

AttachmentsResult check_attachments(const boost::json::value* attachments) {
  AttachmentsResult out;
  if (attachments == nullptr || attachments->is_null()) return out;
  const auto* list = attachments->if_array();
  if (list == nullptr || list->size() > kMaxAttachments) {
    out.error = "attachments must be an array of at most 10 upload ids";
    return out;
  }
  for (const auto& v : *list) {
    auto id = as_id(v);
    if (!id) {
      out.error = "attachments must be an array of at most 10 upload ids";
      out.ids.clear();
      return out;
    }
    out.ids.push_back(*id);
  }
  return out;
}

std::optional<std::string> check_send_body(std::string_view body, bool has_attachments) {
  if (body.empty() && has_attachments) return std::nullopt;
  return check_body(body);
}

}  // namespace parley::protocol

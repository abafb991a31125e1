#include "store/attachments_json.hpp"

#include "common/json_escape.hpp"

namespace parley::store {
namespace {

void append_string(std::string& out, std::string_view s) {
  out += '"';
  append_json_escaped(out, s);
  out += '"';
}

}  // namespace

std::string attachments_json(std::span<const domain::Upload> uploads) {
  std::string out = "[";
  for (const auto& u : uploads) {
    if (out.size() > 1) out += ',';
    out += "{\"id\":" + std::to_string(u.id) + ",\"name\":";
    append_string(out, u.name);
    out += ",\"size\":" + std::to_string(u.size) + ",\"content_type\":";
    append_string(out, u.content_type);
    out += ",\"url\":";
    append_string(out, u.url());
    if (u.width && u.height)
      out += ",\"width\":" + std::to_string(*u.width) + ",\"height\":" + std::to_string(*u.height);
    out += '}';
  }
  out += ']';
  return out;
}

}  // namespace parley::store

// libFuzzer target for REST input parsing: the first byte chooses the parser, the rest is its
// input. 0: a publish body (POST /api/publish and --listen-channel payloads) through Boost.JSON and
// protocol::parse_publish_request; 1: query-string and path-segment percent-decoding.
// Invariants: nothing throws or crashes; an accepted publish request has exactly the shape the
// contract gives (event name valid, data a JSON object of at most 64 KiB, user ids sorted,
// unique, positive and 1 to 1000 of them); a decoded value without escapes equals its input.

#include <algorithm>
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/query.hpp"
#include "protocol/publish_request.hpp"
#include "protocol/validation.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

void fuzz_publish(std::string_view input) {
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(input, ec);
  if (ec || !body.is_object()) return;
  auto parsed = parley::protocol::parse_publish_request(body.get_object());
  const auto* request = std::get_if<parley::protocol::PublishRequest>(&parsed);
  if (request == nullptr) {
    check(!std::get<std::string>(parsed).empty());
    return;
  }
  check(!parley::protocol::check_event_name(request->event));
  check(request->data_json.size() <= 64 * 1024);
  check(boost::json::parse(request->data_json).is_object());
  using Target = parley::protocol::PublishRequest::Target;
  if (request->target == Target::users) {
    const auto& ids = request->user_ids;
    check(!ids.empty() && ids.size() <= 1000);
    check(std::is_sorted(ids.begin(), ids.end()));
    check(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
    check(ids.front() > 0);
  } else if (request->target == Target::room) {
    check(request->room_id > 0);
  } else {
    check(request->role == "admin" || request->role == "user");
  }
}

void fuzz_query(std::string_view input) {
  const std::size_t split = input.find('\n');
  const std::string_view name = split == std::string_view::npos ? "q" : input.substr(0, split);
  const std::string_view query = split == std::string_view::npos ? input : input.substr(split + 1);
  (void)parley::http::query_param(query, name);
  for (bool plus : {true, false}) {
    auto decoded = parley::http::percent_decode(query, plus);
    if (query.find('%') == std::string_view::npos &&
        (!plus || query.find('+') == std::string_view::npos))
      check(decoded && *decoded == query);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] % 2 == 0)
    fuzz_publish(input);
  else
    fuzz_query(input);
  return 0;
}

#include "cluster/redis_url.hpp"

#include <charconv>
#include <stdexcept>

namespace parley::cluster {

namespace {

int parse_number(std::string_view text, int min, int max, const char* what) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max)
    throw std::invalid_argument(std::string("--redis: invalid ") + what + " '" + std::string(text) +
                                "'");
  return value;
}

}  // namespace

RedisUrl RedisUrl::parse(std::string_view url) {
  constexpr std::string_view scheme = "redis://";
  if (url.substr(0, scheme.size()) != scheme)
    throw std::invalid_argument("--redis: expected redis://host:port");
  std::string_view rest = url.substr(scheme.size());
  RedisUrl out;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty()) out.database = parse_number(db, 0, 1'000'000, "database");
    rest = rest.substr(0, slash);
  }
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    auto colon = userinfo.find(':');
    out.password = colon == std::string_view::npos ? "" : userinfo.substr(colon + 1);
    rest = rest.substr(at + 1);
  }
  // [v6]:port, host:port or host.
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) throw std::invalid_argument("--redis: unclosed '['");
    out.host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') throw std::invalid_argument("--redis: expected ':' after ']'");
      port = after.substr(1);
    }
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    out.host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  } else {
    out.host = rest;
  }
  if (out.host.empty()) throw std::invalid_argument("--redis: missing host");
  if (!port.empty()) out.port = parse_number(port, 1, 65535, "port");
  return out;
}

}  // namespace parley::cluster

#include "client/api_client.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <thread>

namespace parley::bench {
namespace json = boost::json;
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string describe(std::string_view what, const HttpResponse& r) {
  if (r.status == 0) return std::string(what) + ": " + r.error;
  return std::string(what) + ": HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 200);
}

Account account_from(const std::string& body) {
  const json::value v = json::parse(body);
  Account a;
  const auto& user = v.at("user").as_object();
  a.id = user.at("id").to_number<std::int64_t>();
  a.username = json::value_to<std::string>(user.at("username"));
  a.role = json::value_to<std::string>(user.at("role"));
  a.token = json::value_to<std::string>(v.at("access_token"));
  return a;
}

}  // namespace

HttpResponse ApiClient::checked(std::string_view method, const std::string& target,
                                const std::string& body, const std::string& bearer) {
  // Retries 429s, honouring Retry-After, a bounded number of times.
  for (int attempt = 0;; ++attempt) {
    HttpResponse r = http_.request(method, target, body, bearer);
    if (r.status != 429 || attempt >= 20) return r;
    int wait_s = 1;
    if (!r.retry_after.empty()) wait_s = std::max(1, std::atoi(r.retry_after.c_str()));
    std::this_thread::sleep_for(std::chrono::seconds(std::min(wait_s, 5)));
  }
}

Account ApiClient::register_or_login(const std::string& username, const std::string& password) {
  const std::string body =
      json::serialize(json::object{{"username", username}, {"password", password}});
  HttpResponse r = checked("POST", "/api/auth/register", body, "");
  if (r.status == 201) return account_from(r.body);
  if (r.status != 409) throw BenchError(describe("register " + username, r));
  r = checked("POST", "/api/auth/login", body, "");
  if (r.status != 200) throw BenchError(describe("login " + username, r));
  return account_from(r.body);
}

std::map<std::string, std::int64_t> ApiClient::list_rooms(const std::string& token) {
  HttpResponse r = checked("GET", "/api/rooms", "", token);
  if (r.status != 200) throw BenchError(describe("list rooms", r));
  std::map<std::string, std::int64_t> out;
  const json::value listing = json::parse(r.body);
  for (const auto& room : listing.at("rooms").as_array()) {
    out[lower(json::value_to<std::string>(room.at("name")))] =
        room.at("id").to_number<std::int64_t>();
  }
  return out;
}

std::int64_t ApiClient::create_or_find_room(const std::string& name, const std::string& token,
                                            bool& created) {
  const std::string body = json::serialize(json::object{{"name", name}, {"private", false}});
  HttpResponse r = checked("POST", "/api/rooms", body, token);
  created = r.status == 201;
  if (r.status == 201) return json::parse(r.body).at("id").to_number<std::int64_t>();
  if (r.status != 409) throw BenchError(describe("create room " + name, r));
  const auto rooms = list_rooms(token);
  auto it = rooms.find(lower(name));
  if (it == rooms.end()) throw BenchError("room " + name + " exists but is not listed");
  return it->second;
}

void ApiClient::join_room(std::int64_t room, const std::string& token) {
  HttpResponse r = checked("POST", "/api/rooms/" + std::to_string(room) + "/join", "{}", token);
  if (r.status != 200) throw BenchError(describe("join room " + std::to_string(room), r));
}

std::optional<std::pair<std::int64_t, std::int64_t>> ApiClient::message_id_range(
    std::int64_t room, const std::string& token) {
  const std::string base = "/api/rooms/" + std::to_string(room) + "/messages?limit=1";
  HttpResponse newest = checked("GET", base, "", token);
  if (newest.status != 200) throw BenchError(describe("newest message", newest));
  const auto newest_messages = json::parse(newest.body).at("messages").as_array();
  if (newest_messages.empty()) return std::nullopt;
  HttpResponse oldest = checked("GET", base + "&after=0", "", token);
  if (oldest.status != 200) throw BenchError(describe("oldest message", oldest));
  const auto oldest_messages = json::parse(oldest.body).at("messages").as_array();
  if (oldest_messages.empty()) return std::nullopt;
  return std::pair{newest_messages[0].at("id").to_number<std::int64_t>(),
                   oldest_messages[0].at("id").to_number<std::int64_t>()};
}

}  // namespace parley::bench

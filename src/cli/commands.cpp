#include "cli/commands.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <iostream>
#include <string>

#include "store/open_store.hpp"

namespace parley::cli {
namespace json = boost::json;

int set_role(const config::Invocation& inv) {
  const auto& c = inv.config;
  auto store = store::open_store(
      c.database, c.data_dir,
      c.durability == "normal" ? store::Durability::normal : store::Durability::full);
  auto user = store->find_user_by_name(inv.username);
  if (!user) {
    std::cerr << "parley: no user '" << inv.username << "'\n";
    return 1;
  }
  store->set_role(user->id, inv.role);
  std::cout << user->username << " is now " << inv.role << "\n";
  return 0;
}

namespace {

struct Url {
  std::string host;
  std::string port;
  std::string prefix;
};

bool parse_http_url(const std::string& url, Url& out) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return false;
  std::string rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  out.prefix = slash == std::string::npos ? "" : rest.substr(slash);
  while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
  auto colon = authority.rfind(':');
  out.host = colon == std::string::npos ? authority : authority.substr(0, colon);
  out.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  return !out.host.empty();
}

// One blocking HTTP/1.1 request; returns the status and fills `body`. -1 on a connection error.
int http_post(const Url& url, const std::string& path, const std::string& key,
              const std::string& payload, std::string& body) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(url.host.c_str(), url.port.c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd >= 0 && ::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) return -1;
  std::string request =
      "POST " + url.prefix + path + " HTTP/1.1\r\nHost: " + url.host + ":" + url.port +
      "\r\nAuthorization: Bearer " + key +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(payload.size()) +
      "\r\nConnection: close\r\n\r\n" + payload;
  for (std::size_t sent = 0; sent < request.size();) {
    ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      ::close(fd);
      return -1;
    }
    sent += static_cast<std::size_t>(n);
  }
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    response.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  int status = 0;
  if (std::sscanf(response.c_str(), "HTTP/1.%*d %d", &status) != 1) return -1;
  auto end = response.find("\r\n\r\n");
  body = end == std::string::npos ? "" : response.substr(end + 4);
  return status;
}

}  // namespace

int publish(const config::PublishArgs& args) {
  if (args.key.empty() || !args.target_kind || args.event.empty()) {
    std::cerr << "parley publish: --key, one target (--room, --user, --users, --role) and --event "
                 "are required\n";
    return 2;
  }
  Url url;
  if (!parse_http_url(args.url, url)) {
    std::cerr << "parley publish: --url must be http://HOST:PORT\n";
    return 2;
  }
  json::object body{{"event", args.event}};
  json::error_code ec;
  json::value data = json::parse(args.data, ec);
  if (ec || !data.is_object()) {
    std::cerr << "parley publish: --data must be a JSON object\n";
    return 2;
  }
  body["data"] = std::move(data);
  const std::string& kind = *args.target_kind;
  if (kind == "role") {
    body["role"] = args.target_value;
  } else {
    std::vector<std::int64_t> ids;
    std::size_t start = 0;
    while (start <= args.target_value.size()) {
      auto comma = args.target_value.find(',', start);
      std::string item = args.target_value.substr(start, comma - start);
      try {
        ids.push_back(std::stoll(item));
      } catch (const std::exception&) {
        std::cerr << "parley publish: --" << kind << " expects numeric ids\n";
        return 2;
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (kind == "users")
      body["users"] = json::value_from(ids);
    else
      body[kind] = ids.front();
  }
  std::string reply;
  int status = http_post(url, "/api/publish", args.key, json::serialize(body), reply);
  if (status < 0) {
    std::cerr << "parley publish: cannot reach " << args.url << "\n";
    return 1;
  }
  std::cout << reply << "\n";
  return status == 202 ? 0 : 1;
}

}  // namespace parley::cli

#include "config/command_line.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string_view>

#include "common/ip_network.hpp"

namespace parley::config {
namespace {

using Setter = std::function<void(Config&, const std::string&)>;
using Shower = std::function<std::string(const Config&)>;

struct OptionSpec {
  std::string_view name;
  std::string_view value_name;
  std::string_view help;
  Setter set;
  Shower show;
  bool repeatable = false;
};

std::string env_name(std::string_view flag) {
  std::string out = "PARLEY_";
  for (char c : flag)
    out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

template <typename Int>
Int parse_int(std::string_view flag, const std::string& text, Int min, Int max) {
  Int value{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < min || value > max) {
    throw ConfigError("--" + std::string(flag) + ": expected an integer in [" +
                      std::to_string(min) + ", " + std::to_string(max) + "], got '" + text + "'");
  }
  return value;
}

double parse_positive_double(std::string_view flag, const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !(v > 0) || v > 1e9)
    throw ConfigError("--" + std::string(flag) + ": expected a positive number, got '" + text +
                      "'");
  return v;
}

void parse_listen(Config& c, const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw ConfigError("--listen: expected HOST:PORT, got '" + text + "'");
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  c.listen_host = host;
  c.listen_port = parse_int<std::uint16_t>("listen", text.substr(colon + 1), 0, 65535);
}

template <typename Int>
OptionSpec int_option(std::string_view name, std::string_view help, Int Config::*member, Int min,
                      Int max) {
  return {name, "N", help,
          [=](Config& c, const std::string& v) { c.*member = parse_int<Int>(name, v, min, max); },
          [=](const Config& c) { return std::to_string(c.*member); }};
}

OptionSpec string_option(std::string_view name, std::string_view value_name, std::string_view help,
                         std::string Config::*member) {
  return {name, value_name, help, [=](Config& c, const std::string& v) { c.*member = v; },
          [=](const Config& c) { return c.*member; }};
}

std::string format_double(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

const std::vector<OptionSpec>& server_options() {
  static const std::vector<OptionSpec> specs = [] {
    std::vector<OptionSpec> s;
    s.push_back(
        {"listen", "HOST:PORT", "address to listen on; port 0 picks a free port", parse_listen,
         [](const Config& c) { return c.listen_host + ":" + std::to_string(c.listen_port); }});
    s.push_back(
        string_option("data-dir", "DIR", "SQLite file and generated secret", &Config::data_dir));
    s.push_back(string_option("database", "URL",
                              "sqlite:PATH or postgres://user:pw@host:port/db (default: SQLite in "
                              "--data-dir)",
                              &Config::database));
    s.push_back(string_option("redis", "URL", "redis://host:port for a cluster (default: none)",
                              &Config::redis));
    s.push_back({"listen-channel", "NAME",
                 "PostgreSQL channel whose NOTIFY payloads become notifications (default: none)",
                 [](Config& c, const std::string& v) {
                   const bool valid = !v.empty() && v.size() <= 63 &&
                                      std::all_of(v.begin(), v.end(), [](unsigned char ch) {
                                        return std::isalnum(ch) != 0 || ch == '_';
                                      });
                   if (!valid)
                     throw ConfigError("--listen-channel: 1 to 63 letters, digits or underscores");
                   c.listen_channel = v;
                 },
                 [](const Config& c) { return c.listen_channel; }});
    s.push_back({"jwt-secret", "SECRET",
                 "HS256 key (default: generated once, kept in --data-dir/jwt-secret)",
                 [](Config& c, const std::string& v) { c.jwt_secret = v; },
                 [](const Config&) { return std::string(); }});
    s.push_back({"totp-key", "SECRET",
                 "key that seals two-factor secrets in the store (default: derived from the JWT "
                 "secret)",
                 [](Config& c, const std::string& v) { c.totp_key = v; },
                 [](const Config&) { return std::string(); }});
    s.push_back({"api-key", "NAME=KEY", "publish API key; repeat for several",
                 [](Config& c, const std::string& v) {
                   auto eq = v.find('=');
                   if (eq == std::string::npos || eq == 0 || eq + 1 == v.size())
                     throw ConfigError("--api-key: expected NAME=KEY");
                   c.api_keys.push_back({v.substr(0, eq), v.substr(eq + 1)});
                 },
                 [](const Config&) { return std::string(); }, true});
    s.push_back({"allowed-origin", "ORIGIN",
                 "browser Origin allowed to open /ws; repeat; '*' for any (default: same origin as "
                 "Host)",
                 [](Config& c, const std::string& v) { c.allowed_origins.push_back(v); },
                 [](const Config&) { return std::string(); }, true});
    s.push_back({"trusted-proxy", "CIDR",
                 "reverse proxy (address or network) whose X-Forwarded-For names the client, "
                 "e.g. for per-address login limits; repeat (default: none)",
                 [](Config& c, const std::string& v) {
                   if (!IpNetwork::parse(v))
                     throw ConfigError("--trusted-proxy: expected an address or CIDR, got '" + v +
                                       "'");
                   c.trusted_proxies.push_back(v);
                 },
                 [](const Config&) { return std::string(); }, true});
    s.push_back(string_option("web-root", "DIR", "static web app (default: the built web/dist)",
                              &Config::web_root));
    s.push_back(
        string_option("tls-cert", "FILE", "TLS certificate chain (PEM)", &Config::tls_cert));
    s.push_back(string_option("tls-key", "FILE", "TLS private key (PEM)", &Config::tls_key));
    s.push_back(int_option<std::size_t>("threads", "network threads (0: one per core)",
                                        &Config::threads, 0, 256));
    s.push_back(int_option<std::size_t>("workers", "threads for store calls and password hashing",
                                        &Config::workers, 1, 256));
    s.push_back(string_option("port-file", "FILE", "write the bound port here once listening",
                              &Config::port_file));
    s.push_back({"log-level", "LEVEL", "debug, info, warn or error",
                 [](Config& c, const std::string& v) {
                   if (v != "debug" && v != "info" && v != "warn" && v != "error")
                     throw ConfigError("--log-level: expected debug, info, warn or error");
                   c.log_level = v;
                 },
                 [](const Config& c) { return c.log_level; }});
    s.push_back({"durability", "full|normal",
                 "full: a commit survives power loss; normal: survives a process crash",
                 [](Config& c, const std::string& v) {
                   if (v != "full" && v != "normal")
                     throw ConfigError("--durability: expected full or normal");
                   c.durability = v;
                 },
                 [](const Config& c) { return c.durability; }});
    s.push_back(int_option<std::size_t>("max-body-bytes", "HTTP request body cap (413 beyond)",
                                        &Config::max_body_bytes, 1024, std::size_t{1} << 30));
    s.push_back(int_option<std::size_t>("max-frame-bytes", "WebSocket message cap (close 1009)",
                                        &Config::max_frame_bytes, 1024, std::size_t{1} << 26));
    s.push_back(int_option<std::size_t>("max-outbound-bytes",
                                        "unsent bytes per connection before close 1013",
                                        &Config::max_outbound_bytes, 1024, std::size_t{1} << 32));
    s.push_back(int_option<std::int64_t>("ws-ping-interval-ms", "server ping period",
                                         &Config::ws_ping_interval_ms, 10, 86'400'000));
    s.push_back(int_option<std::int64_t>("ws-idle-timeout-ms",
                                         "close a connection silent this long",
                                         &Config::ws_idle_timeout_ms, 10, 86'400'000));
    s.push_back(int_option<std::int64_t>("ws-auth-timeout-ms", "time allowed for the auth frame",
                                         &Config::ws_auth_timeout_ms, 10, 3'600'000));
    s.push_back(int_option<std::size_t>(
        "max-connections", "open WebSocket connections (503 beyond; 0: open-file limit - 256)",
        &Config::max_connections, 0, std::size_t{1} << 24));
    s.push_back(
        int_option<std::size_t>("max-connections-per-address",
                                "open WebSocket connections per client address (429; 0: any)",
                                &Config::max_connections_per_address, 0, std::size_t{1} << 24));
    s.push_back(
        int_option<std::size_t>("max-connections-per-user",
                                "open WebSocket connections per user (429 or close 1013; 0: any)",
                                &Config::max_connections_per_user, 0, std::size_t{1} << 24));
    s.push_back(int_option<std::size_t>("max-rooms-per-connection",
                                        "rooms one WebSocket connection may join at once",
                                        &Config::max_rooms_per_connection, 1, 1'000'000));
    s.push_back(int_option<std::size_t>("max-header-bytes", "HTTP request head cap (400 beyond)",
                                        &Config::max_header_bytes, 1024, std::size_t{1} << 20));
    s.push_back(int_option<std::size_t>("max-header-count",
                                        "header fields per HTTP request (400 beyond)",
                                        &Config::max_header_count, 8, 10'000));
    s.push_back(
        int_option<std::size_t>("max-requests-per-connection",
                                "HTTP requests on one keep-alive connection before it is closed",
                                &Config::max_requests_per_connection, 1, 1'000'000'000));
    s.push_back(int_option<std::int64_t>(
        "request-timeout-ms", "time for the TLS handshake and for each HTTP request in full",
        &Config::request_timeout_ms, 100, 3'600'000));
    s.push_back({"rate-limit-per-second", "N", "send frames per second per connection",
                 [](Config& c, const std::string& v) {
                   c.rate_limit_per_second = parse_positive_double("rate-limit-per-second", v);
                 },
                 [](const Config& c) { return format_double(c.rate_limit_per_second); }});
    s.push_back({"rate-limit-burst", "N", "token-bucket burst",
                 [](Config& c, const std::string& v) {
                   c.rate_limit_burst = parse_positive_double("rate-limit-burst", v);
                 },
                 [](const Config& c) { return format_double(c.rate_limit_burst); }});
    s.push_back(int_option<std::int64_t>("rate-limit-abuse-count",
                                         "refused sends within the window that close with 1008",
                                         &Config::rate_limit_abuse_count, 1, 1'000'000'000));
    s.push_back(int_option<std::int64_t>("rate-limit-abuse-window-ms", "that window",
                                         &Config::rate_limit_abuse_window_ms, 1, 86'400'000));
    s.push_back(int_option<std::int64_t>("login-max-failures-user",
                                         "failed logins per username within the window (429)",
                                         &Config::login_max_failures_user, 1, 1'000'000'000));
    s.push_back(int_option<std::int64_t>("login-max-failures-ip",
                                         "failed logins per address within the window (429)",
                                         &Config::login_max_failures_ip, 1, 1'000'000'000));
    s.push_back(string_option("upload-dir", "DIR",
                              "uploaded files (default: --data-dir/uploads; in a cluster, a "
                              "directory every instance mounts)",
                              &Config::upload_dir));
    s.push_back(int_option<std::uint64_t>("max-upload-bytes", "upload size cap (413 beyond)",
                                          &Config::max_upload_bytes, 0, std::uint64_t{1} << 40));
    s.push_back({"upload-rate-per-second", "N", "uploads per second per user, after the burst",
                 [](Config& c, const std::string& v) {
                   c.upload_rate_per_second = parse_positive_double("upload-rate-per-second", v);
                 },
                 [](const Config& c) { return format_double(c.upload_rate_per_second); }});
    s.push_back({"upload-burst", "N", "uploads a user may make at once",
                 [](Config& c, const std::string& v) {
                   c.upload_burst = parse_positive_double("upload-burst", v);
                 },
                 [](const Config& c) { return format_double(c.upload_burst); }});
    s.push_back(int_option<std::int64_t>("upload-detached-grace-s",
                                         "seconds a file no message carries any more is kept",
                                         &Config::upload_detached_grace_s, 0, 86'400 * 365));
    s.push_back(int_option<std::int64_t>("upload-unattached-max-age-s",
                                         "seconds a file never attached to a message is kept",
                                         &Config::upload_unattached_max_age_s, 0, 86'400 * 365));
    s.push_back(int_option<std::int64_t>("upload-gc-interval-s",
                                         "seconds between collections of such files",
                                         &Config::upload_gc_interval_s, 1, 86'400));
    s.push_back(int_option<std::int64_t>("login-window-s", "login failure window",
                                         &Config::login_window_s, 1, 86'400 * 365));
    s.push_back(int_option<std::int64_t>("access-token-ttl-s", "access token lifetime",
                                         &Config::access_token_ttl_s, 1, 86'400 * 365));
    s.push_back(int_option<std::int64_t>("refresh-token-ttl-s", "refresh token lifetime",
                                         &Config::refresh_token_ttl_s, 1, 86'400 * 3650));
    // Operations (docs/operations.md).
    s.push_back(string_option("log-file", "FILE",
                              "write the JSON log lines here instead of stdout; reopened on SIGHUP "
                              "(for logrotate)",
                              &Config::log_file));
    s.push_back(int_option<std::int64_t>("shutdown-timeout",
                                         "seconds from SIGTERM to exit, at most",
                                         &Config::shutdown_timeout_s, 1, 3600));
    return s;
  }();
  return specs;
}

struct PublishSpec {
  std::string_view name;
  std::string_view value_name;
  std::string_view help;
};

const std::vector<PublishSpec>& publish_options() {
  static const std::vector<PublishSpec> specs = {
      {"url", "URL", "server base URL (default http://127.0.0.1:8080)"},
      {"key", "KEY", "API key (or PARLEY_PUBLISH_KEY)"},
      {"room", "ID", "target: a room"},
      {"user", "ID", "target: a user"},
      {"users", "ID,ID,...", "target: several users"},
      {"role", "ROLE", "target: every user with this role"},
      {"event", "NAME", "event name"},
      {"data", "JSON", "event data, a JSON object (default {})"},
  };
  return specs;
}

std::string help_text() {
  std::ostringstream out;
  Config defaults;
  out << "Parley: real-time chat and notification server.\n\n"
         "Usage:\n"
         "  parley [FLAGS]                                  run the server\n"
         "  parley users set-role USERNAME admin|user [--data-dir DIR | --database URL]\n"
         "  parley publish --key KEY (--room ID | --user ID | --users IDS | --role ROLE)\n"
         "                 --event NAME [--data JSON] [--url URL]\n"
         "  parley backup --to FILE [--data-dir DIR | --database sqlite:PATH]   (while serving)\n"
         "  parley restore --from FILE [--data-dir DIR | --database sqlite:PATH] (server stopped)\n"
         "  parley migrate [--dry-run] [--data-dir DIR | --database URL]   (report, apply)\n"
         "  parley --help\n\n"
         "Server flags (each also read from PARLEY_<NAME>, e.g. PARLEY_LISTEN, and from the\n"
         "--config FILE as 'name = value' lines; flag > environment > file > default):\n";
  out << "  --config FILE\n      config file (env PARLEY_CONFIG)\n";
  for (const auto& o : server_options()) {
    out << "  --" << o.name << ' ' << o.value_name << "\n      " << o.help;
    std::string d = o.show(defaults);
    if (!d.empty()) out << " [default: " << d << ']';
    out << "  (env " << env_name(o.name) << ")\n";
  }
  out << "\nPublish flags:\n";
  for (const auto& o : publish_options())
    out << "  --" << o.name << ' ' << o.value_name << "\n      " << o.help << '\n';
  return out.str();
}

// name = value lines; '#' comments; surrounding quotes stripped.
std::map<std::string, std::vector<std::string>> read_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("--config: cannot read '" + path + "'");
  std::map<std::string, std::vector<std::string>> values;
  std::string line;
  int number = 0;
  auto trim = [](std::string s) {
    auto b = s.find_first_not_of(" \t\r");
    auto e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  };
  while (std::getline(in, line)) {
    ++number;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos)
      throw ConfigError(path + ":" + std::to_string(number) + ": expected 'name = value'");
    std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    if (key.rfind("--", 0) == 0) key = key.substr(2);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    values[key].push_back(value);
  }
  return values;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

Invocation parse_command_line(const std::vector<std::string>& args, EnvLookup env) {
  Invocation inv;
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> flags;

  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      inv.command = Command::help;
      inv.help_text = help_text();
      return inv;
    }
    if (a.rfind("--", 0) != 0) {
      positional.push_back(a);
      continue;
    }
    if (a == "--dry-run") {  // a switch, without a value
      inv.dry_run = true;
      continue;
    }
    std::string name = a.substr(2);
    std::string value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else {
      if (i + 1 >= args.size()) throw ConfigError("--" + name + ": missing value");
      value = args[++i];
    }
    flags[name].push_back(value);
  }

  if (!positional.empty()) {
    if (positional[0] == "users" && positional.size() == 4 && positional[1] == "set-role") {
      inv.command = Command::set_role;
      inv.username = positional[2];
      inv.role = positional[3];
      if (inv.role != "admin" && inv.role != "user")
        throw ConfigError("users set-role: role must be admin or user");
    } else if (positional[0] == "migrate" && positional.size() == 1) {
      inv.command = Command::migrate;
    } else if (positional[0] == "publish" && positional.size() == 1) {
      inv.command = Command::publish;
    } else if ((positional[0] == "backup" || positional[0] == "restore") &&
               positional.size() == 1) {
      const bool backup = positional[0] == "backup";
      inv.command = backup ? Command::backup : Command::restore;
      const std::string flag = backup ? "to" : "from";
      auto it = flags.find(flag);
      if (it == flags.end() || it->second.back().empty())
        throw ConfigError(positional[0] + ": --" + flag + " FILE is required");
      inv.backup_file = it->second.back();
      flags.erase(it);
    } else {
      throw ConfigError("unexpected argument '" + positional[0] + "' (see --help)");
    }
  }

  if (inv.dry_run && inv.command != Command::migrate)
    throw ConfigError("--dry-run is only for parley migrate");

  if (inv.command == Command::publish) {
    for (const auto& spec : publish_options()) {
      auto it = flags.find(std::string(spec.name));
      if (it == flags.end()) continue;
      const std::string& v = it->second.back();
      if (spec.name == "url")
        inv.publish.url = v;
      else if (spec.name == "key")
        inv.publish.key = v;
      else if (spec.name == "event")
        inv.publish.event = v;
      else if (spec.name == "data")
        inv.publish.data = v;
      else {
        if (inv.publish.target_kind)
          throw ConfigError("publish: give exactly one of --room, --user, --users, --role");
        inv.publish.target_kind = std::string(spec.name);
        inv.publish.target_value = v;
      }
      flags.erase(it);
    }
    if (inv.publish.key.empty()) inv.publish.key = env("PARLEY_PUBLISH_KEY").value_or("");
  }

  std::map<std::string, std::vector<std::string>> file_values;
  std::optional<std::string> config_path;
  if (auto it = flags.find("config"); it != flags.end()) {
    config_path = it->second.back();
    flags.erase(it);
  } else {
    config_path = env("PARLEY_CONFIG");
  }
  if (config_path) file_values = read_config_file(*config_path);

  for (const auto& spec : server_options()) {
    std::string name(spec.name);
    std::vector<std::string> values;
    if (auto it = flags.find(name); it != flags.end()) {
      values = it->second;
      flags.erase(it);
    } else if (auto e = env(env_name(name))) {
      values = spec.repeatable ? split_commas(*e) : std::vector<std::string>{*e};
    } else if (auto f = file_values.find(name); f != file_values.end()) {
      values = f->second;
    }
    if (values.size() > 1 && !spec.repeatable)
      throw ConfigError("--" + name + " given more than once");
    for (const auto& v : values) spec.set(inv.config, v);
    file_values.erase(name);
  }
  if (!flags.empty()) throw ConfigError("unknown flag --" + flags.begin()->first + " (see --help)");
  if (!file_values.empty())
    throw ConfigError("unknown setting '" + file_values.begin()->first + "' in the config file");
  if (inv.config.tls_cert.empty() != inv.config.tls_key.empty())
    throw ConfigError("--tls-cert and --tls-key go together");
  return inv;
}

}  // namespace parley::config

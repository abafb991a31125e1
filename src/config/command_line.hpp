#pragma once
// Parses `parley [flags]`, `parley users set-role NAME ROLE [flags]` and `parley publish ...`
// from flags, PARLEY_* environment variables and an optional config file (in that precedence).

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace parley::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Command { serve, help, set_role, publish, backup, restore, migrate };

struct PublishArgs {
  std::string url = "http://127.0.0.1:8080";
  std::string key;
  std::optional<std::string> target_kind;  // "room" | "user" | "users" | "role"
  std::string target_value;                // as given: "7", "12", "12,13", "admin"
  std::string event;
  std::string data = "{}";
};

struct Invocation {
  Command command = Command::serve;
  Config config;
  std::string username;  // set-role
  std::string role;      // set-role
  PublishArgs publish;
  std::string backup_file;  // backup --to FILE, restore --from FILE
  bool dry_run = false;     // migrate --dry-run
  std::string help_text;
};

// `env` looks a variable up (std::getenv in production; a map in tests).
using EnvLookup = std::optional<std::string> (*)(const std::string& name);
std::optional<std::string> process_env(const std::string& name);

// Throws ConfigError with a message naming the offending flag or value.
Invocation parse_command_line(const std::vector<std::string>& args, EnvLookup env = process_env);

}  // namespace parley::config

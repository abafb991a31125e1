#pragma once
// Structured JSON-lines logging on top of spdlog: one object per line with ts, level, msg and
// fields. Never pass tokens, passwords or API keys as fields.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace parley::obs {

enum class LogLevel { debug, info, warn, error };

struct LogField {
  std::string_view key;
  std::string value;
  bool quoted = true;  // false: value is already JSON (a number, true/false)
};

inline LogField field(std::string_view key, std::string value) {
  return {key, std::move(value), true};
}
inline LogField field(std::string_view key, std::string_view value) {
  return {key, std::string(value), true};
}
inline LogField field(std::string_view key, const char* value) {
  return {key, std::string(value), true};
}
template <typename Int>
requires std::is_integral_v<Int> LogField field(std::string_view key, Int value) {
  return {key, std::to_string(value), false};
}

// Sets the sink and the minimum level ("debug", "info", "warn", "error"). The sink is stdout, or
// `file` (appended to) when given. Throws std::runtime_error when the file cannot be opened.
void init_logging(std::string_view level, const std::string& file = {});
// Reopens the log file by its name (after logrotate moved it); nothing for stdout. Thread-safe.
void reopen_logs();
// Changes the minimum level; thread-safe.
void set_log_level(std::string_view level);

void log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});

inline void log_debug(std::string_view msg, std::initializer_list<LogField> f = {}) {
  log(LogLevel::debug, msg, f);
}
inline void log_info(std::string_view msg, std::initializer_list<LogField> f = {}) {
  log(LogLevel::info, msg, f);
}
inline void log_warn(std::string_view msg, std::initializer_list<LogField> f = {}) {
  log(LogLevel::warn, msg, f);
}
inline void log_error(std::string_view msg, std::initializer_list<LogField> f = {}) {
  log(LogLevel::error, msg, f);
}

}  // namespace parley::obs

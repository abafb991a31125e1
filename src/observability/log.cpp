#include "observability/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "common/clock.hpp"
#include "common/json_escape.hpp"

namespace parley::obs {
namespace {

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return spdlog::level::debug;
    case LogLevel::info:
      return spdlog::level::info;
    case LogLevel::warn:
      return spdlog::level::warn;
    case LogLevel::error:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
  }
  return "info";
}

}  // namespace

void init_logging(std::string_view level) {
  auto logger = spdlog::stderr_logger_mt("parley");
  logger->set_pattern("%v");
  spdlog::set_default_logger(logger);
  spdlog::level::level_enum l = spdlog::level::info;
  if (level == "debug")
    l = spdlog::level::debug;
  else if (level == "warn")
    l = spdlog::level::warn;
  else if (level == "error")
    l = spdlog::level::err;
  spdlog::set_level(l);
  spdlog::flush_on(spdlog::level::info);
}

void log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) {
  auto spd_level = to_spdlog(level);
  if (!spdlog::should_log(spd_level)) return;
  std::string line;
  line.reserve(128);
  line += "{\"ts\":\"";
  line += format_rfc3339_ms(now_ms());
  line += "\",\"level\":\"";
  line += level_name(level);
  line += "\",\"msg\":\"";
  append_json_escaped(line, msg);
  line += '"';
  for (const auto& f : fields) {
    line += ",\"";
    append_json_escaped(line, f.key);
    line += "\":";
    if (f.quoted) {
      line += '"';
      append_json_escaped(line, f.value);
      line += '"';
    } else {
      line += f.value;
    }
  }
  line += '}';
  spdlog::log(spd_level, "{}", line);
}

}  // namespace parley::obs

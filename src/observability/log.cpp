#include "observability/log.hpp"

#include <spdlog/details/file_helper.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>

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

// An appending file sink that can reopen its file by name, under the sink's own lock, so that
// lines written meanwhile go to the old file or the new one, never nowhere.
class ReopeningFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit ReopeningFileSink(const std::string& path) { file_.open(path, false); }
  void reopen() {
    std::lock_guard lock(mutex_);
    file_.reopen(false);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    file_.write(formatted);
  }
  void flush_() override { file_.flush(); }

 private:
  spdlog::details::file_helper file_;
};

std::shared_ptr<ReopeningFileSink>& file_sink() {
  static std::shared_ptr<ReopeningFileSink> sink;
  return sink;
}

spdlog::level::level_enum parse_level(std::string_view level) {
  if (level == "debug") return spdlog::level::debug;
  if (level == "warn") return spdlog::level::warn;
  if (level == "error") return spdlog::level::err;
  return spdlog::level::info;
}

}  // namespace

void init_logging(std::string_view level, const std::string& file) {
  std::shared_ptr<spdlog::logger> logger;
  if (file.empty()) {
    logger = spdlog::stdout_logger_mt("parley");
  } else {
    try {
      file_sink() = std::make_shared<ReopeningFileSink>(file);
    } catch (const spdlog::spdlog_ex& e) {
      throw std::runtime_error("cannot open --log-file: " + std::string(e.what()));
    }
    logger = std::make_shared<spdlog::logger>("parley", file_sink());
  }
  logger->set_pattern("%v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(parse_level(level));
  // Every line is flushed: a log collector reading a pipe sees it at once.
  spdlog::flush_on(spdlog::level::trace);
}

void reopen_logs() {
  if (auto& sink = file_sink()) sink->reopen();
}

void set_log_level(std::string_view level) {
  spdlog::set_level(parse_level(level));
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

#include "observability/log.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <memory>
#include <sstream>
#include <string>

namespace parley::obs {
namespace {

// Captures what the log functions write, one JSON object per line.
class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_st>(out_));
    logger->set_pattern("%v");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::debug);
  }
  void TearDown() override { spdlog::set_default_logger(previous_); }

  // The line between its "ts" member (checked to be an RFC 3339 time in ms) and its closing
  // brace.
  std::string line_without_ts() {
    const std::string line = out_.str();
    const std::string head = "{\"ts\":\"";
    const std::string shape = "dddd-dd-ddTdd:dd:dd.dddZ";
    const std::size_t rest = head.size() + shape.size() + 2;  // the time, then `",`
    if (line.size() < rest + 2 || line.compare(0, head.size(), head) != 0 ||
        line.compare(head.size() + shape.size(), 2, "\",") != 0 ||
        line.compare(line.size() - 2, 2, "}\n") != 0)
      return "unexpected line: " + line;
    for (std::size_t i = 0; i < shape.size(); ++i) {
      char c = line[head.size() + i];
      bool ok = shape[i] == 'd' ? std::isdigit(static_cast<unsigned char>(c)) != 0 : c == shape[i];
      if (!ok) return "unexpected time in: " + line;
    }
    return line.substr(rest, line.size() - rest - 2);
  }

  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(LogTest, WritesOneJsonObjectWithLevelMessageAndFields) {
  log_info("listening", {field("host", "127.0.0.1"), field("port", 8080)});
  EXPECT_EQ(line_without_ts(),
            R"("level":"info","msg":"listening","host":"127.0.0.1","port":8080)");
}

TEST_F(LogTest, EscapesMessageKeysAndValues) {
  log_warn("say \"hi\"\n", {field("pa\"th", "C:\\dir\t\x01")});
  EXPECT_EQ(line_without_ts(), R"("level":"warn","msg":"say \"hi\"\n","pa\"th":"C:\\dir\t\u0001")");
}

TEST_F(LogTest, NumbersAreUnquotedAndTextIsQuoted) {
  log_error("batch", {field("messages", std::size_t{512}), field("error", std::string("42"))});
  EXPECT_EQ(line_without_ts(), R"("level":"error","msg":"batch","messages":512,"error":"42")");
}

TEST_F(LogTest, LinesBelowTheLevelAreNotWritten) {
  spdlog::set_level(spdlog::level::warn);
  log_info("quiet");
  log_debug("quieter");
  EXPECT_EQ(out_.str(), "");
  log_warn("loud");
  EXPECT_NE(out_.str().find(R"("msg":"loud")"), std::string::npos);
}

}  // namespace
}  // namespace parley::obs

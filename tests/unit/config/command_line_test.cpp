#include "config/command_line.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

namespace parley::config {
namespace {

std::map<std::string, std::string>& fake_env() {
  static std::map<std::string, std::string> env;
  return env;
}

std::optional<std::string> lookup(const std::string& name) {
  auto it = fake_env().find(name);
  if (it == fake_env().end()) return std::nullopt;
  return it->second;
}

Invocation parse(std::vector<std::string> args) {
  args.insert(args.begin(), "parley");
  return parse_command_line(args, lookup);
}

class CommandLine : public ::testing::Test {
 protected:
  void SetUp() override { fake_env().clear(); }
};

TEST_F(CommandLine, DefaultsMatchTheContract) {
  auto inv = parse({});
  EXPECT_EQ(inv.command, Command::serve);
  EXPECT_EQ(inv.config.listen_host, "127.0.0.1");
  EXPECT_EQ(inv.config.listen_port, 8080);
  EXPECT_EQ(inv.config.data_dir, "./data");
  EXPECT_EQ(inv.config.max_frame_bytes, 65536u);
  EXPECT_EQ(inv.config.max_outbound_bytes, 4u << 20);
  EXPECT_EQ(inv.config.ws_ping_interval_ms, 30000);
  EXPECT_EQ(inv.config.ws_idle_timeout_ms, 75000);
  EXPECT_EQ(inv.config.rate_limit_per_second, 20);
  EXPECT_EQ(inv.config.rate_limit_burst, 40);
}

TEST_F(CommandLine, FlagBeatsEnvironmentBeatsFile) {
  char path[] = "/tmp/parley-config-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "# comment\nlisten = 127.0.0.1:7000\ndata-dir = /from/file\n"
                         "workers = 7\n";
  fake_env()["PARLEY_DATA_DIR"] = "/from/env";
  fake_env()["PARLEY_WORKERS"] = "5";
  auto inv = parse({"--config", path, "--workers=9"});
  EXPECT_EQ(inv.config.listen_port, 7000);
  EXPECT_EQ(inv.config.data_dir, "/from/env");
  EXPECT_EQ(inv.config.workers, 9u);
  std::remove(path);
}

TEST_F(CommandLine, RepeatableFlagsAndCommaSeparatedEnvironment) {
  auto inv = parse({"--api-key", "a=1", "--api-key", "b=2"});
  ASSERT_EQ(inv.config.api_keys.size(), 2u);
  EXPECT_EQ(inv.config.api_keys[1].name, "b");
  fake_env()["PARLEY_ALLOWED_ORIGIN"] = "http://a.example,http://b.example";
  inv = parse({});
  EXPECT_EQ(inv.config.allowed_origins.size(), 2u);
  fake_env()["PARLEY_TRUSTED_PROXY"] = "10.0.0.0/8,::1";
  inv = parse({});
  EXPECT_EQ(inv.config.trusted_proxies, (std::vector<std::string>{"10.0.0.0/8", "::1"}));
}

TEST_F(CommandLine, RejectsBadValuesNamingTheFlag) {
  EXPECT_THROW(parse({"--listen", "nope"}), ConfigError);
  EXPECT_THROW(parse({"--listen", "1.2.3.4:99999"}), ConfigError);
  EXPECT_THROW(parse({"--workers", "abc"}), ConfigError);
  EXPECT_THROW(parse({"--durability", "sometimes"}), ConfigError);
  EXPECT_THROW(parse({"--no-such-flag", "1"}), ConfigError);
  EXPECT_THROW(parse({"--threads"}), ConfigError);
  EXPECT_THROW(parse({"--tls-cert", "x"}), ConfigError);
  EXPECT_THROW(parse({"--trusted-proxy", "10.0.0.0/33"}), ConfigError);
  EXPECT_THROW(parse({"--trusted-proxy", "proxy.example"}), ConfigError);
  try {
    parse({"--max-body-bytes", "-1"});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--max-body-bytes"), std::string::npos);
  }
}

TEST_F(CommandLine, Subcommands) {
  auto inv = parse({"users", "set-role", "alice", "admin", "--data-dir", "/d"});
  EXPECT_EQ(inv.command, Command::set_role);
  EXPECT_EQ(inv.username, "alice");
  EXPECT_EQ(inv.role, "admin");
  EXPECT_EQ(inv.config.data_dir, "/d");
  EXPECT_THROW(parse({"users", "set-role", "alice", "root"}), ConfigError);
  inv = parse({"publish", "--key", "k", "--user", "12", "--event", "x", "--data", "{}"});
  EXPECT_EQ(inv.command, Command::publish);
  EXPECT_EQ(*inv.publish.target_kind, "user");
  EXPECT_THROW(parse({"publish", "--user", "1", "--room", "2"}), ConfigError);
}

TEST_F(CommandLine, HelpListsEveryDefault) {
  auto inv = parse({"--help"});
  EXPECT_EQ(inv.command, Command::help);
  EXPECT_NE(inv.help_text.find("--listen HOST:PORT"), std::string::npos);
  EXPECT_NE(inv.help_text.find("[default: 127.0.0.1:8080]"), std::string::npos);
  EXPECT_NE(inv.help_text.find("PARLEY_MAX_BODY_BYTES"), std::string::npos);
}

TEST_F(CommandLine, BackupAndRestoreNameTheirFile) {
  auto b = parse({"backup", "--to", "/tmp/x.db", "--data-dir", "/d"});
  EXPECT_EQ(b.command, Command::backup);
  EXPECT_EQ(b.backup_file, "/tmp/x.db");
  EXPECT_EQ(b.config.data_dir, "/d");
  auto r = parse({"restore", "--from", "/tmp/x.db"});
  EXPECT_EQ(r.command, Command::restore);
  EXPECT_EQ(r.backup_file, "/tmp/x.db");
  EXPECT_THROW(parse({"backup"}), ConfigError);
  EXPECT_THROW(parse({"restore", "--to", "/tmp/x.db"}), ConfigError);
  EXPECT_THROW(parse({"backup", "--to", "a", "extra"}), ConfigError);
}

TEST_F(CommandLine, OperationsFlags) {
  auto d = parse({});
  EXPECT_EQ(d.config.shutdown_timeout_s, 10);
  EXPECT_EQ(d.config.log_file, "");
  fake_env()["PARLEY_SHUTDOWN_TIMEOUT"] = "3";
  auto inv = parse({"--log-file", "/var/log/parley.log"});
  EXPECT_EQ(inv.config.shutdown_timeout_s, 3);
  EXPECT_EQ(inv.config.log_file, "/var/log/parley.log");
  EXPECT_THROW(parse({"--shutdown-timeout", "0"}), ConfigError);
}

}  // namespace
}  // namespace parley::config

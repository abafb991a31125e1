#include "config/options.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace parley::bench {
namespace {

Options parse(std::vector<std::string> args) {
  args.insert(args.begin(), "parley-bench");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return parse_options(static_cast<int>(argv.size()), argv.data());
}

TEST(Options, OneUrlAsBefore) {
  const Options o = parse({"rooms", "--url", "http://127.0.0.1:8080"});
  ASSERT_EQ(o.servers.size(), 1u);
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 8080);
}

TEST(Options, SeveralUrlsAndPidsByRepeatOrComma) {
  const Options o =
      parse({"cluster", "--url", "http://127.0.0.1:1001,http://127.0.0.2:1002", "--url",
             "http://127.0.0.3:1003", "--server-pid", "11,12", "--server-pid", "13"});
  ASSERT_EQ(o.servers.size(), 3u);
  EXPECT_EQ(o.servers[1].host, "127.0.0.2");
  EXPECT_EQ(o.servers[2].port, 1003);
  EXPECT_EQ(o.host, "127.0.0.1");  // REST setup goes to the first
  EXPECT_EQ(o.server_pids, (std::vector<int>{11, 12, 13}));
}

TEST(Options, ClusterDefaultsAndSmokeSizes) {
  Options o = parse({"cluster", "--url", "http://127.0.0.1:1"});
  apply_scenario_defaults(o);
  EXPECT_EQ(o.rooms, 100u);
  EXPECT_EQ(o.subscribers, 10u);
  EXPECT_EQ(o.rate, 5000.0);
  Options smoke = parse({"cluster", "--smoke", "--url", "http://127.0.0.1:1"});
  apply_scenario_defaults(smoke);
  EXPECT_EQ(smoke.rooms, 10u);
  EXPECT_EQ(smoke.rate, 100.0);
}

TEST(Options, BadUrlsAreRefused) {
  EXPECT_THROW(parse({"rooms", "--url", "ftp://127.0.0.1:1"}), CLI::ValidationError);
  EXPECT_THROW(parse({"rooms", "--url", "http://127.0.0.1:99999"}), CLI::ValidationError);
}

TEST(Options, EveryWebSocketAuthenticationWay) {
  EXPECT_EQ(parse({"idle", "--url", "http://127.0.0.1:1"}).auth, "token");
  for (const char* way : {"token", "frame", "subprotocol"})
    EXPECT_EQ(parse({"idle", "--url", "http://127.0.0.1:1", "--auth", way}).auth, way);
  // CLI11 answers a value outside the set by exiting with its usage error.
  EXPECT_EXIT(
      parse({"idle", "--url", "http://127.0.0.1:1", "--auth", "header"}),
      [](int status) { return WIFEXITED(status) && WEXITSTATUS(status) != 0; },
      "not in \\{token,frame,subprotocol\\}");
}

}  // namespace
}  // namespace parley::bench

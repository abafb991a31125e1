#include "realtime/connected_clients.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace parley::realtime {
namespace {

class FakeClient : public ConnectedClient {
 public:
  FakeClient(std::uint64_t id, std::string name) : id_(id), name_(std::move(name)) {}
  ClientSummary summary() const override {
    ClientSummary s;
    s.id = id_;
    s.username = name_;
    s.rooms = {7, 9};
    s.outbound_bytes = 123;
    return s;
  }
  void disconnect() override { ++disconnects; }
  int disconnects = 0;

 private:
  std::uint64_t id_;
  std::string name_;
};

// Tasks run on a thread of their own, as a network thread would run them.
Hub threaded_hub(std::size_t threads) {
  return Hub(threads, [](std::size_t, std::function<void()> task) {
    std::thread(std::move(task)).detach();
  });
}

TEST(ConnectedClients, CollectsEveryThreadsClientsSortedById) {
  Hub hub = threaded_hub(2);
  ConnectedClients clients(2);
  FakeClient a(5, "a"), b(2, "b"), c(9, "c");
  clients.add(0, 5, &a);
  clients.add(1, 2, &b);
  clients.add(1, 9, &c);
  auto all = clients.collect(hub, std::chrono::seconds(5));
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, 2u);
  EXPECT_EQ((*all)[1].id, 5u);
  EXPECT_EQ((*all)[2].username, "c");
  EXPECT_EQ((*all)[2].rooms, (std::vector<std::int64_t>{7, 9}));
  clients.remove(1, 9);
  EXPECT_EQ(clients.collect(hub, std::chrono::seconds(5))->size(), 2u);
}

TEST(ConnectedClients, DisconnectReachesOnlyThatClient) {
  Hub hub = threaded_hub(2);
  ConnectedClients clients(2);
  FakeClient a(1, "a"), b(2, "b");
  clients.add(0, 1, &a);
  clients.add(1, 2, &b);
  EXPECT_TRUE(clients.disconnect(hub, 2, std::chrono::seconds(5)));
  EXPECT_EQ(a.disconnects, 0);
  EXPECT_EQ(b.disconnects, 1);
  EXPECT_FALSE(clients.disconnect(hub, 3, std::chrono::seconds(5)));
}

TEST(ConnectedClients, AThreadThatDoesNotAnswerTimesOut) {
  // Tasks are dropped, as after the network threads stopped.
  Hub hub(1, [](std::size_t, std::function<void()>) {});
  ConnectedClients clients(1);
  EXPECT_FALSE(clients.collect(hub, std::chrono::milliseconds(20)));
  EXPECT_FALSE(clients.disconnect(hub, 1, std::chrono::milliseconds(20)));
}

}  // namespace
}  // namespace parley::realtime

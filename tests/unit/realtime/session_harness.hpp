#pragma once
// What a ChatSession needs around it, without sockets or network threads: a fake connection that
// records what is sent to it, a "network thread" that is the test's own thread (the hub's poster
// queues tasks, the test drains them), a real one-thread worker pool (settle() waits for it and
// the network thread to run dry), and the real store and group-commit writer (whose callbacks
// arrive from the writer's thread). Every wait is a bounded condition wait, never a sleep.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../store/temp_dir.hpp"
#include "auth/jwt.hpp"
#include "common/worker_pool.hpp"
#include "net/ws_connection.hpp"
#include "realtime/chat_session.hpp"
#include "realtime/hub.hpp"
#include "realtime/services.hpp"
#include "realtime/write_path.hpp"
#include "store/message_writer.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::realtime::test {

namespace json = boost::json;

// The payload of one unmasked server frame (header + payload) as net::make_text_frame builds it.
inline std::string frame_payload(const std::string& frame) {
  std::size_t header = 2;
  std::size_t length = static_cast<unsigned char>(frame.at(1)) & 0x7F;
  if (length == 126) header = 4;
  if (length == 127) header = 10;
  return frame.substr(header);
}

// The connection side of a session: what it was sent, how it was closed, and the timers it was
// asked for (fired by the test).
class FakeConnection : public net::WsConnection {
 public:
  net::SendResult send(net::SharedFrame frame) override {
    frames.push_back(json::parse(frame_payload(*frame)).as_object());
    return net::SendResult::queued;
  }
  void close(std::uint16_t code, std::string_view reason) override {
    close_codes.push_back(code);
    close_reason = std::string(reason);
  }
  void after(std::chrono::milliseconds delay, std::function<void()> fn) override {
    timers.push_back({delay, std::move(fn)});
  }
  std::size_t thread_index() const noexcept override { return 0; }

  // Runs every timer asked for so far, as if its delay had passed.
  void fire_timers() {
    auto due = std::move(timers);
    timers.clear();
    for (auto& t : due) t.second();
  }

  std::vector<json::object> frames;
  std::vector<std::uint16_t> close_codes;
  std::string close_reason;
  std::vector<std::pair<std::chrono::milliseconds, std::function<void()>>> timers;
};

// Network thread 0 is the test's thread: the hub's poster queues tasks (from any thread), the
// test runs them.
class TestThread {
 public:
  Hub::Poster poster() {
    return [this](std::size_t, std::function<void()> task) {
      {
        std::lock_guard lock(mutex_);
        tasks_.push_back(std::move(task));
      }
      posted_.notify_all();
    };
  }

  // Runs what is queued, and what those tasks queue in turn, until nothing is left. Returns how
  // many tasks ran.
  std::size_t drain() {
    std::size_t ran = 0;
    for (; auto task = take(); ++ran) (*task)();
    return ran;
  }

  // Runs tasks as they come until `done()` holds; false when it did not within the deadline.
  bool run_until(const std::function<bool()>& done,
                 std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      drain();
      if (done()) return true;
      std::unique_lock lock(mutex_);
      if (!posted_.wait_until(lock, deadline, [&] { return !tasks_.empty(); })) return done();
    }
  }

  void discard() {
    std::lock_guard lock(mutex_);
    tasks_.clear();
  }

 private:
  std::optional<std::function<void()>> take() {
    std::lock_guard lock(mutex_);
    if (tasks_.empty()) return std::nullopt;
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    return task;
  }

  std::mutex mutex_;
  std::condition_variable posted_;
  std::deque<std::function<void()>> tasks_;
};

// One client: a session on a fake connection.
struct Client {
  std::shared_ptr<FakeConnection> connection = std::make_shared<FakeConnection>();
  std::shared_ptr<ChatSession> session;

  void send(const std::string& text) { session->on_text(text); }
  void send(const json::object& frame) { send(json::serialize(frame)); }
  std::vector<json::object>& frames() { return connection->frames; }

  // Frames of `type` (and, when given, with `ref`).
  std::vector<json::object> of_type(const std::string& type,
                                    const std::optional<std::string>& ref = std::nullopt) const {
    std::vector<json::object> out;
    for (const auto& f : connection->frames) {
      if (f.at("type").as_string() != type) continue;
      if (ref && (!f.contains("ref") || f.at("ref").as_string() != *ref)) continue;
      out.push_back(f);
    }
    return out;
  }
  // The frame answering `ref`, if any.
  std::optional<json::object> reply(const std::string& ref) const {
    for (const auto& f : connection->frames)
      if (f.contains("ref") && f.at("ref").as_string() == ref) return f;
    return std::nullopt;
  }
  std::vector<std::string> types() const {
    std::vector<std::string> out;
    for (const auto& f : connection->frames) out.emplace_back(f.at("type").as_string());
    return out;
  }
};

inline std::int64_t id_of(const json::value& v) {
  return v.as_int64();
}

// A real SQLite store and writer, a one-thread worker pool and a hub on the test's thread.
class SessionHarness : public ::testing::Test {
 protected:
  static constexpr std::int64_t kNow = 1'700'000'000'000;

  SessionHarness()
      : store_(dir_.file("parley.db"), store::Durability::normal),
        writer_(store_),
        jwt_("a test secret that is long enough for HS256"),
        hub_(1, thread_.poster()),
        services_{store_, writer_, jwt_, workers_, hub_, {}, nullptr} {
    // As main() wires them: what one commit batch sends is posted at once.
    store::MessageWriter::BatchHooks hooks;
    hooks.before_callbacks = [this] { hub_.begin_batch(); };
    hooks.after_callbacks = [this] { hub_.end_batch(); };
    hooks.after_batch = [this] {
      std::lock_guard lock(batches_mutex_);
      ++batches_done_;
      batch_done_.notify_all();
    };
    writer_.set_batch_hooks(std::move(hooks));
  }

  void TearDown() override {
    for (auto& c : clients_)
      if (c->session) c->session->on_closed();
    workers_.stop();  // its tasks post to the hub
    writer_.stop();   // its callbacks use the hub and the services
    thread_.discard();
  }

  domain::User make_user(const std::string& name) {
    auto user = store_.create_user(name, "hash", kNow);
    EXPECT_TRUE(user.has_value());
    return user.value_or(domain::User{});
  }
  domain::Room make_room(const std::string& name, const domain::User& owner,
                         bool is_private = false) {
    auto room = store_.create_room(name, is_private, owner.id, std::nullopt, kNow);
    EXPECT_TRUE(room.has_value());
    return room.value_or(domain::Room{});
  }
  // Stored directly, without events.
  domain::Message stored(const domain::Room& room, const domain::User& from,
                         const std::string& body) {
    store::Write w = store::NewMessage{room.id, from.id, body, {}, {}, {}};
    return store_.write_batch({&w, 1}, kNow).at(0).message;
  }

  // Claims of a live session of `user` (one stored session per call, as a login makes); sid 0
  // for a user the store does not have.
  auth::AccessClaims claims_of(const domain::User& user) {
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    const std::string token = "refresh-" + std::to_string(++sessions_made_);
    const std::int64_t sid = store_.create_session(
        {user.id, token, "family-" + token, "test", "127.0.0.1", (now + 3600) * 1000}, now * 1000);
    return {user.id, user.username, user.role, now, now + 3600, sid};
  }
  std::string token_of(const domain::User& user) { return jwt_.issue(claims_of(user)); }

  // A session opened on a fresh fake connection, with the upgrade's claims when given.
  Client& open(std::optional<auth::AccessClaims> claims = std::nullopt,
               Services* services = nullptr) {
    auto& c = *clients_.emplace_back(std::make_unique<Client>());
    c.session = std::make_shared<ChatSession>(services ? *services : services_, std::move(claims));
    c.session->on_open(c.connection);
    return c;
  }
  // A session authenticated by the upgrade's token, ready.
  Client& ready(const domain::User& user) {
    Client& c = open(claims_of(user));
    settle();
    return c;
  }
  // Runs the worker pool and the network thread until neither has anything left: what the pool
  // was given has run and what it posted back has been run too (which may give the pool more).
  // The pool has one thread, so a marker task runs after everything submitted before it.
  void settle() {
    do {
      std::promise<void> marker;
      auto reached = marker.get_future();
      if (workers_.submit([&marker] { marker.set_value(); })) {
        EXPECT_EQ(reached.wait_for(std::chrono::seconds(10)), std::future_status::ready)
            << "the worker pool did not run dry";
      }  // else: a stopped pool runs nothing more
    } while (thread_.drain() > 0);
  }

  // Sends `frame` with `ref` and runs the network thread until its reply arrived.
  json::object request(Client& c, json::object frame, const std::string& ref) {
    frame["ref"] = ref;
    c.send(frame);
    EXPECT_TRUE(thread_.run_until([&] { return c.reply(ref).has_value(); }))
        << "no reply to " << ref;
    return c.reply(ref).value_or(json::object{});
  }
  json::object joined(Client& c, const domain::Room& room, const std::string& ref) {
    json::object reply = request(c, {{"type", "join"}, {"room", room.id}}, ref);
    EXPECT_EQ(reply.at("type").as_string(), "joined") << json::serialize(reply);
    return reply;
  }
  // A write through the real write path, as REST makes it; returns once its batch is over, so
  // that its events are queued on the network thread (not yet run).
  store::WriteResult committed(store::Write write, const domain::User& by) {
    std::optional<store::WriteResult> result;
    std::optional<std::uint64_t> batch;  // the number of the batch it was in
    submit_write(services_, std::move(write), Writer{by.id, by.username, nullptr},
                 [&](const store::WriteResult* r) {
                   std::lock_guard lock(batches_mutex_);
                   if (r != nullptr) result = *r;
                   batch = batches_done_ + 1;
                   batch_done_.notify_all();
                 });
    std::unique_lock lock(batches_mutex_);
    EXPECT_TRUE(batch_done_.wait_for(lock, std::chrono::seconds(10),
                                     [&] { return batch && batches_done_ >= *batch; }));
    EXPECT_TRUE(result.has_value());
    return result.value_or(store::WriteResult{});
  }

  store::test::TempDir dir_;
  store::SqliteStore store_;
  store::MessageWriter writer_;
  auth::JwtCodec jwt_;
  WorkerPool workers_{1};  // one thread: settle() relies on its order
  TestThread thread_;
  Hub hub_;
  Services services_;
  std::vector<std::unique_ptr<Client>> clients_;

 private:
  std::mutex batches_mutex_;
  std::condition_variable batch_done_;
  std::uint64_t batches_done_ = 0;  // writer batches over, counted by the after_batch hook
  int sessions_made_ = 0;
};

}  // namespace parley::realtime::test

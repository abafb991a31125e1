#include "net/server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "observability/metrics.hpp"
#include "raw_client.hpp"
#include "ws_test_frames.hpp"

namespace parley::net {
namespace {

using namespace std::chrono_literals;
using test::client_frame;
using test::FrameSpec;
using test::RawClient;
using test::ServerFrame;

// Records what the server's network threads report, for the test thread to wait on.
class Events {
 public:
  void add(std::string event) {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
    cv_.notify_all();
  }
  // Waits (up to 5 s) until `event` has been recorded.
  bool wait_for(const std::string& event) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, 5s, [&] {
      return std::find(events_.begin(), events_.end(), event) != events_.end();
    });
  }
  std::vector<std::string> all() {
    std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> events_;
};

// Echoes text messages; "burst N" answers with N numbered frames, "after" answers later,
// "close" closes with 4000.
class EchoSocket : public WsHandler {
 public:
  explicit EchoSocket(Events& events) : events_(events) {}

  void on_open(std::shared_ptr<WsConnection> connection) override {
    connection_ = std::move(connection);
    events_.add("open on thread " + std::to_string(connection_->thread_index()));
  }
  void on_text(std::string_view payload) override {
    if (payload.starts_with("burst ")) {
      const int n = std::stoi(std::string(payload.substr(6)));
      const std::string filler(std::string(payload).find("big") != std::string::npos ? 1000 : 0,
                               'f');
      for (int i = 0; i < n; ++i)
        (void)connection_->send(make_text_frame("msg " + std::to_string(i) + filler));
    } else if (payload == "after") {
      connection_->after(20ms, [c = connection_] { (void)c->send(make_text_frame("later")); });
    } else if (payload == "close") {
      connection_->close(4000, "asked");
    } else {
      (void)connection_->send(make_text_frame(payload));
    }
  }
  void on_closed() override {
    connection_.reset();
    events_.add("closed");
  }

 private:
  Events& events_;
  std::shared_ptr<WsConnection> connection_;
};

class TestHandler : public HttpHandler {
 public:
  explicit TestHandler(Events& events) : events_(events) {}
  ~TestHandler() override {
    for (auto& t : workers_) t.join();
  }

  void handle(HttpRequest request, Respond respond) override {
    HttpResponse response;
    response.set_header("Content-Type", "text/plain");
    if (request.path == "/drop") return;  // never answered: the connection must not leak
    if (request.path == "/async") {
      // Answered from another thread, as the store's workers do.
      std::lock_guard lock(mutex_);
      workers_.emplace_back([respond, q = request.query] {
        HttpResponse r;
        r.body = "async " + q;
        respond(r);
      });
      return;
    }
    response.body = request.method + " " + request.path + " " + request.query + " " +
                    std::string(request.header("x-test")) + " " + request.body;
    respond(std::move(response));
  }

  UpgradeDecision upgrade(const HttpRequest& request) override {
    UpgradeDecision decision;
    if (!request.header("X-Reject").empty()) {
      decision.reject = error_response(request, ErrorCode::unauthorized, "no");
      return decision;
    }
    decision.handler = std::make_shared<EchoSocket>(events_);
    decision.headers.push_back({"X-Request-Id", "req-1"});
    return decision;
  }

  HttpResponse error_response(const HttpRequest&, ErrorCode code,
                              std::string_view message) override {
    HttpResponse response;
    response.status = http_status(code);
    response.set_header("Content-Type", "application/json");
    response.body = R"({"code":")" + std::string(to_string(code)) + R"(","message":")" +
                    std::string(message) + "\"}";
    return response;
  }

 private:
  Events& events_;
  std::mutex mutex_;
  std::vector<std::thread> workers_;
};

ServerConfig test_config() {
  ServerConfig config;
  config.host = "127.0.0.1";
  config.port = 0;
  config.threads = 2;
  config.max_body_bytes = 1024;
  config.max_header_bytes = 2048;
  config.max_frame_bytes = 4096;
  config.max_outbound_bytes = 64 << 10;
  return config;
}

// A server running on its own threads for the length of a test.
class Running {
 public:
  explicit Running(ServerConfig config = test_config())
      : handler_(events), server_(std::move(config), handler_) {
    server_.start();
    thread_ = std::thread([this] {
      server_.run([this] { events.add("before_close"); });
      events.add("stopped");
    });
  }
  ~Running() {
    server_.request_shutdown();
    thread_.join();
  }
  Server& server() { return server_; }
  std::uint16_t port() { return server_.port(); }

  Events events;

 private:
  TestHandler handler_;
  Server server_;
  std::thread thread_;
};

TEST(Server, AnswersRequestsWithKeepAlive) {
  Running running;
  RawClient client(running.port());
  const auto first = client.get("/hello?x=1", "X-Test: yes\r\n");
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, "GET /hello x=1 yes ");
  EXPECT_EQ(first.header("Content-Length"), std::to_string(first.body.size()));
  client.write("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody");
  const auto second = client.read_http();
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.body, "POST /p   body");
}

TEST(Server, AnswersExpectContinue) {
  Running running;
  RawClient client(running.port());
  client.write("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(client.read_http().status, 100);
  client.write("body");
  const auto reply = client.read_http();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "POST /p   body");
}

TEST(Server, HeadGetsTheLengthWithoutTheBody) {
  Running running;
  RawClient client(running.port());
  client.write("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto head = client.read_http(true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), std::to_string(std::string("HEAD /h   ").size()));
  const auto next = client.get("/next");  // no stray body bytes came before this answer
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.body, "GET /next   ");
}

TEST(Server, ClosesAConnectionWhoseRequestIsNeverAnswered) {
  Running running;
  RawClient client(running.port());
  client.write("GET /drop HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(client.wait_eof());
}

TEST(Server, RespondsFromAnotherThread) {
  Running running;
  RawClient client(running.port());
  const auto reply = client.get("/async?n=7");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "async n=7");
  EXPECT_EQ(client.get("/again").status, 200);  // and the connection goes on
}

TEST(Server, BodyOverTheCapIs413AndCloses) {
  Running running;
  RawClient client(running.port());
  client.write("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" +
               std::string(5000, 'b'));
  const auto reply = client.read_http();
  EXPECT_EQ(reply.status, 413);
  EXPECT_NE(reply.body.find("payload_too_large"), std::string::npos);
  EXPECT_TRUE(client.wait_eof());
}

TEST(Server, MalformedRequestIs400AndCloses) {
  Running running;
  RawClient client(running.port());
  client.write("THIS IS NOT HTTP\r\n\r\n");
  const auto reply = client.read_http();
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("bad_request"), std::string::npos);
  EXPECT_TRUE(client.wait_eof());
}

TEST(Server, HeaderOverTheCapIs400) {
  Running running;
  RawClient client(running.port());
  const auto reply = client.get("/", "X-Big: " + std::string(4000, 'h') + "\r\n");
  EXPECT_EQ(reply.status, 400);
}

TEST(Server, SilentClientIsDroppedAfterTheHandshakeTimeout) {
  auto config = test_config();
  config.request_timeout = 200ms;
  Running running(config);
  RawClient client(running.port());
  client.write("GET / HTTP/1.1\r\n");  // and never the rest
  EXPECT_TRUE(client.wait_eof());
}

TEST(Server, WrongWebSocketVersionIs426) {
  Running running;
  RawClient client(running.port());
  const auto reply = client.upgrade({}, "/ws", "8");
  EXPECT_EQ(reply.status, 426);
  EXPECT_EQ(reply.header("Sec-WebSocket-Version"), "13");
}

TEST(Server, MissingWebSocketKeyIs400) {
  Running running;
  RawClient client(running.port());
  client.write(
      "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Version: 13\r\n\r\n");
  EXPECT_EQ(client.read_http().status, 400);
}

TEST(Server, UpgradeCanBeRefused) {
  Running running;
  RawClient client(running.port());
  EXPECT_EQ(client.upgrade("X-Reject: 1\r\n").status, 401);
}

TEST(Server, WebSocketEchoesText) {
  Running running;
  RawClient client(running.port());
  const auto reply = client.upgrade();
  ASSERT_EQ(reply.status, 101);
  EXPECT_EQ(reply.header("Sec-WebSocket-Accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_EQ(reply.header("Sec-WebSocket-Extensions"), "");
  EXPECT_EQ(reply.header("X-Request-Id"), "req-1");
  client.send_text("hello");
  const auto frame = client.read_frame();
  EXPECT_EQ(frame.opcode, 1);
  EXPECT_EQ(frame.payload, "hello");
  EXPECT_EQ(running.server().websocket_count(), 1u);
}

TEST(Server, FramesPipelinedBehindTheUpgradeAreRead) {
  Running running;
  RawClient client(running.port());
  client.write(
      "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" +
      client_frame("early"));
  ASSERT_EQ(client.read_http().status, 101);
  EXPECT_EQ(client.read_frame().payload, "early");
}

TEST(Server, AnswersPingWithPong) {
  Running running;
  RawClient client(running.port());
  ASSERT_EQ(client.upgrade().status, 101);
  FrameSpec ping;
  ping.opcode = 0x9;
  client.write(client_frame("are you there", ping));
  const auto frame = client.read_frame();
  EXPECT_EQ(frame.opcode, 0xA);
  EXPECT_EQ(frame.payload, "are you there");
}

// Sends `bytes` on a fresh WebSocket and returns the close code the server answers with.
std::uint16_t close_code_for(const std::string& bytes) {
  Running running;
  ServerFrame frame;
  {
    RawClient client(running.port());
    EXPECT_EQ(client.upgrade().status, 101);
    client.write(bytes);
    frame = client.read_frame();
    EXPECT_EQ(frame.opcode, 0x8);
    EXPECT_TRUE(client.wait_eof());  // the server half-closes after its close frame
  }
  EXPECT_TRUE(running.events.wait_for("closed"));  // and lets go once the client hangs up
  return frame.close_code();
}

TEST(Server, ClosesOnProtocolViolations) {
  FrameSpec binary;
  binary.opcode = 0x2;
  EXPECT_EQ(close_code_for(client_frame("bin", binary)), 1003);
  FrameSpec unmasked;
  unmasked.masked = false;
  EXPECT_EQ(close_code_for(client_frame("hi", unmasked)), 1002);
  EXPECT_EQ(close_code_for(client_frame(std::string(5000, 'x'))), 1009);
  EXPECT_EQ(close_code_for(client_frame("bad \xC3\x28 utf8")), 1007);
}

TEST(Server, ManyQueuedFramesArriveIntactAndInOrder) {
  Running running;
  RawClient client(running.port());
  ASSERT_EQ(client.upgrade().status, 101);
  client.send_text("burst 5000");
  for (int i = 0; i < 5000; ++i) {
    const auto frame = client.read_frame();
    ASSERT_EQ(frame.opcode, 1) << i;
    ASSERT_EQ(frame.payload, "msg " + std::to_string(i));
  }
  client.send_text("done");
  EXPECT_EQ(client.read_frame().payload, "done");
}

TEST(Server, FramesSurvivePartialWritesToASlowReader) {
  ServerConfig config = test_config();
  config.max_outbound_bytes = 64 << 20;
  Running running(config);
  // 8 MB at once into a 4 KiB receive window: more than the kernel's buffers take (4 MiB at
  // most), so writes stop part-way through frames and resume as the client reads.
  RawClient client(running.port(), 5, 4096);
  ASSERT_EQ(client.upgrade().status, 101);
  const std::string filler(1000, 'f');
  client.send_text("burst 8000 big");
  for (int i = 0; i < 8000; ++i)
    ASSERT_EQ(client.read_frame().payload, "msg " + std::to_string(i) + filler) << i;
  client.send_text("done");
  EXPECT_EQ(client.read_frame().payload, "done");
}

TEST(Server, SlowConsumerIsClosedWith1013) {
  Running running;
  const auto before = obs::metrics().slow_consumer_closes.value();
  RawClient client(running.port());
  ASSERT_EQ(client.upgrade().status, 101);
  client.send_text("burst 200 big");  // ~200 KB queued at once: over the 64 KiB cap
  ServerFrame frame;
  do {
    frame = client.read_frame();
  } while (frame.opcode == 1);
  EXPECT_EQ(frame.opcode, 0x8);
  EXPECT_EQ(frame.close_code(), 1013);
  EXPECT_EQ(obs::metrics().slow_consumer_closes.value(), before + 1);
}

TEST(Server, ClientCloseIsEchoedAndReported) {
  Running running;
  RawClient client(running.port());
  ASSERT_EQ(client.upgrade().status, 101);
  FrameSpec close;
  close.opcode = 0x8;
  client.write(client_frame(test::close_payload(1000, "bye"), close));
  const auto frame = client.read_frame();
  EXPECT_EQ(frame.opcode, 0x8);
  EXPECT_EQ(frame.close_code(), 1000);
  EXPECT_TRUE(client.wait_eof());
  EXPECT_TRUE(running.events.wait_for("closed"));
  EXPECT_EQ(running.server().websocket_count(), 0u);
}

TEST(Server, ServerInitiatedCloseWaitsForThePeer) {
  Running running;
  RawClient client(running.port());
  ASSERT_EQ(client.upgrade().status, 101);
  client.send_text("close");
  const auto frame = client.read_frame();
  EXPECT_EQ(frame.close_code(), 4000);
  EXPECT_EQ(frame.payload.substr(2), "asked");
  FrameSpec close;
  close.opcode = 0x8;
  client.write(client_frame(test::close_payload(4000), close));
  EXPECT_TRUE(client.wait_eof());
  EXPECT_TRUE(running.events.wait_for("closed"));
}

TEST(Server, AfterRunsOnTheConnection) {
  Running running;
  RawClient client(running.port());
  ASSERT_EQ(client.upgrade().status, 101);
  client.send_text("after");
  EXPECT_EQ(client.read_frame().payload, "later");
}

TEST(Server, PingsAndClosesASilentConnection) {
  auto config = test_config();
  config.ping_interval = 50ms;
  config.idle_timeout = 300ms;
  Running running(config);
  RawClient client(running.port());
  ASSERT_EQ(client.upgrade().status, 101);
  int pings = 0;
  ServerFrame frame;
  while ((frame = client.read_frame()).opcode == 0x9) ++pings;
  EXPECT_GE(pings, 1);
  EXPECT_EQ(frame.opcode, 0x8);
  EXPECT_EQ(frame.close_code(), 1001);
}

TEST(Server, SpreadsConnectionsOverThreads) {
  Running running;
  RawClient a(running.port());
  ASSERT_EQ(a.upgrade().status, 101);
  RawClient b(running.port());
  ASSERT_EQ(b.upgrade().status, 101);
  EXPECT_TRUE(running.events.wait_for("open on thread 0"));
  EXPECT_TRUE(running.events.wait_for("open on thread 1"));
}

TEST(Server, PostRunsInOrderOnTheChosenThread) {
  Running running;
  std::vector<int> seen;
  std::promise<void> done;
  for (int i = 0; i < 1000; ++i) running.server().post(1, [&seen, i] { seen.push_back(i); });
  running.server().post(1, [&done] { done.set_value(); });
  ASSERT_EQ(done.get_future().wait_for(5s), std::future_status::ready);
  ASSERT_EQ(seen.size(), 1000u);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(seen[i], i);
}

TEST(Server, ShutdownRunsBeforeCloseThenCloses1001) {
  auto running = std::make_unique<Running>();
  RawClient client(running->port());
  ASSERT_EQ(client.upgrade().status, 101);
  client.send_text("ready");
  ASSERT_EQ(client.read_frame().payload, "ready");
  running->server().request_shutdown();
  const auto frame = client.read_frame();
  EXPECT_EQ(frame.opcode, 0x8);
  EXPECT_EQ(frame.close_code(), 1001);
  FrameSpec close;
  close.opcode = 0x8;
  client.write(client_frame(test::close_payload(1001), close));
  EXPECT_TRUE(running->events.wait_for("stopped"));
  const auto events = running->events.all();
  const auto at = [&](const std::string& e) { return std::find(events.begin(), events.end(), e); };
  EXPECT_LT(at("before_close"), at("closed"));
  EXPECT_LT(at("closed"), at("stopped"));
  // New connections are refused once stopped.
  const auto port = running->port();
  running.reset();
  EXPECT_THROW(RawClient late(port), std::runtime_error);
}

}  // namespace
}  // namespace parley::net

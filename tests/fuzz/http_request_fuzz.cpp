// libFuzzer target for the HTTP request path and every REST body. The real Api (every route, a
// real SQLite store in a temporary directory, the real worker pool and hub) answers each input:
//   first byte even: the rest is raw bytes from a client, read by Beast's request parser with the
//     server's limits and turned into a request by net/'s own code (chunked as the first byte says,
//     so incremental parsing is explored); a WebSocket upgrade goes through the handshake checks
//     and Api::upgrade, anything else through Api::handle (or the upload sink for POST
//     /api/uploads);
//   first byte odd: "METHOD PATH?QUERY\nBODY", sent with a live user's (or, bit 1, the admin's)
//     access token, so that bodies reach the route's parsing behind authentication.
// Invariants: nothing crashes or throws out of the Api; no answer is 500 (a bug, by the contract);
// every answer carries X-Request-Id; every error under /api/ is the contract's
// {"error": {"code", "message"}} with a code the contract lists for its status.

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "auth/jwt.hpp"
#include "common/worker_pool.hpp"
#include "http/api.hpp"
#include "net/detail/http_request_fill.hpp"
#include "net/ws_handshake.hpp"
#include "observability/log.hpp"
#include "realtime/hub.hpp"
#include "realtime/services.hpp"
#include "store/message_writer.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using parley::net::HttpRequest;
using parley::net::HttpResponse;

// The server's defaults (config/config.hpp).
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
constexpr std::size_t kMaxHeaderCount = 100;
constexpr std::uint64_t kMaxBodyBytes = 1 << 20;
constexpr std::string_view kPassword = "correct horse battery";

void check(bool condition) {
  if (!condition) std::abort();
}

// The codes PROTOCOL.md gives each error status.
bool code_fits_status(std::string_view code, int status) {
  static const std::set<std::pair<std::string_view, int>> known = {
      {"bad_request", 400}, {"unauthorized", 401},      {"totp_required", 401},
      {"forbidden", 403},   {"not_found", 404},         {"conflict", 409},
      {"bad_request", 426}, {"payload_too_large", 413}, {"rate_limited", 429},
      {"unavailable", 503}};
  return known.contains({code, status});
}

void check_response(const HttpRequest& request, const HttpResponse& response) {
  check(response.status != 500);
  check(response.status >= 100 && response.status < 600);
  bool has_request_id = false;
  std::string_view content_type;
  for (const auto& h : response.headers) {
    if (beast::iequals(h.name, "X-Request-Id")) has_request_id = !h.value.empty();
    if (beast::iequals(h.name, "Content-Type")) content_type = h.value;
  }
  check(has_request_id);
  // 416 is a download's answer: Content-Range, no JSON (PROTOCOL.md, files).
  if (response.status < 400 || response.status == 416 || request.path.rfind("/api/", 0) != 0)
    return;
  check(content_type.rfind("application/json", 0) == 0);
  json::error_code ec;
  const json::value body = json::parse(response.body, ec);
  check(!ec && body.is_object());
  const json::object* error =
      body.as_object().if_contains("error") ? body.as_object().at("error").if_object() : nullptr;
  check(error != nullptr);
  const auto* code = error->if_contains("code");
  const auto* message = error->if_contains("message");
  check(code != nullptr && code->is_string() && message != nullptr && message->is_string());
  if (!code_fits_status(code->as_string(), response.status)) {
    fprintf(stderr, "status %d with code %s\n", response.status, code->as_string().c_str());
    std::abort();
  }
}

class Fixture {
 public:
  Fixture()
      : dir_(make_dir()),
        store_((dir_ / "parley.db").string(), parley::store::Durability::normal),
        writer_(store_),
        jwt_("a fuzzing secret that is long enough for HS256"),
        hub_(1, [](std::size_t, std::function<void()> task) { task(); }),
        services_{store_, writer_, jwt_, workers_, hub_, {}, nullptr},
        api_(services_, settings()) {
    parley::store::MessageWriter::BatchHooks hooks;
    hooks.before_callbacks = [this] { hub_.begin_batch(); };
    hooks.after_callbacks = [this] { hub_.end_batch(); };
    writer_.set_batch_hooks(std::move(hooks));
    admin_token_ = register_user("admin_one");  // the first account is the admin
    user_token_ = register_user("alice");
    (void)structured("POST /api/rooms\n{\"name\":\"general\"}", user_token_);
    (void)structured("POST /api/rooms/1/messages\n{\"body\":\"hello @admin_one\"}", user_token_);
  }

  HttpResponse raw(std::string_view bytes, std::size_t chunk) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(kMaxBodyBytes);
    parser.eager(true);
    beast::error_code ec;
    std::size_t pos = 0;
    while (!parser.is_done() && pos < bytes.size()) {
      const std::size_t n = std::min(chunk, bytes.size() - pos);
      const std::size_t used = parser.put(boost::asio::buffer(bytes.data() + pos, n), ec);
      pos += used;
      if (ec == http::error::need_more) {
        ec = {};
        // The parser needs more than it was given: a socket read would add to what is buffered.
        if (used == 0) {
          if (n == bytes.size() - pos) break;  // there is no more: the client stopped here
          chunk = n * 2;
        }
        continue;
      }
      if (ec) break;
    }
    if (!ec && !parser.is_done()) parser.put_eof(ec);
    HttpRequest request;
    request.remote_address = "127.0.0.1";
    if (ec) {
      if (parser.is_header_done()) parley::net::detail::fill_request(request, parser.get(), false);
      return api_.error_response(request, parley::ErrorCode::bad_request, "malformed");
    }
    auto& message = parser.get();
    if (static_cast<std::size_t>(std::distance(message.begin(), message.end())) > kMaxHeaderCount)
      return api_.error_response(request, parley::ErrorCode::bad_request, "too many headers");
    const bool ws = parley::net::detail::is_websocket_upgrade(message);
    parley::net::detail::fill_request(request, message, true);
    if (request.path == "/ws" && ws) return upgrade(request);
    return answer(std::move(request));
  }

  HttpResponse structured(std::string_view input, const std::string& token) {
    const std::size_t line_end = input.find('\n');
    const std::string_view line = input.substr(0, line_end);
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos) return answer_line_missing();
    HttpRequest request;
    request.method = std::string(line.substr(0, space));
    request.target = std::string(line.substr(space + 1));
    if (request.method.empty() || request.target.empty() || request.target[0] != '/')
      return answer_line_missing();
    const auto q = request.target.find('?');
    request.path = request.target.substr(0, q);
    if (q != std::string::npos) request.query = request.target.substr(q + 1);
    if (line_end != std::string_view::npos) request.body = std::string(input.substr(line_end + 1));
    request.remote_address = "127.0.0.1";
    request.headers.push_back({"Host", "localhost"});
    request.headers.push_back({"Authorization", "Bearer " + token});
    request.headers.push_back({"Content-Type", "application/json"});
    request.headers.push_back({"Content-Length", std::to_string(request.body.size())});
    return answer(std::move(request));
  }

  const std::string& user_token() const { return user_token_; }
  const std::string& admin_token() const { return admin_token_; }

  // An input may end the fixture's sessions (logout everywhere, a password change, ending a
  // session, deactivation): a refused token is replaced so that later inputs still reach the
  // routes behind authentication. The admin logs in again; the user is a new account.
  void renew(bool admin) {
    if (structured("GET /api/me", admin ? admin_token_ : user_token_).status != 401) return;
    if (admin) {
      HttpRequest request = json_post("/api/auth/login", R"({"username":"admin_one","password":")" +
                                                             std::string(kPassword) + "\"}");
      HttpResponse response = answer(std::move(request));
      if (response.status == 200)
        admin_token_ = std::string(json::parse(response.body).at("access_token").as_string());
      return;
    }
    user_token_ = register_user("user_" + std::to_string(++renewals_));
    (void)structured("POST /api/rooms/1/join\n{}", user_token_);
  }

 private:
  static std::filesystem::path make_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "parley-fuzz-XXXXXX").string();
    check(mkdtemp(pattern.data()) != nullptr);
    return pattern;
  }

  parley::http::ApiSettings settings() const {
    parley::http::ApiSettings s;
    s.uploads.dir = (dir_ / "uploads").string();
    s.uploads.max_bytes = 64 << 10;
    s.totp_sealer = std::make_shared<const parley::auth::SecretSealer>("a fuzzing sealing key");
    return s;
  }

  static HttpRequest json_post(std::string path, std::string body) {
    HttpRequest request;
    request.method = "POST";
    request.target = request.path = std::move(path);
    request.remote_address = "127.0.0.1";
    request.headers.push_back({"Content-Type", "application/json"});
    request.body = std::move(body);
    return request;
  }

  std::string register_user(const std::string& name) {
    HttpResponse response =
        answer(json_post("/api/auth/register", R"({"username":")" + name + R"(","password":")" +
                                                   std::string(kPassword) + "\"}"));
    check(response.status == 201);
    return std::string(json::parse(response.body).at("access_token").as_string());
  }

  HttpResponse answer_line_missing() {
    HttpRequest request;
    return api_.error_response(request, parley::ErrorCode::bad_request, "no request line");
  }

  HttpResponse upgrade(const HttpRequest& request) {
    if (request.header("Sec-WebSocket-Version") != "13" ||
        !parley::net::valid_websocket_key(request.header("Sec-WebSocket-Key")))
      return api_.error_response(request, parley::ErrorCode::bad_request, "bad handshake");
    check(parley::net::websocket_accept(request.header("Sec-WebSocket-Key")).size() == 28);
    auto decision = api_.upgrade(request);
    if (decision.reject) return std::move(*decision.reject);
    check(decision.handler != nullptr);
    HttpResponse accepted;
    accepted.status = 101;
    accepted.headers = std::move(decision.headers);
    return accepted;
  }

  // What a request is waiting for: its answer, and (a streamed body) the sink taking a chunk.
  struct Waiter {
    std::mutex mutex;
    std::condition_variable wake;
    std::optional<HttpResponse> response;
    std::size_t chunks_taken = 0;
  };

  // Through the Api as net/ calls it, waiting for its answer (given on a worker).
  HttpResponse answer(HttpRequest request) {
    const HttpRequest copy = request;
    auto waiter = std::make_shared<Waiter>();
    auto respond = [waiter](HttpResponse r) {
      std::lock_guard lock(waiter->mutex);
      check(!waiter->response);  // exactly once
      waiter->response = std::move(r);
      waiter->wake.notify_all();
    };
    if (api_.streams_body(request)) {
      std::string body = std::move(request.body);
      auto sink = api_.open_body(std::move(request), respond);
      if (sink) stream_body(*sink, body, waiter);
    } else {
      api_.handle(std::move(request), respond);
    }
    std::unique_lock lock(waiter->mutex);
    check(waiter->wake.wait_for(lock, std::chrono::seconds(30),
                                [&] { return waiter->response.has_value(); }));
    HttpResponse response = std::move(*waiter->response);
    check_response(copy, response);
    return response;
  }

  // As net/ feeds a sink: a chunk at a time, the next once the sink asks for it.
  static void stream_body(parley::net::BodySink& sink, std::string_view body,
                          const std::shared_ptr<Waiter>& waiter) {
    if (body.size() > sink.max_bytes()) return sink.abort();
    constexpr std::size_t kChunk = 4096;
    std::size_t sent = 0;
    for (std::size_t pos = 0; pos < body.size(); pos += kChunk) {
      sink.write(body.substr(pos, kChunk), [waiter] {
        std::lock_guard lock(waiter->mutex);
        ++waiter->chunks_taken;
        waiter->wake.notify_all();
      });
      ++sent;
      std::unique_lock lock(waiter->mutex);
      waiter->wake.wait(lock, [&] { return waiter->chunks_taken == sent || waiter->response; });
      // A sink that answered instead (a refusal) takes nothing more: the request is over.
      if (waiter->response) return;
    }
    sink.finish();
  }

  std::filesystem::path dir_;
  parley::store::SqliteStore store_;
  parley::store::MessageWriter writer_;
  parley::auth::JwtCodec jwt_;
  parley::WorkerPool workers_{2};
  parley::realtime::Hub hub_;
  parley::realtime::Services services_;
  parley::http::Api api_;
  std::string admin_token_;
  std::string user_token_;
  int renewals_ = 0;
};

Fixture& fixture() {
  static Fixture* f = [] {
    parley::obs::set_log_level("error");  // a 500 is logged with its cause
    return new Fixture();                 // never destroyed: libFuzzer exits without unwinding
  }();
  return *f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Fixture& f = fixture();
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] % 2 == 0)
    (void)f.raw(input, (data[0] >> 1) % 64 + 1);
  else if (const bool admin = data[0] & 2;
           f.structured(input, admin ? f.admin_token() : f.user_token()).status == 401)
    f.renew(admin);
  return 0;
}

#include "net/server.hpp"

#include <sys/resource.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <csignal>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "common/thread_name.hpp"
#include "net/detail/asio_types.hpp"
#include "net/detail/http_session.hpp"
#include "net/detail/server_state.hpp"
#include "net/detail/tls_socket.hpp"
#include "observability/log.hpp"

namespace parley::net {
namespace {

namespace asio = boost::asio;
using detail::Clock;
using error_code = boost::system::error_code;
using tcp = asio::ip::tcp;

// File descriptors kept for the process itself (store, logs, listeners).
constexpr rlim_t kReservedDescriptors = 64;

rlim_t raise_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur;
}

void load_certificate(asio::ssl::context& ctx, const ServerConfig& config) {
  try {
    ctx.use_certificate_chain_file(config.tls_cert_file);
    ctx.use_private_key_file(config.tls_key_file, asio::ssl::context::pem);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot load TLS certificate or key: " + std::string(e.what()));
  }
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1)
    throw std::runtime_error("the TLS key does not match the certificate");
}

}  // namespace

struct Server::Impl {
  Impl(ServerConfig config, HttpHandler& handler) : state(std::move(config), handler) {
    std::size_t n = state.config.threads;
    if (n == 0) n = std::max(1u, std::thread::hardware_concurrency());
    for (std::size_t i = 0; i < n; ++i)
      state.threads.push_back(std::make_unique<detail::ThreadState>());
    state.on_drained = [this] { stop_all(); };
  }

  asio::io_context& main_context() { return state.threads[0]->ioc; }

  void do_accept();
  void on_accept(error_code ec, std::size_t index, detail::PlainStream socket);
  void begin_shutdown();
  void close_phase();
  void close_sessions(std::size_t index);
  void stop_all();
  void terminate_all();
  void wait_for_hangup();

  detail::ServerState state;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::signal_set> signals;
  std::optional<asio::signal_set> hangups;  // SIGHUP: run hangup_hooks
  std::vector<std::function<void()>> hangup_hooks;
  std::optional<detail::Timer> retry_timer;  // accept back-off when out of descriptors
  std::optional<detail::Timer> drain_timer;
  std::uint16_t port = 0;
  std::size_t next_thread = 0;
  bool started = false;
  bool shutdown_begun = false;  // thread 0 only
  std::atomic<bool> stopped{false};
  BeforeClose before_close;
  std::thread before_close_thread;
};

void Server::Impl::do_accept() {
  const std::size_t index = next_thread;
  next_thread = (next_thread + 1) % state.threads.size();
  // The socket is created on its target thread's io_context: it lives there for good.
  acceptor->async_accept(state.threads[index]->ioc,
                         [this, index](error_code ec, detail::PlainStream socket) {
                           on_accept(ec, index, std::move(socket));
                         });
}

void Server::Impl::on_accept(error_code ec, std::size_t index, detail::PlainStream socket) {
  if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
  if (ec) {
    // Out of descriptors or a transient error: back off briefly rather than spin.
    obs::log_warn("accept failed", {obs::field("error", ec.message())});
    retry_timer->expires_after(std::chrono::milliseconds(100));
    retry_timer->async_wait([this](error_code e) {
      if (!e && acceptor->is_open()) do_accept();
    });
    return;
  }
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  asio::post(state.threads[index]->ioc, [this, index, s = std::move(socket)]() mutable {
    detail::start_http_session(state, index, std::move(s));
  });
  do_accept();
}

void Server::Impl::wait_for_hangup() {
  hangups->async_wait([this](error_code ec, int) {
    if (ec) return;
    obs::log_info("SIGHUP: reloading", {obs::field("hooks", hangup_hooks.size())});
    for (const auto& hook : hangup_hooks) {
      try {
        hook();
      } catch (const std::exception& e) {
        obs::log_error("SIGHUP reload failed", {obs::field("error", e.what())});
      }
    }
    wait_for_hangup();
  });
}

void Server::Impl::begin_shutdown() {
  if (shutdown_begun) return;
  shutdown_begun = true;
  obs::log_info("shutting down", {obs::field("websockets", state.websockets.load())});
  error_code ignored;
  if (acceptor) acceptor->close(ignored);
  if (signals) signals->cancel(ignored);
  if (hangups) hangups->cancel(ignored);
  if (retry_timer) retry_timer->cancel();
  // The whole shutdown, flushing included, is bounded by shutdown_drain from here.
  drain_timer->expires_after(state.config.shutdown_drain);
  drain_timer->async_wait([this](error_code ec) {
    if (ec) return;
    obs::log_warn("shutdown deadline passed; closing what is left",
                  {obs::field("connections", state.live.load())});
    stop_all();
  });
  // before_close may block (it flushes acknowledged messages), so it gets its own thread.
  before_close_thread = std::thread([this] {
    try {
      if (before_close) before_close();
    } catch (const std::exception& e) {
      obs::log_error("before_close failed", {obs::field("error", e.what())});
    }
    asio::post(main_context(), [this] { close_phase(); });
  });
}

void Server::Impl::close_phase() {
  state.closing.store(true);
  for (std::size_t i = 0; i < state.threads.size(); ++i)
    asio::post(state.threads[i]->ioc, [this, i] { close_sessions(i); });
}

void Server::Impl::close_sessions(std::size_t index) {
  for (auto& session : state.threads[index]->sessions.snapshot()) session->shutdown();
  if (state.live.load() == 0) stop_all();
}

void Server::Impl::stop_all() {
  if (stopped.exchange(true)) return;
  for (auto& t : state.threads) t->ioc.stop();
}

// After the threads have stopped: closes what the drain left open (so every WebSocket handler
// still gets on_closed) and lets the aborted handlers release their sessions.
void Server::Impl::terminate_all() {
  for (int round = 0; round < 3; ++round) {
    for (auto& t : state.threads) {
      for (auto& session : t->sessions.snapshot()) session->terminate();
      t->ioc.restart();
      t->ioc.poll();
    }
    if (state.live.load() == 0) return;
  }
}

Server::Server(ServerConfig config, HttpHandler& handler)
    : impl_(std::make_unique<Impl>(std::move(config), handler)) {}

Server::~Server() {
  impl_->stop_all();
  if (impl_->before_close_thread.joinable()) impl_->before_close_thread.join();
  impl_->acceptor.reset();
  impl_->signals.reset();
  impl_->hangups.reset();
  impl_->retry_timer.reset();
  impl_->drain_timer.reset();
  impl_->terminate_all();
}

void Server::start() {
  Impl& im = *impl_;
  if (im.started) return;
  const ServerConfig& config = im.state.config;
  if (!config.tls_cert_file.empty() || !config.tls_key_file.empty()) {
    if (config.tls_cert_file.empty() || config.tls_key_file.empty())
      throw std::runtime_error("TLS needs both a certificate and a key file");
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                     asio::ssl::context::no_tlsv1_1);
    // TLS 1.2 at least, whatever the system's OpenSSL configuration allows.
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    detail::TlsSocket::prepare_context(ctx->native_handle());
    load_certificate(*ctx, config);
    im.state.tls = std::move(ctx);
    on_hangup([this] {
      reload_tls();
      obs::log_info("TLS certificate reloaded",
                    {obs::field("file", impl_->state.config.tls_cert_file)});
    });
  }
  error_code ec;
  const auto address = asio::ip::make_address(config.host, ec);
  if (ec) throw std::runtime_error("invalid listen address '" + config.host + "'");
  const tcp::endpoint endpoint(address, config.port);
  auto& ioc = im.main_context();
  im.acceptor.emplace(ioc);
  auto fail = [&](const char* what) {
    throw std::runtime_error(std::string(what) + " " + config.host + ":" +
                             std::to_string(config.port) + ": " + ec.message());
  };
  im.acceptor->open(endpoint.protocol(), ec);
  if (ec) fail("cannot open socket for");
  im.acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (ec) fail("cannot set SO_REUSEADDR on");
  im.acceptor->bind(endpoint, ec);
  if (ec) fail("cannot bind");
  im.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail("cannot listen on");
  im.port = im.acceptor->local_endpoint().port();
  im.retry_timer.emplace(ioc.get_executor());
  im.drain_timer.emplace(ioc.get_executor());

  const rlim_t files = raise_file_limit();
  // OpenSSL writes TLS records to the socket itself, with write(): a peer gone away must be an
  // EPIPE for that connection, not the process's death. (Asio's own sends use MSG_NOSIGNAL.)
  std::signal(SIGPIPE, SIG_IGN);
  obs::log_info("listening",
                {obs::field("address", config.host), obs::field("port", im.port),
                 obs::field("threads", im.state.threads.size()),
                 obs::field("tls", im.state.tls ? "on" : "off"),
                 obs::field("max_connections",
                            files > kReservedDescriptors ? files - kReservedDescriptors : 0)});
  im.started = true;
  im.do_accept();
}

std::uint16_t Server::port() const noexcept {
  return impl_->port;
}

void Server::post(std::size_t index, std::function<void()> fn) {
  asio::post(impl_->state.threads.at(index)->ioc, std::move(fn));
}

void Server::post_after(std::size_t index, std::chrono::milliseconds delay,
                        std::function<void()> fn) {
  auto& ioc = impl_->state.threads.at(index)->ioc;
  auto timer = std::make_shared<asio::steady_timer>(ioc, delay);
  timer->async_wait([timer, fn = std::move(fn)](error_code ec) {
    if (!ec) fn();
  });
}

void Server::run(BeforeClose before_close) {
  Impl& im = *impl_;
  if (!im.started) start();
  im.before_close = std::move(before_close);
  im.signals.emplace(im.main_context(), SIGINT, SIGTERM);
  im.signals->async_wait([&im](error_code ec, int) {
    if (!ec) im.begin_shutdown();
  });
  im.hangups.emplace(im.main_context(), SIGHUP);
  im.wait_for_hangup();
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& t : im.state.threads) guards.push_back(asio::make_work_guard(t->ioc));
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < im.state.threads.size(); ++i)
    threads.emplace_back([&im, i] {
      name_this_thread("parley-net-" + std::to_string(i));
      im.state.threads[i]->ioc.run();
    });
  im.main_context().run();
  for (auto& t : threads) t.join();
  if (im.before_close_thread.joinable()) im.before_close_thread.join();
  im.terminate_all();
  obs::log_info("stopped");
}

void Server::reload_tls() {
  auto& state = impl_->state;
  if (!state.tls) return;
  // Checked on a context of its own first: a bad file must not leave the live one half loaded.
  asio::ssl::context trial(asio::ssl::context::tls_server);
  load_certificate(trial, state.config);
  std::unique_lock lock(state.tls_mutex);
  load_certificate(*state.tls, state.config);
}

void Server::on_hangup(std::function<void()> hook) {
  impl_->hangup_hooks.push_back(std::move(hook));
}

void Server::request_shutdown() {
  asio::post(impl_->main_context(), [im = impl_.get()] { im->begin_shutdown(); });
}

std::size_t Server::websocket_count() const noexcept {
  return impl_->state.websockets.load();
}

}  // namespace parley::net

#include "client/client_tls.hpp"

#include <memory>

#include "client/bench_error.hpp"

namespace parley::bench {
namespace {

std::unique_ptr<boost::asio::ssl::context>& context() {
  static std::unique_ptr<boost::asio::ssl::context> ctx;
  return ctx;
}

}  // namespace

void enable_client_tls(const std::string& ca_file) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  if (ca_file.empty()) {
    ctx->set_verify_mode(ssl::verify_none);
  } else {
    boost::system::error_code ec;
    ctx->load_verify_file(ca_file, ec);
    if (ec) throw BenchError("--tls-ca: cannot load " + ca_file + ": " + ec.message());
    ctx->set_verify_mode(ssl::verify_peer);
  }
  context() = std::move(ctx);
}

boost::asio::ssl::context* client_tls() noexcept {
  return context().get();
}

}  // namespace parley::bench

// libFuzzer target for the server's TLS 1.3 record layer (Tls13Records), two ways:
// - records one end seals open at the other byte for byte, across KeyUpdates, in each cipher
//   suite; a sealed record with one byte changed is refused, never opened as other bytes;
// - arbitrary bytes taken as records never crash, overread or open as anything but an error.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "net/detail/tls13_records.hpp"

namespace {

using parley::net::detail::Tls13Records;

void check(bool ok) {
  if (!ok) std::abort();
}

void round_trips(std::uint16_t suite, std::size_t hash, const std::uint8_t* data,
                 std::size_t size) {
  const std::string client_secret(hash, '\x11');
  const std::string server_secret(hash, '\x22');
  Tls13Records server;
  Tls13Records client;  // the other end: reads what the server writes
  check(server.init(suite, client_secret, server_secret));
  check(client.init(suite, server_secret, client_secret));
  std::vector<char> record(Tls13Records::kMaxRecord + 64);
  std::size_t i = 0;
  while (i + 2 <= size) {
    const std::uint8_t op = data[i];
    const std::size_t want = (std::size_t{data[i + 1]} << 6) | (op >> 2);
    i += 2;
    const std::size_t n = std::min<std::size_t>({want, size - i, Tls13Records::kMaxPlaintext});
    const std::string plain(reinterpret_cast<const char*>(data + i), n);
    i += n;
    if ((op & 3) == 3) {
      const std::size_t sealed = server.seal_key_update(record.data());
      check(sealed > 0 &&
            Tls13Records::record_size({record.data(), sealed}) == static_cast<long>(sealed));
      check(client.open(record.data(), sealed).kind == Tls13Records::Kind::key_update);
      continue;
    }
    const std::size_t sealed = server.seal(23, plain.data(), plain.size(), record.data());
    check(sealed == plain.size() + Tls13Records::kHeader + 1 + Tls13Records::kTag);
    check(Tls13Records::record_size({record.data(), sealed - 1}) == 0);  // one byte short
    check(Tls13Records::record_size({record.data(), sealed}) == static_cast<long>(sealed));
    if ((op & 3) == 2 && n > 0) {
      // One byte changed (past the header's type and version): refused, and the session ends.
      const auto first = static_cast<unsigned char>(plain[0]);
      const auto last = static_cast<unsigned char>(plain[n - 1]);
      const std::size_t at = 3 + first % (sealed - 3);
      record[at] = static_cast<char>(record[at] ^ (1 + last % 255));
      const long length = Tls13Records::record_size({record.data(), sealed});
      if (length > 0) {
        check(client.open(record.data(), static_cast<std::size_t>(length)).kind ==
              Tls13Records::Kind::error);
      }
      return;
    }
    const auto opened = client.open(record.data(), sealed);
    check(opened.kind == Tls13Records::Kind::data && opened.data == plain);
  }
}

void arbitrary(const std::uint8_t* data, std::size_t size) {
  const std::string secret(32, '\x33');
  Tls13Records reader;
  check(reader.init(0x1301, secret, secret));
  std::vector<char> bytes(data, data + size);
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const long length = Tls13Records::record_size({bytes.data() + pos, bytes.size() - pos});
    if (length <= 0) return;
    check(static_cast<std::size_t>(length) <= Tls13Records::kMaxRecord);
    check(reader.open(bytes.data() + pos, static_cast<std::size_t>(length)).kind ==
          Tls13Records::Kind::error);
    pos += static_cast<std::size_t>(length);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  switch (data[0] % 4) {
    case 0:
      round_trips(0x1301, 32, data + 1, size - 1);
      break;
    case 1:
      round_trips(0x1302, 48, data + 1, size - 1);
      break;
    case 2:
      round_trips(0x1303, 32, data + 1, size - 1);
      break;
    default:
      arbitrary(data + 1, size - 1);
  }
  return 0;
}

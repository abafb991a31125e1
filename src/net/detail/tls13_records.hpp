#pragma once
// TLS 1.3 records after the handshake (RFC 8446 §5, §7), so that a connection need not keep its
// OpenSSL SSL object: that object is ~14 KiB per connection even with SSL_MODE_RELEASE_BUFFERS,
// where these keys are ~300 bytes. OpenSSL does the handshake and every cryptographic primitive
// (EVP AEAD, HKDF); this only frames records, numbers them and follows KeyUpdate.
//
// Pure buffer work, no socket: TlsSocket feeds it bytes read and writes what it seals.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace parley::net::detail {

class Tls13Records {
 public:
  static constexpr std::size_t kMaxPlaintext = 1 << 14;
  static constexpr std::size_t kHeader = 5;
  static constexpr std::size_t kTag = 16;
  // The largest record a peer may send: header + 2^14 + 256 (RFC 8446 §5.2).
  static constexpr std::size_t kMaxRecord = kHeader + kMaxPlaintext + 256;

  // From the negotiated cipher suite's IANA id (0x1301, 0x1302, 0x1303) and both application
  // traffic secrets. False: a suite this does not handle (the connection keeps OpenSSL's records).
  bool init(std::uint16_t suite, std::string_view client_secret, std::string_view server_secret);
  Tls13Records() = default;
  Tls13Records(const Tls13Records&) = delete;
  Tls13Records& operator=(const Tls13Records&) = delete;
  ~Tls13Records();

  enum class Kind : std::uint8_t { data, close_notify, key_update, ignored, error };
  struct Opened {
    Kind kind;
    std::string_view data;          // Kind::data: the plaintext, in place in the record
    bool update_requested = false;  // Kind::key_update
  };

  // Length of the complete record at the front of `in` (0: more bytes are needed), or -1 when its
  // header is invalid.
  static long record_size(std::string_view in) noexcept;
  // Decrypts the complete record `record` (record_size bytes) in place and acts on it: a
  // KeyUpdate moves the read keys on.
  Opened open(char* record, std::size_t size);

  // Seals `size` (≤ kMaxPlaintext) bytes of `inner_type` into `out` (size + kHeader + 1 + kTag
  // bytes); returns the record's length. Application data is type 23, alerts 21, handshake 22.
  std::size_t seal(std::uint8_t inner_type, const char* data, std::size_t size, char* out);
  // Our KeyUpdate (update_not_requested), sealed into `out` (≥ 32 bytes); moves the write keys on.
  std::size_t seal_key_update(char* out);
  // close_notify, sealed into `out` (≥ 32 bytes).
  std::size_t seal_close_notify(char* out);

  // RFC 8446 §5.5: an AES-GCM key is good for about 2^24.5 full records, so the write keys are
  // renewed (our KeyUpdate) long before, after this many records. A variable for tests.
  static inline std::uint64_t records_per_key = std::uint64_t{1} << 23;
  bool write_key_worn() const noexcept { return write_.sequence >= records_per_key; }
  // How many times each side's keys moved on (KeyUpdates).
  std::uint32_t write_generation() const noexcept { return write_.generation; }
  std::uint32_t read_generation() const noexcept { return read_.generation; }

 private:
  struct Direction {
    std::array<unsigned char, 48> secret{};
    std::array<unsigned char, 32> key{};
    std::array<unsigned char, 12> iv{};
    std::uint64_t sequence = 0;
    std::uint32_t generation = 0;
  };
  bool derive(Direction& d);
  bool next_generation(Direction& d);

  Direction read_;
  Direction write_;
  std::uint8_t suite_ = 0;  // 1: AES-128-GCM, 2: AES-256-GCM, 3: ChaCha20-Poly1305
  std::uint8_t hash_size_ = 0;
  std::uint8_t key_size_ = 0;
};

}  // namespace parley::net::detail

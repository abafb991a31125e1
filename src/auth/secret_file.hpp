#pragma once
// The JWT signing secret kept in the data directory when none is configured.

#include <string>

namespace parley::auth {

struct LoadedSecret {
  std::string secret;
  bool created = false;  // generated now (the caller logs a warning)
};

// Reads DIR/jwt-secret, or creates it (random, owner-only permissions) when missing. Throws
// std::runtime_error when the file cannot be read or written.
LoadedSecret load_or_create_secret(const std::string& data_dir);

}  // namespace parley::auth

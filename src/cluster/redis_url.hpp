#pragma once
// Where the cluster's Redis server is: parsed from a --redis URL.

#include <string>
#include <string_view>

namespace parley::cluster {

struct RedisUrl {
  std::string host;
  int port = 6379;
  std::string password;  // empty: no AUTH
  int database = 0;      // pub/sub ignores it; accepted so that ordinary URLs work

  // redis://[[user]:password@]host[:port][/db]. Throws std::invalid_argument naming what is wrong.
  static RedisUrl parse(std::string_view url);
};

}  // namespace parley::cluster

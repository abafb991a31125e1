#pragma once
// The PostgreSQL connection pool: a connection that was lost (or left inside a transaction) is
// dropped on return, so the next call reconnects.

#include <cstddef>
#include <memory>
#include <string>

#include "store/connection_pool.hpp"
#include "store/postgres/postgres_connection.hpp"

namespace parley::store {

class PostgresPool : public ConnectionPool<PostgresConnection> {
 public:
  PostgresPool(std::string url, std::size_t max_connections)
      : ConnectionPool(
            max_connections,
            [url = std::move(url)] { return std::make_unique<PostgresConnection>(url); },
            [](PostgresConnection& c) { return c.reusable(); }) {}
};

}  // namespace parley::store

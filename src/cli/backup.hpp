#pragma once
// `parley backup --to FILE` and `parley restore --from FILE` for the SQLite store (PostgreSQL is
// backed up with its own tools: docs/operations.md).

#include "config/command_line.hpp"

namespace parley::cli {

// Each returns the process exit code and prints what happened.
int backup(const config::Invocation& invocation);
int restore(const config::Invocation& invocation);

}  // namespace parley::cli

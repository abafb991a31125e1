#pragma once
// `parley migrate [--dry-run]`: reports the database's schema version and this binary's, and
// applies the missing migrations (the server also applies them when it starts; this runs them as
// a deployment step, before new instances start, and tells what a step would do).

#include "config/command_line.hpp"

namespace parley::cli {

// Returns the process exit code: 0 when the schema is (or, with --dry-run, can be made) current,
// 1 when the database is newer than this binary or cannot be reached.
int migrate(const config::Invocation& invocation);

}  // namespace parley::cli

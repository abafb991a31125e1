#pragma once
// The offline subcommands: `parley users set-role` and `parley publish`.

#include "config/command_line.hpp"

namespace parley::cli {

// Each returns the process exit code and prints what happened.
int set_role(const config::Invocation& invocation);
int publish(const config::PublishArgs& args);

}  // namespace parley::cli

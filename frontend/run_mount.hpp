#pragma once

// `RUN --mount=...` and `RUN --device=...` values (BuildKit's
// instructions/commands_runmount.go and commands_rundevice.go, with the
// defaults dockerfile2llb applies: cache id, sharing, secret id and target).

#include "frontend/instructions.hpp"
#include "support/error.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace distill::frontend {

// Expands one option value (variables of the instruction's environment).
using MountExpander = std::function<support::Result<std::string>(std::string_view)>;

// The comma-separated fields of a flag value, read as one CSV record (quotes
// group, `""` is a quote). Fails like Go's CSV reader.
support::Result<std::vector<std::string>> csv_fields(std::string_view value);

// What BuildKit checks when it parses the instruction (before expansion):
// the CSV syntax, and that `from` uses no variable.
support::Result<void> check_mount_syntax(std::string_view value);

// Parses a mount with `expand` applied to every value but `from`, with
// BuildKit's checks and messages (`unsupported mount type "x"`,
// `unexpected key 'k' in 'k=v'`, `mode not allowed for "bind" type mounts`, ...)
// and defaults. The target is left as written (analyze() resolves it against
// WORKDIR); an ssh mount without target gets its default from the RUN.
support::Result<RunMount> parse_mount(std::string_view value, const MountExpander& expand);

// Parses a `--device` value (`name[,required[=bool]]`).
support::Result<RunDevice> parse_device(std::string_view value);

} // namespace distill::frontend

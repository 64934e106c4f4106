#pragma once

// The argument nodes of each instruction, one function per BuildKit line
// parser (parser/line_parsers.go). Each takes the rest of the line
// (line.text[begin, end), after the flags) and appends to out.args.

#include "frontend/ast.hpp"
#include "frontend/node_builder.hpp"

#include <cstddef>
#include <string_view>

namespace distill::frontend {

// parseMaybeJSON: RUN, CMD, ENTRYPOINT, SHELL.
void args_maybe_json(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end);
// parseMaybeJSONToList: ADD, COPY, VOLUME.
void args_maybe_json_to_list(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end);
// parseStringsWhitespaceDelimited: FROM, EXPOSE.
void args_fields(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end);
// parseString: MAINTAINER, USER, WORKDIR, STOPSIGNAL.
void args_string(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end);
// parseNameVal: ENV and LABEL (`key` is "ENV" or "LABEL", for messages).
void args_name_value(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end,
                     std::string_view key);
// parseNameOrNameVal: ARG.
void args_words(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end);
// parseHealthConfig: HEALTHCHECK.
void args_health(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end);
// parseIgnore: an unknown keyword gets one empty argument.
void args_ignore(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end);

} // namespace distill::frontend

#include "frontend/node_builder.hpp"

#include "frontend/arg_builders.hpp"
#include "frontend/go_strings.hpp"

#include <fmt/format.h>

#include <memory>

namespace distill::frontend {
namespace {

// `ONBUILD ONBUILD ...` nests; BuildKit rejects any nesting later (in its
// instructions layer). The bound keeps recursion and the tree's destructor
// shallow on hostile input.
constexpr int k_max_onbuild_depth = 64;

// A flag word as BuildKit's extractBuilderFlags leaves it: quotes removed, `\`
// escapes the next byte, and every byte re-encoded as the Latin-1 code point
// it is read as (so non-ASCII bytes come out as two UTF-8 bytes, as in BuildKit).
std::string flag_text(std::string_view raw) {
  std::string text;
  text.reserve(raw.size());
  bool in_quote = false;
  char quote = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (!in_quote && (c == '\'' || c == '"')) {
      quote = c;
      in_quote = true;
      continue;
    }
    if (in_quote && c == quote) {
      in_quote = false;
      continue;
    }
    if (c == '\\') {
      if (i + 1 == raw.size()) {
        in_quote = false;
        continue;
      }
      c = raw[++i];
    }
    append_latin1(text, static_cast<unsigned char>(c));
  }
  return text;
}

Flag make_flag(std::string text, support::SourceRange where) {
  Flag flag;
  const std::size_t equals = text.find('=', 2);
  if (equals == std::string::npos) {
    flag.name = text.substr(2);
  } else {
    flag.name = text.substr(2, equals - 2);
    flag.value = text.substr(equals + 1);
  }
  flag.text = std::move(text);
  flag.where = where;
  return flag;
}

void build_at_depth(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end, int depth);

void build_args(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end, int depth) {
  const std::string& command = out.command;
  if (command == "run" || command == "cmd" || command == "entrypoint" || command == "shell") {
    args_maybe_json(out, context, begin, end);
  } else if (command == "add" || command == "copy" || command == "volume") {
    args_maybe_json_to_list(out, context, begin, end);
  } else if (command == "from" || command == "expose") {
    args_fields(out, context, begin, end);
  } else if (command == "maintainer" || command == "user" || command == "workdir" || command == "stopsignal") {
    args_string(out, context, begin, end);
  } else if (command == "env") {
    args_name_value(out, context, begin, end, "ENV");
  } else if (command == "label") {
    args_name_value(out, context, begin, end, "LABEL");
  } else if (command == "arg") {
    args_words(out, context, begin, end);
  } else if (command == "healthcheck") {
    args_health(out, context, begin, end);
  } else if (command == "onbuild") {
    if (begin == end) {
      return;
    }
    if (depth >= k_max_onbuild_depth) {
      context.error("onbuild-too-deep", context.range(begin, end),
                    fmt::format("ONBUILD nested more than {} levels deep", k_max_onbuild_depth));
      return;
    }
    out.onbuild = std::make_unique<Instruction>();
    build_at_depth(*out.onbuild, context, begin, end, depth + 1);
  } else {
    args_ignore(out, context, begin, end);
  }
}

void build_at_depth(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end, int depth) {
  const std::string_view line = context.text(begin, end);
  out.original = std::string(line);
  const Trimmed trimmed = go_trim_space(line);
  const std::size_t head_begin = begin + trimmed.begin;
  const std::size_t head_end = begin + trimmed.end;

  std::size_t keyword_end = head_begin;
  std::size_t rest_begin = head_end;
  if (head_begin < head_end) {
    auto head = context.grammar.head(context.text(head_begin, head_end));
    if (!head) {
      context.error("internal", context.range(head_begin + head.error().offset, head_end),
                    "internal parser error: " + head.error().message);
      keyword_end = head_end;
    } else {
      keyword_end = head_begin + head->keyword.end;
      rest_begin = head_begin + head->rest;
      for (const Span& span : head->flags) {
        std::string text = flag_text(context.text(head_begin + span.begin, head_begin + span.end));
        if (text == "--") {
          // A bare `--` ends the flags and is dropped.
          rest_begin = head_begin + span.end;
          break;
        }
        out.flags.push_back(make_flag(std::move(text), context.range(head_begin + span.begin, head_begin + span.end)));
      }
    }
  }
  out.keyword = std::string(context.text(head_begin, keyword_end));
  out.command = go_to_lower(out.keyword);
  out.keyword_where = context.range(head_begin, keyword_end);

  const Trimmed rest = go_trim_space(context.text(rest_begin, head_end));
  const std::size_t rest_end = rest_begin + rest.end;
  rest_begin += rest.begin;
  out.rest_where = context.range(rest_begin, rest_end);
  build_args(out, context, rest_begin, rest_end, depth);
}

} // namespace

void BuildContext::error(std::string kind, support::SourceRange where, std::string message) const {
  sink.report({support::Severity::error, std::move(kind), where, std::move(message), ""});
}

void build_instruction(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end) {
  build_at_depth(out, context, begin, end, 0);
}

bool can_contain_heredoc(const Instruction& instruction) {
  const Instruction* node = &instruction;
  if (node->command == "onbuild" && node->onbuild) {
    node = node->onbuild.get();
  }
  const std::string& command = node->command;
  return (command == "run" || command == "copy" || command == "add") && !node->json_form;
}

} // namespace distill::frontend

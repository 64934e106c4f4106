// COPY and ADD: sources (paths, URLs, heredocs), destination and flags.

#include "frontend/flags.hpp"
#include "frontend/instruction_builders.hpp"
#include "frontend/shell_lexer.hpp"
#include "frontend/typed_support.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace distill::frontend {
namespace {

// parseSourcesAndDest: heredoc markers among the sources become inline
// files; a heredoc destination is an error.
std::optional<CopySources> sources_and_dest(const BuildRequest& request, std::string_view name) {
  const auto& args = request.node.args;
  CopySources out;
  out.json_form = request.node.json_form;
  const Argument& dest = args.back();
  if (parse_heredoc_marker(dest.value)) {
    report_error(request.sink, "heredoc-destination", dest.where,
                 fmt::format("{} cannot accept a heredoc as a destination", name));
    return std::nullopt;
  }
  out.dest = make_word(dest);
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    const Argument& source = args[i];
    auto marker = parse_heredoc_marker(source.value);
    if (!marker) {
      out.sources.push_back(make_word(source));
      continue;
    }
    // Like BuildKit's lookup by name: the last heredoc of that name.
    HeredocFile file;
    file.name = marker->name;
    file.expand = marker->expand;
    file.chomp = marker->chomp;
    file.fd = marker->fd;
    file.where = source.where;
    for (const auto& heredoc : request.node.heredocs) {
      if (heredoc.name == marker->name) {
        file.content = heredoc.content;
        file.body = heredoc.body;
      }
    }
    if (file.chomp) file.content = chomp_heredoc(file.content);
    out.inline_sources.push_back(std::move(file));
  }
  return out;
}

bool enough_arguments(const BuildRequest& request, std::string_view name) {
  if (request.node.args.size() >= 2) return true;
  report_error(request.sink, "argument-count", request.node.where,
               fmt::format("{} requires at least two arguments, but only one was provided. Destination could not be "
                           "determined",
                           name));
  return false;
}

} // namespace

std::optional<HeredocMarker> parse_heredoc_marker(std::string_view word) {
  // ^(\d*)<<(-?)\s*([^<]*)$
  std::size_t i = 0;
  while (i < word.size() && word[i] >= '0' && word[i] <= '9') ++i;
  const std::string_view digits = word.substr(0, i);
  if (word.substr(i, 2) != "<<") return std::nullopt;
  i += 2;
  HeredocMarker marker;
  if (i < word.size() && word[i] == '-') {
    marker.chomp = true;
    ++i;
  }
  while (i < word.size() && (word[i] == ' ' || word[i] == '\t' || word[i] == '\n' || word[i] == '\f' ||
                             word[i] == '\r')) {
    ++i;
  }
  const std::string_view rest = word.substr(i);
  if (rest.empty() || rest.find('<') != std::string_view::npos) return std::nullopt;
  if (!digits.empty()) {
    marker.fd = 0;
    for (char c : digits) marker.fd = std::min(marker.fd * 10 + (c - '0'), 1 << 20);
  }
  // Lex the word with quotes removed and kept: any difference in quote
  // characters means part of it was quoted, which turns expansion off.
  LexerOptions options;
  options.skip_unset_env = true;
  const ShellEnv empty;
  auto plain = process_word(rest, empty, options);
  if (!plain || plain->words.size() != 1) return std::nullopt;
  options.raw_quotes = true;
  auto raw = process_word(rest, empty, options);
  if (!raw || raw->words.size() != 1) return std::nullopt;
  const auto quotes = [](const std::string& text) {
    return std::count(text.begin(), text.end(), '\'') + std::count(text.begin(), text.end(), '"');
  };
  marker.name = plain->words[0];
  marker.expand = quotes(plain->words[0]) == quotes(raw->words[0]);
  return marker;
}

std::string chomp_heredoc(std::string_view content) {
  std::string out;
  bool line_start = true;
  for (char c : content) {
    if (line_start && c == '\t') continue;
    line_start = c == '\n';
    out += c;
  }
  return out;
}

std::optional<Command> build_add(const BuildRequest& request) {
  if (!enough_arguments(request, "ADD")) return std::nullopt;
  static constexpr std::array<FlagSpec, 7> k_flags = {{{"exclude", FlagKind::strings},
                                                       {"chown", FlagKind::string},
                                                       {"chmod", FlagKind::string},
                                                       {"link", FlagKind::boolean},
                                                       {"keep-git-dir", FlagKind::boolean},
                                                       {"checksum", FlagKind::string},
                                                       {"unpack", FlagKind::boolean}}};
  auto flags = parse_flags(request.node, k_flags, request.sink);
  if (!flags) return std::nullopt;
  auto files = sources_and_dest(request, "ADD");
  if (!files) return std::nullopt;
  AddCommand add = with_header(AddCommand{}, request.node);
  add.files = std::move(*files);
  add.chown = flags->string_flag("chown");
  add.chmod = flags->string_flag("chmod");
  add.link = flags->bool_flag("link");
  add.keep_git_dir = flags->bool_flag("keep-git-dir");
  add.checksum = flags->string_flag("checksum");
  add.unpack = flags->bool_flag("unpack");
  add.excludes = flags->words("exclude");
  return add;
}

std::optional<Command> build_copy(const BuildRequest& request) {
  if (!enough_arguments(request, "COPY")) return std::nullopt;
  static constexpr std::array<FlagSpec, 7> k_flags = {{{"exclude", FlagKind::strings},
                                                       {"parents", FlagKind::boolean},
                                                       {"chown", FlagKind::string},
                                                       {"from", FlagKind::string},
                                                       {"chmod", FlagKind::string},
                                                       {"link", FlagKind::boolean},
                                                       {"checksum", FlagKind::string}}};
  auto flags = parse_flags(request.node, k_flags, request.sink);
  if (!flags) return std::nullopt;
  if (const FlagUse* checksum = flags->find("checksum")) {
    report_error(request.sink, "invalid-flag", checksum->flag->where, "checksum can't be specified for COPY");
    return std::nullopt;
  }
  auto files = sources_and_dest(request, "COPY");
  if (!files) return std::nullopt;
  CopyCommand copy = with_header(CopyCommand{}, request.node);
  copy.files = std::move(*files);
  copy.from = flags->string_flag("from");
  copy.chown = flags->string_flag("chown");
  copy.chmod = flags->string_flag("chmod");
  copy.link = flags->bool_flag("link");
  copy.parents = flags->bool_flag("parents");
  copy.excludes = flags->words("exclude");
  return copy;
}

} // namespace distill::frontend

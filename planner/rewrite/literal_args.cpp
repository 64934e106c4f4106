#include "planner/rewrite/literal_args.hpp"

#include <algorithm>

namespace distill::planner::rewrite {

LiteralArgs literal_args(const shell::SimpleCommand& command, std::size_t from, const shell::Environment* environment) {
  static const shell::Environment k_none;
  LiteralArgs result;
  for (std::size_t i = from; i < command.words.size(); ++i) {
    const shell::Word& word = command.words[i];
    if (word.has_tilde()) {
      result.error = "'" + word.text + "' uses ~";
      return result;
    }
    auto fields = shell::expand_fields(word, environment ? *environment : k_none);
    if (!fields) {
      result.error = "'" + word.text + "' " + fields.error().message;
      return result;
    }
    const bool quoted = std::ranges::any_of(word.parts, [](const shell::WordPart& part) { return part.quoted; });
    for (std::string& field : *fields) {
      result.args.push_back({std::move(field), word.has_glob(), quoted});
    }
  }
  return result;
}

} // namespace distill::planner::rewrite

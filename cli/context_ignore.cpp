#include "cli/context_ignore.hpp"

#include "frontend/dockerignore.hpp"

#include <memory>

namespace distill::cli {

support::Result<backend::build::IgnorePredicate> context_ignore(const std::filesystem::path& context,
                                                                const std::filesystem::path& dockerfile) {
  auto matcher = frontend::load_ignore_file(context, dockerfile);
  if (!matcher) {
    return std::unexpected(matcher.error());
  }
  if (matcher->patterns.empty()) {
    return backend::build::IgnorePredicate{};
  }
  auto shared = std::make_shared<frontend::IgnoreMatcher>(std::move(*matcher));
  // load_ignore_file compiled every pattern, so evaluation cannot fail here.
  return backend::build::IgnorePredicate([shared](const std::string& path) {
    auto matched = frontend::ignore_matches(*shared, path);
    return matched && *matched;
  });
}

} // namespace distill::cli

#pragma once

// The options of apt-get and apt, and which of them the declarative form can
// honour: output and prompt options are dropped, options that change what
// gets installed are kept, options that weaken trust or make the result
// depend on the moment refuse the rewrite.

#include <optional>
#include <string>
#include <string_view>

namespace distill::planner::rewrite {

struct AptOptions {
  std::optional<bool> recommends; // --[no-]install-recommends, -o APT::Install-Recommends
  bool auto_remove = false;       // --auto-remove / --autoremove
  bool purge = false;             // --purge
  bool reinstall = false;         // --reinstall
  bool autoremove_keeps_recommends = true; // -o APT::AutoRemove::RecommendsImportant
  std::string default_release;    // -t / --target-release / --default-release
  std::string refusal;            // set by the first option the rewrite cannot honour
  std::string cause;
};

// Reads the option word `word` (with `next`, the word after it, for options
// that take a value). Returns how many words were used (1 or 2).
int read_apt_option(std::string_view word, std::string_view next, AptOptions& options);

// Reads one `-o Name=Value` setting into `options`.
void read_apt_setting(std::string_view setting, AptOptions& options);

} // namespace distill::planner::rewrite

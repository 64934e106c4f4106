#pragma once

// --minimal adds what an image's own files need: for each closure problem
// (closure_check.hpp) the package among the candidates (the packages the
// compat image of the same release would hold) that ships the missing file,
// program or library. What no candidate ships is left for the error.

#include "backend/build/closure_check.hpp"
#include "backend/build/locked_packages.hpp"
#include "support/error.hpp"

#include <string>
#include <vector>

namespace distill::backend::build {

struct ClosureAdditions {
  std::vector<std::string> packages;        // sorted, unique
  std::vector<std::string> reasons;         // "dash: /bin/sh (#! interpreter of /usr/local/bin/probe)"
  std::vector<ClosureProblem> unresolved;   // nothing among the candidates ships these
};

// Reads the candidates' .debs (LockedPackage::deb) and matches each problem:
// a path by the file itself (merged into /usr when `merged_usr`), a program
// name by the directories of the default PATH, a DT_NEEDED soname by the
// library directories. When several candidates ship it, the first by name
// wins, so the choice does not depend on the order of the list. Fails on an
// unreadable .deb.
support::Result<ClosureAdditions> closure_additions(const std::vector<ClosureProblem>& problems,
                                                    const std::vector<LockedPackage>& candidates,
                                                    bool merged_usr);

} // namespace distill::backend::build

#pragma once

// The --minimal safety check: an image built from only the packages it names
// must still be able to run what it holds. Checked on the final filesystem:
// - the program of ENTRYPOINT/CMD and of a health check exists (for the shell
//   form: the shell), found through the image's PATH;
// - every ELF the image's own files and those programs start (their program
//   interpreter and DT_NEEDED libraries, transitively) resolves inside the
//   image, through RPATH/RUNPATH, ld.so.conf.d and the default directories;
// - every script's #! interpreter exists;
// - USER names a user (and group) in /etc/passwd (/etc/group);
// - with ClosureOptions::script_programs, the programs shell scripts run exist.
// Files that packages installed are trusted to their Depends; the check
// starts from the entrypoint and the files the Dockerfile added.

#include "backend/fs/tree.hpp"
#include "backend/oci/image_config.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace distill::backend::build {

struct ClosureProblem {
  std::string path;    // the file (or "USER", "CMD", ...) that needs something
  std::string missing; // what is not in the image: "libz.so.1", "/usr/bin/python3"
  std::string why;     // "DT_NEEDED of /usr/local/bin/app", "#! interpreter", ...
};

struct ClosureOptions {
  // The programs a shell script runs (planner::shell::program_names; the
  // backend does not link the planner). Set: every shell script checked
  // (#! sh/dash/bash, a shell-form ENTRYPOINT/CMD/HEALTHCHECK) must find
  // them through the image's PATH, as "a program the script runs".
  std::function<std::vector<std::string>(std::string_view)> script_programs;
};

std::vector<ClosureProblem> check_closure(const fs::Tree& rootfs, const oci::ImageConfig& config,
                                          const ClosureOptions& options = {});

} // namespace distill::backend::build

#include "backend/build/build_options.hpp"

#include <cstdlib>

#include <pwd.h>
#include <unistd.h>

namespace distill::backend::build {

namespace {

std::filesystem::path home_dir() {
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return home;
  }
  // HOME can be unset under sudo -i or in CI; the password entry still knows it.
  if (const passwd* entry = getpwuid(getuid()); entry != nullptr && entry->pw_dir != nullptr) {
    return entry->pw_dir;
  }
  return "/tmp";
}

std::filesystem::path xdg_dir(const char* variable, const char* fallback) {
  if (const char* value = std::getenv(variable); value != nullptr && value[0] == '/') {
    return value;
  }
  return home_dir() / fallback;
}

} // namespace

std::filesystem::path default_cache_dir() { return xdg_dir("XDG_CACHE_HOME", ".cache") / "distill"; }

std::filesystem::path default_store_dir() {
  return xdg_dir("XDG_DATA_HOME", ".local/share") / "distill" / "store";
}

} // namespace distill::backend::build

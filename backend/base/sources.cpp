#include "backend/base/sources.hpp"

namespace distill::backend::base {

namespace {

std::string stanza(const std::string& comment, const std::string& uri, const std::string& suites,
                   const std::string& signed_by) {
  std::string out = "Types: deb\n";
  if (!comment.empty()) {
    out += "# " + comment + "\n";
  }
  out += "URIs: " + uri + "\nSuites: " + suites + "\nComponents: main\nSigned-By: " + signed_by + "\n";
  return out;
}

} // namespace

std::string debian_sources_text(const SourcesConfig& config) {
  if (config.suite == "sid" || config.suite == "unstable") {
    return stanza(config.snapshot_main, config.mirror, config.suite, config.signed_by);
  }
  std::string security = config.security_mirror;
  if (security.empty()) {
    security = config.mirror;
    while (security.ends_with('/')) {
      security.pop_back();
    }
    security += security.ends_with("/debian") ? "-security" : "/debian-security";
  }
  return stanza(config.snapshot_main, config.mirror, config.suite + " " + config.suite + "-updates",
                config.signed_by) +
         "\n" +
         stanza(config.snapshot_security, security, config.suite + "-security", config.signed_by);
}

} // namespace distill::backend::base

// The resolver against apt itself: for each request, with and without
// Recommends, the set distill resolves on the host's index must equal the
// "Inst" lines of `apt-get -s install` with an empty dpkg status.

#include "planner/debian/resolver.hpp"
#include "oracle.hpp"

#include <gtest/gtest.h>

namespace distill::planner::debian {
namespace {

const char* const k_requests[] = {
    "curl ca-certificates",
    "python3",
    "git",
    "openssh-client",
    "nginx",
    "postgresql-client",
    "build-essential",
    "libpq-dev",
    "openjdk-17-jre-headless",
    "gnupg",
    "locales",
    "tzdata",
    "imagemagick",
    "wget",
    "vim",
    "python3-pip python3-venv",
    "procps iproute2 iputils-ping",
    "sudo",
    "unzip zip",
    "jq",
    "g++ make",
    "apache2",
    "mariadb-client",
    "redis-server",
    "supervisor",
    "cron",
    "rsync",
    "default-jre-headless",
    "php-cli",
    "ruby",
    "nodejs npm",
    "golang-go",
    "texinfo",
    "ffmpeg",
    "dnsutils",
    "net-tools telnet",
    "exim4",
    "openssh-server",
};

std::string diff(const std::set<std::string>& apt, const std::set<std::string>& ours,
                 const std::map<std::string, std::string>& reasons) {
  std::string out;
  for (const auto& entry : apt) {
    if (!ours.contains(entry)) {
      out += "  only apt:     " + entry + "\n";
    }
  }
  for (const auto& entry : ours) {
    if (!apt.contains(entry)) {
      auto it = reasons.find(entry);
      out += "  only distill: " + entry + (it == reasons.end() ? "" : " (" + it->second + ")") + "\n";
    }
  }
  return out;
}

TEST(Oracle, ResolverAgreesWithAptGetOnTheHostIndex) {
  if (!testing::host_has_bookworm() || testing::run_command("command -v apt-get").empty()) {
    GTEST_SKIP() << "needs apt-get and a bookworm amd64 index in " << testing::k_lists_dir;
  }
  const PackageIndex* index = testing::host_index();
  ASSERT_NE(index, nullptr) << "could not load the host index";
  std::vector<testing::OracleRequest> requests;
  for (const char* packages : k_requests) {
    requests.push_back({packages, true});
    requests.push_back({packages, false});
  }
  auto apt = testing::apt_select(requests);
  int agree = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& r = requests[i];
    std::string label = r.packages + (r.recommends ? " (with Recommends)" : " (without Recommends)");
    ASSERT_TRUE(apt[i].has_value()) << "apt-get failed for " << label;
    std::vector<Request> parsed;
    std::istringstream words(r.packages);
    std::string word;
    while (words >> word) {
      auto request = parse_request(word);
      ASSERT_TRUE(request) << request.error().message;
      parsed.push_back(*request);
    }
    ResolveOptions options;
    options.install_recommends = r.recommends;
    auto resolution = resolve(*index, nullptr, parsed, options);
    if (!resolution) {
      ADD_FAILURE() << label << ": distill failed where apt succeeded:\n" << resolution.error().message;
      continue;
    }
    std::set<std::string> ours;
    std::map<std::string, std::string> reasons;
    for (const Selected& s : resolution->install) {
      std::string entry = std::string(s.package->name) + "=" + std::string(s.package->version);
      ours.insert(entry);
      reasons[entry] = s.reason.describe();
    }
    if (ours == *apt[i]) {
      ++agree;
    } else {
      ADD_FAILURE() << label << ": distill and apt disagree (apt " << apt[i]->size() << ", distill " << ours.size()
                    << " packages):\n"
                    << diff(*apt[i], ours, reasons);
    }
  }
  std::cout << "oracle: " << agree << " of " << requests.size() << " requests agree with apt-get\n";
}

} // namespace
} // namespace distill::planner::debian

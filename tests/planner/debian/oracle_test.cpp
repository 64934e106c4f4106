// The resolver against apt itself: for each request, with and without
// Recommends, the set distill resolves on the host's index must equal the
// "Inst" lines of `apt-get -s install` with an empty dpkg status.

#include "planner/debian/resolver.hpp"
#include "planner/debian/status.hpp"
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

// Requests on top of the host's own dpkg status (an installed set of several
// hundred packages): apt skips what is installed and upgrades what a new
// package needs newer.
const char* const k_requests_on_host[] = {
    "nginx", "imagemagick", "postgresql-client", "apache2", "redis-server", "ffmpeg", "vim", "exim4",
};

// Compares distill with apt on `requests`; returns how many agree.
int compare_with_apt(const std::vector<testing::OracleRequest>& requests, const PackageIndex* installed);

TEST(Oracle, ResolverAgreesWithAptGetOnTheHostIndex) {
  if (!testing::host_has_bookworm() || testing::run_command("command -v apt-get").empty()) {
    GTEST_SKIP() << "needs apt-get and a bookworm amd64 index in " << testing::k_lists_dir;
  }
  std::vector<testing::OracleRequest> requests;
  for (const char* packages : k_requests) {
    requests.push_back({packages, true});
    requests.push_back({packages, false});
  }
  int agree = compare_with_apt(requests, nullptr);
  std::cout << "oracle (empty status): " << agree << " of " << requests.size() << " requests agree with apt-get\n";
}

TEST(Oracle, ResolverAgreesWithAptGetOnTheHostStatus) {
  if (!testing::host_has_bookworm() || testing::run_command("command -v apt-get").empty() ||
      !std::filesystem::exists(testing::k_host_status)) {
    GTEST_SKIP() << "needs apt-get, a dpkg status and a bookworm amd64 index in " << testing::k_lists_dir;
  }
  auto installed = load_status_file(testing::k_host_status);
  ASSERT_TRUE(installed) << installed.error().message;
  std::vector<testing::OracleRequest> requests;
  for (const char* packages : k_requests_on_host) {
    requests.push_back({packages, true, true});
    requests.push_back({packages, false, true});
  }
  int agree = compare_with_apt(requests, &*installed);
  std::cout << "oracle (host status, " << installed->size() << " installed): " << agree << " of " << requests.size()
            << " requests agree with apt-get\n";
}

int compare_with_apt(const std::vector<testing::OracleRequest>& requests, const PackageIndex* installed) {
  const PackageIndex* index = testing::host_index();
  EXPECT_NE(index, nullptr) << "could not load the host index";
  if (index == nullptr) {
    return 0;
  }
  auto apt = testing::apt_select(requests);
  int agree = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& r = requests[i];
    std::string label = r.packages + (r.recommends ? " (with Recommends)" : " (without Recommends)");
    if (!apt[i].has_value()) {
      ADD_FAILURE() << "apt-get failed for " << label;
      continue;
    }
    std::vector<Request> parsed;
    std::istringstream words(r.packages);
    std::string word;
    while (words >> word) {
      auto request = parse_request(word);
      EXPECT_TRUE(request) << request.error().message;
      parsed.push_back(*request);
    }
    ResolveOptions options;
    options.install_recommends = r.recommends;
    auto resolution = resolve(*index, installed, parsed, options);
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
  return agree;
}

} // namespace
} // namespace distill::planner::debian

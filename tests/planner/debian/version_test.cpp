#include "planner/debian/version.hpp"

#include "planner/debian/control.hpp"
#include "host_index.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

namespace distill::planner::debian {
namespace {

using testing::run_command;
using testing::shell_quote;

int sign(int v) { return (v > 0) - (v < 0); }

TEST(Version, ComparesLikeDpkgOnKnownCases) {
  struct Case {
    const char* a;
    const char* b;
    int expected;
  };
  const Case cases[] = {
      {"1.0", "1.0", 0},          {"1.0", "1.0-0", 0},        {"0:1.0", "1.0", 0},
      {"1.0~rc1", "1.0", -1},     {"1.0~", "1.0~~", 1},       {"1.0", "1.0+b1", -1},
      {"1.0a", "1.0", 1},         {"1.0a", "1.0+", -1},       {"1.0.a", "1.0a", 1},
      {"1:0.1", "2.0", 1},        {"2:1", "10:0", -1},        {"1.10", "1.9", 1},
      {"1.001", "1.1", 0},        {"1.0-1", "1.0-1~bpo1", 1}, {"1.0-1", "1.0-10", -1},
      {"2.36-9+deb12u9", "2.36-9+deb12u10", -1},              {"1~~a", "1~~", 1},
      {"1~", "1", -1},            {"a", "b", -1},             {"1.2.3-4-5", "1.2.3-4-6", -1},
      {"7.88.1-10+deb12u12", "7.88.1-10+deb12u5", 1},        {"1.0-a", "1.0-1", 1},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(sign(compare_versions(c.a, c.b)), c.expected) << c.a << " vs " << c.b;
    EXPECT_EQ(sign(compare_versions(c.b, c.a)), -c.expected) << c.b << " vs " << c.a;
  }
}

TEST(Version, ParsesParts) {
  auto v = parse_version("  2:1.2-3-4+b1 ");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->epoch, 2u);
  EXPECT_EQ(v->upstream, "1.2-3");
  EXPECT_EQ(v->revision, "4+b1");
  auto plain = parse_version("1.0");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->epoch, 0u);
  EXPECT_EQ(plain->revision, "");
}

TEST(Version, RejectsBadSyntaxWithDpkgWording) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"", "version string is empty"},
      {"1.0 2", "version '1.0 2' has bad syntax: version string has embedded spaces"},
      {":1.0", "version ':1.0' has bad syntax: epoch in version is empty"},
      {"a:1.0", "version 'a:1.0' has bad syntax: epoch in version is not number"},
      {"99999999999:1", "version '99999999999:1' has bad syntax: epoch in version is too big"},
      {"1:", "version '1:' has bad syntax: nothing after colon in version number"},
      {"1.0-", "version '1.0-' has bad syntax: revision number is empty"},
      {"-1", "version '-1' has bad syntax: upstream version is empty"},
      {"a1.0", "version 'a1.0' has bad syntax: version number does not start with digit"},
      {"1.0_1", "version '1.0_1' has bad syntax: invalid character in version number"},
      {"1.0-1_2", "version '1.0-1_2' has bad syntax: invalid character in revision number"},
  };
  for (const Case& c : cases) {
    auto v = parse_version(c.text);
    ASSERT_FALSE(v) << c.text;
    EXPECT_EQ(v.error().message, c.message);
  }
}

// A small deterministic generator (no global state, no clock).
struct Lcg {
  std::uint64_t state;
  std::size_t next(std::size_t bound) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>((state >> 33) % bound);
  }
};

// Tricky versions built from fragments: epochs, '~', letters, symbols, zeros.
std::vector<std::string> generated_versions() {
  const char* epochs[] = {"", "0:", "1:", "2:", "10:"};
  const char* upstreams[] = {"0",     "1",      "1.0",   "1.00",   "1.0~rc1", "1.0~rc1~", "1.0~",    "1.0+b1",
                             "1.0a",  "1.0.a",  "1a",    "1~~",    "1~~a",    "1+",       "1.",      "10",
                             "9",     "001",    "1.0+~", "1.0-1",  "1.0.0",   "1.0a~",    "1.0A",    "1.0Z.",
                             "1.2.3", "1.2.10", "2.0~b", "2.0~a1", "3:4",     "1.0+dfsg", "1.0~dfsg"};
  const char* revisions[] = {"", "-1", "-0", "-1~bpo1", "-1+b1", "-a", "-1.1", "-1~", "-10", "-1ubuntu1", "-~"};
  std::vector<std::string> out;
  for (const char* e : epochs) {
    for (const char* u : upstreams) {
      for (const char* r : revisions) {
        out.push_back(std::string(e) + u + r);
      }
    }
  }
  return out;
}

// Asks dpkg whether `a op b` holds for each line "a op b", one process per
// line, two shells in parallel; returns the exit status of each.
std::vector<int> dpkg_check(const std::vector<std::string>& lines, const std::filesystem::path& dir) {
  const int k_shards = 2;
  std::vector<std::vector<std::size_t>> shard_index(k_shards);
  std::string script;
  for (int s = 0; s < k_shards; ++s) {
    std::ofstream out(dir / ("pairs" + std::to_string(s)));
    for (std::size_t i = s; i < lines.size(); i += k_shards) {
      out << lines[i] << "\n";
      shard_index[s].push_back(i);
    }
    std::string in = shell_quote((dir / ("pairs" + std::to_string(s))).string());
    std::string res = shell_quote((dir / ("result" + std::to_string(s))).string());
    script += "(while read a op b; do dpkg --compare-versions \"$a\" \"$op\" \"$b\" 2>/dev/null; echo $?; done < " +
              in + " > " + res + ") & ";
  }
  script += "wait";
  run_command("sh -c " + shell_quote(script));
  std::vector<int> status(lines.size(), -1);
  for (int s = 0; s < k_shards; ++s) {
    std::ifstream in(dir / ("result" + std::to_string(s)));
    int value = 0;
    std::size_t k = 0;
    while (in >> value && k < shard_index[s].size()) {
      status[shard_index[s][k++]] = value;
    }
  }
  return status;
}

// Compares our order with dpkg's on ~2,800 pairs: the adjacent pairs of a
// sample of real index versions sorted by our comparator (which checks the
// whole chain), random real pairs and generated tricky ones. One dpkg call
// per pair checks the relation we predict, so any disagreement fails it.
TEST(Version, AgreesWithDpkgCompareVersions) {
  if (run_command("command -v dpkg").empty()) {
    GTEST_SKIP() << "dpkg is not installed";
  }
  std::set<std::string> unique;
  for (const auto& path : testing::host_package_lists()) {
    auto text = testing::read_package_list(path);
    if (!text) {
      continue;
    }
    auto r = for_each_stanza(*text, [&](const Stanza& s) -> support::Result<void> {
      unique.insert(std::string(s.get("Version")));
      return {};
    });
    ASSERT_TRUE(r) << r.error().message;
  }
  std::vector<std::string> real(unique.begin(), unique.end());
  std::vector<std::string> generated = generated_versions();

  std::vector<std::pair<std::string, std::string>> pairs;
  auto add_chain = [&](std::vector<std::string> sample) {
    std::stable_sort(sample.begin(), sample.end(),
                     [](const std::string& a, const std::string& b) { return compare_versions(a, b) < 0; });
    for (std::size_t i = 0; i + 1 < sample.size(); ++i) {
      pairs.emplace_back(sample[i], sample[i + 1]);
    }
  };
  Lcg lcg{42};
  if (!real.empty()) {
    std::vector<std::string> sample;
    std::size_t stride = std::max<std::size_t>(1, real.size() / 1200);
    for (std::size_t i = 0; i < real.size(); i += stride) {
      sample.push_back(real[i]);
    }
    add_chain(sample);
    for (int i = 0; i < 500; ++i) {
      pairs.emplace_back(real[lcg.next(real.size())], real[lcg.next(real.size())]);
    }
  }
  {
    std::vector<std::string> sample;
    for (int i = 0; i < 700; ++i) {
      sample.push_back(generated[lcg.next(generated.size())]);
    }
    add_chain(sample);
    for (int i = 0; i < 400; ++i) {
      pairs.emplace_back(generated[lcg.next(generated.size())], generated[lcg.next(generated.size())]);
    }
  }

  std::vector<std::string> lines;
  for (const auto& [a, b] : pairs) {
    int c = compare_versions(a, b);
    lines.push_back(a + (c < 0 ? " lt " : c == 0 ? " eq " : " gt ") + b);
  }
  testing::TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::vector<int> status = dpkg_check(lines, dir.path());
  int disagreements = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (status[i] != 0) {
      ++disagreements;
      ADD_FAILURE() << "dpkg --compare-versions " << lines[i] << " -> exit " << status[i];
      if (disagreements > 20) {
        break;
      }
    }
  }
  std::cout << "compared " << lines.size() << " pairs with dpkg (" << real.size()
            << " distinct index versions)\n";
  EXPECT_GT(lines.size(), 1500u);
}

} // namespace
} // namespace distill::planner::debian

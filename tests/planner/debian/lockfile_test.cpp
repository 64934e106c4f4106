#include "planner/debian/lockfile.hpp"

#include "planner/debian/package_index.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace distill::planner::debian {
namespace {

const std::string k_sha_a(64, 'a');
const std::string k_sha_b(64, 'b');
const std::string k_digest = "sha256:" + std::string(64, 'c');

LockedPackage package(std::string name, std::string version, LockReason reason = LockReason::dependency) {
  LockedPackage p;
  p.name = std::move(name);
  p.version = std::move(version);
  p.architecture = "amd64";
  p.suite = "bookworm";
  p.filename = "pool/main/x/" + p.name + "_" + p.version + "_amd64.deb";
  p.size = 1234;
  p.sha256 = k_sha_a;
  p.source = p.name;
  p.source_version = p.version;
  p.reason = reason;
  if (reason == LockReason::dependency) {
    p.parent = "curl";
    p.relation = "Depends: " + p.name;
  } else if (reason == LockReason::rule) {
    p.relation = "Priority: required";
  }
  return p;
}

Lockfile sample() {
  Lockfile lock;
  lock.inputs_hash = k_digest;
  LockedStage build;
  build.name = "build";
  build.index = 0;
  build.base.kind = BaseKind::distro;
  build.base.platform = "linux/amd64";
  build.base.distro = "debian";
  build.base.suite = "bookworm";
  build.base.snapshot = "20250520T000000Z";
  build.base.indexes.push_back(LockedIndex{"http://127.0.0.1/debian-security", "bookworm-security", "main", "amd64",
                                           "dists/bookworm-security/main/binary-amd64/Packages.xz", k_sha_b});
  build.base.indexes.push_back(LockedIndex{"http://127.0.0.1/debian", "bookworm", "main", "amd64",
                                           "dists/bookworm/main/binary-amd64/Packages.xz", k_sha_a});
  build.base.packages = {package("libc6", "2.36-9+deb12u9", LockReason::dependency),
                         package("base-files", "12.4+deb12u8", LockReason::rule)};
  LockedInstall install;
  install.requests = {"curl", "ca-certificates"};
  install.recommends = false;
  install.packages = {package("curl", "7.88.1-10", LockReason::requested), package("libcurl4", "7.88.1-10")};
  build.installs.push_back(install);
  lock.stages.push_back(build);

  LockedStage run;
  run.index = 1;
  run.base.kind = BaseKind::image;
  run.base.reference = "registry.invalid/app:1";
  run.base.digest = k_digest;
  lock.stages.push_back(run);
  LockedStage from_stage;
  from_stage.index = 2;
  from_stage.base.kind = BaseKind::stage;
  from_stage.base.stage = "build";
  lock.stages.push_back(from_stage);
  LockedStage scratch;
  scratch.index = 3;
  lock.stages.push_back(scratch);
  return lock;
}

TEST(Lockfile, RoundTripsByteForByte) {
  Lockfile lock = sample();
  std::string text = to_json(lock);
  auto parsed = parse_lockfile(text);
  ASSERT_TRUE(parsed) << parsed.error().message;
  Lockfile canonical = lock;
  canonicalize(canonical);
  EXPECT_EQ(*parsed, canonical);
  EXPECT_EQ(to_json(*parsed), text);
  EXPECT_EQ(text.back(), '\n');
}

TEST(Lockfile, OrderOfUnorderedListsDoesNotChangeTheBytes) {
  Lockfile a = sample();
  Lockfile b = sample();
  std::reverse(b.stages[0].base.packages.begin(), b.stages[0].base.packages.end());
  std::reverse(b.stages[0].base.indexes.begin(), b.stages[0].base.indexes.end());
  std::reverse(b.stages[0].installs[0].packages.begin(), b.stages[0].installs[0].packages.end());
  EXPECT_EQ(to_json(a), to_json(b));
  // Requests keep the order apt-get got them in.
  std::reverse(b.stages[0].installs[0].requests.begin(), b.stages[0].installs[0].requests.end());
  EXPECT_NE(to_json(a), to_json(b));
}

TEST(Lockfile, CanonicalTextLayout) {
  Lockfile lock;
  lock.inputs_hash = k_digest;
  LockedStage stage;
  stage.name = "app";
  stage.base.kind = BaseKind::stage;
  stage.base.stage = "build";
  LockedInstall install;
  install.requests = {"tzdata"};
  install.packages = {package("tzdata", "2024a-0+deb12u1", LockReason::requested)};
  stage.installs.push_back(install);
  lock.stages.push_back(stage);
  EXPECT_EQ(to_json(lock), R"({
  "lockfileVersion": 1,
  "inputsHash": "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",
  "stages": [
    {
      "name": "app",
      "index": 0,
      "base": {
        "kind": "stage",
        "platform": "",
        "stage": "build"
      },
      "installs": [
        {
          "requests": [
            "tzdata"
          ],
          "recommends": true,
          "packages": [
            {
              "name": "tzdata",
              "version": "2024a-0+deb12u1",
              "architecture": "amd64",
              "suite": "bookworm",
              "filename": "pool/main/x/tzdata_2024a-0+deb12u1_amd64.deb",
              "size": 1234,
              "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
              "source": "tzdata",
              "sourceVersion": "2024a-0+deb12u1",
              "reason": "requested"
            }
          ]
        }
      ]
    }
  ]
}
)");
}

TEST(Lockfile, ErrorsNameTheFileAndThePath) {
  std::string good = to_json(sample());
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  struct Case {
    std::string text;
    std::string message;
  };
  const Case cases[] = {
      {"{\n  \"lockfileVersion\": 1,\n  oops\n}", ""},
      {replace("\"lockfileVersion\": 1", "\"lockfileVersion\": 2"),
       "distill.lock: unsupported lockfileVersion 2 (this distill reads 1); run `distill lock --update`"},
      {replace("\"inputsHash\": \"sha256:", "\"inputsHash\": \"md5:"),
       "distill.lock: (top level): \"inputsHash\" must be \"sha256:\" and 64 lower-case hex digits"},
      {replace("\"recommends\": false", "\"recommends\": \"no\""),
       "distill.lock: stages[0].installs[0]: \"recommends\" must be true or false"},
      {replace("\"sha256\": \"" + k_sha_b, "\"sha256\": \"XYZ"),
       "distill.lock: stages[0].base.indexes[1]: \"sha256\" must be 64 lower-case hex digits"},
      {replace("\"reason\": \"requested\"", "\"reason\": \"wanted\""),
       "distill.lock: stages[0].installs[0].packages[0]: \"reason\" must be \"requested\", \"dependency\" or "
       "\"rule\", not \"wanted\""},
      {replace("\"size\": 1234", "\"size\": -1"),
       "distill.lock: stages[0].base.packages[0]: \"size\" must be a non-negative integer"},
      {replace("\"version\": \"7.88.1-10\"", "\"version\": \"v7\""),
       "distill.lock: stages[0].installs[0].packages[0]: version 'v7' has bad syntax: version number does not "
       "start with digit"},
      {replace("\"kind\": \"image\"", "\"kind\": \"vm\""),
       "distill.lock: stages[1].base: \"kind\" must be scratch, distro, image, stage or layout, not \"vm\""},
      {replace("\"digest\": \"sha256:", "\"digest\": \"sha512:"),
       "distill.lock: stages[1].base: \"digest\" must be \"sha256:\" and 64 lower-case hex digits"},
      {replace("\"name\": \"build\"", "\"name\": \"build\", \"extra\": 1"),
       "distill.lock: stages[0]: unknown key \"extra\""},
      {replace("\"parent\": \"curl\",", ""), "distill.lock: stages[0].base.packages[1]: missing \"parent\""},
      {"[]", "distill.lock: (top level): must be an object"},
  };
  for (const Case& c : cases) {
    auto result = parse_lockfile(c.text);
    ASSERT_FALSE(result) << c.text;
    if (c.message.empty()) {
      EXPECT_TRUE(result.error().message.starts_with("distill.lock:3:3: not valid JSON")) << result.error().message;
    } else {
      EXPECT_EQ(result.error().message, c.message);
    }
  }
}

TEST(Lockfile, LockPackageFromAnIndexStanza) {
  PackageIndex index;
  IndexOrigin origin;
  origin.file = "Packages";
  ASSERT_TRUE(index.add("Package: libcurl4\nSource: curl\nVersion: 7.88.1-10+b1\nArchitecture: amd64\n"
                        "Filename: pool/main/c/curl/libcurl4_7.88.1-10+b1_amd64.deb\nSize: 390000\nSHA256: " +
                            k_sha_b + "\n",
                        origin));
  Reason reason;
  reason.parent = "curl";
  reason.relation = "Depends: libcurl4 (= 7.88.1-10+b1)";
  LockedPackage p = lock_package(index.package(0), reason, "bookworm");
  EXPECT_EQ(p.name, "libcurl4");
  EXPECT_EQ(p.source, "curl");
  EXPECT_EQ(p.source_version, "7.88.1-10+b1");
  EXPECT_EQ(p.size, 390000u);
  EXPECT_EQ(p.sha256, k_sha_b);
  EXPECT_EQ(p.reason, LockReason::dependency);
  EXPECT_EQ(p.relation, "Depends: libcurl4 (= 7.88.1-10+b1)");
  Reason rule;
  rule.relation = "Priority: required";
  EXPECT_EQ(lock_package(index.package(0), rule, "bookworm").reason, LockReason::rule);
  Reason requested;
  requested.requested = true;
  EXPECT_EQ(lock_package(index.package(0), requested, "bookworm").reason, LockReason::requested);
}

TEST(Lockfile, InputsHash) {
  std::string a = inputs_hash({{"Dockerfile", "FROM debian"}, {"mirror", "http://127.0.0.1/"}});
  EXPECT_TRUE(a.starts_with("sha256:"));
  EXPECT_EQ(a.size(), 7u + 64u);
  EXPECT_EQ(a, inputs_hash({{"mirror", "http://127.0.0.1/"}, {"Dockerfile", "FROM debian"}}));
  EXPECT_NE(inputs_hash({{"a", "bc"}}), inputs_hash({{"ab", "c"}}));
  EXPECT_NE(a, inputs_hash({{"Dockerfile", "FROM debian "}, {"mirror", "http://127.0.0.1/"}}));
}

} // namespace
} // namespace distill::planner::debian

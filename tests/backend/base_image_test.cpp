#include "backend/base/base_image.hpp"
#include "backend/base/official_files.hpp"
#include "backend/base/sources.hpp"
#include "support/sha256.hpp"

#include "deb_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

namespace distill::backend::base {
namespace {

namespace stdfs = std::filesystem;

// The 88 packages of debian:bookworm (official-base-images.md 2.2).
const char* const k_bookworm[] = {
    "adduser", "apt", "base-files", "base-passwd", "bash", "bsdutils", "coreutils", "dash",
    "debconf", "debian-archive-keyring", "debianutils", "diffutils", "dpkg", "e2fsprogs",
    "findutils", "gcc-12-base", "gpgv", "grep", "gzip", "hostname", "init-system-helpers",
    "libacl1", "libapt-pkg6.0", "libattr1", "libaudit-common", "libaudit1", "libblkid1",
    "libbz2-1.0", "libc-bin", "libc6", "libcap-ng0", "libcap2", "libcom-err2", "libcrypt1",
    "libdb5.3", "libdebconfclient0", "libext2fs2", "libffi8", "libgcc-s1", "libgcrypt20",
    "libgmp10", "libgnutls30", "libgpg-error0", "libhogweed6", "libidn2-0", "liblz4-1",
    "liblzma5", "libmd0", "libmount1", "libnettle8", "libp11-kit0", "libpam-modules",
    "libpam-modules-bin", "libpam-runtime", "libpam0g", "libpcre2-8-0", "libseccomp2",
    "libselinux1", "libsemanage-common", "libsemanage2", "libsepol2", "libsmartcols1", "libss2",
    "libstdc++6", "libsystemd0", "libtasn1-6", "libtinfo6", "libudev1", "libunistring2",
    "libuuid1", "libxxhash0", "libzstd1", "login", "logsave", "mawk", "mount", "ncurses-base",
    "ncurses-bin", "passwd", "perl-base", "sed", "sysvinit-utils", "tar", "tzdata",
    "usr-is-merged", "util-linux", "util-linux-extra", "zlib1g"};

// Real bookworm .debs: $DISTILL_TEST_DEBS, else a cache in the build tree
// filled once with `apt-get download` (skipped when apt cannot reach a mirror).
std::vector<BasePackage> bookworm_packages(std::string& why) {
  const char* env = std::getenv("DISTILL_TEST_DEBS");
  const stdfs::path dir = env != nullptr ? stdfs::path(env) : stdfs::path(DISTILL_BINARY_DIR) / "test-debs";
  stdfs::create_directories(dir);
  std::string names;
  for (const char* name : k_bookworm) {
    names += std::string(" ") + name;
  }
  bool downloaded = false;
  std::vector<BasePackage> packages;
  for (int attempt = 0; attempt < 2; ++attempt) {
    packages.clear();
    for (const char* name : k_bookworm) {
      for (const auto& entry : stdfs::directory_iterator(dir)) {
        const std::string file = entry.path().filename().string();
        if (file.starts_with(std::string(name) + "_") && file.ends_with(".deb")) {
          std::string out;
          testing::run_command("dpkg-deb -f '" + entry.path().string() + "' Package Version Architecture", &out);
          BasePackage package;
          package.deb = entry.path();
          for (std::size_t start = 0; start < out.size();) {
            const auto end = out.find('\n', start);
            const std::string line = out.substr(start, end - start);
            start = end == std::string::npos ? out.size() : end + 1;
            const auto colon = line.find(": ");
            if (colon == std::string::npos) continue;
            const std::string key = line.substr(0, colon), value = line.substr(colon + 2);
            if (key == "Package") package.name = value;
            if (key == "Version") package.version = value;
            if (key == "Architecture") package.arch = value;
          }
          if (package.name == name) {
            packages.push_back(package);
            break;
          }
        }
      }
    }
    if (packages.size() == std::size(k_bookworm) || downloaded) {
      break;
    }
    std::string log;
    if (testing::run_command("cd '" + dir.string() + "' && apt-get download -q" + names, &log) != 0) {
      why = "apt-get download failed (no mirror reachable?): " + log.substr(0, 300);
      return {};
    }
    downloaded = true;
  }
  if (packages.size() != std::size(k_bookworm)) {
    why = "only " + std::to_string(packages.size()) + " of 88 bookworm packages available";
    return {};
  }
  return packages;
}

std::string text(const fs::Tree& tree, const std::string& path) {
  const fs::Entry* entry = tree.link_source(path);
  return entry != nullptr ? *fs::read_content(entry->content) : std::string("<absent>");
}

TEST(BaseImage, BookwormCompatLikeTheOfficialImage) {
  std::string why;
  const auto packages = bookworm_packages(why);
  if (packages.empty()) {
    GTEST_SKIP() << why;
  }
  testing::TempDir spool;
  BaseOptions options;
  options.epoch = 1733097600; // serial 20241202
  options.sources.mirror = "http://mirror.invalid/debian";
  options.sources.suite = "bookworm";
  options.spool_dir = spool.path();
  auto base = build_base_layers(packages, options);
  ASSERT_TRUE(base) << base.error().message;
  EXPECT_EQ(base->layers.size(), 88u); // one layer per package
  fs::Tree image;
  for (const auto& layer : base->layers) {
    ASSERT_TRUE(fs::apply_layer(image, layer.tree));
  }
  ASSERT_TRUE(fs::apply_layer(image, base->generated));

  // Top-level structure: merged-/usr links exactly as debootstrap makes them on amd64.
  for (const char* dir : {"bin", "sbin", "lib", "lib64"}) {
    ASSERT_TRUE(image.contains(std::string("/") + dir)) << dir;
    EXPECT_EQ(image.find(std::string("/") + dir)->link_target, std::string("usr/") + dir);
  }
  EXPECT_FALSE(image.contains("/lib32"));
  EXPECT_TRUE(image.find("/usr/lib64")->is_dir());
  EXPECT_TRUE(image.contains("/usr/lib64/ld-linux-x86-64.so.2"));
  EXPECT_EQ(image.find("/usr/bin/sh")->link_target, "dash");
  for (const char* dir : {"/boot", "/dev", "/etc", "/home", "/media", "/mnt", "/opt", "/proc",
                          "/root", "/run", "/srv", "/sys", "/tmp", "/usr", "/var"}) {
    EXPECT_TRUE(image.contains(dir)) << dir;
  }
  EXPECT_EQ(image.find("/tmp")->mode, 01777u);

  // Generated /etc (official-base-images.md 4.2-4.4).
  EXPECT_EQ(image.find("/etc/os-release")->link_target, "../usr/lib/os-release");
  EXPECT_NE(text(image, "/usr/lib/os-release").find("VERSION_CODENAME=bookworm"), std::string::npos);
  const std::string passwd = text(image, "/etc/passwd");
  EXPECT_TRUE(passwd.starts_with("root:x:0:0:root:/root:/bin/bash\n"));
  EXPECT_NE(passwd.find("\n_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\n"), std::string::npos);
  EXPECT_EQ(std::count(passwd.begin(), passwd.end(), '\n'), 18);
  const std::string group = text(image, "/etc/group");
  EXPECT_EQ(std::count(group.begin(), group.end(), '\n'), 38);
  EXPECT_TRUE(text(image, "/etc/shadow").starts_with("root:*:20059:0:99999:7:::\n"));
  EXPECT_EQ(image.find("/etc/shadow")->gid, 42u);
  EXPECT_EQ(image.find("/etc/shadow")->mode, 0640u);
  EXPECT_EQ(image.find("/etc/passwd-")->mode, 0600u);
  EXPECT_EQ(text(image, "/etc/shells"),
            "# /etc/shells: valid login shells\n/bin/sh\n/usr/bin/sh\n/bin/bash\n/usr/bin/bash\n"
            "/bin/rbash\n/usr/bin/rbash\n/bin/dash\n/usr/bin/dash\n");
  EXPECT_EQ(text(image, "/etc/hostname"), "debuerreotype\n");
  EXPECT_EQ(text(image, "/etc/resolv.conf").size(), 104u);
  EXPECT_EQ(image.find("/etc/localtime")->link_target, "/usr/share/zoneinfo/Etc/UTC");
  EXPECT_EQ(image.find("/etc/alternatives/awk")->link_target, "/usr/bin/mawk");
  EXPECT_EQ(image.find("/usr/bin/awk")->link_target, "/etc/alternatives/awk");
  EXPECT_EQ(image.find("/etc/alternatives/pager")->link_target, "/bin/more");
  EXPECT_EQ(image.find("/etc/alternatives/which")->link_target, "/usr/bin/which.debianutils");
  EXPECT_EQ(image.find("/var/mail")->mode, 02775u);
  EXPECT_EQ(image.find("/var/log/btmp")->gid, 43u);
  EXPECT_EQ(image.find("/etc/rcS.d/S01hwclock.sh")->link_target, "../init.d/hwclock.sh");
  EXPECT_EQ(image.find("/etc/systemd/system/timers.target.wants/apt-daily.timer")->link_target,
            "/lib/systemd/system/apt-daily.timer");
  EXPECT_NE(text(image, "/etc/pam.d/common-auth").find("auth\t[success=1 default=ignore]\tpam_unix.so nullok\n"),
            std::string::npos);
  EXPECT_FALSE(image.contains("/etc/apt/sources.list"));
  const std::string sources = text(image, "/etc/apt/sources.list.d/debian.sources");
  EXPECT_NE(sources.find("URIs: http://mirror.invalid/debian\nSuites: bookworm bookworm-updates\n"), std::string::npos);
  EXPECT_NE(sources.find("URIs: http://mirror.invalid/debian-security\nSuites: bookworm-security\n"), std::string::npos);

  // dpkg metadata: status.d per package, and a real status for compat.
  EXPECT_TRUE(text(image, "/var/lib/dpkg/status.d/libc6").starts_with("Package: libc6\n"));
  EXPECT_NE(text(image, "/var/lib/dpkg/status.d/libc6.md5sums").find("  lib/x86_64-linux-gnu/libc.so.6\n"),
            std::string::npos);
  const std::string status = text(image, "/var/lib/dpkg/status");
  EXPECT_EQ(std::count(status.begin(), status.end(), '\n') > 0, true);
  std::size_t stanzas = 0;
  for (std::size_t at = 0; (at = status.find("Status: install ok installed\n", at)) != std::string::npos; ++at) {
    ++stanzas;
  }
  EXPECT_EQ(stanzas, 88u);
  EXPECT_NE(status.find("Package: bash\nEssential: yes\nStatus: install ok installed\n"), std::string::npos);
  EXPECT_TRUE(text(image, "/var/lib/dpkg/info/dash.list").starts_with("/.\n"));
  EXPECT_NE(text(image, "/var/lib/dpkg/info/dash.list").find("\n/bin/dash\n"), std::string::npos);
  EXPECT_TRUE(image.contains("/var/lib/dpkg/info/libc6:amd64.list"));
  EXPECT_EQ(text(image, "/var/lib/dpkg/diversions").size(), 98u);
  EXPECT_EQ(text(image, "/var/lib/dpkg/triggers/ldconfig"), "libc-bin\n");

  for (const auto& finding : base->findings) {
    std::cout << "finding: " << finding.package << ": " << finding.what << "\n";
  }
}

TEST(BaseImage, BookwormSlimDropsDocsKeepsCopyright) {
  std::string why;
  const auto packages = bookworm_packages(why);
  if (packages.empty()) {
    GTEST_SKIP() << why;
  }
  BaseOptions options;
  options.epoch = 1733097600;
  options.slim = true;
  options.sources.mirror = "http://mirror.invalid/debian";
  options.sources.suite = "bookworm";
  auto base = build_base_layers(packages, options);
  ASSERT_TRUE(base) << base.error().message;
  fs::Tree image;
  for (const auto& layer : base->layers) {
    ASSERT_TRUE(fs::apply_layer(image, layer.tree));
  }
  ASSERT_TRUE(fs::apply_layer(image, base->generated));
  EXPECT_TRUE(image.contains("/usr/share/doc/bash/copyright"));
  EXPECT_FALSE(image.contains("/usr/share/man/man1/bash.1.gz"));
  EXPECT_FALSE(image.contains("/usr/share/locale/de/LC_MESSAGES/coreutils.mo"));
  EXPECT_TRUE(image.contains("/usr/share/locale")); // the directory stays, as dpkg leaves it
  EXPECT_EQ(image.find("/usr/share/man/man1")->mode, 0775u);
  EXPECT_FALSE(image.contains("/usr/share/man/man1/awk.1.gz"));
  EXPECT_TRUE(image.contains("/usr/share/doc/libstdc++6"));
  const std::string config = text(image, "/etc/dpkg/dpkg.cfg.d/docker");
  EXPECT_NE(config.find("diversion by dash from diversion by dash to"), std::string::npos);
  EXPECT_NE(config.find("#  dpkg-query: no path found matching pattern /usr/share/linda/*\n"), std::string::npos);
}

TEST(BaseImage, GroupingDependsOnlyOnThePackages) {
  std::vector<std::pair<std::string, std::string>> few = {{"b", "s"}, {"a", "s"}};
  EXPECT_EQ(group_packages(few), (std::vector<std::vector<std::string>>{{"a"}, {"b"}}));
  std::vector<std::pair<std::string, std::string>> many;
  for (int i = 0; i < 150; ++i) {
    many.emplace_back("p" + std::to_string(i), "src" + std::to_string(i / 2));
  }
  const auto groups = group_packages(many);
  EXPECT_EQ(groups.size(), 75u); // by source: two binaries each
  EXPECT_EQ(groups.front(), (std::vector<std::string>{"p0", "p1"}));
  std::vector<std::pair<std::string, std::string>> huge;
  for (int i = 0; i < 400; ++i) {
    huge.emplace_back("p" + std::to_string(i), "src" + std::to_string(i));
  }
  EXPECT_LE(group_packages(huge).size(), k_max_package_layers);
}

TEST(OfficialFiles, MatchTheOfficialImageBytes) {
  // SHA-256s from official-base-images.md 1.4.
  EXPECT_TRUE(support::sha256_hex(policy_rc_d_text()).starts_with("21a8dca0"));
  EXPECT_TRUE(support::sha256_hex(docker_apt_speedup_text()).starts_with("ab3af717"));
  EXPECT_TRUE(support::sha256_hex(docker_autoremove_suggests_text()).starts_with("84cb100b"));
  EXPECT_TRUE(support::sha256_hex(docker_clean_text()).starts_with("484f60f8"));
  EXPECT_TRUE(support::sha256_hex(docker_gzip_indexes_text()).starts_with("9da4604f"));
  EXPECT_TRUE(support::sha256_hex(docker_no_languages_text()).starts_with("a7fea31d"));
  SourcesConfig config;
  config.mirror = "http://mirror.invalid/debian";
  config.suite = "bookworm";
  config.snapshot_main = "http://snapshot.invalid/archive/debian/20241202T000000Z";
  config.snapshot_security = "http://snapshot.invalid/archive/debian-security/20241202T000000Z";
  EXPECT_EQ(debian_sources_text(config),
            "Types: deb\n# http://snapshot.invalid/archive/debian/20241202T000000Z\n"
            "URIs: http://mirror.invalid/debian\nSuites: bookworm bookworm-updates\nComponents: main\n"
            "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n"
            "Types: deb\n# http://snapshot.invalid/archive/debian-security/20241202T000000Z\n"
            "URIs: http://mirror.invalid/debian-security\nSuites: bookworm-security\nComponents: main\n"
            "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n");
}

} // namespace
} // namespace distill::backend::base

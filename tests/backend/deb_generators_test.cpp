#include "backend/deb/generators/accounts.hpp"
#include "backend/deb/generators/alternatives.hpp"
#include "backend/deb/generators/ca_certificates.hpp"
#include "backend/deb/generators/dpkg_db.hpp"
#include "backend/deb/generators/maintscripts.hpp"
#include "backend/deb/generators/system_users.hpp"
#include "support/atomic_file.hpp"

#include "deb_test_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace distill::backend::deb::generators {
namespace {

namespace stdfs = std::filesystem;

std::string host_file(const char* path) {
  auto text = support::read_file(path);
  return text ? *text : std::string();
}

TEST(Accounts, BasePasswdMasterPlusPlanUsers) {
  const std::string passwd = host_file("/usr/share/base-passwd/passwd.master");
  const std::string group = host_file("/usr/share/base-passwd/group.master");
  if (passwd.empty() || group.empty()) {
    GTEST_SKIP() << "the host has no /usr/share/base-passwd master files";
  }
  auto db = parse_accounts(passwd, group);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(db->users.size(), 18u);
  EXPECT_EQ(db->groups.size(), 38u);
  ASSERT_NE(db->user("_apt"), nullptr);
  EXPECT_EQ(db->user("_apt")->uid, 42u);
  EXPECT_EQ(db->user("_apt")->gid, 65534u);

  planner::AddGroup app_group;
  app_group.name = "app";
  app_group.system = true;
  ASSERT_TRUE(add_group(*db, app_group));
  planner::AddUser app;
  app.name = "app";
  app.system = true;
  app.group = "app";
  ASSERT_TRUE(add_user(*db, app));
  planner::AddUser dev;
  dev.name = "dev";
  dev.groups = {"users", "app"};
  ASSERT_TRUE(add_user(*db, dev));
  EXPECT_EQ(db->user("app")->uid, 999u); // useradd -r: downwards from 999
  EXPECT_EQ(db->group("app")->gid, 999u);
  EXPECT_EQ(db->user("dev")->uid, 1000u);
  EXPECT_EQ(db->group("dev")->gid, 1000u);
  EXPECT_EQ(db->user("dev")->home, "/home/dev");

  const std::string rendered = render_passwd(*db, true);
  EXPECT_TRUE(rendered.starts_with("root:x:0:0:root:/root:/bin/bash\n"));
  EXPECT_NE(rendered.find("\n_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\n"), std::string::npos);
  EXPECT_NE(rendered.find("\ndev:x:1000:1000::/home/dev:/bin/sh\n"), std::string::npos);
  // The unshadowed master renders back to the master file byte for byte.
  auto master = parse_accounts(passwd, group);
  EXPECT_EQ(render_passwd(*master, false), passwd);
  EXPECT_EQ(render_group(*master, false), group);
  EXPECT_NE(render_group(*db, true).find("\nusers:x:100:dev\n"), std::string::npos);
  const std::string shadow = render_shadow(*db, 20059);
  EXPECT_TRUE(shadow.starts_with("root:*:20059:0:99999:7:::\n"));
  EXPECT_NE(shadow.find("\napp:!:20059::::::\n"), std::string::npos);
  EXPECT_NE(shadow.find("\ndev:!:20059:0:99999:7:::\n"), std::string::npos);
  EXPECT_TRUE(render_gshadow(*db).starts_with("root:*::\n"));

  // Clashes are errors, not silent renumbering.
  planner::AddUser clash;
  clash.name = "other";
  clash.uid = 1000;
  EXPECT_FALSE(add_user(*db, clash));
  EXPECT_FALSE(add_user(*db, dev));
  planner::AddUser bad_group;
  bad_group.name = "x";
  bad_group.group = "nosuchgroup";
  EXPECT_FALSE(add_user(*db, bad_group));
  EXPECT_FALSE(parse_accounts("root:x:0\n", ""));
}

TEST(Accounts, PostinstAdduserLines) {
  std::string why;
  auto command = parse_account_command({"adduser", "--system", "--group", "--home", "/var/lib/pg",
                                        "--shell", "/bin/bash", "--quiet", "postgres"},
                                       why);
  ASSERT_TRUE(command) << why;
  EXPECT_EQ(command->user.name, "postgres");
  EXPECT_TRUE(command->user.system);
  EXPECT_EQ(command->user.group, "postgres");
  EXPECT_EQ(command->user.home, "/var/lib/pg");
  EXPECT_FALSE(parse_account_command({"adduser", "--system", "$USER"}, why));
  EXPECT_NE(why.find("computed"), std::string::npos);
  EXPECT_FALSE(parse_account_command({"adduser", "--weird", "x"}, why));
}

TEST(Alternatives, ParsesInstallLinesAndWritesDpkgState) {
  std::vector<Finding> findings;
  const std::string script =
      "#!/bin/sh\nset -e\nif [ \"$1\" = configure ]; then\n"
      "  update-alternatives --install /usr/bin/awk awk /usr/bin/mawk 5 \\\n"
      "    --slave /usr/share/man/man1/awk.1.gz awk.1.gz /usr/share/man/man1/mawk.1.gz \\\n"
      "    --slave /usr/bin/nawk nawk /usr/bin/mawk \\\n"
      "    --slave /usr/share/man/man1/nawk.1.gz nawk.1.gz /usr/share/man/man1/mawk.1.gz\n"
      "fi\nupdate-alternatives --install /usr/bin/x x \"$DIR/x\" 10\n";
  auto choices = parse_alternatives(script, "mawk", findings);
  ASSERT_EQ(choices.size(), 1u);
  EXPECT_EQ(choices[0].link, "/usr/bin/awk");
  EXPECT_EQ(choices[0].priority, 5);
  EXPECT_EQ(choices[0].slaves.size(), 3u);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_NE(findings[0].what.find("computed"), std::string::npos);
  // The exact text dpkg 1.21 keeps for mawk's alternative on Debian 12.
  EXPECT_EQ(alternatives_db_text(choices),
            "auto\n/usr/bin/awk\nawk.1.gz\n/usr/share/man/man1/awk.1.gz\nnawk\n/usr/bin/nawk\n"
            "nawk.1.gz\n/usr/share/man/man1/nawk.1.gz\n\n/usr/bin/mawk\n5\n"
            "/usr/share/man/man1/mawk.1.gz\n/usr/bin/mawk\n/usr/share/man/man1/mawk.1.gz\n\n");
  const std::string host = host_file("/var/lib/dpkg/alternatives/awk");
  if (!host.empty()) {
    EXPECT_EQ(alternatives_db_text(choices), host);
  }
}

TEST(Alternatives, HighestPriorityWinsAndLinksCarryTargetMtime) {
  DebPackage a, b;
  a.control.members["postinst"] = "update-alternatives --install /usr/bin/pager pager /bin/more 50\n";
  b.control.members["postinst"] = "update-alternatives --install /usr/bin/pager pager /usr/bin/less 77\n";
  fs::Tree image;
  ASSERT_TRUE(image.add("/usr/bin/less", fs::make_file(fs::Content::from_bytes("x"), 0755, 1234)));
  Context context;
  context.image = &image;
  context.epoch = 99;
  context.packages = {{"less", "1", "amd64", "", &b}, {"util-linux", "1", "amd64", "", &a}};
  fs::Tree out;
  std::vector<Finding> findings;
  ASSERT_TRUE(generate_alternatives(context, true, out, findings));
  EXPECT_TRUE(findings.empty());
  ASSERT_TRUE(out.contains("/etc/alternatives/pager"));
  EXPECT_EQ(out.find("/etc/alternatives/pager")->link_target, "/usr/bin/less");
  EXPECT_EQ(out.find("/etc/alternatives/pager")->mtime, 1234);
  EXPECT_EQ(out.find("/usr/bin/pager")->link_target, "/etc/alternatives/pager");
  EXPECT_EQ(*fs::read_content(out.find("/var/lib/dpkg/alternatives/pager")->content),
            "auto\n/usr/bin/pager\n\n/bin/more\n50\n/usr/bin/less\n77\n\n");
}

TEST(CaCertificates, BundleAndHashLinksMatchTheHost) {
  const stdfs::path share = "/usr/share/ca-certificates";
  if (!stdfs::exists(share / "mozilla") || !stdfs::exists("/etc/ssl/certs")) {
    GTEST_SKIP() << "the host has no ca-certificates";
  }
  fs::Tree image;
  for (const auto& entry : stdfs::recursive_directory_iterator(share)) {
    if (entry.is_regular_file()) {
      ASSERT_TRUE(image.add(entry.path().string(),
                            fs::make_file(fs::Content::from_bytes(host_file(entry.path().c_str())))));
    }
  }
  DebPackage deb;
  Context context;
  context.image = &image;
  context.packages = {{"ca-certificates", "1", "all", "", &deb}};
  fs::Tree out;
  std::vector<Finding> findings;
  ASSERT_TRUE(generate_ca_certificates(context, out, findings));
  EXPECT_TRUE(findings.empty());
  int compared = 0;
  int links = 0;
  for (const auto& [path, entry] : out.entries()) {
    if (!path.starts_with("/etc/ssl/certs/") || entry.type != fs::EntryType::symlink ||
        !path.ends_with(".0")) {
      continue;
    }
    ++links;
    // Compare with `openssl x509 -hash` through the host's own links.
    const stdfs::path host = stdfs::path("/etc/ssl/certs") / stdfs::path(path).filename();
    std::error_code ec;
    const auto target = stdfs::read_symlink(host, ec);
    if (!ec) {
      EXPECT_EQ(target.string(), entry.link_target) << path;
      ++compared;
    }
  }
  EXPECT_GT(links, 100);
  EXPECT_GT(compared, links * 9 / 10) << "most hash links should exist on the host too";
  // One certificate checked against the openssl tool itself.
  const auto first = out.find("/etc/ssl/certs/ACCVRAIZ1.pem");
  ASSERT_NE(first, nullptr);
  std::string tool_hash;
  ASSERT_EQ(testing::run_command("openssl x509 -hash -noout -in " + first->link_target, &tool_hash), 0);
  EXPECT_EQ(*subject_hash(host_file(first->link_target.c_str())) + "\n", tool_hash);
  // The bundle is every certificate, each ending in a newline, like the host's.
  const std::string bundle = *fs::read_content(out.find("/etc/ssl/certs/ca-certificates.crt")->content);
  const std::string host_bundle = host_file("/etc/ssl/certs/ca-certificates.crt");
  // The host's bundle also holds local certificates (/usr/local/share/ca-certificates);
  // the sizes only match where it has none.
  std::error_code local_ec;
  const bool host_has_local_certs =
      !stdfs::is_empty("/usr/local/share/ca-certificates", local_ec) && !local_ec;
  if (host_bundle.find("BEGIN CERTIFICATE") != std::string::npos && !host_has_local_certs &&
      host_file("/etc/ca-certificates.conf").find("\n!") == std::string::npos) {
    EXPECT_EQ(bundle.size(), host_bundle.size());
  }
  EXPECT_EQ(pem_link_name("mozilla/Foo Bar (2),x.crt"), "Foo_Bar_=2=_x.pem");
}

TEST(DpkgDb, StatusDIsTheVerbatimControlAndStatusIsReordered) {
  DebPackage deb;
  deb.control.control =
      "Package: tool\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: T <t@example.invalid>\n"
      "Installed-Size: 12\nDepends: libc6\nSection: utils\nPriority: optional\nEssential: yes\n"
      "Homepage: https://example.invalid\nDescription: a tool\n more text\n";
  deb.control.md5sums = "0123  usr/bin/tool\n";
  deb.control.conffiles = "/etc/tool.conf\n";
  deb.control.members = {{"control", deb.control.control}, {"md5sums", deb.control.md5sums},
                         {"conffiles", deb.control.conffiles}, {"postinst", "#!/bin/sh\n"}};
  deb.listed_paths = {"/bin", "/bin/tool", "/etc", "/etc/tool.conf"};
  fs::Tree image;
  ASSERT_TRUE(image.add("/etc/tool.conf", fs::make_file(fs::Content::from_bytes("k=v\n"))));
  Context context;
  context.image = &image;
  context.epoch = 1700000000;
  context.packages = {{"tool", "1.0-1", "amd64", "same", &deb}};
  fs::Tree out;
  std::vector<Finding> findings;
  ASSERT_TRUE(generate_status_d(context, out));
  EXPECT_EQ(*fs::read_content(out.find("/var/lib/dpkg/status.d/tool")->content), deb.control.control);
  EXPECT_EQ(*fs::read_content(out.find("/var/lib/dpkg/status.d/tool.md5sums")->content), deb.control.md5sums);
  EXPECT_EQ(out.find("/var/lib/dpkg/status.d/tool")->mtime, 1700000000);
  ASSERT_TRUE(generate_dpkg_database(context, out, findings));
  EXPECT_EQ(*fs::read_content(out.find("/var/lib/dpkg/status")->content),
            "Package: tool\nEssential: yes\nStatus: install ok installed\nPriority: optional\n"
            "Section: utils\nInstalled-Size: 12\nMaintainer: T <t@example.invalid>\n"
            "Architecture: amd64\nVersion: 1.0-1\nDepends: libc6\nConffiles:\n /etc/tool.conf " +
                md5_hex("k=v\n") + "\nDescription: a tool\n more text\nHomepage: https://example.invalid\n");
  EXPECT_EQ(*fs::read_content(out.find("/var/lib/dpkg/info/tool:amd64.list")->content),
            "/.\n/bin\n/bin/tool\n/etc\n/etc/tool.conf\n");
  EXPECT_EQ(out.find("/var/lib/dpkg/info/tool:amd64.postinst")->mode, 0755u);
  EXPECT_FALSE(out.contains("/var/lib/dpkg/info/tool:amd64.control"));
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(Maintscripts, ReportsWhatIsNotModelled) {
  DebPackage deb;
  deb.control.members["postinst"] =
      "#!/bin/sh\nset -e\ncase \"$1\" in\n configure)\n"
      "  update-alternatives --install /usr/bin/x x /usr/bin/x1 10\n"
      "  adduser --system --quiet svc\n"
      "  chown svc /var/lib/svc\n"
      "  ;;\nesac\n"
      "# Automatically added by dh_installdeb/13.11.4\ndpkg-maintscript-helper rm_conffile /etc/a 1 -- \"$@\"\n"
      "# End automatically added section\n"
      "# Automatically added by dh_installtmpfiles/13.11.4\nsystemd-tmpfiles --create svc.conf\n"
      "# End automatically added section\nexit 0\n";
  const auto findings = classify_maintainer_scripts({"svc", "1", "amd64", "", &deb});
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_NE(findings[0].what.find("dh_installtmpfiles"), std::string::npos);
  EXPECT_NE(findings[1].what.find("chown svc /var/lib/svc"), std::string::npos);
  EXPECT_TRUE(classify_maintainer_scripts({"coreutils", "1", "amd64", "", &deb}).empty());
}

} // namespace
} // namespace distill::backend::deb::generators

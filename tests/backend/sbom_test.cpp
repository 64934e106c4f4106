#include "backend/layer/layer_writer.hpp"
#include "backend/oci/archive_export.hpp"
#include "backend/oci/image_copy.hpp"
#include "backend/oci/image_writer.hpp"
#include "backend/oci/rootfs_export.hpp"
#include "backend/oci/json.hpp"
#include "backend/oci/layout.hpp"
#include "backend/oci/media_types.hpp"
#include "backend/sbom/sbom_artifact.hpp"
#include "backend/sbom/spdx.hpp"
#include "support/atomic_file.hpp"
#include "test_util.hpp"

#include <algorithm>
#include <regex>
#include <set>

#include <gtest/gtest.h>

namespace bfs = distill::backend::fs;
namespace layer = distill::backend::layer;
namespace oci = distill::backend::oci;
namespace sbom = distill::backend::sbom;
using distill::backend::test::have_tool;
using distill::backend::test::run;
using distill::backend::test::TempDir;

namespace {

constexpr std::int64_t k_epoch = 1733097600;
const std::string k_shared = DISTILL_SOURCE_DIR "/../shared";

std::vector<sbom::Package> sample_packages() {
  std::vector<sbom::Package> packages;
  sbom::Package libc{"libc6", "2.36-9+deb12u4", "amd64", "debian",
                     "7a2d1c36dd5b4e6f7c6f2e2f0d3c5b9a1e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b",
                     {"LGPL-2.1+", "GPL-2+"}, "GNU Libc Maintainers <debian-glibc@lists.debian.org>", "glibc"};
  sbom::Package base{"base-files", "12.4+deb12u8", "amd64", "debian", "", {"GPL"}, "", ""};
  sbom::Package bash{"bash", "5.2.15-2+b7", "amd64", "debian",
                     "0c1e5d2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d", {"GPL-3+"}, "", ""};
  sbom::Package perl{"perl-base", "5.36.0-7+deb12u1", "amd64", "debian", "", {"Artistic", "GPL-1+"}, "", "perl"};
  sbom::Package sed{"sed", "4.9-1", "amd64", "debian", "", {}, "", ""};
  return {libc, base, bash, perl, sed};
}

oci::Descriptor small_image(const std::filesystem::path& layout, const std::string& tag,
                            const std::string& os_release = "ID=debian\n") {
  EXPECT_TRUE(oci::init_layout(layout));
  bfs::Tree tree;
  EXPECT_TRUE(tree.add("/etc/os-release", bfs::make_file(bfs::Content::from_bytes(os_release))));
  layer::LayerOptions options;
  options.tar.source_date_epoch = k_epoch;
  auto blob = layer::write_layer(tree, oci::blobs_dir(layout), options);
  EXPECT_TRUE(blob);
  oci::ImageConfig config;
  config.created = oci::rfc3339(k_epoch);
  config.cmd = {"bash"};
  std::vector<oci::ImageLayer> layers{oci::image_layer(*blob)};
  auto image = oci::write_image(layout, config, layers);
  EXPECT_TRUE(image);
  EXPECT_TRUE(oci::add_to_index(layout, image->manifest, std::vector<std::string>{tag}));
  return image->manifest;
}

} // namespace

TEST(Spdx, Purls) {
  sbom::Package p{"libc6", "2.36-9+deb12u4", "amd64", "debian", "", {}, "", ""};
  EXPECT_EQ(sbom::purl(p), "pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64");
  p.distro = "ubuntu";
  p.name = "libstdc++6";
  p.version = "1:14.2.0-4ubuntu2~24.04";
  EXPECT_EQ(sbom::purl(p), "pkg:deb/ubuntu/libstdc++6@1:14.2.0-4ubuntu2~24.04?arch=amd64");
  p.version = "1.0 beta?x#y";
  EXPECT_EQ(sbom::purl(p), "pkg:deb/ubuntu/libstdc++6@1.0%20beta%3Fx%23y?arch=amd64");
}

TEST(Spdx, LicenseNames) {
  EXPECT_EQ(sbom::spdx_license("GPL-2+"), "GPL-2.0-or-later");
  EXPECT_EQ(sbom::spdx_license(" LGPL-2.1 "), "LGPL-2.1-only");
  EXPECT_EQ(sbom::spdx_license("Expat"), "MIT");
  EXPECT_EQ(sbom::spdx_license("public-domain"), "LicenseRef-public-domain");
  EXPECT_EQ(sbom::spdx_license("GPL-2+ with OpenSSL exception"), "LicenseRef-GPL-2--with-OpenSSL-exception");
  EXPECT_EQ(sbom::spdx_license(""), "");
}

// DEP-5 writes a choice of licences as "A or B" and a combination as "A and
// B": the SPDX expression keeps the operators (AND binding tighter, so a
// choice among several is in parentheses) instead of one unknown licence.
TEST(Spdx, DebianLicenceChoicesBecomeSpdxExpressions) {
  sbom::Package perl{"libperl", "1", "amd64", "debian", "", {"GPL-1+ or Artistic", "BSD-3-clause", "Expat and Custom-Thing"},
                     "", ""};
  sbom::Package single{"libsingle", "1", "amd64", "debian", "", {"GPL-2+ OR Artistic"}, "", ""};
  sbom::Document doc{"app:1", "sha256:" + std::string(64, 'a'), k_epoch, {perl, single}};
  auto json = oci::parse_json(sbom::spdx_json(doc), "sbom");
  ASSERT_TRUE(json);
  std::map<std::string, std::string> declared;
  for (const auto& p : (*json)["packages"]) {
    declared[p["name"].get<std::string>()] = p["licenseDeclared"].get<std::string>();
  }
  EXPECT_EQ(declared["libperl"],
            "BSD-3-Clause AND (GPL-1.0-or-later OR Artistic-1.0-Perl) AND (MIT AND LicenseRef-Custom-Thing)");
  EXPECT_EQ(declared["libsingle"], "GPL-2.0-or-later OR Artistic-1.0-Perl");
  std::set<std::string> refs;
  for (const auto& info : (*json)["hasExtractedLicensingInfos"]) {
    refs.insert(info["licenseId"].get<std::string>());
  }
  EXPECT_EQ(refs, (std::set<std::string>{"LicenseRef-Custom-Thing"}));
}

TEST(Spdx, DeterministicAndWellFormed) {
  sbom::Document doc{"app:1", "sha256:" + std::string(64, 'a'), k_epoch, sample_packages()};
  const std::string first = sbom::spdx_json(doc);
  std::reverse(doc.packages.begin(), doc.packages.end());
  doc.packages.push_back(doc.packages.front()); // a duplicate collapses
  EXPECT_EQ(sbom::spdx_json(doc), first);

  auto json = oci::parse_json(first, "sbom");
  ASSERT_TRUE(json);
  EXPECT_EQ((*json)["spdxVersion"], "SPDX-2.3");
  EXPECT_EQ((*json)["dataLicense"], "CC0-1.0");
  EXPECT_EQ((*json)["creationInfo"]["created"], "2024-12-02T00:00:00Z");
  const std::string ns = (*json)["documentNamespace"];
  EXPECT_TRUE(ns.starts_with("https://spdx.org/spdxdocs/distill/app-1-")) << ns;
  std::set<std::string> ids;
  const std::regex id_pattern("SPDXRef-[A-Za-z0-9.-]+");
  std::vector<std::string> names;
  for (const auto& p : (*json)["packages"]) {
    const std::string id = p["SPDXID"];
    EXPECT_TRUE(std::regex_match(id, id_pattern)) << id;
    EXPECT_TRUE(ids.insert(id).second) << "duplicate " << id;
    names.push_back(p["name"]);
    if (p["name"] == "libc6") {
      EXPECT_EQ(p["versionInfo"], "2.36-9+deb12u4");
      EXPECT_EQ(p["licenseDeclared"], "GPL-2.0-or-later AND LGPL-2.1-or-later");
      EXPECT_EQ(p["checksums"][0]["algorithm"], "SHA256");
      EXPECT_EQ(p["externalRefs"][0]["referenceLocator"], "pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64");
      EXPECT_EQ(p["supplier"], "Person: GNU Libc Maintainers (debian-glibc@lists.debian.org)");
    }
    if (p["name"] == "sed") {
      EXPECT_EQ(p["licenseDeclared"], "NOASSERTION");
      EXPECT_FALSE(p.contains("checksums"));
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"app:1", "base-files", "bash", "libc6", "perl-base", "sed"}));
  for (const auto& r : (*json)["relationships"]) {
    EXPECT_TRUE(r["spdxElementId"] == "SPDXRef-DOCUMENT" || ids.contains(r["spdxElementId"]));
    EXPECT_TRUE(ids.contains(r["relatedSpdxElement"]));
  }
  // Every LicenseRef used is declared.
  std::set<std::string> declared;
  for (const auto& info : (*json)["hasExtractedLicensingInfos"]) {
    declared.insert(info["licenseId"].get<std::string>());
  }
  EXPECT_EQ(declared, (std::set<std::string>{"LicenseRef-GPL"}));
  // Another package set gives another namespace; another epoch another date.
  doc.packages.pop_back();
  doc.packages.pop_back();
  EXPECT_NE(*oci::parse_json(sbom::spdx_json(doc), "x").value().find("documentNamespace"), ns);
}

TEST(SbomArtifact, StoredAsReferrerAndToolsStillAcceptTheLayout) {
  TempDir dir;
  const auto layout = dir / "img";
  const auto image = small_image(layout, "app:1");
  const std::string document = sbom::spdx_json({"app:1", image.digest, k_epoch, sample_packages()});
  auto artifact = sbom::attach_sbom(layout, image, document, k_epoch);
  ASSERT_TRUE(artifact) << artifact.error().message;
  // Attaching twice keeps one entry.
  ASSERT_TRUE(sbom::attach_sbom(layout, image, document, k_epoch));
  auto index = oci::read_index(layout);
  ASSERT_TRUE(index);
  ASSERT_EQ(index->manifests.size(), 2u);
  EXPECT_EQ(index->manifests[1].artifact_type, "application/spdx+json");
  auto manifest = oci::parse_manifest(*oci::read_blob(layout, *artifact));
  ASSERT_TRUE(manifest);
  ASSERT_TRUE(manifest->subject);
  EXPECT_EQ(manifest->subject->digest, image.digest);
  EXPECT_EQ(manifest->config.media_type, oci::k_empty_type);
  EXPECT_EQ(manifest->config.digest, "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  auto found = sbom::find_sboms(layout, image);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front(), document);
  ASSERT_TRUE(sbom::write_sbom_file(dir / "out/sbom.spdx.json", document));
  EXPECT_EQ(*distill::support::read_file(dir / "out/sbom.spdx.json"), document);

  if (have_tool("/usr/bin/python3") && std::filesystem::exists(k_shared + "/tools/oci-validate")) {
    auto valid = run("/usr/bin/python3 " + k_shared + "/tools/oci-validate " + k_shared + "/oci-schemas " + layout.string());
    EXPECT_EQ(valid.status, 0) << valid.output;
  }
  if (have_tool("skopeo")) {
    auto inspect = run("skopeo inspect oci:" + layout.string() + ":app:1");
    EXPECT_EQ(inspect.status, 0) << inspect.output;
  }
  if (have_tool("umoci")) {
    auto unpack = run("umoci unpack --rootless --image " + layout.string() + ":app:1 " + (dir / "b").string());
    EXPECT_EQ(unpack.status, 0) << unpack.output;
  }
  if (have_tool("oci-image-tool")) {
    auto validate = run("oci-image-tool validate --type image --ref name=app:1 " + layout.string());
    EXPECT_EQ(validate.status, 0) << validate.output;
  }
  // The SBOM travels in an OCI archive of the image.
  ASSERT_TRUE(oci::write_oci_archive(layout, std::vector<std::string>{"app:1"}, dir / "a.tar", k_epoch));
  auto listing = run("tar -tf " + (dir / "a.tar").string());
  EXPECT_NE(listing.output.find(artifact->digest.substr(7)), std::string::npos) << listing.output;
  // Moving the tag to another image drops the orphaned SBOM entry.
  small_image(layout, "other", "ID=ubuntu\n");
  ASSERT_TRUE(oci::remove_tag(layout, "app:1"));
  index = oci::read_index(layout);
  ASSERT_TRUE(index);
  ASSERT_EQ(index->manifests.size(), 1u);
  EXPECT_EQ(oci::ref_name(index->manifests[0]), "other");
}

TEST(ImageCopy, CopiesBlobsTagsAndSbomToAnotherLayout) {
  TempDir dir;
  const auto store = dir / "store";
  const auto image = small_image(store, "app:1");
  small_image(store, "unrelated", "ID=ubuntu\n");
  const std::string document = sbom::spdx_json({"app:1", image.digest, k_epoch, sample_packages()});
  ASSERT_TRUE(sbom::attach_sbom(store, image, document, k_epoch));
  const auto dest = dir / "out";
  auto copied = oci::copy_image(store, "app:1", dest, std::vector<std::string>{"app:1", "latest"});
  ASSERT_TRUE(copied) << copied.error().message;
  EXPECT_EQ(copied->digest, image.digest);
  auto index = oci::read_index(dest);
  ASSERT_TRUE(index);
  ASSERT_EQ(index->manifests.size(), 3u); // two tags and the SBOM, not the unrelated image
  auto found = sbom::find_sboms(dest, image);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->size(), 1u);
  if (have_tool("/usr/bin/python3") && std::filesystem::exists(k_shared + "/tools/oci-validate")) {
    auto valid = run("/usr/bin/python3 " + k_shared + "/tools/oci-validate " + k_shared + "/oci-schemas " + dest.string());
    EXPECT_EQ(valid.status, 0) << valid.output;
  }
  // Copying again is a no-op; an unknown tag fails.
  EXPECT_TRUE(oci::copy_image(store, "app:1", dest, std::vector<std::string>{"app:1"}));
  EXPECT_FALSE(oci::copy_image(store, "nope", dest, std::vector<std::string>{"x"}));

  // -o type=local in one call.
  auto report = oci::export_image_rootfs(dest, "latest", dir / "rootfs");
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(*distill::support::read_file(dir / "rootfs/etc/os-release"), "ID=debian\n");
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_FALSE(entry.path().filename().string().starts_with(".distill")) << entry.path();
  }
}

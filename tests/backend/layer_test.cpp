#include "backend/layer/layer_reader.hpp"
#include "backend/layer/layer_writer.hpp"
#include "support/atomic_file.hpp"
#include "support/sha256.hpp"
#include "test_util.hpp"

#include <clocale>
#include <fstream>

#include <gtest/gtest.h>
#include <sys/stat.h>

namespace bfs = distill::backend::fs;
namespace layer = distill::backend::layer;
using distill::backend::test::have_tool;
using distill::backend::test::run;
using distill::backend::test::TempDir;

namespace {

constexpr std::int64_t k_epoch = 1700000000;

const std::string k_long_dir =
    "/usr/share/a-directory-name-that-is-quite-long/another-quite-long-directory-name";
const std::string k_long_file = k_long_dir + "/and-a-file-name-that-pushes-it-well-past-100-bytes.txt";
const std::string k_unicode = "/etc/\xc3\xbcnic\xc3\xb6" "de-\xe6\x97\xa5\xe6\x9c\xac";

// The same tree, built in the given order of insertions.
bfs::Tree sample_tree(bool reversed, const std::filesystem::path& disk_file) {
  std::vector<std::pair<std::string, bfs::Entry>> items;
  auto dir = bfs::make_directory(0755, 100);
  items.emplace_back("/etc", dir);
  items.emplace_back("/usr", dir);
  items.emplace_back("/usr/bin", dir);
  auto tmp = bfs::make_directory(01777, k_epoch + 5000); // newer than the epoch: clamped
  items.emplace_back("/tmp", tmp);
  auto passwd = bfs::make_file(bfs::Content::from_bytes("root:x:0:0:root:/root:/bin/sh\n"), 0644, 5);
  passwd.uname = "root";
  items.emplace_back("/etc/passwd", passwd);
  auto shadow = bfs::make_file(bfs::Content::from_bytes("root:*::0:::::\n"), 0640, 5);
  shadow.gid = 42;
  items.emplace_back("/etc/shadow", shadow);
  auto su = bfs::make_file(bfs::Content::from_bytes(std::string(5000, 'x')), 04755, 7);
  su.xattrs["security.capability"] = std::string("\x01\x00\x00\x02\x00\x20\x00\x00", 8);
  items.emplace_back("/usr/bin/su", su);
  items.emplace_back("/usr/bin/perl", bfs::make_file(bfs::Content::from_file(disk_file, 3000, 10), 0755, 9));
  items.emplace_back("/bin", bfs::make_symlink("usr/bin", 3));
  items.emplace_back(k_long_file, bfs::make_file(bfs::Content::from_bytes("long\n"), 0644, 11));
  items.emplace_back(k_unicode, bfs::make_file(bfs::Content::from_bytes("u\n"), 0600, 12));
  auto big_owner = bfs::make_file(bfs::Content::from_bytes(""), 0644, 1);
  big_owner.uid = 3000000; // does not fit ustar's 7 octal digits
  big_owner.gid = 3000000;
  items.emplace_back("/home/big", big_owner);
  bfs::Entry fifo;
  fifo.type = bfs::EntryType::fifo;
  items.emplace_back("/run/initctl", fifo);
  if (reversed) {
    std::reverse(items.begin(), items.end());
  }
  bfs::Tree tree;
  for (auto& [path, entry] : items) {
    EXPECT_TRUE(tree.add(path, entry)) << path;
  }
  // Hard links last: their source must exist.
  EXPECT_TRUE(tree.add("/usr/bin/perl5.36.0", bfs::make_hardlink("/usr/bin/perl")));
  EXPECT_TRUE(tree.add("/aaa-first-link", bfs::make_hardlink("/usr/bin/perl")));
  // Parents that were only implied get fixed metadata whatever the order.
  for (const auto& path : {"/etc", "/usr", "/usr/bin"}) {
    EXPECT_TRUE(tree.add(path, dir));
  }
  return tree;
}

std::filesystem::path make_disk_file(const TempDir& dir) {
  std::string data;
  for (int i = 0; i < 4000; ++i) {
    data += static_cast<char>('a' + i % 26);
  }
  auto path = dir / "perl.bin";
  EXPECT_TRUE(distill::support::write_file_atomic(path, data));
  return path;
}

layer::LayerOptions options(layer::Compression compression) {
  layer::LayerOptions o;
  o.tar.source_date_epoch = k_epoch;
  o.compression = compression;
  return o;
}

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

TEST(LayerWriter, DeterministicAcrossDirsUmaskAndInsertionOrder) {
  for (auto compression : {layer::Compression::gzip, layer::Compression::zstd,
                           layer::Compression::none}) {
    TempDir a;
    TempDir b;
    const auto disk_a = make_disk_file(a);
    const auto disk_b = make_disk_file(b);
    const mode_t old_umask = ::umask(022);
    auto first = layer::write_layer(sample_tree(false, disk_a), a / "blobs", options(compression));
    ::umask(077);
    auto second = layer::write_layer(sample_tree(true, disk_b), b / "blobs", options(compression));
    ::umask(old_umask);
    ASSERT_TRUE(first) << first.error().message;
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(first->digest, second->digest) << layer::to_string(compression);
    EXPECT_EQ(first->diff_id, second->diff_id);
    EXPECT_EQ(first->size, second->size);
    EXPECT_EQ(first->media_type, layer::layer_media_type(compression));
    // The blob file is named after its digest and readable by others.
    const auto bytes = file_bytes(first->path);
    EXPECT_EQ("sha256:" + distill::support::sha256_hex(bytes), first->digest);
    EXPECT_EQ(bytes.size(), first->size);
    struct stat st {};
    ASSERT_EQ(::stat(second->path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644u);
    if (compression == layer::Compression::none) {
      EXPECT_EQ(first->digest, first->diff_id);
      EXPECT_EQ(bytes.size() % 10240, 0u);
    }
    if (compression == layer::Compression::gzip) {
      // gzip header: deflate, no flags, mtime 0, XFL 0 (level 6), OS 3.
      EXPECT_EQ(bytes.substr(0, 10), std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10));
    }
    // Nothing but the blob is left in the blob directory.
    std::size_t files = 0;
    for (const auto& e : std::filesystem::directory_iterator(a / "blobs" / "sha256")) {
      (void)e;
      ++files;
    }
    EXPECT_EQ(files, 1u);
  }
}

TEST(LayerWriter, IndependentOfTheProcessLocale) {
  TempDir dir;
  const auto disk = make_disk_file(dir);
  const auto tree = sample_tree(false, disk);
  auto plain = layer::write_layer(tree, dir / "a", options(layer::Compression::none));
  const std::string saved = std::setlocale(LC_ALL, nullptr);
  std::setlocale(LC_ALL, "C.UTF-8");
  auto utf8 = layer::write_layer(tree, dir / "b", options(layer::Compression::none));
  std::setlocale(LC_ALL, saved.c_str());
  ASSERT_TRUE(plain) << plain.error().message;
  ASSERT_TRUE(utf8) << utf8.error().message;
  EXPECT_EQ(plain->digest, utf8->digest);
}

TEST(LayerWriter, NamesThatAreNotUtf8) {
  bfs::Tree tree;
  ASSERT_TRUE(tree.add("/opt/latin1-\xe9t\xe9", bfs::make_file(bfs::Content::from_bytes("x"))));
  TempDir dir;
  auto blob = layer::write_layer(tree, dir / "blobs", options(layer::Compression::none));
  ASSERT_TRUE(blob) << blob.error().message;
  auto back = layer::read_layer(blob->path);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_NE(back->find("/opt/latin1-\xe9t\xe9"), nullptr);
}

TEST(LayerWriter, GnuTarReadsItBack) {
  if (!have_tool("tar")) {
    GTEST_SKIP() << "tar is not installed";
  }
  TempDir dir;
  const auto disk = make_disk_file(dir);
  auto blob = layer::write_layer(sample_tree(false, disk), dir / "blobs", options(layer::Compression::gzip));
  ASSERT_TRUE(blob) << blob.error().message;
  auto listing = run("LC_ALL=C.UTF-8 tar --numeric-owner -tvzf " + blob->path.string());
  ASSERT_EQ(listing.status, 0) << listing.output;
  // Order: bytewise by path, hard link groups start at their smallest path.
  const std::vector<std::string> expected_order = {
      "aaa-first-link", "bin -> usr/bin", "etc/", "etc/passwd", "etc/shadow", "etc/\xc3\xbcnic",
      "home/", "home/big", "run/", "run/initctl", "tmp/", "usr/", "usr/bin/",
      "usr/bin/perl link to aaa-first-link", "usr/bin/perl5.36.0 link to aaa-first-link",
      "usr/bin/su", "usr/share/", k_long_file.substr(1)};
  std::size_t at = 0;
  for (const auto& name : expected_order) {
    const auto found = listing.output.find(" " + name, at);
    ASSERT_NE(found, std::string::npos) << name << "\n" << listing.output;
    at = found;
  }
  EXPECT_NE(listing.output.find("-rwsr-xr-x 0/0"), std::string::npos) << listing.output;
  EXPECT_NE(listing.output.find("-rw-r----- 0/42"), std::string::npos) << listing.output;
  EXPECT_NE(listing.output.find("3000000/3000000"), std::string::npos) << listing.output;
  EXPECT_EQ(listing.output.find("root"), std::string::npos) << "owner names must be empty";
  // Extraction by GNU tar gives the bytes back.
  ASSERT_EQ(::mkdir((dir / "x").c_str(), 0755), 0);
  auto extract = run("tar --no-same-owner -xzf " + blob->path.string() + " -C " + (dir / "x").string());
  ASSERT_EQ(extract.status, 0) << extract.output;
  EXPECT_EQ(file_bytes(dir / "x" / "usr/bin/perl"), file_bytes(disk).substr(10, 3000));
  EXPECT_EQ(file_bytes(dir / "x" / k_long_file.substr(1)), "long\n");
  EXPECT_EQ(file_bytes(dir / "x" / k_unicode.substr(1)), "u\n");
  struct stat perl {};
  ASSERT_EQ(::stat((dir / "x" / "usr/bin/perl5.36.0").c_str(), &perl), 0);
  EXPECT_EQ(perl.st_nlink, 3u);
  EXPECT_EQ(perl.st_mtime, 9);
  struct stat tmp {};
  ASSERT_EQ(::stat((dir / "x" / "tmp").c_str(), &tmp), 0);
  EXPECT_EQ(tmp.st_mtime, k_epoch);
}

TEST(LayerReader, RoundTripKeepsEverything) {
  TempDir dir;
  const auto disk = make_disk_file(dir);
  const auto tree = sample_tree(false, disk);
  for (auto compression : {layer::Compression::gzip, layer::Compression::zstd,
                           layer::Compression::none}) {
    auto blob = layer::write_layer(tree, dir / "blobs", options(compression));
    ASSERT_TRUE(blob) << blob.error().message;
    layer::ReadOptions read_options;
    read_options.scratch_dir = dir.path();
    read_options.spill_threshold = 1000; // perl and su go to disk
    auto back = layer::read_layer(blob->path, read_options);
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->size(), tree.size());
    for (const auto& [path, want] : tree.entries()) {
      const auto* got = back->find(path);
      ASSERT_NE(got, nullptr) << path;
      if (want.type == bfs::EntryType::hardlink || got->type == bfs::EntryType::hardlink) {
        // A hard link's metadata is its file's; the direction follows the tar order.
        got = back->link_source(path);
        ASSERT_NE(got, nullptr) << path;
        const auto* file = tree.link_source(path);
        EXPECT_EQ(got->mode, file->mode) << path;
        EXPECT_EQ(got->mtime, std::min(file->mtime, k_epoch)) << path;
        EXPECT_EQ(*bfs::read_content(got->content), *bfs::read_content(file->content)) << path;
        continue;
      }
      EXPECT_EQ(got->mode, want.mode) << path;
      EXPECT_EQ(got->uid, want.uid) << path;
      EXPECT_EQ(got->gid, want.gid) << path;
      EXPECT_EQ(got->mtime, std::min(want.mtime, k_epoch)) << path;
      EXPECT_EQ(got->xattrs, want.xattrs) << path;
      if (want.type == bfs::EntryType::regular || want.type == bfs::EntryType::hardlink) {
        // Hard link direction follows the tar order, the content does not change.
        ASSERT_NE(back->link_source(path), nullptr) << path;
        EXPECT_EQ(*bfs::read_content(back->link_source(path)->content),
                  *bfs::read_content(tree.link_source(path)->content))
            << path;
      } else {
        EXPECT_EQ(got->type, want.type) << path;
        EXPECT_EQ(got->link_target, want.link_target) << path;
      }
    }
    EXPECT_EQ(back->find("/usr/bin/perl")->type, bfs::EntryType::hardlink);
    EXPECT_EQ(back->find("/usr/bin/perl")->link_target, "/aaa-first-link");
    EXPECT_FALSE(back->find("/usr/bin/su")->content.disk_path.empty());
  }
}

TEST(LayerWriter, WhiteoutsAndOpaqueDirectoriesRoundTrip) {
  bfs::Tree tree;
  ASSERT_TRUE(tree.add("/etc/gone", bfs::make_whiteout()));
  auto opaque = bfs::make_directory(0755);
  opaque.opaque = true;
  ASSERT_TRUE(tree.add("/var/cache", opaque));
  ASSERT_TRUE(tree.add("/var/cache/new", bfs::make_file(bfs::Content::from_bytes("n"))));
  TempDir dir;
  auto blob = layer::write_layer(tree, dir / "blobs", options(layer::Compression::none));
  ASSERT_TRUE(blob) << blob.error().message;
  auto listing = run("tar -tf " + blob->path.string());
  EXPECT_EQ(listing.output, "etc/\netc/.wh.gone\nvar/\nvar/cache/\nvar/cache/.wh..wh..opq\nvar/cache/new\n");
  auto back = layer::read_layer(blob->path);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->find("/etc/gone")->type, bfs::EntryType::whiteout);
  EXPECT_TRUE(back->find("/var/cache")->opaque);
  EXPECT_EQ(back->size(), tree.size());
}

TEST(LayerReader, AppliesWhiteoutsFromGnuTar) {
  if (!have_tool("tar")) {
    GTEST_SKIP() << "tar is not installed";
  }
  TempDir dir;
  const auto src = dir / "src";
  std::filesystem::create_directories(src / "etc");
  std::filesystem::create_directories(src / "opt/sub");
  ASSERT_TRUE(distill::support::write_file_atomic(src / "etc/.wh.motd", ""));
  ASSERT_TRUE(distill::support::write_file_atomic(src / "opt/.wh..wh..opq", ""));
  ASSERT_TRUE(distill::support::write_file_atomic(src / "opt/sub/file", "f"));
  ASSERT_TRUE(distill::support::write_file_atomic(src / ".wh.srv", ""));
  auto made = run("tar --sort=name -C " + src.string() + " -czf " + (dir / "l.tgz").string() + " .");
  ASSERT_EQ(made.status, 0) << made.output;

  auto upper = layer::read_layer(dir / "l.tgz");
  ASSERT_TRUE(upper) << upper.error().message;
  bfs::Tree lower;
  ASSERT_TRUE(lower.add("/etc/motd", bfs::make_file(bfs::Content::from_bytes("hi"))));
  ASSERT_TRUE(lower.add("/etc/hosts", bfs::make_file(bfs::Content::from_bytes("h"))));
  ASSERT_TRUE(lower.add("/opt/old/x", bfs::make_file(bfs::Content::from_bytes("x"))));
  ASSERT_TRUE(lower.add("/srv/www/index.html", bfs::make_file(bfs::Content::from_bytes("w"))));
  ASSERT_TRUE(bfs::apply_layer(lower, *upper));
  std::vector<std::string> paths;
  for (const auto& [path, entry] : lower.entries()) {
    paths.push_back(path);
  }
  EXPECT_EQ(paths, (std::vector<std::string>{"/etc", "/etc/hosts", "/opt", "/opt/sub",
                                             "/opt/sub/file"}));

  layer::ReadOptions plain;
  plain.whiteouts = false;
  auto as_files = layer::read_layer(dir / "l.tgz", plain);
  ASSERT_TRUE(as_files);
  EXPECT_EQ(as_files->find("/etc/.wh.motd")->type, bfs::EntryType::regular);
}

TEST(LayerReader, RejectsPathsThatEscape) {
  if (!have_tool("/usr/bin/python3")) {
    GTEST_SKIP() << "/usr/bin/python3 is needed to craft hostile tars";
  }
  TempDir dir;
  const std::string script = R"PY(
import io, sys, tarfile
kind, out = sys.argv[1], sys.argv[2]
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
    def add(name, **kw):
        info = tarfile.TarInfo(name)
        for k, v in kw.items(): setattr(info, k, v)
        t.addfile(info, io.BytesIO(b"x" * info.size))
    if kind == "dotdot": add("../evil", size=1)
    if kind == "inner": add("a/../../evil", size=1)
    if kind == "link": add("etc/passwd", type=tarfile.LNKTYPE, linkname="../../etc/passwd")
    if kind == "abs":
        add("/etc/ok", size=1)
        add("./etc/sym", type=tarfile.SYMTYPE, linkname="../../../etc/shadow")
)PY";
  ASSERT_TRUE(distill::support::write_file_atomic(dir / "mk.py", script));
  for (const std::string kind : {"dotdot", "inner", "link", "abs"}) {
    const auto tar = dir / (kind + ".tar");
    auto made = run("/usr/bin/python3 " + (dir / "mk.py").string() + " " + kind + " " + tar.string());
    ASSERT_EQ(made.status, 0) << made.output;
    auto tree = layer::read_layer(tar);
    if (kind == "abs") {
      // Absolute names are taken as relative to the root; symlink targets are
      // data (resolved inside the tree later), never followed while reading.
      ASSERT_TRUE(tree) << tree.error().message;
      EXPECT_NE(tree->find("/etc/ok"), nullptr);
      EXPECT_EQ(*tree->resolve("/etc/sym"), "/etc/shadow");
    } else {
      ASSERT_FALSE(tree) << kind;
      EXPECT_NE(tree.error().message.find(".."), std::string::npos) << tree.error().message;
    }
  }
}

TEST(LayerReader, RejectsGarbage) {
  auto tree = layer::read_layer_bytes(std::string(3000, 'z'));
  EXPECT_FALSE(tree);
  auto missing = layer::read_layer("/nonexistent/layer.tar");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("/nonexistent/layer.tar"), std::string::npos);
}

TEST(LayerWriter, FailsOnShortDiskFileAndLeavesNoBlob) {
  TempDir dir;
  bfs::Tree tree;
  ASSERT_TRUE(distill::support::write_file_atomic(dir / "short", "abc"));
  ASSERT_TRUE(tree.add("/f", bfs::make_file(bfs::Content::from_file(dir / "short", 10))));
  auto blob = layer::write_layer(tree, dir / "blobs", options(layer::Compression::gzip));
  ASSERT_FALSE(blob);
  EXPECT_NE(blob.error().message.find("shorter"), std::string::npos) << blob.error().message;
  EXPECT_TRUE(std::filesystem::is_empty(dir / "blobs" / "sha256"));
}

TEST(LayerWriter, ParallelMatchesSequential) {
  std::vector<bfs::Tree> trees(5);
  for (std::size_t i = 0; i < trees.size(); ++i) {
    for (int f = 0; f < 50; ++f) {
      std::string data(20000 + i * 1000, static_cast<char>('a' + f % 26));
      ASSERT_TRUE(trees[i].add("/pkg" + std::to_string(i) + "/f" + std::to_string(f),
                               bfs::make_file(bfs::Content::from_bytes(data))));
    }
  }
  std::vector<const bfs::Tree*> pointers;
  for (const auto& t : trees) {
    pointers.push_back(&t);
  }
  TempDir dir;
  auto parallel = layer::write_layers(pointers, dir / "p", options(layer::Compression::gzip), 4);
  ASSERT_TRUE(parallel) << parallel.error().message;
  ASSERT_EQ(parallel->size(), trees.size());
  for (std::size_t i = 0; i < trees.size(); ++i) {
    auto one = layer::write_layer(trees[i], dir / "s", options(layer::Compression::gzip));
    ASSERT_TRUE(one);
    EXPECT_EQ((*parallel)[i].digest, one->digest);
  }
}

TEST(Compression, ParsesNames) {
  EXPECT_EQ(*layer::parse_compression("zstd"), layer::Compression::zstd);
  EXPECT_EQ(*layer::parse_compression("none"), layer::Compression::none);
  auto bad = layer::parse_compression("brotli");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("gzip, zstd or none"), std::string::npos);
}

#include "backend/layer/blob_dir.hpp"
#include "backend/layer/layer_reader.hpp"
#include "backend/layer/layer_writer.hpp"
#include "backend/oci/archive_export.hpp"
#include "backend/oci/image_writer.hpp"
#include "backend/oci/json.hpp"
#include "backend/oci/layout.hpp"
#include "backend/oci/media_types.hpp"
#include "backend/oci/rootfs_export.hpp"
#include "support/atomic_file.hpp"
#include "support/sha256.hpp"
#include "test_util.hpp"

#include <fstream>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bfs = distill::backend::fs;
namespace layer = distill::backend::layer;
namespace oci = distill::backend::oci;
using distill::backend::test::have_tool;
using distill::backend::test::run;
using distill::backend::test::TempDir;

namespace {

constexpr std::int64_t k_epoch = 1733097600; // 2024-12-02T00:00:00Z
const std::string k_shared = DISTILL_SOURCE_DIR "/../shared";

// busybox plus a few files; the second layer deletes /etc/motd and adds /app.
std::vector<bfs::Tree> sample_layers() {
  std::vector<bfs::Tree> layers(2);
  bfs::Tree& base = layers[0];
  struct stat st {};
  if (::stat("/bin/busybox", &st) == 0) {
    EXPECT_TRUE(base.add("/bin/busybox", bfs::make_file(bfs::Content::from_file(
                                                            "/bin/busybox",
                                                            static_cast<std::uint64_t>(st.st_size)),
                                                        0755, 1000)));
  } else {
    EXPECT_TRUE(base.add("/bin/busybox", bfs::make_file(bfs::Content::from_bytes("not a binary"), 0755)));
  }
  for (const auto* tool : {"sh", "echo", "cat", "ls", "id"}) {
    EXPECT_TRUE(base.add(std::string("/bin/") + tool, bfs::make_symlink("busybox", 1000)));
  }
  EXPECT_TRUE(base.add("/etc/passwd", bfs::make_file(bfs::Content::from_bytes("root:x:0:0:root:/root:/bin/sh\n"), 0644, 5)));
  EXPECT_TRUE(base.add("/etc/motd", bfs::make_file(bfs::Content::from_bytes("welcome\n"), 0644, 5)));
  EXPECT_TRUE(base.add("/tmp", bfs::make_directory(01777, 5)));
  EXPECT_TRUE(base.add("/usr/share/doc/some-package-with-a-long-name/and-a-nested-directory/copyright-file-with-long-name",
                       bfs::make_file(bfs::Content::from_bytes("GPL\n"), 0644, 5)));
  bfs::Tree& app = layers[1];
  EXPECT_TRUE(app.add("/etc/motd", bfs::make_whiteout()));
  EXPECT_TRUE(app.add("/app", bfs::make_directory(0755, k_epoch + 100)));
  EXPECT_TRUE(app.add("/app/hello.txt", bfs::make_file(bfs::Content::from_bytes("hello from distill\n"), 0644, k_epoch)));
  EXPECT_TRUE(app.add("/app/hello-link", bfs::make_hardlink("/app/hello.txt")));
  return layers;
}

oci::ImageConfig sample_config() {
  oci::ImageConfig config;
  config.created = oci::rfc3339(k_epoch);
  config.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
  config.cmd = {"/bin/sh", "-c", "cat /app/hello.txt"};
  config.args_escaped = true;
  config.working_dir = "/app";
  config.labels = {{"org.example.name", "sample"}};
  config.exposed_ports = {"8080/tcp"};
  config.history = {
      {oci::rfc3339(k_epoch), "COPY rootfs / # buildkit", "", "buildkit.dockerfile.v0", false},
      {oci::rfc3339(k_epoch), "WORKDIR /app", "", "buildkit.dockerfile.v0", false},
      {oci::rfc3339(k_epoch), "CMD [\"/bin/sh\" \"-c\" \"cat /app/hello.txt\"]", "",
       "buildkit.dockerfile.v0", true},
  };
  return config;
}

// Builds the sample image into `layout` under `tags`; returns the manifest descriptor.
oci::Descriptor build_sample(const std::filesystem::path& layout, std::vector<std::string> tags,
                             layer::Compression compression = layer::Compression::gzip) {
  EXPECT_TRUE(oci::init_layout(layout));
  auto trees = sample_layers();
  std::vector<const bfs::Tree*> pointers{&trees[0], &trees[1]};
  layer::LayerOptions options;
  options.tar.source_date_epoch = k_epoch;
  options.compression = compression;
  auto blobs = layer::write_layers(pointers, oci::blobs_dir(layout), options);
  EXPECT_TRUE(blobs) << blobs.error().message;
  std::vector<oci::ImageLayer> layers;
  for (const auto& blob : *blobs) {
    layers.push_back(oci::image_layer(blob));
  }
  auto image = oci::write_image(layout, sample_config(), layers,
                                {{std::string(oci::k_base_name), "scratch"}});
  EXPECT_TRUE(image) << image.error().message;
  EXPECT_TRUE(oci::add_to_index(layout, image->manifest, tags));
  return image->manifest;
}

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool validator_available() {
  return have_tool("/usr/bin/python3") &&
         std::filesystem::exists(k_shared + "/tools/oci-validate") &&
         run("/usr/bin/python3 -c 'import jsonschema'").status == 0;
}

void expect_valid_layout(const std::filesystem::path& layout) {
  if (!validator_available()) {
    std::cerr << "note: oci-validate or python3-jsonschema missing; schema check skipped\n";
    return;
  }
  auto result = run("/usr/bin/python3 " + k_shared + "/tools/oci-validate " + k_shared +
                    "/oci-schemas " + layout.string());
  EXPECT_EQ(result.status, 0) << result.output;
}

} // namespace

TEST(ImageConfig, GoldenJson) {
  oci::ImageConfig config;
  config.created = oci::rfc3339(k_epoch);
  config.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "A=1"};
  config.entrypoint = {"/docker-entrypoint.sh"};
  config.cmd = {"/bin/sh", "-c", "nginx -g 'daemon off;'"};
  config.args_escaped = true;
  config.working_dir = "/";
  config.user = "app";
  config.exposed_ports = {"80/tcp", "443/tcp"};
  config.volumes = {"/data"};
  config.labels = {{"maintainer", "x"}};
  config.stop_signal = "SIGQUIT";
  config.healthcheck = oci::HealthConfig{{"CMD-SHELL", "curl -f http://localhost/"}, 30000000000, 3000000000, 0, 0, 3};
  config.on_build = {"RUN echo hi"};
  config.shell = {"/bin/bash", "-c"};
  config.diff_ids = {"sha256:0000000000000000000000000000000000000000000000000000000000000001"};
  config.history = {{oci::rfc3339(k_epoch), "ENV A=1", "", "buildkit.dockerfile.v0", true},
                    {oci::rfc3339(k_epoch), "RUN /bin/sh -c true # buildkit", "", "buildkit.dockerfile.v0", false}};
  const std::string golden =
      R"({"architecture":"amd64","config":{"ArgsEscaped":true,"Cmd":["/bin/sh","-c","nginx -g 'daemon off;'"],)"
      R"("Entrypoint":["/docker-entrypoint.sh"],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","A=1"],)"
      R"("ExposedPorts":{"443/tcp":{},"80/tcp":{}},"Healthcheck":{"Interval":30000000000,"Retries":3,)"
      R"("Test":["CMD-SHELL","curl -f http://localhost/"],"Timeout":3000000000},"Labels":{"maintainer":"x"},)"
      R"("OnBuild":["RUN echo hi"],"Shell":["/bin/bash","-c"],"StopSignal":"SIGQUIT","User":"app",)"
      R"("Volumes":{"/data":{}},"WorkingDir":"/"},"created":"2024-12-02T00:00:00Z",)"
      R"("history":[{"comment":"buildkit.dockerfile.v0","created":"2024-12-02T00:00:00Z","created_by":"ENV A=1","empty_layer":true},)"
      R"({"comment":"buildkit.dockerfile.v0","created":"2024-12-02T00:00:00Z","created_by":"RUN /bin/sh -c true # buildkit"}],)"
      R"("os":"linux","rootfs":{"diff_ids":["sha256:0000000000000000000000000000000000000000000000000000000000000001"],"type":"layers"}})";
  EXPECT_EQ(oci::image_config_json(config), golden);
  auto back = oci::parse_image_config(golden);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, config);
  // An empty config keeps the two objects Go always writes.
  EXPECT_EQ(oci::image_config_json(oci::ImageConfig{}),
            R"({"architecture":"amd64","config":{},"os":"linux","rootfs":{"diff_ids":[],"type":"layers"}})");
}

TEST(ImageConfig, ParsesTheOfficialDebianConfig) {
  // The config of debian:bookworm 20241202 (official-base-images.md 1.8).
  const std::string debian =
      R"({"architecture":"amd64","config":{"Cmd":["bash"],"Entrypoint":[],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},)"
      R"("created":"2024-12-02T00:00:00Z","history":[{"comment":"debuerreotype 0.15","created":"2024-12-02T00:00:00Z",)"
      R"("created_by":"# debian.sh --arch 'amd64' out/ 'bookworm' '@1733097600'"}],"os":"linux",)"
      R"("rootfs":{"diff_ids":["sha256:301c1bb4aa1f4f2b3bbd5b5a2ac8cb3e0c1b6a5e2c7fa6c4a7f9d1f1c3f5b7d9"],"type":"layers"}})";
  auto config = oci::parse_image_config(debian);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->cmd, std::vector<std::string>{"bash"});
  EXPECT_TRUE(config->entrypoint.empty());
  EXPECT_EQ(*oci::env_value(config->env, "PATH"), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  EXPECT_EQ(config->history.at(0).comment, "debuerreotype 0.15");
  EXPECT_FALSE(oci::parse_image_config(R"({"config":{"Env":"PATH=/bin"}})"));
  EXPECT_FALSE(oci::parse_image_config("{not json"));
  EXPECT_EQ(*oci::parse_rfc3339("2024-12-02T00:00:00Z"), k_epoch);
  EXPECT_EQ(*oci::parse_rfc3339("2024-12-02T01:00:00.123+01:00"), k_epoch);
}

TEST(OciLayout, SameImageTwiceGivesOneDigest) {
  TempDir a;
  TempDir b;
  const mode_t old = ::umask(077);
  const auto first = build_sample(a / "layout", {"app:1"});
  ::umask(022);
  const auto second = build_sample(b / "other-place", {"app:1"});
  ::umask(old);
  EXPECT_EQ(first.digest, second.digest);
  EXPECT_EQ(read(a / "layout/index.json"), read(b / "other-place/index.json"));
}

TEST(OciLayout, AcceptedByTheRealTools) {
  TempDir dir;
  const auto layout = dir / "img";
  const auto manifest = build_sample(layout, {"app:1", "latest"});
  expect_valid_layout(layout);

  if (have_tool("skopeo")) {
    auto inspect = run("skopeo inspect oci:" + layout.string() + ":app:1");
    ASSERT_EQ(inspect.status, 0) << inspect.output;
    auto json = oci::parse_json(inspect.output, "skopeo output");
    ASSERT_TRUE(json);
    EXPECT_EQ((*json)["Digest"], manifest.digest);
    EXPECT_EQ((*json)["Architecture"], "amd64");
    EXPECT_EQ((*json)["Layers"].size(), 2u);
    auto raw = run("skopeo inspect --raw oci:" + layout.string() + ":latest");
    EXPECT_EQ("sha256:" + distill::support::sha256_hex(raw.output), manifest.digest);
  } else {
    std::cerr << "note: skopeo missing; skipped\n";
  }

  if (have_tool("umoci")) {
    auto unpack = run("umoci unpack --rootless --image " + layout.string() + ":app:1 " + (dir / "bundle").string());
    ASSERT_EQ(unpack.status, 0) << unpack.output;
    EXPECT_EQ(read(dir / "bundle/rootfs/app/hello.txt"), "hello from distill\n");
    EXPECT_FALSE(std::filesystem::exists(dir / "bundle/rootfs/etc/motd"));
    EXPECT_TRUE(std::filesystem::exists(dir / "bundle/rootfs/etc/passwd"));
    struct stat st {};
    ASSERT_EQ(::stat((dir / "bundle/rootfs/app/hello-link").c_str(), &st), 0);
    EXPECT_EQ(st.st_nlink, 2u);
    auto stat = run("umoci stat --json --image " + layout.string() + ":app:1");
    EXPECT_EQ(stat.status, 0) << stat.output;
    EXPECT_NE(stat.output.find("WORKDIR /app"), std::string::npos) << stat.output;
  } else {
    std::cerr << "note: umoci missing; skipped\n";
  }

  if (have_tool("oci-image-tool")) {
    auto validate = run("oci-image-tool validate --type image --ref name=app:1 " + layout.string());
    EXPECT_EQ(validate.status, 0) << validate.output;
  }

  if (have_tool("skopeo")) {
    const auto archive = dir / "copied.tar";
    auto copy = run("skopeo copy oci:" + layout.string() + ":app:1 docker-archive:" + archive.string() + ":distill-test/app:1");
    EXPECT_EQ(copy.status, 0) << copy.output;
  }
}

TEST(OciLayout, StoreIsAdditiveAndTagsMove) {
  TempDir dir;
  const auto layout = dir / "store";
  const auto one = build_sample(layout, {"one:1", "shared"});
  // A second, different image (zstd layers) takes over "shared".
  const auto two = build_sample(layout, {"two:1", "shared"}, layer::Compression::zstd);
  ASSERT_NE(one.digest, two.digest);
  // Junk from an interrupted write is ignored.
  ASSERT_TRUE(distill::support::write_file_atomic(layout / "blobs/sha256/.partial-abc123", "junk"));
  auto index = oci::read_index(layout);
  ASSERT_TRUE(index);
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& d : index->manifests) {
    entries.emplace_back(oci::ref_name(d), d.digest);
  }
  EXPECT_EQ(entries, (std::vector<std::pair<std::string, std::string>>{
                         {"one:1", one.digest}, {"shared", two.digest}, {"two:1", two.digest}}));
  EXPECT_EQ(oci::resolve_tag(layout, "one:1")->digest, one.digest);
  auto missing = oci::resolve_tag(layout, "nope");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("one:1, shared, two:1"), std::string::npos) << missing.error().message;
  EXPECT_FALSE(oci::resolve_tag(layout, "")); // ambiguous
  auto image = oci::read_image(layout, "two:1");
  ASSERT_TRUE(image) << image.error().message;
  EXPECT_EQ(image->manifest.layers.at(0).media_type, "application/vnd.oci.image.layer.v1.tar+zstd");
  EXPECT_EQ(image->config.working_dir, "/app");
  EXPECT_EQ(*oci::remove_tag(layout, "shared"), true);
  EXPECT_EQ(*oci::remove_tag(layout, "shared"), false);
  // A directory that is something else is refused.
  ASSERT_TRUE(distill::support::write_file_atomic(dir / "notlayout/file", "x"));
  EXPECT_FALSE(oci::init_layout(dir / "notlayout"));
  // A corrupted blob is detected on read.
  auto config_path = layer::blob_path(oci::blobs_dir(layout), image->manifest.config.digest);
  ASSERT_TRUE(distill::support::write_file_atomic(config_path, "{}"));
  EXPECT_FALSE(oci::read_image(layout, "two:1"));
}

TEST(OciArchive, ReadBySkopeoAndValid) {
  TempDir dir;
  const auto layout = dir / "img";
  const auto manifest = build_sample(layout, {"app:1"});
  build_sample(dir / "img", {"other"}, layer::Compression::none);
  const auto archive = dir / "app.oci.tar";
  ASSERT_TRUE(oci::write_oci_archive(layout, std::vector<std::string>{"app:1"}, archive, k_epoch));
  // Deterministic: a second export is byte-identical.
  const auto again = dir / "again.tar";
  ASSERT_TRUE(oci::write_oci_archive(layout, std::vector<std::string>{"app:1"}, again, k_epoch));
  EXPECT_EQ(read(archive), read(again));
  EXPECT_FALSE(oci::write_oci_archive(layout, std::vector<std::string>{"nope"}, dir / "x.tar", k_epoch));
  EXPECT_FALSE(std::filesystem::exists(dir / "x.tar"));

  ASSERT_EQ(::mkdir((dir / "x").c_str(), 0755), 0);
  auto extract = run("tar -C " + (dir / "x").string() + " -xf " + archive.string());
  ASSERT_EQ(extract.status, 0) << extract.output;
  expect_valid_layout(dir / "x");
  auto index = oci::read_index(dir / "x");
  ASSERT_TRUE(index);
  ASSERT_EQ(index->manifests.size(), 1u); // only the exported image
  if (have_tool("skopeo")) {
    auto inspect = run("skopeo inspect oci-archive:" + archive.string() + ":app:1");
    ASSERT_EQ(inspect.status, 0) << inspect.output;
    EXPECT_NE(inspect.output.find(manifest.digest), std::string::npos) << inspect.output;
  }
  if (have_tool("oci-image-tool")) {
    auto validate = run("oci-image-tool validate --type image " + (dir / "x").string());
    EXPECT_EQ(validate.status, 0) << validate.output;
  }
}

TEST(DockerArchive, ReadBySkopeoAndBackToValidOci) {
  if (!have_tool("skopeo")) {
    GTEST_SKIP() << "skopeo is not installed";
  }
  TempDir dir;
  const auto layout = dir / "img";
  build_sample(layout, {"app:1"}, layer::Compression::zstd);
  const auto archive = dir / "app.docker.tar";
  ASSERT_TRUE(oci::write_docker_archive(layout, "app:1", std::vector<std::string>{"distill-test/app:1"}, archive, k_epoch));
  auto listing = run("tar -tf " + archive.string());
  EXPECT_NE(listing.output.find("manifest.json"), std::string::npos);
  EXPECT_NE(listing.output.find("repositories"), std::string::npos);
  auto inspect = run("skopeo inspect docker-archive:" + archive.string());
  ASSERT_EQ(inspect.status, 0) << inspect.output;
  EXPECT_NE(inspect.output.find("\"WorkingDir\"") == std::string::npos ? inspect.output.find("org.example.name") : 0,
            std::string::npos) << inspect.output;
  // skopeo finds the image by the name in manifest.json's RepoTags.
  auto by_name = run("skopeo inspect docker-archive:" + archive.string() + ":distill-test/app:1");
  EXPECT_EQ(by_name.status, 0) << by_name.output;
  auto copy = run("skopeo copy docker-archive:" + archive.string() + " oci:" + (dir / "back").string() + ":t");
  ASSERT_EQ(copy.status, 0) << copy.output;
  expect_valid_layout(dir / "back");
  auto config = run("skopeo inspect --config oci:" + (dir / "back").string() + ":t");
  EXPECT_NE(config.output.find("\"WorkingDir\": \"/app\""), std::string::npos) << config.output;
}

TEST(DockerArchive, LoadsAndRunsWithPodman) {
  if (!have_tool("podman") || !have_tool("runc") || ::geteuid() != 0) {
    GTEST_SKIP() << "needs podman, runc and root (see image-validation.md)";
  }
  TempDir dir;
  const auto layout = dir / "img";
  build_sample(layout, {"app:1"});
  const auto archive = dir / "app.tar";
  ASSERT_TRUE(oci::write_docker_archive(layout, "app:1", std::vector<std::string>{"localhost/distill-test:1"}, archive, k_epoch));
  const std::string podman = "podman --root " + (dir / "s").string() + " --runroot " + (dir / "r").string() +
                             " --events-backend file --cgroup-manager cgroupfs ";
  auto load = run(podman + "load -i " + archive.string());
  EXPECT_EQ(load.status, 0) << load.output;
  EXPECT_NE(load.output.find("distill-test"), std::string::npos) << load.output;
  auto started = run(podman + "run --rm --runtime runc --network none --ulimit nofile=1024:1024 "
                              "--ulimit nproc=1024:1024 localhost/distill-test:1");
  EXPECT_EQ(started.status, 0) << started.output;
  EXPECT_NE(started.output.find("hello from distill"), std::string::npos) << started.output;
  auto from_layout = run(podman + "run --rm --runtime runc --network none --ulimit nofile=1024:1024 "
                                  "--ulimit nproc=1024:1024 oci:" + layout.string() + ":app:1 /bin/cat /etc/passwd");
  EXPECT_EQ(from_layout.status, 0) << from_layout.output;
  EXPECT_NE(from_layout.output.find("root:x:0:0"), std::string::npos) << from_layout.output;
  run("umount " + (dir / "s" / "overlay").string());
}

TEST(Rootfs, ExportsTheFlattenedImageSafely) {
  TempDir dir;
  const auto layout = dir / "img";
  build_sample(layout, {"app:1"});
  auto image = oci::read_image(layout, "app:1");
  ASSERT_TRUE(image) << image.error().message;
  auto tree = oci::flatten_image(layout, *image);
  ASSERT_TRUE(tree) << tree.error().message;
  EXPECT_EQ(tree->find("/etc/motd"), nullptr);

  // The destination already holds a symlink that points outside: the export
  // must replace it, not write through it.
  const auto dest = dir / "rootfs";
  ASSERT_EQ(::mkdir((dir / "outside").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(dest.c_str(), 0755), 0);
  std::filesystem::create_directory_symlink(dir / "outside", dest / "etc");
  std::filesystem::create_symlink(dir / "outside" / "victim", dest / "app");
  auto report = oci::export_rootfs(*tree, dest, oci::RootfsOptions{::geteuid() == 0, true, true});
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(std::filesystem::is_empty(dir / "outside"));
  EXPECT_EQ(read(dest / "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
  EXPECT_EQ(read(dest / "app/hello.txt"), "hello from distill\n");
  EXPECT_EQ(std::filesystem::read_symlink(dest / "bin/sh"), "busybox");
  struct stat st {};
  ASSERT_EQ(::stat((dest / "app/hello-link").c_str(), &st), 0);
  EXPECT_EQ(st.st_nlink, 2u);
  ASSERT_EQ(::stat((dest / "tmp").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 01777u);
  EXPECT_EQ(st.st_mtime, 5);
  ASSERT_EQ(::stat((dest / "app").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, k_epoch); // clamped in the layer
  ASSERT_EQ(::lstat((dest / "bin/sh").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, 1000);
}

// docker build semantics of one RUN step: env, USER, WORKDIR, exec and shell
// forms, heredocs, mounts, failure reporting and the step cache.

#include "sandbox_fixture.hpp"

#include "backend/oci/image_config.hpp"
#include "backend/sandbox/command.hpp"
#include "backend/sandbox/user_db.hpp"

#include <fstream>

namespace sandbox_test {
namespace {

using SandboxRun = SandboxTest;

TEST_F(SandboxRun, EnvHasTheStepsVariablesAndTheDefaultPath) {
  auto step = shell_run("echo \"$FOO|$PATH|$HOME|$(hostname)\" > /env.txt");
  step.env = {{"FOO", "bar baz"}};
  auto result = run(step);
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/env.txt"),
            std::string("bar baz|") + std::string(distill::backend::oci::k_default_path) + "|/root|distill\n");
}

TEST_F(SandboxRun, UserAndWorkdirAreApplied) {
  if (single_mapping_only()) {
    GTEST_SKIP() << "USER app needs a subordinate uid range; this account has a single mapping";
  }
  auto step = shell_run("id > ids.txt && pwd >> ids.txt && echo \"$HOME\" >> ids.txt");
  step.user = "app";
  step.workdir = "/home/app/work/here";
  auto result = run(step);
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/home/app/work/here/ids.txt"),
            "uid=1000(app) gid=1000(app) groups=50(staff),1000(app)\n/home/app/work/here\n/home/app\n");
  const fs::Entry* file = result->layer.find("/home/app/work/here/ids.txt");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->uid, 1000u);
  EXPECT_EQ(file->gid, 1000u);
  const fs::Entry* made = result->layer.find("/home/app/work");
  ASSERT_NE(made, nullptr) << "WORKDIR is created when missing";
  EXPECT_EQ(made->uid, 1000u);
}

TEST_F(SandboxRun, NumericUserAndGroupNeedNoPasswdEntry) {
  if (single_mapping_only()) {
    GTEST_SKIP() << "USER 4242 needs a subordinate uid range; this account has a single mapping";
  }
  auto step = shell_run("id -u > /tmp/u && id -g >> /tmp/u");
  step.user = "4242:50";
  auto result = run(step);
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/tmp/u"), "4242\n50\n");
}

TEST_F(SandboxRun, UnknownUserIsAClearError) {
  auto step = shell_run("true");
  step.user = "nosuchuser";
  auto result = run(step);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("unable to find user nosuchuser"), std::string::npos)
      << result.error().message;
  EXPECT_NE(result.error().message.find("Dockerfile:7"), std::string::npos);
}

TEST_F(SandboxRun, ExecFormRunsWithoutAShell) {
  planner::Run step = shell_run("");
  step.shell_form = false;
  step.argv = {"/bin/busybox", "touch", "/exec-form"};
  auto result = run(step);
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_TRUE(result->layer.contains("/exec-form"));
}

TEST_F(SandboxRun, ShellIsTheStepsShell) {
  auto step = shell_run("echo $0 > /shell.txt");
  step.shell = {"/bin/ash", "-c"};
  auto result = run(step);
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/shell.txt"), "/bin/ash\n");
}

TEST_F(SandboxRun, HeredocScriptsRunLikeBuildKit) {
  auto plain = shell_run("<<EOF");
  plain.heredocs = {{"EOF", "echo one > /one\necho two >> /one\n", -1}};
  auto result = run(plain);
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/one"), "one\ntwo\n");

  auto shebang = shell_run("<<EOF");
  shebang.heredocs = {{"EOF", "#!/bin/sh\necho \"$0\" > /script\n", -1}};
  result = run(shebang);
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/script"), "/dev/pipes/EOF\n");

  auto fed = shell_run("cat <<EOF > /fed");
  fed.heredocs = {{"EOF", "fed $HOME\n", -1}};
  result = run(fed);
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/fed"), "fed /root\n");
}

TEST_F(SandboxRun, FailingStepReportsLineExitCodeAndOutput) {
  auto result = run(shell_run("for i in $(seq 1 30); do echo line$i; done; echo oops >&2; exit 3"));
  ASSERT_FALSE(result);
  const std::string& message = result.error().message;
  EXPECT_TRUE(message.starts_with("Dockerfile:7: RUN failed with exit code 3\n")) << message;
  EXPECT_NE(message.find("oops"), std::string::npos);
  EXPECT_NE(message.find("line30"), std::string::npos);
  EXPECT_EQ(message.find("line5\n"), std::string::npos) << "only the last lines are kept";
  ASSERT_TRUE(result.error().where.has_value());
  EXPECT_EQ(result.error().where->begin.line, 7);
  EXPECT_NE(m_output.find("line1\n"), std::string::npos) << "all output streams to the callback";
  // Nothing half-written stays in the cache.
  for (const auto& entry : std::filesystem::directory_iterator(m_options.cache_dir / "steps")) {
    ADD_FAILURE() << "left in the step cache: " << entry.path();
  }
  for (const auto& entry : std::filesystem::directory_iterator(m_options.cache_dir / "work")) {
    ADD_FAILURE() << "left in the work directory: " << entry.path();
  }
}

TEST_F(SandboxRun, MissingCommandFailsWith127) {
  auto result = run(shell_run("no-such-command"));
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("exit code 127"), std::string::npos) << result.error().message;
}

TEST_F(SandboxRun, StepCacheHitsSkipTheRunAndNoCacheForcesIt) {
  auto step = shell_run("cat /proc/sys/kernel/random/uuid > /stamp");
  auto first = run(step);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(first->cache_hit);
  const std::string first_stamp = content_of(first->layer, "/stamp");
  auto second = run(step);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_TRUE(second->cache_hit);
  EXPECT_EQ(first->cache_key, second->cache_key);
  EXPECT_EQ(content_of(second->layer, "/stamp"), first_stamp);

  m_options.no_cache = true;
  auto third = run(step);
  ASSERT_TRUE(third) << third.error().message;
  EXPECT_FALSE(third->cache_hit);
  EXPECT_NE(content_of(third->layer, "/stamp"), first_stamp);

  m_options.no_cache = false;
  auto other = shell_run("cat /proc/sys/kernel/random/uuid > /stamp");
  other.env = {{"X", "1"}};
  auto fourth = run(other);
  ASSERT_TRUE(fourth) << fourth.error().message;
  EXPECT_FALSE(fourth->cache_hit) << "a different env is a different step";
}

TEST_F(SandboxRun, CacheMountPersistsBetweenRunsAndStaysOutOfTheLayer) {
  planner::Mount cache;
  cache.type = planner::MountType::cache;
  cache.target = "/var/cache/thing";
  auto first = shell_run("echo one >> /var/cache/thing/log && echo done > /first");
  first.mounts = {cache};
  auto result = run(first);
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_FALSE(result->layer.contains("/var/cache/thing/log"));
  EXPECT_FALSE(result->layer.contains("/var/cache/thing"));
  EXPECT_FALSE(result->layer.contains("/var")) << "the mount point was only a stub";

  auto second = shell_run("echo two >> /var/cache/thing/log && cp /var/cache/thing/log /seen");
  second.mounts = {cache};
  result = run(second);
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/seen"), "one\ntwo\n");
}

TEST_F(SandboxRun, CacheMountOwnerAndMode) {
  if (single_mapping_only()) {
    GTEST_SKIP() << "uid=1000 needs a subordinate uid range";
  }
  planner::Mount cache;
  cache.type = planner::MountType::cache;
  cache.target = "/cache";
  cache.id = "owned";
  cache.uid = 1000;
  cache.gid = 1000;
  cache.mode = 0700;
  auto step = shell_run("stat -c '%u:%g:%a' /cache > /tmp/owner && echo hi > /cache/f");
  step.user = "app";
  step.mounts = {cache};
  auto result = run(step);
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/tmp/owner"), "1000:1000:700\n");
}

TEST_F(SandboxRun, SecretIsReadableButNeverCaptured) {
  const auto secret_file = m_dir / "token";
  std::ofstream(secret_file) << "s3cr3t-value";
  m_options.secrets = {{"tok", secret_file, ""}};
  planner::Mount file_secret;
  file_secret.type = planner::MountType::secret;
  file_secret.id = "tok";
  planner::Mount env_secret;
  env_secret.type = planner::MountType::secret;
  env_secret.id = "tok";
  env_secret.env = "TOKEN";
  auto step = shell_run("test \"$(cat /run/secrets/tok)\" = s3cr3t-value && test \"$TOKEN\" = "
                        "s3cr3t-value && stat -c %a /run/secrets/tok > /mode && echo ok > /ok");
  step.mounts = {file_secret, env_secret};
  auto result = run(step);
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/ok"), "ok\n");
  EXPECT_EQ(content_of(result->layer, "/mode"), "400\n");
  EXPECT_FALSE(result->layer.contains("/run/secrets/tok"));
  EXPECT_FALSE(result->layer.contains("/run"));
  // The value is nowhere in the capture on disk.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(result->capture_dir)) {
    if (entry.is_regular_file()) {
      std::ifstream in(entry.path());
      const std::string text((std::istreambuf_iterator<char>(in)), {});
      EXPECT_EQ(text.find("s3cr3t-value"), std::string::npos) << entry.path();
    }
  }
}

TEST_F(SandboxRun, MissingRequiredSecretFails) {
  planner::Mount secret;
  secret.type = planner::MountType::secret;
  secret.id = "absent";
  secret.required = true;
  auto step = shell_run("true");
  step.mounts = {secret};
  auto result = run(step);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("secret absent is required"), std::string::npos)
      << result.error().message;
}

TEST_F(SandboxRun, SshMountIsRefusedClearly) {
  planner::Mount ssh;
  ssh.type = planner::MountType::ssh;
  auto step = shell_run("true");
  step.mounts = {ssh};
  auto result = run(step);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("type=ssh is not supported"), std::string::npos);
}

TEST_F(SandboxRun, BindMountIsReadOnlyAndKeyedByContent) {
  const auto context = m_dir / "context";
  std::filesystem::create_directories(context / "src");
  std::ofstream(context / "src" / "hello") << "hello from the context\n";
  m_options.binds.context_dir = context;
  planner::Mount bind;
  bind.type = planner::MountType::bind;
  bind.target = "/ctx";
  bind.source = "src";
  bind.readonly = true;
  auto step = shell_run("cat /ctx/hello > /copied && ! touch /ctx/new 2>/dev/null");
  step.mounts = {bind};
  auto result = run(step);
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/copied"), "hello from the context\n");
  EXPECT_FALSE(result->layer.contains("/ctx"));
  EXPECT_FALSE(std::filesystem::exists(context / "src" / "new"));

  auto again = run(step);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->cache_hit);
  std::ofstream(context / "src" / "hello") << "changed\n";
  auto changed = run(step);
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_FALSE(changed->cache_hit) << "new bind content is a new step";
  EXPECT_EQ(content_of(changed->layer, "/copied"), "changed\n");
}

TEST_F(SandboxRun, BindMountFromAnotherStagesTree) {
  fs::Tree stage;
  ASSERT_TRUE(stage.add("/opt/out/tool", fs::make_file(fs::Content::from_bytes("built\n"), 0755)));
  m_options.binds.stage_trees[1] = &stage;
  planner::Mount bind;
  bind.type = planner::MountType::bind;
  bind.from = "builder";
  bind.from_stage = 1;
  bind.source = "/opt/out";
  bind.target = "/mnt/out";
  bind.readonly = true;
  auto step = shell_run("cp /mnt/out/tool /usr-tool");
  step.mounts = {bind};
  auto result = run(step);
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/usr-tool"), "built\n");
  EXPECT_FALSE(result->layer.contains("/mnt"));
}

TEST_F(SandboxRun, WritableBindDropsTheWrites) {
  const auto context = m_dir / "context";
  std::filesystem::create_directories(context);
  std::ofstream(context / "f") << "f\n";
  m_options.binds.context_dir = context;
  planner::Mount bind;
  bind.type = planner::MountType::bind;
  bind.target = "/src";
  bind.readonly = false;
  auto step = shell_run("echo more >> /src/f && cat /src/f > /out");
  step.mounts = {bind};
  auto result = run(step);
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/out"), "f\nmore\n");
  std::ifstream in(context / "f");
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)), {}), "f\n");
}

TEST_F(SandboxRun, TmpfsMountIsNotCaptured) {
  planner::Mount tmpfs;
  tmpfs.type = planner::MountType::tmpfs;
  tmpfs.target = "/scratch";
  auto step = shell_run("echo x > /scratch/x && test -f /scratch/x && touch /kept");
  step.mounts = {tmpfs};
  auto result = run(step);
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_FALSE(result->layer.contains("/scratch"));
  EXPECT_TRUE(result->layer.contains("/kept"));
}

TEST(SandboxUserDb, ResolvesLikeRunc) {
  const std::string passwd = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n";
  const std::string group = "root:x:0:\nwheel:x:10:app,other\napp:x:1001:\n";
  auto app = sb::resolve_user("app", passwd, group);
  ASSERT_TRUE(app);
  EXPECT_EQ(app->uid, 1000u);
  EXPECT_EQ(app->gid, 1001u);
  EXPECT_EQ(app->groups, std::vector<std::uint32_t>{10});
  EXPECT_EQ(app->home, "/home/app");
  auto explicit_group = sb::resolve_user("app:wheel", passwd, group);
  ASSERT_TRUE(explicit_group);
  EXPECT_EQ(explicit_group->gid, 10u);
  EXPECT_TRUE(explicit_group->groups.empty()) << "no supplementary groups with an explicit group";
  auto numeric = sb::resolve_user("77:88", passwd, group);
  ASSERT_TRUE(numeric);
  EXPECT_EQ(numeric->uid, 77u);
  EXPECT_EQ(numeric->gid, 88u);
  EXPECT_EQ(numeric->home, "/");
  auto root = sb::resolve_user("", passwd, group);
  ASSERT_TRUE(root);
  EXPECT_EQ(root->home, "/root");
  EXPECT_FALSE(sb::resolve_user("ghost", passwd, group));
  EXPECT_FALSE(sb::resolve_user("app:ghosts", passwd, group));
}

} // namespace
} // namespace sandbox_test

namespace sandbox_test {
namespace {

TEST_F(SandboxRun, SingleMappingRunsAsRootAndRefusesOtherUsersClearly) {
  m_options.id_map = sb::IdMapMode::single;
  auto result = run(shell_run("id -u > /who && touch /file"));
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/who"), "0\n");
  EXPECT_EQ(result->layer.find("/file")->uid, 0u) << "the caller is recorded as the image's root";

  auto as_app = shell_run("true");
  as_app.user = "app";
  result = run(as_app);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("needs a subordinate id range"), std::string::npos)
      << result.error().message;
}

} // namespace
} // namespace sandbox_test

// distill lock errors about a base point at its FROM line. No network: the
// archive is a closed port on loopback.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

TEST(LockCli, AnUnreachableArchiveIsAnErrorAtTheFromLine) {
  const fs::path dir = fs::temp_directory_path() / ("distill-lock-cli-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "Dockerfile") << "# a comment\nFROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\n";
  const std::string command = "cd '" + dir.string() + "' && env XDG_CACHE_HOME='" + (dir / "cache").string() +
                              "' '" DISTILL_BINARY "' lock --snapshot 'http://127.0.0.1:9/archive/{archive}/1' . 2>'" +
                              (dir / "err").string() + "'";
  const int raw = std::system(command.c_str());
  std::ifstream in(dir / "err");
  std::ostringstream err;
  err << in.rdbuf();
  EXPECT_EQ(WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, 1) << err.str();
  EXPECT_NE(err.str().find("Dockerfile:2:1: error: FROM debian:bookworm-slim: downloading http://127.0.0.1:9/archive/"
                           "debian/1/dists/bookworm/InRelease"),
            std::string::npos)
      << err.str();
  EXPECT_FALSE(fs::exists(dir / "distill.lock"));
  fs::remove_all(dir);
}

} // namespace

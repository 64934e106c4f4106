#include "planner/lint/rules.hpp"

#include <algorithm>
#include <cctype>

namespace distill::planner::lint {
namespace {

using support::Severity;
constexpr Category k_repro = Category::reproducibility;
constexpr Category k_bloat = Category::bloat;
constexpr Category k_safety = Category::safety;
constexpr Category k_correct = Category::correctness;

// Built once per call site; a function-local constant, not mutable global state.
const std::vector<Rule>& registry() {
  static const std::vector<Rule> k_rules = {
      // reproducibility
      {"base-image-no-digest", {}, Severity::info, k_repro, "base image is not pinned by digest",
       "pin it: FROM name:tag@sha256:<digest> (distill.lock pins it: a distro base by its packages, a pulled image by digest)", true, true},
      {"base-image-no-tag", {"DL3006"}, Severity::warning, k_repro, "base image has neither a tag nor a digest",
       "name a tag and a digest: FROM name:tag@sha256:<digest>", true, true},
      {"base-image-latest", {"DL3007"}, Severity::warning, k_repro, "base image uses the 'latest' tag",
       "use a fixed tag and a digest instead of 'latest'", true, true},
      {"apt-upgrade", {"DL3005"}, Severity::warning, k_repro,
       "apt-get upgrade makes the image depend on the day it is built",
       "remove it and move to a newer base image instead", true, false},
      {"apt-unpinned", {"DL3008"}, Severity::warning, k_repro, "apt-get install without package versions",
       "pin versions (name=version) or build with distill, whose lockfile pins them", true, false},
      {"apt-update-separate", {}, Severity::warning, k_repro,
       "apt-get update in a RUN without apt-get install",
       "run apt-get update && apt-get install in the same RUN", true, true},
      {"apk-unpinned", {"DL3018"}, Severity::warning, k_repro, "apk add without package versions",
       "pin versions: apk add name=version", false, false},
      {"pip-unpinned", {"DL3013"}, Severity::warning, k_repro, "pip install without versions or hashes",
       "pin versions (name==version) or install from a requirements file with --require-hashes", false, false},
      {"npm-install-not-ci", {}, Severity::warning, k_repro,
       "npm install resolves versions anew; npm ci installs the lockfile",
       "use npm ci with a committed package-lock.json", false, false},
      {"npm-unpinned", {"DL3016"}, Severity::warning, k_repro, "npm install of a package without a version",
       "pin versions: npm install name@version", false, false},
      {"go-install-latest", {"DL3062"}, Severity::warning, k_repro, "go install without a pinned version",
       "pin a version: go install module/cmd@v1.2.3", false, false},
      {"pipe-to-shell", {}, Severity::warning, k_repro, "a downloaded script is run without a checksum check",
       "download to a file, check its sha256 (sha256sum -c), then run it", false, false},
      {"add-url-no-checksum", {}, Severity::warning, k_repro, "ADD of a URL without --checksum",
       "add --checksum=sha256:<digest>", false, false},
      {"download-no-checksum", {}, Severity::warning, k_repro,
       "a download is not checked against a checksum or signature in the same RUN",
       "check it: echo \"<sha256>  file\" | sha256sum -c - (or verify a signature with gpgv)", false, false},
      {"git-clone-unpinned", {}, Severity::warning, k_repro, "git clone of a branch that moves",
       "pin it: git clone URL dir && git -C dir checkout <commit>, or clone a tag (--branch v1.2.3)", false, false},
      {"time-or-random-value", {}, Severity::warning, k_repro,
       "the clock or a random source decides what goes into the image",
       "use a fixed value (date -d @$SOURCE_DATE_EPOCH) and remove temporary files in the same RUN", false, false},
      // bloat
      {"apt-no-install-recommends", {"DL3015"}, Severity::info, k_bloat,
       "apt-get install without --no-install-recommends", "add --no-install-recommends", false, true},
      {"apt-lists-left", {"DL3009"}, Severity::info, k_bloat, "apt package lists are left in the layer",
       "end the RUN with rm -rf /var/lib/apt/lists/*, or use a cache mount", true, true},
      {"copy-all-before-install", {}, Severity::info, k_bloat,
       "the whole build context is copied before the dependency install",
       "copy the dependency manifests first (package.json, requirements.txt, ...), install, then COPY . .", false,
       false},
      {"pip-cache-left", {"DL3042"}, Severity::warning, k_bloat, "pip keeps its download cache in the layer",
       "add --no-cache-dir, set PIP_NO_CACHE_DIR=1, or use RUN --mount=type=cache,target=/root/.cache/pip", false,
       false},
      {"apk-cache-left", {"DL3019"}, Severity::info, k_bloat, "apk add without --no-cache keeps the package index",
       "use apk add --no-cache, or RUN --mount=type=cache,target=/var/cache/apk", false, false},
      {"npm-cache-left", {}, Severity::info, k_bloat, "npm keeps its package cache in the layer",
       "end the RUN with npm cache clean --force, or use RUN --mount=type=cache,target=/root/.npm", false, false},
      {"yarn-cache-left", {"DL3060"}, Severity::info, k_bloat, "yarn install keeps its package cache in the layer",
       "end the RUN with yarn cache clean, or use RUN --mount=type=cache,target=/usr/local/share/.cache/yarn", false,
       false},
      {"yum-cache-left", {"DL3032"}, Severity::warning, k_bloat, "yum keeps its cache in the layer",
       "end the RUN with yum clean all", false, false},
      {"dnf-cache-left", {"DL3040"}, Severity::warning, k_bloat, "dnf keeps its cache in the layer",
       "end the RUN with dnf clean all (microdnf clean all)", false, false},
      {"zypper-cache-left", {"DL3036"}, Severity::warning, k_bloat, "zypper keeps its cache in the layer",
       "end the RUN with zypper clean", false, false},
      // safety
      {"final-user-root", {"DL3002"}, Severity::warning, k_safety, "the final stage runs as root",
       "add USER with an unprivileged user at the end of the final stage", false, false},
      {"SecretsUsedInArgOrEnv", {"DL3064"}, Severity::warning, k_safety,
       "a secret-like name in ARG or ENV: the value stays in the image",
       "pass secrets with RUN --mount=type=secret", false, false, true},
      {"untrusted-registry", {"DL3026"}, Severity::error, k_safety,
       "the image comes from a registry that is not trusted",
       "use an image from a trusted registry, or add the registry to trustedRegistries", false, false},
      {"sudo", {"DL3004"}, Severity::error, k_safety, "sudo in RUN", "RUN already runs as root; use USER to switch",
       false, false},
      {"chmod-777", {}, Severity::warning, k_safety, "files made writable by everyone (mode 777)",
       "give the least mode that works, e.g. 755 or 644", false, false},
      {"add-instead-of-copy", {"DL3020"}, Severity::error, k_safety, "ADD of local files; COPY is meant",
       "use COPY for files and folders (ADD unpacks archives and fetches URLs)", false, true},
      // correctness: BuildKit's build checks, with BuildKit's names
      {"StageNameCasing", {}, Severity::warning, k_correct, "stage name should be lowercase",
       "write the stage name in lower case", false, true, true},
      {"FromAsCasing", {}, Severity::warning, k_correct, "'as' and 'FROM' keywords' casing do not match",
       "write AS in the same case as FROM", false, true, true},
      {"ConsistentInstructionCasing", {}, Severity::warning, k_correct,
       "instruction keywords should use one casing", "write every keyword in the same case", false, true, true},
      {"DuplicateStageName", {"DL3024"}, Severity::warning, k_correct, "duplicate stage name",
       "give each stage a unique name", false, false, true},
      {"ReservedStageName", {"DL3063"}, Severity::warning, k_correct, "stage name is reserved",
       "do not name a stage 'scratch' or 'context'", false, false, true},
      {"JSONArgsRecommended", {"DL3025"}, Severity::warning, k_correct,
       "JSON arguments recommended for CMD and ENTRYPOINT to get OS signals",
       "use the exec form: CMD [\"prog\", \"arg\"]", false, false, true},
      {"MaintainerDeprecated", {"DL4000"}, Severity::warning, k_correct, "MAINTAINER instruction is deprecated",
       "use LABEL org.opencontainers.image.authors=\"...\"", false, true, true},
      {"WorkdirRelativePath", {"DL3000"}, Severity::warning, k_correct,
       "relative WORKDIR depends on the base image's working directory",
       "set an absolute WORKDIR first", false, false, true},
      {"MultipleInstructionsDisallowed", {"DL4003", "DL4004", "DL3012"}, Severity::warning, k_correct,
       "several CMD, ENTRYPOINT or HEALTHCHECK in one stage: only the last takes effect",
       "remove all but the last", false, false, true},
      {"LegacyKeyValueFormat", {}, Severity::warning, k_correct,
       "legacy 'key value' format in ENV or LABEL", "write key=value", false, true, true},
      {"ExposeProtoCasing", {}, Severity::warning, k_correct, "EXPOSE protocol should be lowercase",
       "write tcp or udp in lower case", false, true, true},
      {"NoEmptyContinuation", {}, Severity::warning, k_correct,
       "empty continuation line (will become an error)", "remove the empty line or make it a comment", false,
       true, true},
      {"UndefinedArgInFrom", {}, Severity::warning, k_correct, "FROM uses an ARG that is not declared",
       "declare the ARG before the first FROM", false, false, true},
      {"InvalidDefaultArgInFrom", {}, Severity::warning, k_correct,
       "the ARG defaults give an empty or invalid base image name",
       "give the ARG a default, or use ${NAME:-default} in FROM", false, false, true},
      {"RedundantTargetPlatform", {"DL3065"}, Severity::warning, k_correct,
       "FROM --platform=$TARGETPLATFORM is the default", "remove the --platform flag", false, true, true},
      {"FromPlatformFlagConstDisallowed", {"DL3029"}, Severity::warning, k_correct,
       "FROM --platform with a constant value prevents multi-platform builds",
       "use $BUILDPLATFORM or $TARGETPLATFORM, or name the stage after the platform", false, false, true},
      {"ExposeInvalidFormat", {}, Severity::warning, k_correct,
       "EXPOSE with an IP address or a host port mapping (will become an error)",
       "expose the container port only: EXPOSE 80/tcp", false, true, true},
      {"UndefinedVar", {}, Severity::warning, k_correct,
       "a variable is used that is neither an ARG in scope nor an ENV of the stage",
       "declare it with ARG in this stage (global ARGs too) or ENV before using it, or fix the name", false, false,
       true},
      {"CopyIgnoredFile", {}, Severity::warning, k_correct,
       "COPY or ADD of a file that .dockerignore leaves out of the build context",
       "remove the pattern from .dockerignore, or stop copying the file", false, false, true},
      {"InvalidDefinitionDescription", {}, Severity::warning, k_correct,
       "the comment above a stage or ARG does not start with its name (experimental)",
       "start the description with the name (# build compiles the app), or add an empty comment line", false,
       false, true, true},
      {"parse-error", {}, Severity::error, k_correct, "the Dockerfile cannot be read as docker build reads it",
       "fix the instruction as the message says", false, false},
  };
  return k_rules;
}

bool iequals(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

} // namespace

std::string_view to_string(Category category) {
  switch (category) {
  case Category::reproducibility: return "reproducibility";
  case Category::bloat: return "bloat";
  case Category::safety: return "safety";
  case Category::correctness: return "correctness";
  }
  return "correctness";
}

std::span<const Rule> rules() { return registry(); }

bool rule_matches(const Rule& rule, std::string_view name) {
  if (iequals(rule.id, name)) return true;
  return std::ranges::any_of(rule.aliases, [&](std::string_view alias) { return iequals(alias, name); });
}

const Rule* find_rule(std::string_view id_or_alias) {
  for (const Rule& rule : registry()) {
    if (rule_matches(rule, id_or_alias)) return &rule;
  }
  return nullptr;
}

} // namespace distill::planner::lint

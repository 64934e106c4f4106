#pragma once

// The Plan IR: what the planner hands the backend. A plan is a list of
// stages; each starts from a Base and applies ops in order. Every op keeps the
// source range(s) it came from (merged ops keep all of them) so that a
// failure while executing it points at the Dockerfile line.
//
// This header is plain data and depends only on support/, so the backend can
// use it without linking the frontend.

#include "support/diagnostic.hpp"
#include "support/source.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace distill::planner {

using support::SourceRange;
using Ranges = std::vector<SourceRange>;
using EnvList = std::vector<std::pair<std::string, std::string>>; // ordered KEY, VALUE

// ---- Bases ---------------------------------------------------------------

struct ScratchBase {};

// debian:bookworm, debian:12-slim, ubuntu:24.04, ... synthesized from packages.
struct DistroBase {
  std::string distro;  // "debian" | "ubuntu"
  std::string suite;   // codename: "bookworm", "noble"; "stable"/"testing" for debian:latest/stable/testing
  std::string version; // "12", "24.04"; empty when only a codename was given
  bool slim = false;
  std::string reference; // as written after expansion, e.g. "debian:bookworm-slim"
  std::string serial;    // "20241202" from a dated tag (debian:bookworm-20241202): that day's snapshot
  bool moving = false;   // a tag that follows releases (latest, stable, testing, sid): not reproducible
};

// Any other image, pulled from a registry.
struct ImageBase {
  std::string reference; // as written after expansion
  std::string digest;    // "sha256:..." when pinned in the reference or lock
};

// FROM <earlier stage>.
struct StageBase {
  int stage = -1; // index into Plan::stages
};

// FROM oci-layout://DIR[:TAG]
struct LayoutBase {
  std::string path;
  std::string tag;
};

using BaseKind = std::variant<ScratchBase, DistroBase, ImageBase, StageBase, LayoutBase>;

struct Base {
  BaseKind kind;
  std::string platform; // "linux/amd64"; empty = the build platform
  Ranges where;
};

// ---- Package installs ----------------------------------------------------

// A word of an install's package list that reads variables only the base
// image's config sets (`postgresql-${PG_MAJOR}` on a pulled image): the plan
// cannot see that config, so `distill lock` expands the word from the pulled
// image's Env as the shell would (unquoted values split on whitespace) and
// resolves the requests it gives (planner/rewrite/base_env_packages.hpp).
struct BaseEnvWord {
  std::string word;               // as written in the script
  std::vector<std::string> names; // the variables it reads from the base image's Env
  EnvList values;                 // the variables it reads that the Dockerfile sets, with their values
  friend bool operator==(const BaseEnvWord&, const BaseEnvWord&) = default;
};

struct PackageRequest {
  std::string name;
  std::string version; // "=1.2-3" pin without '='; may end in '*' (apt's version glob); empty = candidate
  std::string arch;    // "name:arch"; empty = native
  std::string suite;   // "name/suite"; empty = default
  // Set: not a request yet but a word that becomes zero or more of them at
  // lock time, where it stands in the list; the fields above are empty.
  std::optional<BaseEnvWord> from_base_env = std::nullopt;
  friend bool operator==(const PackageRequest&, const PackageRequest&) = default;
};

// The declarative form of apt-get install / purge steps. One op applies its
// parts in this order (the rewrite starts a new op when a step does not fit):
//   1. save_manual   2. upgrade   3. packages (install)   4. mark_auto
//   5. mark_manual + restore_manual   6. remove, purge   7. auto_remove
// The backend keeps the image's dpkg/apt database (status, extended_states)
// in step with these ops, and reads it back before an op that follows a Run,
// so a Run that calls apt-mark or apt-get between two ops is seen by them.
struct InstallPackages {
  std::vector<PackageRequest> packages;
  bool recommends = true;          // false with --no-install-recommends
  std::vector<std::string> purge;  // apt-get purge after install (savedAptMark idiom)
  bool auto_remove = false;        // purge --auto-remove
  std::vector<std::string> mark_auto;   // apt-mark auto; may hold apt-mark's patterns ('.*')
  std::vector<std::string> mark_manual; // apt-mark manual
  std::vector<std::string> remove; // apt-get remove (conffiles kept), after install
  std::string upgrade;             // "upgrade" | "dist-upgrade" (also full-upgrade); empty = none
  std::string default_release;     // -t / --target-release: preferred release for this op
  bool autoremove_keeps_recommends = true; // false: -o APT::AutoRemove::RecommendsImportant=false
  // savedAptMark="$(apt-mark showmanual)": before this op, record the manually
  // installed set under this name (for restore_manual and Run::saved_manual).
  std::string save_manual;
  // apt-mark manual $savedAptMark: also mark manual the set recorded under this name.
  std::string restore_manual;
  Ranges where;
};

// ---- RUN -----------------------------------------------------------------

enum class MountType { bind, cache, tmpfs, secret, ssh };

struct Mount {
  MountType type = MountType::bind;
  std::string target;
  std::string source;
  std::string from; // stage name or image for bind/cache
  int from_stage = -1;
  bool readonly = false; // bind: default true
  std::string id;        // cache/secret/ssh id
  std::string sharing;   // "shared" | "private" | "locked"
  std::optional<unsigned> uid, gid, mode;
  bool required = false;
  std::string env; // secret: expose as this env variable
  std::optional<unsigned long long> size;
};

// A step the planner could not rewrite; executed by the sandbox.
struct Run {
  std::vector<std::string> argv; // exec form, or shell + script for shell form
  bool shell_form = false;
  std::string script;              // shell form: the command text
  std::vector<std::string> shell;  // SHELL in effect, e.g. {"/bin/sh", "-c"}
  EnvList env;                     // full environment: stage ENV, then ARGs in scope
  std::vector<std::string> build_args; // names in env that come from ARG (not kept in image)
  std::string user;                // USER in effect; empty = root
  std::string workdir;             // WORKDIR in effect; "/" default
  std::vector<Mount> mounts;
  std::string network;  // "default" | "none" | "host"; empty = build default
  std::string security; // "sandbox" | "insecure"; empty = sandbox
  struct File {         // heredoc files: RUN <<EOF bodies handed as files/stdin
    std::string name;
    std::string content;
    int fd = -1;
  };
  std::vector<File> heredocs;
  std::string reason; // why the planner kept it as a Run (empty: exec form etc.)
  // Variables the script reads that hold a set recorded by
  // InstallPackages::save_manual: the backend sets each (one package per line).
  std::vector<std::string> saved_manual;
  Ranges where;
};

// ---- COPY / ADD ----------------------------------------------------------

struct Copy {
  bool add = false;                 // ADD semantics: URLs, tar unpacking
  std::vector<std::string> sources; // paths (wildcards allowed) or URLs
  std::string from;                 // --from as written (stage, image, context)
  int from_stage = -1;              // resolved stage index, -1 = context/image
  struct Inline {                   // COPY <<EOF /dest heredoc sources
    std::string name;
    std::string content;
  };
  std::vector<Inline> inline_files;
  std::string dest;                 // as written, after expansion
  std::string workdir;              // to resolve a relative dest
  std::string chown;                // "user:group" as written, after expansion
  std::optional<unsigned> chmod;    // octal mode
  std::string chmod_text;           // non-octal --chmod (e.g. "u+x"), as written
  bool link = false;
  bool parents = false;
  std::vector<std::string> excludes;
  std::string checksum;             // ADD --checksum=sha256:...
  std::optional<bool> unpack;       // ADD --unpack
  bool keep_git_dir = false;
  Ranges where;
};

// ---- File ops (rewritten shell idioms) -----------------------------------

struct Mkdir {
  std::string path;
  unsigned mode = 0755;
  bool parents = true;
  Ranges where;
};
// Like `ln -s target path`: when `path` is an existing directory (and
// no_target_directory is false) the link is made inside it, named after target.
struct Symlink {
  std::string target; // what the link points at
  std::string path;   // the link itself
  bool force = false; // ln -f: replace an existing file
  bool no_target_directory = false; // ln -n / -T
  Ranges where;
};
// `echo/printf ... > path`: an existing file keeps its mode and owner.
struct WriteFile {
  std::string path;
  std::string content;
  unsigned mode = 0644;
  bool append = false;
  Ranges where;
};
struct Remove {
  std::string path; // may end in "/*" for directory contents; cache_cleanup paths may glob the last part
  bool recursive = false;
  bool force = false;         // rm -f: a missing path is not an error
  bool cache_cleanup = false; // apt lists/caches cleanup; dropped when nothing can have filled them
  Ranges where;
};
struct Chmod {
  std::vector<std::string> paths;
  std::string mode; // octal or symbolic, as written
  bool recursive = false;
  Ranges where;
};
struct Chown {
  std::vector<std::string> paths;
  std::string owner; // "user[:group]"
  bool recursive = false;
  Ranges where;
};
struct AddUser {
  std::string name;
  std::optional<unsigned> uid;
  std::optional<unsigned> gid;
  std::string group; // primary group name; empty = same as name or "nogroup"
  std::vector<std::string> groups; // supplementary
  std::string home;
  std::string shell;
  std::string gecos;
  bool system = false;
  bool create_home = false;
  bool create_group = false; // also create a group named like the user (useradd default, adduser --group)
  std::string tool;          // "useradd" | "adduser" | "busybox": whose id allocation to mimic
  Ranges where;
};
struct AddGroup {
  std::string name;
  std::optional<unsigned> gid;
  bool system = false;
  std::string tool; // "groupadd" | "addgroup" | "busybox"
  Ranges where;
};

// ---- Image config ----------------------------------------------------------

struct SetEnv {
  EnvList values;
  Ranges where;
};
struct SetWorkdir {
  std::string path; // absolute, after expansion
  Ranges where;
};
struct SetUser {
  std::string user;
  Ranges where;
};
struct SetEntrypoint {
  std::vector<std::string> argv; // shell form already wrapped in SHELL
  bool shell_form = false;
  Ranges where;
};
struct SetCmd {
  std::vector<std::string> argv;
  bool shell_form = false;
  Ranges where;
};
struct SetLabels {
  std::vector<std::pair<std::string, std::string>> labels;
  Ranges where;
};
struct Expose {
  std::vector<std::string> ports; // "80/tcp"
  Ranges where;
};
struct AddVolumes {
  std::vector<std::string> paths;
  Ranges where;
};
struct Healthcheck {
  std::vector<std::string> test; // {"NONE"} | {"CMD", ...} | {"CMD-SHELL", "..."}
  std::optional<long long> interval_ns, timeout_ns, start_period_ns, start_interval_ns;
  std::optional<int> retries;
  Ranges where;
};
struct StopSignal {
  std::string signal;
  Ranges where;
};
struct SetShell {
  std::vector<std::string> shell;
  Ranges where;
};
struct OnBuild {
  std::string instruction; // the wrapped instruction's text
  Ranges where;
};

using Op = std::variant<InstallPackages, Run, Copy, Mkdir, Symlink, WriteFile, Remove, Chmod, Chown,
                        AddUser, AddGroup, SetEnv, SetWorkdir, SetUser, SetEntrypoint, SetCmd,
                        SetLabels, Expose, AddVolumes, Healthcheck, StopSignal, SetShell, OnBuild>;

// A history entry's text, BuildKit style ("RUN /bin/sh -c apt-get ... # buildkit",
// "ENV A=b"). The ops a rewrite makes from one RUN are consecutive and all
// carry that RUN's text; a backend that wants docker's layering commits them
// as one layer (then a purge at the end removes what an install at the start
// added, as the RUN did, instead of hiding it under whiteouts).
struct Step {
  Op op;
  std::string created_by;
};

struct Stage {
  std::string name; // lower-cased AS name; empty when unnamed
  int index = 0;    // position in the Dockerfile
  Base base;
  std::vector<Step> steps;
  Ranges where; // the FROM line
};

// What happened to one RUN step during the rewrites, for `distill plan`.
struct RewriteNote {
  enum class Outcome { full, partial, kept };
  Outcome outcome = Outcome::kept;
  std::string reason; // for partial and kept
  std::string cause;  // short stable key of the reason, for grouping ("conditional-install")
  std::vector<std::string> findings; // e.g. "apt-get upgrade is not reproducible"
  int install_commands = 0;   // apt-get/apt install commands in the step
  int installs_rewritten = 0; // of those, how many became InstallPackages
  int stage = -1;             // index into Plan::stages of the stage the RUN is in
  Ranges where;
};

struct Plan {
  std::vector<Stage> stages; // only those the target needs, in file order
  int target = -1;           // index into stages of the stage to build
  std::vector<RewriteNote> notes;
  std::vector<support::Diagnostic> findings; // about the plan: moving base tags, MAINTAINER, ...
};

} // namespace distill::planner

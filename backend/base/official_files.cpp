#include "backend/base/official_files.hpp"

namespace distill::backend::base {

using deb::generators::generated_file;
using deb::generators::put;
using support::Result;

// The texts below are the files of the official images (their SHA-256s are
// checked in tests/backend/base_official_files_test.cpp).

std::string_view policy_rc_d_text() {
  return
    "#!/bin/sh\n"
    "\n"
    "# For most Docker users, \"apt-get install\" only happens during \"docker build\",\n"
    "# where starting services doesn't work and often fails in humorous ways. This\n"
    "# prevents those failures by stopping the services from attempting to start.\n"
    "\n"
    "exit 101\n";
}

std::string_view docker_apt_speedup_text() {
  return
    "# For most Docker users, package installs happen during \"docker build\", which\n"
    "# doesn't survive power loss and gets restarted clean afterwards anyhow, so\n"
    "# this minor tweak gives us a nice speedup (much nicer on spinning disks,\n"
    "# obviously).\n"
    "\n"
    "force-unsafe-io\n";
}

std::string_view docker_autoremove_suggests_text() {
  return
    "# Since Docker users are looking for the smallest possible final images, the\n"
    "# following emerges as a very common pattern:\n"
    "\n"
    "#   RUN apt-get update \\\n"
    "#       && apt-get install -y <packages> \\\n"
    "#       && <do some compilation work> \\\n"
    "#       && apt-get purge -y --auto-remove <packages>\n"
    "\n"
    "# By default, APT will actually _keep_ packages installed via Recommends or\n"
    "# Depends if another package Suggests them, even and including if the package\n"
    "# that originally caused them to be installed is removed.  Setting this to\n"
    "# \"false\" ensures that APT is appropriately aggressive about removing the\n"
    "# packages it added.\n"
    "\n"
    "# https://aptitude.alioth.debian.org/doc/en/ch02s05s05.html#configApt-AutoRemove-SuggestsImportant\n"
    "Apt::AutoRemove::SuggestsImportant \"false\";\n";
}

std::string_view docker_clean_text() {
  return
    "# Since for most Docker users, package installs happen in \"docker build\" steps,\n"
    "# they essentially become individual layers due to the way Docker handles\n"
    "# layering, especially using CoW filesystems.  What this means for us is that\n"
    "# the caches that APT keeps end up just wasting space in those layers, making\n"
    "# our layers unnecessarily large (especially since we'll normally never use\n"
    "# these caches again and will instead just \"docker build\" again and make a brand\n"
    "# new image).\n"
    "\n"
    "# Ideally, these would just be invoking \"apt-get clean\", but in our testing,\n"
    "# that ended up being cyclic and we got stuck on APT's lock, so we get this fun\n"
    "# creation that's essentially just \"apt-get clean\".\n"
    "DPkg::Post-Invoke { \"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true\"; };\n"
    "APT::Update::Post-Invoke { \"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true\"; };\n"
    "\n"
    "Dir::Cache::pkgcache \"\";\n"
    "Dir::Cache::srcpkgcache \"\";\n"
    "\n"
    "# Note that we do realize this isn't the ideal way to do this, and are always\n"
    "# open to better suggestions (https://github.com/debuerreotype/debuerreotype/issues).\n";
}

std::string_view docker_gzip_indexes_text() {
  return
    "# Since Docker users using \"RUN apt-get update && apt-get install -y ...\" in\n"
    "# their Dockerfiles don't go delete the lists files afterwards, we want them to\n"
    "# be as small as possible on-disk, so we explicitly request that Apt keep them\n"
    "# compressed on-disk too instead of decompressing them.\n"
    "\n"
    "# For comparison, an \"apt-get update\" layer without this on a pristine\n"
    "# \"debian:wheezy\" base image was \"29.88 MB\", where with this it was only\n"
    "# \"8.273 MB\".\n"
    "\n"
    "Acquire::GzipIndexes \"true\";\n";
}

std::string_view docker_no_languages_text() {
  return
    "# In Docker, we don't often need the \"Translations\" files, so we're just wasting\n"
    "# time and space by downloading them, and this inhibits that.  For users that do\n"
    "# need them, it's a simple matter to delete this file and \"apt-get update\". :)\n"
    "\n"
    "Acquire::Languages \"none\";\n";
}

namespace {

constexpr std::string_view k_resolv_conf =
    "# https://1.1.1.1 (privacy-focused, highly-available DNS service)\n"
    "nameserver 1.1.1.1\n"
    "nameserver 1.0.0.1\n";

} // namespace

Result<void> generate_tmp(std::int64_t mtime, fs::Tree& out) {
  return put(out, "/tmp", fs::make_directory(01777, mtime));
}

Result<void> generate_official_files(const deb::generators::Context& context, SourcesConfig sources,
                                     fs::Tree& out) {
  const std::int64_t t = context.epoch;
  const std::string pgp = "/usr/share/keyrings/debian-archive-keyring.pgp";
  if (const fs::Entry* keyring = context.image->link_source(pgp);
      keyring != nullptr && keyring->content.size > 0) {
    sources.signed_by = pgp;
  }
  struct File {
    std::string_view path;
    std::string content;
    std::uint32_t mode;
  };
  const File files[] = {
      {"/usr/sbin/policy-rc.d", std::string(policy_rc_d_text()), 0755},
      {"/etc/dpkg/dpkg.cfg.d/docker-apt-speedup", std::string(docker_apt_speedup_text()), 0644},
      {"/etc/apt/apt.conf.d/docker-autoremove-suggests", std::string(docker_autoremove_suggests_text()), 0644},
      {"/etc/apt/apt.conf.d/docker-clean", std::string(docker_clean_text()), 0644},
      {"/etc/apt/apt.conf.d/docker-gzip-indexes", std::string(docker_gzip_indexes_text()), 0644},
      {"/etc/apt/apt.conf.d/docker-no-languages", std::string(docker_no_languages_text()), 0644},
      {"/etc/hostname", "debuerreotype\n", 0644},
      {"/etc/resolv.conf", std::string(k_resolv_conf), 0644},
      {"/etc/fstab", "# UNCONFIGURED FSTAB FOR BASE SYSTEM\n", 0644},
      {"/etc/apt/sources.list.d/debian.sources", debian_sources_text(sources), 0644},
  };
  for (const auto& file : files) {
    if (auto ok = put(out, file.path, generated_file(file.content, file.mode, t)); !ok) {
      return ok;
    }
  }
  return generate_tmp(t, out);
}

} // namespace distill::backend::base

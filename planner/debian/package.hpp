#pragma once

// One binary package version as an index stanza describes it.

#include <cstdint>
#include <string_view>

namespace distill::planner::debian {

enum class MultiArch { no, same, foreign, allowed };

// "no", "same", "foreign", "allowed".
std::string_view to_string(MultiArch multi_arch);

using PackageId = std::uint32_t;
using OriginId = std::uint32_t;

// The fields distill uses; every view points into the text the owning
// PackageIndex keeps. Relation fields stay raw (parse_relations on demand).
struct Package {
  std::string_view name;
  std::string_view version;
  std::string_view architecture; // "amd64", "all", ...
  MultiArch multi_arch = MultiArch::no;
  bool essential = false;
  bool important = false; // "Important: yes" or "Protected: yes" (apt prefers these)
  std::string_view priority;
  std::string_view section;
  std::string_view filename;
  std::uint64_t size = 0;
  std::uint64_t installed_size = 0; // KiB
  std::string_view sha256;
  std::string_view source;         // the source package (defaults to name)
  std::string_view source_version; // defaults to version
  std::string_view description;    // the synopsis (first line)
  std::string_view status;         // dpkg "Status" (status files only)

  std::string_view depends;
  std::string_view pre_depends;
  std::string_view recommends;
  std::string_view suggests;
  std::string_view enhances;
  std::string_view conflicts;
  std::string_view breaks;
  std::string_view replaces;
  std::string_view provides;

  std::string_view stanza; // the whole stanza text, as in the index
  std::size_t line = 0;    // 1-based line of the stanza in its file
  OriginId origin = 0; // the first index file that lists this version
};

} // namespace distill::planner::debian

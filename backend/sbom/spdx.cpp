#include "backend/sbom/spdx.hpp"

#include "backend/oci/json.hpp"
#include "support/sha256.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <regex>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

namespace distill::backend::sbom {

using nlohmann::json;

namespace {

// Debian copyright-format short names that differ from SPDX identifiers.
constexpr std::array<std::pair<std::string_view, std::string_view>, 40> k_debian_to_spdx{{
    {"GPL-1", "GPL-1.0-only"},          {"GPL-1+", "GPL-1.0-or-later"},
    {"GPL-2", "GPL-2.0-only"},          {"GPL-2+", "GPL-2.0-or-later"},
    {"GPL-3", "GPL-3.0-only"},          {"GPL-3+", "GPL-3.0-or-later"},
    {"LGPL-2", "LGPL-2.0-only"},        {"LGPL-2+", "LGPL-2.0-or-later"},
    {"LGPL-2.1", "LGPL-2.1-only"},      {"LGPL-2.1+", "LGPL-2.1-or-later"},
    {"LGPL-3", "LGPL-3.0-only"},        {"LGPL-3+", "LGPL-3.0-or-later"},
    {"AGPL-3", "AGPL-3.0-only"},        {"AGPL-3+", "AGPL-3.0-or-later"},
    {"GFDL-1.2", "GFDL-1.2-only"},      {"GFDL-1.2+", "GFDL-1.2-or-later"},
    {"GFDL-1.3", "GFDL-1.3-only"},      {"GFDL-1.3+", "GFDL-1.3-or-later"},
    {"Expat", "MIT"},                   {"MIT", "MIT"},
    {"BSD-2-clause", "BSD-2-Clause"},   {"BSD-3-clause", "BSD-3-Clause"},
    {"BSD-4-clause", "BSD-4-Clause"},   {"Apache-2.0", "Apache-2.0"},
    {"Apache-2", "Apache-2.0"},         {"Artistic", "Artistic-1.0-Perl"},
    {"Artistic-2.0", "Artistic-2.0"},   {"MPL-1.1", "MPL-1.1"},
    {"MPL-2.0", "MPL-2.0"},             {"Zlib", "Zlib"},
    {"zlib", "Zlib"},                   {"ISC", "ISC"},
    {"CC0-1.0", "CC0-1.0"},             {"OpenSSL", "OpenSSL"},
    {"Python-2.0", "Python-2.0"},       {"PSF-2", "PSF-2.0"},
    {"curl", "curl"},                   {"BSL-1.0", "BSL-1.0"},
    {"X11", "X11"},                     {"Unicode-DFS-2016", "Unicode-DFS-2016"},
}};

bool idstring_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-';
}

std::string idstring(std::string_view text) {
  std::string out;
  for (char c : text) {
    out += idstring_char(c) ? c : '-';
  }
  return out;
}

std::string percent_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-' || c == '_' || c == '~' || c == '+' || c == ':';
    if (safe) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string package_id(const Package& p) {
  const std::string key = p.name + "@" + p.version + "?arch=" + p.arch + "&distro=" + p.distro;
  return "SPDXRef-Package-deb-" + idstring(p.name) + "-" + support::sha256_hex(key).substr(0, 16);
}

// One License: value of a DEP-5 file as an SPDX expression: "GPL-2+ or
// Artistic" is a choice of two licences (GPL-2.0-or-later OR
// Artistic-1.0-Perl), not one unknown one. Collects the LicenseRefs to declare.
std::string debian_expression(const std::string& value, std::map<std::string, std::string>& refs) {
  static const std::regex k_operator("\\s+(or|and)\\s+", std::regex::icase);
  std::string out;
  std::string op;
  auto add = [&](const std::string& name) {
    const std::string term = spdx_license(name);
    if (term.empty()) {
      return;
    }
    if (term.starts_with("LicenseRef-")) {
      refs.emplace(term, name);
    }
    out += (out.empty() ? "" : op) + term;
  };
  std::size_t at = 0;
  for (std::sregex_iterator it(value.begin(), value.end(), k_operator), end; it != end; ++it) {
    add(value.substr(at, static_cast<std::size_t>(it->position()) - at));
    const std::string word = (*it)[1].str();
    op = (word[0] == 'o' || word[0] == 'O') ? " OR " : " AND ";
    at = static_cast<std::size_t>(it->position() + it->length());
  }
  add(value.substr(at));
  return out;
}

// The licence expression for a package, collecting LicenseRefs to declare.
std::string license_expression(const Package& p, std::map<std::string, std::string>& refs) {
  std::set<std::string> terms;
  for (const auto& name : p.licenses) {
    const std::string term = debian_expression(name, refs);
    if (!term.empty()) {
      terms.insert(term);
    }
  }
  if (terms.empty()) {
    return "NOASSERTION";
  }
  std::string out;
  for (const auto& term : terms) {
    // AND binds tighter than OR: a choice joins the others in parentheses.
    const bool choice = terms.size() > 1 && term.find(' ') != std::string::npos;
    out += (out.empty() ? "" : " AND ") + (choice ? "(" + term + ")" : term);
  }
  return out;
}

// "Name <mail>" (a Maintainer field) -> "Person: Name (mail)" as SPDX spells it.
std::string supplier(const std::string& maintainer) {
  if (maintainer.empty()) {
    return "NOASSERTION";
  }
  std::string out = maintainer;
  std::replace(out.begin(), out.end(), '<', '(');
  std::replace(out.begin(), out.end(), '>', ')');
  return "Person: " + out;
}

} // namespace

std::string purl(const Package& p) {
  return fmt::format("pkg:deb/{}/{}@{}?arch={}", percent_encode(p.distro), percent_encode(p.name),
                     percent_encode(p.version), percent_encode(p.arch));
}

std::string spdx_license(const std::string& debian_name) {
  std::string trimmed = debian_name;
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\t')) {
    trimmed.pop_back();
  }
  while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) {
    trimmed.erase(trimmed.begin());
  }
  if (trimmed.empty()) {
    return "";
  }
  for (const auto& [debian, spdx] : k_debian_to_spdx) {
    if (trimmed == debian) {
      return std::string(spdx);
    }
  }
  return "LicenseRef-" + idstring(trimmed);
}

std::string spdx_json(const Document& document) {
  std::vector<Package> packages = document.packages;
  std::sort(packages.begin(), packages.end(), [](const Package& a, const Package& b) {
    return std::tie(a.name, a.version, a.arch, a.distro) < std::tie(b.name, b.version, b.arch, b.distro);
  });
  packages.erase(std::unique(packages.begin(), packages.end(),
                             [](const Package& a, const Package& b) {
                               return a.name == b.name && a.version == b.version &&
                                      a.arch == b.arch && a.distro == b.distro;
                             }),
                 packages.end());

  std::map<std::string, std::string> license_refs;
  json package_list = json::array();
  json relationships = json::array();
  relationships.push_back({{"spdxElementId", "SPDXRef-DOCUMENT"},
                           {"relationshipType", "DESCRIBES"},
                           {"relatedSpdxElement", "SPDXRef-Image"}});
  json image = {{"SPDXID", "SPDXRef-Image"},
                {"name", document.name.empty() ? std::string("image") : document.name},
                {"downloadLocation", "NOASSERTION"},
                {"filesAnalyzed", false},
                {"licenseConcluded", "NOASSERTION"},
                {"licenseDeclared", "NOASSERTION"},
                {"copyrightText", "NOASSERTION"},
                {"primaryPackagePurpose", "CONTAINER"}};
  if (document.image_digest.starts_with("sha256:")) {
    image["versionInfo"] = document.image_digest;
    image["checksums"] = json::array(
        {{{"algorithm", "SHA256"}, {"checksumValue", document.image_digest.substr(7)}}});
  }
  package_list.push_back(std::move(image));
  for (const auto& p : packages) {
    const std::string id = package_id(p);
    json entry = {{"SPDXID", id},
                  {"name", p.name},
                  {"versionInfo", p.version},
                  {"downloadLocation", "NOASSERTION"},
                  {"filesAnalyzed", false},
                  {"licenseConcluded", "NOASSERTION"},
                  {"licenseDeclared", license_expression(p, license_refs)},
                  {"copyrightText", "NOASSERTION"},
                  {"supplier", supplier(p.supplier)},
                  {"externalRefs", json::array({{{"referenceCategory", "PACKAGE-MANAGER"},
                                                 {"referenceType", "purl"},
                                                 {"referenceLocator", purl(p)}}})}};
    if (!p.sha256.empty()) {
      entry["checksums"] =
          json::array({{{"algorithm", "SHA256"}, {"checksumValue", p.sha256}}});
    }
    if (!p.source.empty() && p.source != p.name) {
      entry["sourceInfo"] = "built from source package " + p.source;
    }
    package_list.push_back(std::move(entry));
    relationships.push_back({{"spdxElementId", "SPDXRef-Image"},
                             {"relationshipType", "CONTAINS"},
                             {"relatedSpdxElement", id}});
  }

  json out = {{"spdxVersion", "SPDX-2.3"},
              {"dataLicense", "CC0-1.0"},
              {"SPDXID", "SPDXRef-DOCUMENT"},
              {"name", document.name.empty() ? std::string("image") : document.name},
              {"creationInfo",
               {{"created", oci::rfc3339(document.created)}, {"creators", {"Tool: distill"}}}},
              {"packages", std::move(package_list)},
              {"relationships", std::move(relationships)}};
  if (!license_refs.empty()) {
    json extracted = json::array();
    for (const auto& [id, name] : license_refs) {
      extracted.push_back({{"licenseId", id},
                           {"name", name},
                           {"extractedText", "License: " + name + " (see the package's copyright file)"}});
    }
    out["hasExtractedLicensingInfos"] = std::move(extracted);
  }
  // The namespace must be unique per document and stable per content: hash
  // everything else in the document.
  out["documentNamespace"] = "https://spdx.org/spdxdocs/distill/" + idstring(document.name) + "-" +
                             support::sha256_hex(oci::canonical_json(out));
  return oci::canonical_json(out);
}

} // namespace distill::backend::sbom

#include "backend/archive/apt_sources.hpp"

#include "planner/debian/control.hpp"
#include "support/atomic_file.hpp"

#include <algorithm>

namespace distill::backend::archive {

namespace fs = std::filesystem;
namespace debian = planner::debian;

namespace {

std::vector<std::string> split_any(std::string_view text, std::string_view separators) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto start = text.find_first_not_of(separators, pos);
    if (start == std::string_view::npos) {
      break;
    }
    const auto end = text.find_first_of(separators, start);
    out.emplace_back(text.substr(start, end - start));
    pos = end == std::string_view::npos ? text.size() : end;
  }
  return out;
}

std::optional<bool> parse_yes_no(std::string_view value) {
  if (value == "yes" || value == "true" || value == "1") {
    return true;
  }
  if (value == "no" || value == "false" || value == "0") {
    return false;
  }
  return std::nullopt;
}

// One "key=value" (or "key+=value") of a one-line entry's [ ... ] options.
support::Result<void> apply_option(AptSourceEntry& entry, std::string_view option,
                                   std::string_view where) {
  const auto eq = option.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return support::fail("{}: option \"{}\" is not key=value", where, option);
  }
  std::string_view key = option.substr(0, eq);
  const std::string_view value = option.substr(eq + 1);
  if (key.ends_with('+') || key.ends_with('-')) {
    key.remove_suffix(1); // arch+=/arch-= tweak the host default; read as a plain list
  }
  if (key == "arch") {
    entry.architectures = split_any(value, ",");
  } else if (key == "signed-by") {
    entry.signed_by = split_any(value, ",");
  } else if (key == "trusted" || key == "check-valid-until") {
    const auto flag = parse_yes_no(value);
    if (!flag) {
      return support::fail("{}: option {} must be yes or no, not \"{}\"", where, key, value);
    }
    (key == "trusted" ? entry.trusted : entry.check_valid_until) = flag;
  }
  // Other options (lang=, target=, pdiffs=, by-hash=, ...) do not change what we read.
  return {};
}

// The value of a deb822 field whose continuation lines hold an armored key:
// " ." lines stand for empty lines.
std::string multiline_value(std::string_view value) {
  std::string out;
  for (auto line : debian::value_lines(value)) {
    out += line == "." ? std::string_view() : line;
    out += '\n';
  }
  return out;
}

} // namespace

support::Result<std::vector<AptSourceEntry>> parse_one_line_sources(std::string_view text,
                                                                    std::string_view file) {
  std::vector<AptSourceEntry> entries;
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    line = line.substr(0, line.find('#'));
    auto words = split_any(line, " \t\r");
    if (words.empty()) {
      continue;
    }
    const std::string where = fmt::format("{}:{}", file, number);
    AptSourceEntry entry;
    entry.file = std::string(file);
    entry.line = number;
    if (words[0] != "deb" && words[0] != "deb-src") {
      return support::fail("{}: unknown source type \"{}\" (expected deb or deb-src)", where,
                           words[0]);
    }
    entry.types = {words[0]};
    std::size_t i = 1;
    if (i < words.size() && words[i].starts_with('[')) {
      // Options may be written "[arch=amd64 signed-by=/k.gpg]" or "[ arch=amd64 ]".
      std::string options;
      for (; i < words.size(); ++i) {
        options += words[i] + " ";
        if (words[i].ends_with(']')) {
          break;
        }
      }
      if (i == words.size()) {
        return support::fail("{}: \"[\" without a closing \"]\"", where);
      }
      ++i;
      for (const auto& option : split_any(options, " []")) {
        if (auto applied = apply_option(entry, option, where); !applied) {
          return std::unexpected(applied.error());
        }
      }
    }
    if (words.size() < i + 2) {
      return support::fail("{}: malformed entry (expected \"deb [options] uri suite "
                           "[component...]\")",
                           where);
    }
    entry.uris = {words[i]};
    entry.suites = {words[i + 1]};
    entry.components.assign(words.begin() + static_cast<std::ptrdiff_t>(i + 2), words.end());
    if (entry.components.empty() && !entry.suites[0].ends_with('/')) {
      return support::fail("{}: suite \"{}\" needs at least one component", where, entry.suites[0]);
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

support::Result<std::vector<AptSourceEntry>> parse_deb822_sources(std::string_view text,
                                                                  std::string_view file) {
  auto stanzas = debian::parse_control(text, {.allow_comments = true, .reject_duplicates = true});
  if (!stanzas) {
    return std::unexpected(stanzas.error().context(file));
  }
  std::vector<AptSourceEntry> entries;
  for (const auto& stanza : *stanzas) {
    const std::string where = fmt::format("{}:{}", file, stanza.line);
    AptSourceEntry entry;
    entry.file = std::string(file);
    entry.line = stanza.line;
    entry.types = split_any(stanza.get("Types"), " \t\n");
    entry.uris = split_any(stanza.get("URIs"), " \t\n");
    entry.suites = split_any(stanza.get("Suites"), " \t\n");
    entry.components = split_any(stanza.get("Components"), " \t\n");
    entry.architectures = split_any(stanza.get("Architectures"), " \t\n");
    if (entry.types.empty() || entry.uris.empty() || entry.suites.empty()) {
      return support::fail("{}: a source needs Types, URIs and Suites", where);
    }
    for (const auto& type : entry.types) {
      if (type != "deb" && type != "deb-src") {
        return support::fail("{}: unknown source type \"{}\" (expected deb or deb-src)", where,
                             type);
      }
    }
    const std::string_view signed_by = stanza.get("Signed-By");
    if (signed_by.find("-----BEGIN PGP") != std::string_view::npos) {
      entry.signed_by_key = multiline_value(signed_by);
    } else {
      entry.signed_by = split_any(signed_by, " \t\n,");
    }
    for (const auto& [name, slot] :
         {std::pair{"Enabled", 0}, std::pair{"Trusted", 1}, std::pair{"Check-Valid-Until", 2}}) {
      if (!stanza.has(name)) {
        continue;
      }
      const auto flag = parse_yes_no(stanza.get(name));
      if (!flag) {
        return support::fail("{}: {} must be yes or no, not \"{}\"", where, name, stanza.get(name));
      }
      if (slot == 0) {
        entry.enabled = *flag;
      } else {
        (slot == 1 ? entry.trusted : entry.check_valid_until) = flag;
      }
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

support::Result<std::vector<AptSourceEntry>> read_host_apt_sources(const fs::path& root) {
  const fs::path etc = root / "etc/apt";
  std::vector<fs::path> files;
  std::error_code ec;
  if (fs::is_regular_file(etc / "sources.list", ec)) {
    files.push_back(etc / "sources.list");
  }
  std::vector<fs::path> parts;
  for (fs::directory_iterator it(etc / "sources.list.d", ec), end; !ec && it != end; it.increment(ec)) {
    const auto ext = it->path().extension();
    if ((ext == ".list" || ext == ".sources") && it->is_regular_file(ec)) {
      parts.push_back(it->path());
    }
  }
  std::sort(parts.begin(), parts.end());
  files.insert(files.end(), parts.begin(), parts.end());

  std::vector<AptSourceEntry> entries;
  for (const auto& path : files) {
    auto text = support::read_file(path);
    if (!text) {
      return std::unexpected(text.error());
    }
    auto parsed = path.extension() == ".sources" ? parse_deb822_sources(*text, path.string())
                                                 : parse_one_line_sources(*text, path.string());
    if (!parsed) {
      return std::unexpected(parsed.error());
    }
    for (auto& e : *parsed) {
      entries.push_back(std::move(e));
    }
  }
  return entries;
}

} // namespace distill::backend::archive

#include "backend/deb/generators/alternatives.hpp"

#include "backend/deb/generators/shell_words.hpp"
#include "backend/deb/usrmerge.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

namespace distill::backend::deb::generators {

using support::Result;

namespace {

std::optional<long> to_priority(std::string_view text) {
  long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty()
             ? std::optional<long>(value)
             : std::nullopt;
}

std::optional<AlternativeChoice> parse_install(const std::vector<std::string>& words,
                                               std::size_t at, std::string& why) {
  if (at + 4 >= words.size()) {
    why = "--install needs LINK NAME PATH PRIORITY";
    return std::nullopt;
  }
  AlternativeChoice choice;
  choice.link = words[at + 1];
  choice.name = words[at + 2];
  choice.path = words[at + 3];
  const auto priority = to_priority(words[at + 4]);
  if (!priority) {
    why = "priority '" + words[at + 4] + "' is not a number";
    return std::nullopt;
  }
  choice.priority = *priority;
  for (std::size_t i = at + 5; i < words.size(); ++i) {
    const auto& w = words[i];
    if (w == "--slave" && i + 3 < words.size()) {
      choice.slaves.push_back({words[i + 1], words[i + 2], words[i + 3]});
      i += 3;
    } else if (w.starts_with('>') || w.starts_with("2>") || w == "/dev/null") {
      continue;
    } else {
      why = "unexpected argument '" + w + "'";
      return std::nullopt;
    }
  }
  return choice;
}

} // namespace

std::vector<AlternativeChoice> parse_alternatives(std::string_view script,
                                                  const std::string& package,
                                                  std::vector<Finding>& findings) {
  std::vector<AlternativeChoice> choices;
  for (const auto& line : shell_lines(script)) {
    const auto& words = line.words;
    if (words.empty() || words[0] != "update-alternatives") {
      continue;
    }
    const auto install = std::find(words.begin(), words.end(), "--install");
    if (install == words.end()) {
      if (std::find(words.begin(), words.end(), "--remove") == words.end() &&
          std::find(words.begin(), words.end(), "--remove-all") == words.end()) {
        findings.push_back({package, "update-alternatives call not modelled: " + line.text});
      }
      continue; // removals only matter on upgrade or removal
    }
    if (std::any_of(words.begin(), words.end(), [](const auto& w) { return has_expansion(w); })) {
      findings.push_back({package, "update-alternatives with computed arguments: " + line.text});
      continue;
    }
    std::string why;
    auto choice = parse_install(words, static_cast<std::size_t>(install - words.begin()), why);
    if (!choice) {
      findings.push_back({package, "update-alternatives line not understood (" + why + "): " + line.text});
      continue;
    }
    choice->package = package;
    choices.push_back(std::move(*choice));
  }
  return choices;
}

std::string alternatives_db_text(const std::vector<AlternativeChoice>& input) {
  std::vector<AlternativeChoice> choices = input;
  std::sort(choices.begin(), choices.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  std::map<std::string, std::string> slaves; // name -> link, sorted by name
  for (const auto& choice : choices) {
    for (const auto& slave : choice.slaves) {
      slaves.emplace(slave.name, slave.link);
    }
  }
  std::string out = "auto\n" + choices.front().link + "\n";
  for (const auto& [name, link] : slaves) {
    out += name + "\n" + link + "\n";
  }
  out += "\n";
  for (const auto& choice : choices) {
    out += choice.path + "\n" + std::to_string(choice.priority) + "\n";
    for (const auto& [name, link] : slaves) {
      std::string target;
      for (const auto& slave : choice.slaves) {
        if (slave.name == name) {
          target = slave.path;
        }
      }
      out += target + "\n";
    }
  }
  out += "\n";
  return out;
}

namespace {

// dpkg 1.21's update-alternatives gives both links the target's mtime.
std::int64_t target_mtime(const Context& context, const std::string& path) {
  auto resolved = context.image->resolve(path);
  if (resolved) {
    if (const fs::Entry* entry = context.image->find(*resolved)) {
      return entry->mtime;
    }
  }
  return context.epoch;
}

Result<void> link_pair(const Context& context, const std::string& link, const std::string& name,
                       const std::string& path, fs::Tree& out, std::vector<Finding>& findings,
                       const std::string& package) {
  const std::string public_link = context.merged_usr ? merge_usr_path(link) : link;
  const fs::Entry* existing = context.image->find(public_link);
  if (existing != nullptr && existing->type != fs::EntryType::symlink) {
    findings.push_back({package, "alternative " + name + ": " + link +
                                     " is a real file, not replaced by a link"});
    return {};
  }
  const std::int64_t mtime = target_mtime(context, path);
  if (auto ok = put(out, "/etc/alternatives/" + name, fs::make_symlink(path, mtime)); !ok) {
    return ok;
  }
  return put(out, public_link, fs::make_symlink("/etc/alternatives/" + name, mtime));
}

} // namespace

Result<void> generate_alternatives(const Context& context, bool write_db, fs::Tree& out,
                                   std::vector<Finding>& findings) {
  std::map<std::string, std::vector<AlternativeChoice>> by_name;
  for (const auto& package : context.packages) {
    for (auto& choice :
         parse_alternatives(package.deb->control.member("postinst"), package.name, findings)) {
      by_name[choice.name].push_back(std::move(choice));
    }
  }
  for (auto& [name, choices] : by_name) {
    std::stable_sort(choices.begin(), choices.end(),
                     [](const auto& a, const auto& b) { return a.path < b.path; });
    const AlternativeChoice* best = &choices.front();
    for (const auto& choice : choices) {
      if (choice.priority > best->priority) {
        best = &choice;
      }
    }
    if (auto ok = link_pair(context, best->link, name, best->path, out, findings, best->package); !ok) {
      return ok;
    }
    for (const auto& slave : best->slaves) {
      if (auto ok = link_pair(context, slave.link, slave.name, slave.path, out, findings,
                              best->package);
          !ok) {
        return ok;
      }
    }
    if (write_db) {
      if (auto ok = put(out, "/var/lib/dpkg/alternatives/" + name,
                        generated_file(alternatives_db_text(choices), 0644, context.epoch));
          !ok) {
        return ok;
      }
    }
  }
  return {};
}

} // namespace distill::backend::deb::generators

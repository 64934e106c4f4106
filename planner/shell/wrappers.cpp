#include "planner/shell/wrappers.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>

namespace distill::planner::shell {
namespace {

// How one wrapper reads its own words before the command it runs.
struct Wrapper {
  std::string_view name;
  std::string_view valued;                  // short options that take a value (`-u root`, `-uroot`)
  std::array<std::string_view, 11> long_valued; // long options that take a value (`--user root`, `--user=root`)
  std::string_view stops;                   // short options with which it runs no command (`sudo -l`)
  std::array<std::string_view, 5> long_stops;
  int operands = 0;         // words between the options and the command (timeout's duration)
  bool assignments = false; // NAME=value words before the command (env, sudo)
  bool numeric = false;     // `nice -10`: a number as an option
};

constexpr std::array<Wrapper, 12> k_wrappers = {{
    {"sudo", "ugpCDrtUTRh",
     {"--user", "--group", "--prompt", "--close-from", "--chdir", "--role", "--type", "--other-user",
      "--command-timeout", "--chroot", "--host"},
     "lveKV", {"--list", "--validate", "--edit", "--remove-timestamp", "--version"}, 0, true, false},
    {"doas", "uC", {}, "L", {}, 0, false, false},
    {"env", "uC", {"--unset", "--chdir"}, "S", {"--split-string", "--help", "--version"}, 0, true, false},
    {"nice", "n", {"--adjustment"}, "", {"--help", "--version"}, 0, false, true},
    {"ionice", "cn", {"--class", "--classdata"}, "pPu", {"--pid", "--pgid", "--uid", "--help", "--version"}, 0, false, false},
    {"nohup", "", {}, "", {"--help", "--version"}, 0, false, false},
    {"time", "fo", {"--format", "--output"}, "", {"--help", "--version"}, 0, false, false},
    {"command", "", {}, "vV", {}, 0, false, false},
    {"exec", "a", {}, "", {}, 0, false, false},
    {"eatmydata", "", {}, "", {"--help", "--version"}, 0, false, false},
    {"stdbuf", "ioe", {"--input", "--output", "--error"}, "", {"--help", "--version"}, 0, false, false},
    {"timeout", "sk", {"--signal", "--kill-after"}, "", {"--help", "--version"}, 1, false, false},
}};

std::string_view base_name(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

const Wrapper* find_wrapper(const Word& word) {
  if (!word.literal()) return nullptr;
  const std::string value = word.value();
  const std::string_view name = base_name(value);
  const auto found = std::ranges::find(k_wrappers, name, &Wrapper::name);
  return found == k_wrappers.end() ? nullptr : &*found;
}

bool listed(const auto& list, std::string_view value) { return std::ranges::find(list, value) != list.end(); }

// `NAME=value` as written (the value may expand).
bool assignment(const Word& word) {
  const std::string_view text = word.text;
  const std::size_t equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) return false;
  const std::string_view name = text.substr(0, text[equals - 1] == '+' ? equals - 1 : equals);
  return !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_') &&
         std::ranges::all_of(name, [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

enum class Read { next, stop, end };

// Reads the option word at `i` (advancing `i` past it and its value).
// `stop`: the wrapper runs no command; `end`: the options are over.
Read read_option(const Wrapper& wrapper, const std::vector<Word>& words, std::size_t& i) {
  const Word& word = words[i];
  if (!word.literal()) return Read::end;
  const std::string value = word.value();
  if (value == "--") {
    ++i;
    return Read::end;
  }
  if (value.size() < 2 || value[0] != '-') return Read::end;
  if (value.starts_with("--")) {
    const std::string_view name = std::string_view(value).substr(0, value.find('='));
    if (listed(wrapper.long_stops, name)) return Read::stop;
    i += listed(wrapper.long_valued, name) && name.size() == value.size() ? 2 : 1;
    return Read::next;
  }
  if (wrapper.numeric && std::ranges::all_of(value.substr(1), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    ++i;
    return Read::next;
  }
  for (std::size_t k = 1; k < value.size(); ++k) {
    if (wrapper.stops.find(value[k]) != std::string_view::npos) return Read::stop;
    if (wrapper.valued.find(value[k]) != std::string_view::npos) {
      i += k + 1 == value.size() ? 2 : 1; // the value is the next word, or the rest of this one
      return Read::next;
    }
  }
  ++i;
  return Read::next;
}

} // namespace

CommandStart command_start(const std::vector<Word>& words) {
  CommandStart start;
  while (start.index < words.size()) {
    const Wrapper* wrapper = find_wrapper(words[start.index]);
    if (wrapper == nullptr) break;
    std::size_t i = start.index + 1;
    Read read = Read::next;
    while (i < words.size() && read == Read::next) read = read_option(*wrapper, words, i);
    if (read == Read::stop) break;
    while (wrapper->assignments && i < words.size() && assignment(words[i])) ++i;
    start.wrappers.push_back(start.index);
    start.index = std::min(i + static_cast<std::size_t>(wrapper->operands), words.size());
  }
  return start;
}

} // namespace distill::planner::shell

#include "planner/debian/control.hpp"

#include <cstring>

namespace distill::planner::debian {
namespace {

constexpr char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

constexpr bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

// A field whose value is still growing by continuation lines.
struct OpenField {
  bool open = false;
  std::string_view name;
  const char* value_begin = nullptr;
  const char* value_end = nullptr;
  std::size_t line = 0;
  bool interrupted = false; // a comment line came after the field started
  bool needs_copy = false;  // a comment or '\r' sits inside the value
  bool saw_cr = false;      // some line of the field ended in "\r\n"
};

using MutableVisitor = std::function<support::Result<void>(Stanza&)>;

// Rebuilds a multi-line value without its comment lines and carriage returns.
std::string clean_copy(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  std::size_t pos = 0;
  while (pos <= raw.size()) {
    std::size_t nl = raw.find('\n', pos);
    std::string_view line = raw.substr(pos, nl == std::string_view::npos ? raw.npos : nl - pos);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (pos == 0 || line.empty() || line.front() != '#') {
      if (pos != 0) {
        out.push_back('\n');
      }
      out.append(line);
    }
    if (nl == std::string_view::npos) {
      break;
    }
    pos = nl + 1;
  }
  return std::string(trim(out));
}

class Parser {
public:
  Parser(std::string_view text, const ControlOptions& options, const MutableVisitor& visit)
      : m_text(text), m_options(options), m_visit(visit) {}

  support::Result<void> run() {
    std::size_t pos = 0;
    std::size_t line_no = 0;
    while (pos < m_text.size()) {
      const char* begin = m_text.data() + pos;
      const void* nl = std::memchr(begin, '\n', m_text.size() - pos);
      std::size_t len = nl ? static_cast<const char*>(nl) - begin : m_text.size() - pos;
      pos += len + 1;
      ++line_no;
      if (auto r = line(std::string_view(begin, len), line_no); !r) {
        return r;
      }
    }
    return end_stanza();
  }

private:
  support::Result<void> line(std::string_view raw, std::size_t line_no) {
    std::string_view text = raw;
    bool cr = false;
    if (!text.empty() && text.back() == '\r') {
      text.remove_suffix(1);
      cr = true;
    }
    if (trim(text).empty()) {
      return end_stanza();
    }
    char first = text.front();
    if (first == '#') {
      if (!m_options.allow_comments) {
        return support::fail("line {}: comment lines are not allowed here", line_no);
      }
      if (m_field.open) {
        m_field.interrupted = true;
      }
      return {};
    }
    if (first == ' ' || first == '\t') {
      if (!m_field.open) {
        return support::fail("line {}: continuation line without a field before it", line_no);
      }
      std::string_view content = trim(text);
      if (m_field.value_begin == m_field.value_end && m_field.value_begin != nullptr &&
          !m_field.interrupted && !cr) {
        // The first line of the value was empty: start the view here.
        m_field.value_begin = content.data();
      }
      if (m_field.interrupted || cr || m_field.saw_cr) {
        m_field.needs_copy = true;
      }
      m_field.value_end = content.data() + content.size();
      return {};
    }
    close_field();
    std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) {
      return support::fail("line {}: expected 'Field: value', got '{}'", line_no, text);
    }
    std::string_view name = trim(text.substr(0, colon));
    if (name.empty()) {
      return support::fail("line {}: empty field name", line_no);
    }
    if (m_options.reject_duplicates && m_stanza.find(name) != nullptr) {
      return support::fail("line {}: duplicate field '{}'", line_no, name);
    }
    std::string_view value = trim(text.substr(colon + 1));
    if (value.empty()) {
      // Point at the end of the line so continuation lines can take over.
      value = std::string_view(text.data() + text.size(), 0);
    }
    m_field = OpenField{true, name, value.data(), value.data() + value.size(), line_no, false, false, cr};
    if (m_stanza.fields.empty()) {
      m_stanza.line = line_no;
    }
    // Register the field now so duplicate checks see it; the value is
    // finished in close_field().
    m_stanza.fields.push_back(Field{name, {}, line_no});
    return {};
  }

  void close_field() {
    if (!m_field.open) {
      return;
    }
    Field& field = m_stanza.fields.back();
    std::string_view raw(m_field.value_begin, m_field.value_end - m_field.value_begin);
    if (m_field.needs_copy) {
      m_stanza.owned.push_back(std::make_unique<std::string>(clean_copy(raw)));
      field.value = *m_stanza.owned.back();
    } else {
      field.value = trim(raw);
    }
    m_field = OpenField{};
  }

  support::Result<void> end_stanza() {
    close_field();
    if (m_stanza.fields.empty()) {
      return {};
    }
    auto result = m_visit(m_stanza);
    m_stanza.fields.clear();
    m_stanza.owned.clear();
    m_stanza.line = 0;
    return result;
  }

  std::string_view m_text;
  const ControlOptions& m_options;
  const MutableVisitor& m_visit;
  Stanza m_stanza;
  OpenField m_field;
};

} // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) {
      return false;
    }
  }
  return true;
}

const Field* Stanza::find(std::string_view name) const {
  for (const Field& field : fields) {
    if (iequals(field.name, name)) {
      return &field;
    }
  }
  return nullptr;
}

std::string_view Stanza::get(std::string_view name) const {
  const Field* field = find(name);
  return field ? field->value : std::string_view{};
}

support::Result<void> for_each_stanza(
    std::string_view text, const std::function<support::Result<void>(const Stanza&)>& visit,
    const ControlOptions& options) {
  MutableVisitor adapter = [&](Stanza& stanza) { return visit(stanza); };
  Parser parser(text, options, adapter);
  return parser.run();
}

support::Result<std::vector<Stanza>> parse_control(std::string_view text,
                                                   const ControlOptions& options) {
  std::vector<Stanza> stanzas;
  MutableVisitor collect = [&](Stanza& stanza) -> support::Result<void> {
    // Owned values move with their unique_ptrs, so the views stay valid.
    stanzas.push_back(std::move(stanza));
    return {};
  };
  Parser parser(text, options, collect);
  auto result = parser.run();
  if (!result) {
    return std::unexpected(result.error());
  }
  return stanzas;
}

std::vector<std::string_view> value_lines(std::string_view value) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos <= value.size()) {
    std::size_t nl = value.find('\n', pos);
    std::string_view line = trim(value.substr(pos, nl == std::string_view::npos ? value.npos : nl - pos));
    if (!line.empty()) {
      lines.push_back(line);
    }
    if (nl == std::string_view::npos) {
      break;
    }
    pos = nl + 1;
  }
  return lines;
}

std::string_view first_line(std::string_view value) {
  return trim(value.substr(0, value.find('\n')));
}

} // namespace distill::planner::debian

#include "planner/shell/reader.hpp"

#include "planner/shell/scanner.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace distill::planner::shell {

namespace detail {
namespace {

constexpr std::array<std::string_view, 16> k_reserved = {
    "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for",
    "{", "}", "!", "function"};

constexpr int k_max_depth = 200; // nesting deeper than this is surely not a Dockerfile

} // namespace

bool Scanner::is_meta(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' || c == '>' ||
         c == '(' || c == ')' || c == '\r';
}
bool Scanner::is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool Scanner::is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

void Scanner::fail(std::string message) {
  if (!m_error) {
    m_error = SyntaxError{std::move(message), m_pos};
  }
}

void Scanner::skip_blanks() {
  while (m_pos < m_text.size()) {
    const char c = m_text[m_pos];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++m_pos;
    } else if (c == '\\' && peek(1) == '\n') {
      m_pos += 2;
    } else {
      break;
    }
  }
}

void Scanner::skip_comment() {
  if (peek() == '#') {
    while (m_pos < m_text.size() && m_text[m_pos] != '\n') {
      ++m_pos;
    }
  }
}

void Scanner::newline() {
  ++m_pos;
  read_heredoc_bodies();
}

void Scanner::skip_linebreaks() {
  while (!at_end()) {
    skip_blanks();
    skip_comment();
    if (peek() != '\n') {
      return;
    }
    newline();
  }
}

void Scanner::read_heredoc_bodies() {
  for (const PendingHeredoc& pending : m_pending) {
    const std::size_t begin = m_pos;
    std::string body;
    bool closed = false;
    while (m_pos < m_text.size()) {
      std::size_t eol = m_text.find('\n', m_pos);
      const bool last = eol == std::string::npos;
      if (last) {
        eol = m_text.size();
      }
      std::string_view line(m_text.data() + m_pos, eol - m_pos);
      m_pos = last ? eol : eol + 1;
      if (pending.strip_tabs) {
        while (!line.empty() && line.front() == '\t') {
          line.remove_prefix(1);
        }
      }
      if (line == pending.delimiter) {
        closed = true;
        break;
      }
      body.append(line);
      body.push_back('\n');
    }
    // An unclosed here-document runs to the end of the text (bash warns, dash accepts).
    (void)closed;
    m_bodies[pending.redirect_begin] = Body{std::move(body), begin};
  }
  m_pending.clear();
}

std::string_view Scanner::peek_reserved() const {
  std::size_t end = m_pos;
  while (end < m_text.size() && !is_meta(m_text[end])) {
    ++end;
  }
  const std::string_view word(m_text.data() + m_pos, end - m_pos);
  for (std::string_view reserved : k_reserved) {
    if (word == reserved) {
      return reserved;
    }
  }
  return {};
}

bool Scanner::at_stop(std::initializer_list<std::string_view> stop_words) const {
  const std::string_view reserved = peek_reserved();
  return !reserved.empty() && std::ranges::find(stop_words, reserved) != stop_words.end();
}

bool Scanner::expect_reserved(std::string_view word) {
  skip_linebreaks();
  if (at_end() || peek_reserved() != word) {
    fail("expected '" + std::string(word) + "'");
    return false;
  }
  m_pos += word.size();
  return true;
}

List Scanner::read_list(std::initializer_list<std::string_view> stop_words) {
  List list;
  skip_linebreaks();
  list.begin = m_pos;
  list.end = m_pos;
  if (++m_depth > k_max_depth) {
    fail("commands nested too deeply");
  }
  while (!at_end()) {
    skip_linebreaks();
    if (at_end() || peek() == ')' || looking_at(";;") || looking_at(";&")) {
      break;
    }
    const std::string_view reserved = peek_reserved();
    if (reserved == "then" || reserved == "else" || reserved == "elif" || reserved == "fi" ||
        reserved == "do" || reserved == "done" || reserved == "esac" || reserved == "}" ||
        (!reserved.empty() && std::ranges::find(stop_words, reserved) != stop_words.end())) {
      break;
    }
    const std::size_t before = m_pos;
    AndOr item = read_and_or();
    if (m_pos == before) {
      fail(std::string("unexpected '") + peek() + "'");
      break;
    }
    skip_blanks();
    skip_comment();
    const char c = peek();
    if (c == ';' && peek(1) != ';' && peek(1) != '&') {
      ++m_pos;
      item.terminator = ';';
    } else if (c == '&') {
      ++m_pos;
      item.terminator = '&';
      item.background = true;
    } else if (c == '\n') {
      item.terminator = '\n';
      newline();
    }
    list.end = item.end;
    list.items.push_back(std::move(item));
    if (list.items.back().terminator == 0) {
      break;
    }
  }
  --m_depth;
  return list;
}

AndOr Scanner::read_and_or() {
  AndOr result;
  result.begin = m_pos;
  result.pipelines.push_back(read_pipeline());
  while (!at_end()) {
    skip_blanks();
    if (looking_at("&&")) {
      result.ops.push_back(AndOrOp::and_if);
    } else if (looking_at("||")) {
      result.ops.push_back(AndOrOp::or_if);
    } else {
      break;
    }
    m_pos += 2;
    skip_linebreaks();
    result.pipelines.push_back(read_pipeline());
  }
  result.end = result.pipelines.back().end;
  return result;
}

Pipeline Scanner::read_pipeline() {
  Pipeline pipeline;
  skip_blanks();
  pipeline.begin = m_pos;
  if (peek_reserved() == "!") {
    pipeline.negated = true;
    ++m_pos;
    skip_blanks();
  }
  pipeline.commands.push_back(read_command());
  while (!at_end()) {
    skip_blanks();
    if (peek() != '|' || peek(1) == '|') {
      break;
    }
    const bool stderr_too = peek(1) == '&';
    m_pos += stderr_too ? 2 : 1;
    pipeline.pipe_stderr.push_back(stderr_too);
    skip_linebreaks();
    pipeline.commands.push_back(read_command());
  }
  pipeline.end = pipeline.commands.back().end;
  return pipeline;
}

Command Scanner::read_command() {
  skip_blanks();
  if (peek() == '(' && peek(1) == '(') {
    Command command;
    command.kind = Command::Kind::arithmetic;
    command.begin = m_pos;
    command.name = read_balanced('(', ')');
    command.end = m_pos;
    read_trailing_redirects(command);
    return command;
  }
  if (peek() == '(') {
    Command command;
    command.kind = Command::Kind::subshell;
    command.begin = m_pos;
    ++m_pos;
    command.bodies.push_back(read_list({}));
    skip_linebreaks();
    if (peek() != ')') {
      fail("expected ')' to close the subshell");
      return command;
    }
    ++m_pos;
    command.end = m_pos;
    read_trailing_redirects(command);
    return command;
  }
  const std::string_view reserved = peek_reserved();
  if (reserved == "{" || reserved == "if" || reserved == "for" || reserved == "while" ||
      reserved == "until" || reserved == "case" || reserved == "function") {
    Command command = read_compound(reserved);
    read_trailing_redirects(command);
    return command;
  }
  return read_simple();
}

void Scanner::read_trailing_redirects(Command& command) {
  while (!at_end()) {
    skip_blanks();
    if (!read_redirect(command.redirects)) {
      break;
    }
    command.end = m_pos;
  }
}

Command Scanner::read_compound(std::string_view keyword) {
  Command command;
  command.begin = m_pos;
  m_pos += keyword.size();
  if (keyword == "{") {
    command.kind = Command::Kind::brace_group;
    command.bodies.push_back(read_list({"}"}));
    expect_reserved("}");
  } else if (keyword == "if") {
    command.kind = Command::Kind::if_clause;
    command.bodies.push_back(read_list({"then"}));
    expect_reserved("then");
    command.bodies.push_back(read_list({"elif", "else", "fi"}));
    while (!at_end()) {
      skip_linebreaks();
      const std::string_view next = peek_reserved();
      if (next == "elif") {
        m_pos += 4;
        command.bodies.push_back(read_list({"then"}));
        expect_reserved("then");
        command.bodies.push_back(read_list({"elif", "else", "fi"}));
      } else if (next == "else") {
        m_pos += 4;
        command.bodies.push_back(read_list({"fi"}));
        break;
      } else {
        break;
      }
    }
    expect_reserved("fi");
  } else if (keyword == "while" || keyword == "until") {
    command.kind = keyword == "while" ? Command::Kind::while_clause : Command::Kind::until_clause;
    command.bodies.push_back(read_list({"do"}));
    expect_reserved("do");
    command.bodies.push_back(read_list({"done"}));
    expect_reserved("done");
  } else if (keyword == "for") {
    command.kind = Command::Kind::for_clause;
    skip_blanks();
    if (looking_at("((")) {
      command.name = read_balanced('(', ')');
    } else {
      const Word name = read_word();
      command.name = name.value();
      skip_linebreaks();
      if (peek_reserved().empty() && looking_at("in") && (m_pos + 2 >= m_text.size() || is_meta(peek(2)))) {
        m_pos += 2;
        command.has_in = true;
        while (!at_end()) {
          skip_blanks();
          if (is_meta(peek()) || peek() == '#' || m_pos >= m_text.size()) {
            break;
          }
          command.words.push_back(read_word());
        }
      }
    }
    skip_blanks();
    skip_comment();
    if (peek() == ';') {
      ++m_pos;
    }
    expect_reserved("do");
    command.bodies.push_back(read_list({"done"}));
    expect_reserved("done");
  } else if (keyword == "case") {
    command.kind = Command::Kind::case_clause;
    skip_blanks();
    command.words.push_back(read_word());
    skip_linebreaks();
    if (!looking_at("in") || !(m_pos + 2 >= m_text.size() || is_meta(peek(2)))) {
      fail("expected 'in' after 'case WORD'");
      return command;
    }
    m_pos += 2;
    while (!at_end()) {
      skip_linebreaks();
      if (peek_reserved() == "esac") {
        break;
      }
      if (peek() == '(') {
        ++m_pos;
      }
      std::vector<Word> patterns;
      while (!at_end()) {
        skip_blanks();
        patterns.push_back(read_word());
        skip_blanks();
        if (peek() == '|') {
          ++m_pos;
          continue;
        }
        break;
      }
      if (peek() != ')') {
        fail("expected ')' after a case pattern");
        break;
      }
      ++m_pos;
      command.patterns.push_back(std::move(patterns));
      command.bodies.push_back(read_list({"esac"}));
      skip_linebreaks();
      if (looking_at(";;&")) {
        m_pos += 3;
      } else if (looking_at(";;") || looking_at(";&")) {
        m_pos += 2;
      }
    }
    expect_reserved("esac");
  } else { // function name [()] compound
    command.kind = Command::Kind::function_def;
    skip_blanks();
    command.name = read_word().value();
    skip_blanks();
    if (peek() == '(') {
      ++m_pos;
      skip_blanks();
      if (peek() != ')') {
        fail("expected ')' after 'function NAME ('");
        return command;
      }
      ++m_pos;
    }
    skip_linebreaks();
    List body;
    body.begin = m_pos;
    AndOr item;
    Pipeline pipeline;
    pipeline.commands.push_back(read_command());
    pipeline.begin = item.begin = body.begin;
    pipeline.end = item.end = body.end = m_pos;
    item.pipelines.push_back(std::move(pipeline));
    body.items.push_back(std::move(item));
    command.bodies.push_back(std::move(body));
  }
  command.end = m_pos;
  return command;
}

bool Scanner::read_redirect(std::vector<Redirect>& into) {
  std::size_t at = m_pos;
  while (at < m_text.size() && std::isdigit(static_cast<unsigned char>(m_text[at]))) {
    ++at;
  }
  const bool has_fd = at > m_pos;
  if (at >= m_text.size() || (m_text[at] != '<' && m_text[at] != '>' && (has_fd || m_text[at] != '&'))) {
    return false;
  }
  static constexpr std::array<std::string_view, 12> k_ops = {"<<<", "<<-", "&>>", "<<", "<>", "<&", ">>",
                                                             ">|", ">&", "&>", "<", ">"};
  const std::string_view rest(m_text.data() + at, m_text.size() - at);
  std::string_view op;
  for (std::string_view candidate : k_ops) {
    if (rest.starts_with(candidate)) {
      op = candidate;
      break;
    }
  }
  if (op.empty() || (rest.starts_with("<(") || rest.starts_with(">("))) {
    return false; // `&` alone, or a process substitution (a word)
  }
  Redirect redirect;
  redirect.begin = m_pos;
  if (has_fd) {
    redirect.fd = std::stoi(m_text.substr(m_pos, at - m_pos).substr(0, 6));
  }
  redirect.op = std::string(op);
  m_pos = at + op.size();
  skip_blanks();
  if (m_pos >= m_text.size() || is_meta(peek())) {
    fail("missing the target of '" + redirect.op + "'");
    return false;
  }
  redirect.target = read_word();
  redirect.end = m_pos;
  if (redirect.op == "<<" || redirect.op == "<<-") {
    redirect.heredoc_quoted = std::ranges::any_of(redirect.target.parts, [](const WordPart& part) { return part.quoted; });
    m_pending.push_back({redirect.begin, redirect.target.value(), redirect.op == "<<-"});
  }
  into.push_back(std::move(redirect));
  return true;
}

namespace {

// `NAME=` or `NAME+=` at the start of an unquoted word.
std::optional<Assignment> as_assignment(const Word& word) {
  if (word.parts.empty() || word.parts.front().kind != WordPart::Kind::literal || word.parts.front().quoted) {
    return std::nullopt;
  }
  const std::string& first = word.parts.front().text;
  std::size_t i = 0;
  if (first.empty() || !Scanner::is_name_start(first[0])) {
    return std::nullopt;
  }
  while (i < first.size() && Scanner::is_name_char(first[i])) {
    ++i;
  }
  Assignment assignment;
  if (i < first.size() && first[i] == '+' && i + 1 < first.size() && first[i + 1] == '=') {
    assignment.append = true;
  } else if (i >= first.size() || first[i] != '=') {
    return std::nullopt;
  }
  assignment.name = first.substr(0, i);
  const std::size_t skip = i + (assignment.append ? 2 : 1);
  assignment.begin = word.begin;
  assignment.end = word.end;
  Word value = word;
  value.parts.front().text.erase(0, skip);
  value.parts.front().begin += skip;
  if (value.parts.front().text.empty()) {
    value.parts.erase(value.parts.begin());
  }
  value.begin = word.begin + skip;
  value.text = word.text.substr(std::min(skip, word.text.size()));
  assignment.value = std::move(value);
  return assignment;
}

} // namespace

Command Scanner::read_simple() {
  Command command;
  SimpleCommand& simple = command.simple;
  command.begin = simple.begin = m_pos;
  bool conditional = false; // inside [[ ... ]]
  while (!at_end()) {
    skip_blanks();
    if (m_pos >= m_text.size()) {
      break;
    }
    const char c = peek();
    if (conditional && !(c == ' ' || c == '\n')) {
      // Inside [[ ]], operators such as && < ( are words of the test.
      if (looking_at("]]") && (m_pos + 2 >= m_text.size() || is_meta(peek(2)))) {
        conditional = false;
      }
      std::size_t end = m_pos;
      if (is_meta(c)) {
        while (end < m_text.size() && is_meta(m_text[end]) && m_text[end] != ' ' && m_text[end] != '\n') {
          ++end;
        }
        Word op;
        op.begin = m_pos;
        op.end = end;
        op.text = m_text.substr(m_pos, end - m_pos);
        op.parts.push_back({WordPart::Kind::literal, op.text, "", true, false, nullptr, m_pos, end});
        m_pos = end;
        simple.words.push_back(std::move(op));
      } else {
        simple.words.push_back(read_word());
      }
      continue;
    }
    if (read_redirect(simple.redirects)) {
      continue;
    }
    if (c == '#' ) {
      skip_comment();
      break;
    }
    if (c == '(' && simple.words.size() == 1 && simple.assignments.empty() && simple.redirects.empty()) {
      // name() compound-command
      std::size_t at = m_pos + 1;
      while (at < m_text.size() && (m_text[at] == ' ' || m_text[at] == '\t')) {
        ++at;
      }
      if (at < m_text.size() && m_text[at] == ')') {
        command.kind = Command::Kind::function_def;
        command.name = simple.words.front().value();
        simple = SimpleCommand{};
        m_pos = at + 1;
        skip_linebreaks();
        List body;
        body.begin = m_pos;
        AndOr item;
        Pipeline pipeline;
        pipeline.commands.push_back(read_command());
        pipeline.begin = item.begin = body.begin;
        pipeline.end = item.end = body.end = m_pos;
        item.pipelines.push_back(std::move(pipeline));
        body.items.push_back(std::move(item));
        command.bodies.push_back(std::move(body));
        command.end = m_pos;
        return command;
      }
    }
    if (is_meta(c) && !((c == '<' || c == '>') && peek(1) == '(')) {
      break;
    }
    Word word = read_word();
    if (simple.words.empty()) {
      if (auto assignment = as_assignment(word)) {
        if (assignment->value.parts.empty() && peek() == '(') {
          // name=(a b c): a bash array, kept as its written text.
          const std::size_t open = m_pos;
          read_balanced('(', ')');
          assignment->value.parts.push_back(
              {WordPart::Kind::literal, m_text.substr(open, m_pos - open), "", false, false, nullptr, open, m_pos});
          assignment->value.text = m_text.substr(open, m_pos - open);
          assignment->value.end = assignment->end = m_pos;
        }
        simple.assignments.push_back(std::move(*assignment));
        simple.end = m_pos;
        continue;
      }
      if (word.literal() && word.value() == "[[" && word.parts.front().quoted == false) {
        conditional = true;
      }
    }
    simple.words.push_back(std::move(word));
    simple.end = m_pos;
  }
  simple.end = std::max(simple.end, simple.begin);
  if (!simple.redirects.empty()) {
    simple.end = std::max(simple.end, simple.redirects.back().end);
  }
  if (!simple.words.empty()) {
    simple.end = std::max(simple.end, simple.words.back().end);
  }
  command.end = simple.end;
  return command;
}

void Scanner::fill_heredocs(std::vector<Redirect>& redirects) {
  for (Redirect& redirect : redirects) {
    if (const auto found = m_bodies.find(redirect.begin); found != m_bodies.end()) {
      redirect.heredoc = found->second.text;
      redirect.heredoc_begin = found->second.begin;
    }
  }
}

void Scanner::fill_heredocs(Command& command) {
  fill_heredocs(command.simple.redirects);
  fill_heredocs(command.redirects);
  for (List& body : command.bodies) {
    fill_heredocs(body);
  }
}

void Scanner::fill_heredocs(List& list) {
  for (AndOr& item : list.items) {
    for (Pipeline& pipeline : item.pipelines) {
      for (Command& command : pipeline.commands) {
        fill_heredocs(command);
      }
    }
  }
}

List Scanner::read_all() {
  List list = read_list({});
  skip_linebreaks();
  if (!m_error && m_pos < m_text.size()) {
    const std::string_view reserved = peek_reserved();
    fail(reserved.empty() ? std::string("unexpected '") + peek() + "'"
                          : "unexpected '" + std::string(reserved) + "'");
  }
  read_heredoc_bodies();
  fill_heredocs(list);
  return list;
}

} // namespace detail

Script read_script(std::string text) {
  Script script;
  script.text = std::move(text);
  detail::Scanner scanner(script.text);
  script.list = scanner.read_all();
  script.error = scanner.error();
  return script;
}

} // namespace distill::planner::shell

#include "planner/rewrite/printf_format.hpp"

#include <algorithm>
#include <cctype>

namespace distill::planner::rewrite {

support::Result<std::string> format_printf(std::string_view format, const std::vector<std::string>& args) {
  std::string out;
  std::size_t next_arg = 0;
  do {
    bool consumed = false;
    for (std::size_t i = 0; i < format.size(); ++i) {
      const char c = format[i];
      if (c == '\\') {
        if (i + 1 >= format.size()) {
          out.push_back('\\');
          continue;
        }
        const char e = format[++i];
        switch (e) {
        case 'n': out.push_back('\n'); break;
        case 't': out.push_back('\t'); break;
        case 'r': out.push_back('\r'); break;
        case '\\': out.push_back('\\'); break;
        case '"': out.push_back('"'); break;
        case '\'': out.push_back('\''); break;
        default:
          if (e >= '0' && e <= '7') {
            int value = 0;
            std::size_t digits = 0;
            while (digits < 3 && i < format.size() && format[i] >= '0' && format[i] <= '7') {
              value = value * 8 + (format[i] - '0');
              ++i;
              ++digits;
            }
            --i;
            out.push_back(static_cast<char>(value));
            break;
          }
          return support::fail("escape \\{} is not modelled", e);
        }
        continue;
      }
      if (c != '%') {
        out.push_back(c);
        continue;
      }
      if (i + 1 >= format.size()) {
        return support::fail("format ends in '%'");
      }
      const char d = format[++i];
      if (d == '%') {
        out.push_back('%');
        continue;
      }
      const std::string arg = next_arg < args.size() ? args[next_arg] : std::string();
      if (next_arg < args.size()) {
        ++next_arg;
      }
      consumed = true;
      if (d == 's') {
        out += arg;
      } else if (d == 'b') {
        if (arg.find('\\') != std::string::npos) {
          return support::fail("%b with escapes is not modelled");
        }
        out += arg;
      } else if (d == 'd' || d == 'i') {
        std::string_view digits = arg;
        if (digits.starts_with("-")) {
          digits.remove_prefix(1);
        }
        if (!arg.empty() && (digits.empty() || !std::ranges::all_of(digits, [](char x) { return std::isdigit(static_cast<unsigned char>(x)); }))) {
          return support::fail("%d of '{}'", arg);
        }
        out += arg.empty() ? "0" : arg;
      } else {
        return support::fail("directive %{} is not modelled", d);
      }
    }
    if (!consumed) {
      break;
    }
  } while (next_arg < args.size());
  return out;
}

} // namespace distill::planner::rewrite
